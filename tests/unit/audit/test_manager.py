# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Plugin loading (checks and report formats) fails closed."""

from __future__ import annotations

import pytest
from stevedore import extension

from glance_conf import GlanceConfError
from glance_conf.audit import base
from glance_conf.audit import manager
from glance_conf.audit import report
from glance_conf.audit.checks import transport
from glance_conf.audit.exception import CheckLoadError
from glance_conf.audit.exception import FormatLoadError
from glance_conf.audit.finding import Severity
from glance_conf.audit.report import html
from glance_conf.audit.report import json_report
from glance_conf.audit.report import junit
from glance_conf.audit.report import prometheus
from glance_conf.audit.report import sarif
from glance_conf.audit.report import text
from tests.unit.conftest import site_writer

CATALOGUE = {
    'GC101': 'high', 'GC102': 'medium', 'GC103': 'high', 'GC104': 'high',
    'GC105': 'medium', 'GC106': 'info', 'GC107': 'high',
    'GC201': 'high', 'GC202': 'medium', 'GC207': 'low',
    'GC204': 'high', 'GC205': 'medium', 'GC206': 'medium',
    'GC203': 'low', 'GC301': 'low', 'GC302': 'high', 'GC303': 'medium',
    'GC304': 'info', 'GC305': 'info', 'GC306': 'info',
    'GC307': 'low', 'GC401': 'medium', 'GC402': 'medium',
    'GC403': 'low',
    'GC501': 'high', 'GC502': 'medium', 'GC503': 'low', 'GC504': 'low',
    'GC505': 'medium', 'GC507': 'high', 'GC506': 'low', 'GC601': 'medium',
    'GC610': 'medium',
    'GC701': 'high', 'GC702': 'medium', 'GC703': 'high', 'GC704': 'medium',
    'GC705': 'medium', 'GC706': 'info', 'GC707': 'medium',
    # cinder's image client
    'GC800': 'medium', 'GC801': 'medium', 'GC802': 'high', 'GC803': 'high',
    'GC804': 'high', 'GC805': 'medium', 'GC806': 'low', 'GC807': 'low',
    'GC808': 'medium', 'GC809': 'high', 'GC810': 'info',
    # glance-api
    'GC850': 'medium', 'GC851': 'high', 'GC852': 'medium', 'GC853': 'low',
    'GC854': 'medium', 'GC855': 'medium', 'GC856': 'low', 'GC857': 'low',
    # the trust path's other cross-service fleet checks
    'GC611': 'medium', 'GC612': 'medium',
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
    with pytest.raises(CheckLoadError, match=reason):
        manager.load_checks(_mgr(*pairs))


@pytest.mark.parametrize('attr,value,reason', [
    ('severity', 'high', 'severity'), ('cwe', 0, 'cwe'),
    ('cwe', True, 'cwe'), ('title', None, 'title'),
    ('__doc__', None, 'docstring')])
def test_malformed_fields_are_errors(attr, value, reason):
    bad = type('Bad', (transport.TlsVerificationDisabled,), {attr: value})
    with pytest.raises(CheckLoadError, match=reason):
        manager.validate_check('GC101', bad)


@pytest.mark.parametrize('check_id,services,reason', [
    ('GC101', 'nova', 'services must be a tuple'),
    ('GC101', (), 'services must be a tuple'),
    ('GC101', ('nova', 'nova'), 'services must be a tuple'),
    ('GC101', ('swift',), 'services must be a tuple'),
    # The GC8xx ranges are each one service's.
    ('GC801', ('nova',), 'GC800-GC849 are kept for cinder'),
    ('GC851', ('cinder',), 'GC850-GC899 are kept for glance-api'),
    ('GC851', ('glance-api', 'nova'), 'GC850-GC899 are kept'),
])
def test_a_check_names_the_services_it_judges(check_id, services, reason):
    bad = type('Bad', (transport.TlsVerificationDisabled,),
               {'id': check_id, 'services': services, '__doc__': 'Doc.'})
    with pytest.raises(CheckLoadError, match=reason):
        manager.validate_check(check_id, bad)


def test_a_site_check_may_judge_any_service():
    site = type('Site', (transport.TlsVerificationDisabled,),
                {'id': 'GC901', 'services': ('nova', 'cinder'),
                 '__doc__': 'A site\'s check of two services.'})
    assert manager.validate_check('GC901', site) is site
    assert manager.for_service([site, transport.TlsVerificationDisabled],
                               'cinder') == [site]


class SiteCheck(transport.TlsVerificationDisabled):
    """A site's own check that (wrongly) reuses a built-in ID."""


def test_unimportable_plugin_is_an_error(site_plugin):
    # A real installed distribution whose check cannot be imported.
    site_plugin('GC998 = no_such_module_xyz:Check')
    with pytest.raises(CheckLoadError, match='GC998.*cannot be '
                       'loaded.*ModuleNotFoundError'):
        manager.load_checks()


def test_site_plugin_with_taken_id_is_an_error(site_plugin):
    site_plugin('GC101 = tests.unit.audit.test_manager:SiteCheck')
    with pytest.raises(CheckLoadError, match='duplicate ID GC101'):
        manager.load_checks()


def test_select_skips_and_refuses_unknown_ids():
    checks = manager.load_checks()
    kept = manager.select(checks, ['gc101', ' GC504 ', ''])
    assert {c.id for c in checks} - {c.id for c in kept} == {'GC101',
                                                             'GC504'}
    with pytest.raises(CheckLoadError, match='no such check'):
        manager.select(checks, ['GC999'])


# -- report formats -----------------------------------------------------------

def test_installed_formats_are_the_writers():
    assert manager.load_formats() == {'html': html.render,
                                      'json': json_report.render,
                                      'junit': junit.render,
                                      'prometheus': prometheus.render,
                                      'sarif': sarif.render,
                                      'text': text.render}


@pytest.mark.parametrize('pairs,reason', [
    ([('XML', site_writer)], 'malformed name'),
    ([('x y', site_writer)], 'malformed name'),
    ([('xml', 'render')], 'not a writer function'),
    ([('xml', report)], 'not a writer function'),
    ([('xml', FormatLoadError)], 'not a writer function'),  # a class
    ([('xml', site_writer), ('xml', site_writer)], 'duplicate format'),
    ([], 'no report formats'),
])
def test_malformed_formats_are_errors(pairs, reason):
    with pytest.raises(FormatLoadError, match=reason) as err:
        manager.load_formats(_mgr(*pairs))
    assert isinstance(err.value, GlanceConfError)


def test_unimportable_format_is_an_error(site_plugin):
    site_plugin('xml = no_such_module_xyz:render', report.NAMESPACE)
    with pytest.raises(FormatLoadError, match="report format 'xml'.*cannot "
                       'be loaded.*ModuleNotFoundError'):
        manager.load_formats()


def test_site_format_with_a_taken_name_is_an_error(site_plugin):
    """A second ``json`` must not silently replace (or lose to) ours."""
    site_plugin('json = tests.unit.conftest:site_writer',
                report.NAMESPACE)
    with pytest.raises(FormatLoadError, match="'json'.*duplicate format"):
        manager.load_formats()


def test_site_format_is_loaded(site_plugin):
    site_plugin('site = tests.unit.conftest:site_writer',
                report.NAMESPACE)
    assert manager.load_formats()['site'] is site_writer


@pytest.mark.parametrize('references,reason', [
    (['nist-800-53/SC-8'], 'tuple'),
    (('SC-8',), 'malformed reference'),
    (('nist-800-53/sc-8',), 'malformed reference'),
    (('iso-27001/A.8',), 'malformed reference'),
    (('security-guide/Check-Compute-5',), 'malformed reference'),
    ((8,), 'malformed reference'),
    (('ossn/OSSN-0090', 'ossn/OSSN-0090'), 'twice')])
def test_malformed_references_are_errors(references, reason):
    bad = type('Bad', (transport.TlsVerificationDisabled,),
               {'references': references, '__doc__': 'Doc.'})
    with pytest.raises(CheckLoadError, match=reason):
        manager.validate_check('GC101', bad)


def test_every_check_cites_a_nist_control():
    for check in manager.load_checks():
        assert any(r.startswith('nist-800-53/') for r in check.references), \
            check.id


def test_the_security_guide_items_map_to_these_checks():
    """Check-Compute-01 is ownership, -02 the modes, -05 the transport."""
    cited: dict[str, set[str]] = {}
    for check in manager.load_checks():
        for ref in check.references:
            if ref.startswith('security-guide/'):
                cited.setdefault(ref, set()).add(check.id)
    assert cited == {
        'security-guide/Check-Compute-01': {'GC503'},
        'security-guide/Check-Compute-02': {'GC501', 'GC502', 'GC506',
                                            'GC507'},
        'security-guide/Check-Compute-05': {'GC101', 'GC102'}}
