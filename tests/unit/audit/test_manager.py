"""Check loading fails closed."""

from __future__ import annotations

import pytest
from stevedore import extension

from glance_conf.audit import base
from glance_conf.audit import manager
from glance_conf.audit.checks import transport
from glance_conf.audit.finding import Severity

CATALOGUE = {
    'GC101': 'high', 'GC102': 'medium', 'GC103': 'high', 'GC104': 'high',
    'GC105': 'medium', 'GC106': 'low', 'GC107': 'high',
    'GC201': 'high', 'GC202': 'medium',
    'GC203': 'low', 'GC301': 'low', 'GC302': 'high', 'GC303': 'medium',
    'GC304': 'info', 'GC305': 'info', 'GC401': 'medium', 'GC402': 'medium',
    'GC403': 'low',
    'GC501': 'high', 'GC502': 'medium', 'GC503': 'medium', 'GC504': 'low',
    'GC505': 'medium', 'GC601': 'medium',
}


def _mgr(*pairs):
    return extension.ExtensionManager.make_test_instance(
        [extension.Extension(name, None, plugin, None)
         for name, plugin in pairs])


def test_installed_catalogue_matches_the_spec():
    checks = manager.load_checks()
    assert {c.id: c.severity.label for c in checks} == CATALOGUE
    assert [c.id for c in checks] == sorted(CATALOGUE)
    for check in checks:
        assert check.doc() and check.title and check.cwe > 0


def test_loads_a_valid_test_instance():
    checks = manager.load_checks(
        _mgr(('GC101', transport.TlsVerificationDisabled)))
    assert checks == [transport.TlsVerificationDisabled]


class _Bad(base.Check):
    """Doc."""

    id = 'GC1'
    severity = Severity.LOW
    cwe = 1
    title = 't'
    remediation = 'r'

    def run(self, conf):
        return iter(())


@pytest.mark.parametrize('pairs,reason', [
    ([('GC1', _Bad)], 'malformed ID'),
    ([('GC102', transport.TlsVerificationDisabled)], 'does not match'),
    ([('GC101', transport.TlsVerificationDisabled),
      ('GC101', transport.TlsVerificationDisabled)], 'duplicate ID'),
    ([('GC101', object)], 'not a Check'),
    ([('GC101', transport.TlsVerificationDisabled())], 'not a Check'),
    ([], 'no checks'),
])
def test_malformed_plugins_are_errors(pairs, reason):
    with pytest.raises(manager.CheckLoadError, match=reason):
        manager.load_checks(_mgr(*pairs))


@pytest.mark.parametrize('attr,value,reason', [
    ('severity', 'high', 'severity'), ('cwe', 0, 'cwe'),
    ('cwe', True, 'cwe'), ('title', None, 'title'),
    ('__doc__', None, 'docstring')])
def test_malformed_fields_are_errors(attr, value, reason):
    bad = type('Bad', (transport.TlsVerificationDisabled,), {attr: value})
    with pytest.raises(manager.CheckLoadError, match=reason):
        manager.validate_check('GC101', bad)


class SiteCheck(transport.TlsVerificationDisabled):
    """A site's own check that (wrongly) reuses a built-in ID."""


def _fake_distribution(root, entry_points):
    info = root / 'broken_checks-1.0.dist-info'
    info.mkdir(parents=True)
    (info / 'METADATA').write_text('Metadata-Version: 2.1\n'
                                   'Name: broken-checks\nVersion: 1.0\n')
    (info / 'entry_points.txt').write_text(
        '[%s]\n%s\n' % (base.NAMESPACE, entry_points))


@pytest.fixture
def site_plugin(tmp_path, monkeypatch):
    """Install a distribution declaring the given check entry point."""
    def install(line):
        _fake_distribution(tmp_path, line)
        monkeypatch.syspath_prepend(str(tmp_path))
        # stevedore caches entry points per namespace for the process.
        monkeypatch.setattr(extension.ExtensionManager, 'ENTRY_POINT_CACHE',
                            {})
    return install


def test_unimportable_plugin_is_an_error(site_plugin):
    # A real installed distribution whose check cannot be imported.
    site_plugin('GC998 = no_such_module_xyz:Check')
    with pytest.raises(manager.CheckLoadError, match='GC998.*cannot be '
                       'loaded.*ModuleNotFoundError'):
        manager.load_checks()


def test_site_plugin_with_taken_id_is_an_error(site_plugin):
    site_plugin('GC101 = tests.unit.audit.test_manager:SiteCheck')
    with pytest.raises(manager.CheckLoadError, match='duplicate ID GC101'):
        manager.load_checks()


def test_select_skips_and_refuses_unknown_ids():
    checks = manager.load_checks()
    kept = manager.select(checks, ['gc101', ' GC504 ', ''])
    assert {c.id for c in checks} - {c.id for c in kept} == {'GC101',
                                                             'GC504'}
    with pytest.raises(manager.CheckLoadError, match='no such check'):
        manager.select(checks, ['GC999'])
