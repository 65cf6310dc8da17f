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

"""Service and fleet runs."""

from __future__ import annotations

import os

from glance_conf import _files
from glance_conf.audit import baseline
from glance_conf.audit import manager
from glance_conf.audit import posture
from glance_conf.audit import result as result_mod
from glance_conf.audit import runner
from glance_conf.audit.finding import Severity
from tests import bundles


def _checks(*ids):
    return [c for c in manager.load_checks() if not ids or c.id in ids]


def test_service_mode_layers_files_in_order(write_conf):
    a = write_conf('[glance]\ntimeout = 30\n')
    b = write_conf('[glance]\n')
    result = runner.audit_service([('--config-file', str(a)),
                                   ('--config-file', str(b))],
                                  _checks('GC301'))
    assert result.files == 2 and len(result.findings) == 0
    result = runner.audit_service([('--config-file', str(b))],
                                  _checks('GC301'))
    [found] = list(result.findings)
    assert found.file == str(b)  # unset options point at the last file


def test_service_mode_problem_stops_the_run(write_conf, tmp_path):
    good = write_conf('[glance]\n')
    result = runner.audit_service([('--config-file', str(good)),
                                   ('--config-file',
                                    str(tmp_path / 'missing.conf'))],
                                  _checks())
    assert [p.reason for p in result.problems] == ['no such file']
    assert result.files == 0 and len(result.findings) == 0


def test_service_mode_without_files_uses_nova_defaults(monkeypatch,
                                                       tmp_path):
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(runner.cfg, 'find_config_files', lambda **kw: [])
    monkeypatch.setattr(runner.cfg, 'find_config_dirs', lambda **kw: [])
    result = runner.audit_service([], _checks())
    assert 'none found' in result.problems[0].reason


def test_fleet_continues_past_bad_files(write_conf, tmp_path):
    paths = [str(write_conf('[glance]\ntimeout = 1\ndebug = %s\n'
                            % (i % 2 == 0))) for i in range(4)]
    paths.insert(2, str(tmp_path / 'missing.conf'))
    seen = []
    result = runner.audit_fleet(paths, _checks('GC601', 'GC301'),
                                lambda done, total: seen.append((done, total)))
    assert result.files == 4 and result.problem_count == 1
    assert seen[-1] == (5, 5) and len(seen) == 5
    [drift] = list(result.findings)
    assert drift.check_id == 'GC601'
    assert result.worst() is Severity.MEDIUM


def test_fleet_reused_conf_does_not_leak_values(write_conf):
    paths = [str(write_conf('[glance]\ntimeout = 5\n')),
             str(write_conf('[glance]\n'))]
    result = runner.audit_fleet(paths, _checks('GC301'))
    assert [f.file for f in result.findings] == [paths[1]]


def test_unparseable_by_oslo_is_reported_safely(write_conf, monkeypatch):
    path = write_conf('[glance]\n')

    def broken(*args, **kwargs):
        raise runner.cfg.ConfigFileParseError(str(path), 'hunter2 line')
    monkeypatch.setattr(runner, '_parse', broken)
    result = runner.audit_service([('--config-file', str(path))], _checks())
    assert 'hunter2' not in result.problems[0].reason
    assert os.path.basename(result.problems[0].path) == path.name


def test_reference_loop_is_one_file_problem_in_a_fleet(write_conf):
    """It used to abort the whole report with an internal error."""
    loop = str(write_conf('[glance]\nregion_name = $region_name\n'
                          'timeout = 1\n'))
    others = [str(write_conf('[glance]\n')) for _ in range(2)]
    result = runner.audit_fleet([others[0], loop, others[1]],
                                _checks('GC301', 'GC601'))
    assert [(p.path, p.reason) for p in result.problems] == [
        (loop, 'line 2: [glance] region_name: its $ references never end '
               '(a value refers back to itself)')]
    assert result.files == 2
    assert [f.file for f in result.findings] == others  # GC301 only
    result = runner.audit_service([('--config-file', loop)], _checks())
    assert result.problem_count == 1 and len(result.findings) == 0


def test_own_conf_never_loads_alternative_sources(write_conf):
    """No fetch: the driver would fail on this URI if it were tried."""
    path = write_conf('[DEFAULT]\nconfig_source = x\n[x]\n'
                      'driver = remote_file\nuri = http://[::1\n')
    conf = runner._new_conf()
    runner._parse(conf, ['--config-file', str(path)])
    assert conf.config_source == ['x'] and conf._sources == []


def test_fleet_is_offline_and_says_so(write_conf):
    """Fleet files are copies: their modes and the paths they name are
    not the hosts', so the host checks are not run, and listed."""
    path = write_conf('[glance]\ncafile = /nonexistent/ca.pem\n')
    path.chmod(0o666)
    checks = _checks('GC103', 'GC501', 'GC301')
    result = runner.audit_fleet([str(path)], checks)
    assert {f.check_id for f in result.findings} == {'GC301'}
    assert result.not_checked == ['GC103', 'GC501']


def test_fleet_with_a_root_runs_the_host_checks(write_conf, tmp_path):
    path = write_conf('[glance]\ncafile = /etc/nova/ca.crt\n')
    (tmp_path / 'rootfs/etc/nova').mkdir(parents=True)
    host = _files.Host(str(tmp_path / 'rootfs'), _files.Account.current())
    result = runner.audit_fleet([str(path)], _checks('GC103'), host=host)
    assert [f.check_id for f in result.findings] == ['GC103']
    assert result.not_checked == []
    (tmp_path / 'rootfs/etc/nova/ca.crt').write_text('x')
    result = runner.audit_fleet([str(path)], _checks('GC103'), host=host)
    assert list(result.findings) == []


def test_service_mode_runs_host_checks_unless_offline(write_conf):
    path = write_conf('[glance]\ncafile = /nonexistent/ca.pem\n')
    args = [('--config-file', str(path))]
    result = runner.audit_service(args, _checks('GC103'))
    assert [f.check_id for f in result.findings] == ['GC103']
    assert result.not_checked == []
    result = runner.audit_service(args, _checks('GC103'), offline=True)
    assert list(result.findings) == []
    assert result.not_checked == ['GC103']


def test_fleet_findings_name_their_host_by_file_stem(write_conf):
    """The host, not the path, is part of a fleet finding's identity."""
    a = write_conf('[glance]\ninsecure = True\n', 'compute-1.conf')
    b = write_conf('[glance]\ninsecure = True\n', 'compute-2.conf')
    result = runner.audit_fleet([str(a), str(b)], _checks('GC101'))
    assert [f.host for f in result.findings] == ['compute-1', 'compute-2']
    service = runner.audit_service([('--config-file', str(a))],
                                   _checks('GC101'))
    assert [f.host for f in service.findings] == [None]


def test_a_keyless_fleet_finding_is_scoped_to_its_group():
    [check] = _checks('GC601')
    found = check().finding('glance.insecure', 'm', '/f')
    assert runner._in_group(found, 'a').fingerprint != \
        runner._in_group(found, 'b').fingerprint


def test_known_findings_do_not_count_toward_the_gate(write_conf):
    path = write_conf('[glance]\ninsecure = True\n')
    result = runner.audit_service([('--config-file', str(path))],
                                  _checks('GC101', 'GC301'))
    assert result.worst() is Severity.HIGH
    high = [f for f in result.findings if f.check_id == 'GC101']
    result.use_baseline(baseline.Baseline('b.json', {
        f.fingerprint: baseline.Entry(f.fingerprint, f.check_id, f.option,
                                      None) for f in high}))
    assert result.worst() is Severity.LOW
    assert [result.decide(f, False).state for f in result.findings] == [
        result_mod.State.KNOWN, result_mod.State.OPEN]
    assert result.comparison is not None
    assert result.comparison.known[Severity.HIGH] == 1


def test_fleet_keeps_one_bounded_posture_row_per_host(write_conf,
                                                      monkeypatch):
    """The heat-map's rows: a host's values and their lines, at most
    MAX_POSTURE_ROWS of them, the rest counted."""
    paths = [str(write_conf('[DEFAULT]\ndebug = true\n[glance]\n'
                            'timeout = 5\n', 'compute-%d.conf' % i))
             for i in range(3)]
    monkeypatch.setattr(result_mod, 'MAX_POSTURE_ROWS', 2)
    result = runner.audit_fleet(paths, _checks('GC601'))
    assert [row.host for row in result.posture] == ['compute-0', 'compute-1']
    assert result.posture_dropped == 1
    first = list(result.posture)[0]
    row = dict(zip([p.option for p in posture.POSTURE],
                   zip(first.values, first.lines, strict=True), strict=True))
    assert row['DEFAULT.debug'] == ('True', 2)
    assert row['glance.timeout'] == ('set', 4)
    assert row['glance.insecure'] == ('False', 0)


# -- bundles ------------------------------------------------------------------

def test_bundles_are_hosts_named_by_their_bundle(tmp_path):
    """Labels ``host:path``, the bundle's host in findings and posture,
    one fleet when no bundle names a group."""
    from tests import bundles as make
    two = [make.config('/etc/nova/nova.conf', make.NOVA_CONF),
           make.config('/etc/nova/nova.conf.d/10.conf', '[glance]\n'
                       'insecure = True\n')]
    result = make.audit(tmp_path, make.bundle('a', files=two),
                        make.bundle('b'), make.bundle('c'))
    assert result.mode == 'fleet' and result.files == 4
    assert list(result.paths) == ['a:/etc/nova/nova.conf',
                            'a:/etc/nova/nova.conf.d/10.conf',
                            'b:/etc/nova/nova.conf', 'c:/etc/nova/nova.conf']
    assert [(r.host, r.group, r.file) for r in result.posture] == [
        ('a', '', 'a:/etc/nova/nova.conf'), ('b', '', 'b:/etc/nova/nova.conf'),
        ('c', '', 'c:/etc/nova/nova.conf')]
    assert result.groups == [] and result.not_checked == []
    gc101 = [f for f in result.findings if f.check_id == 'GC101']
    assert [(f.host, f.file) for f in gc101] == [
        ('a', 'a:/etc/nova/nova.conf.d/10.conf')]


def test_bundles_with_a_group_compare_within_groups(tmp_path):
    """A bundle with no group, beside grouped ones, is ungrouped."""
    from tests import bundles as make
    result = make.audit(tmp_path, make.bundle('a', 'az1'),
                        make.bundle('b'), ids=('GC601',))
    assert result.groups == ['(ungrouped)', 'az1']
    assert {r.host: r.group for r in result.posture} == {
        'a': 'az1', 'b': '(ungrouped)'}
    regrouped = make.audit(tmp_path, group_of=lambda host: ('g-' + host,))
    assert regrouped.groups == ['g-a', 'g-b']


CINDER_BUNDLE_CONF = '[DEFAULT]\nglance_api_servers = https://g:9292\n'


def test_a_host_has_one_bundle_per_service(tmp_path):
    """A controller's nova, cinder and glance-api bundles are three
    audits of one host, each by its service's profile; with nova
    verifying, GC610 sees the host's cinder although it is one host."""
    from tests import bundles as make
    cinder = make.bundle('ctl', files=[make.config(
        '/etc/cinder/conf.d/10.conf', CINDER_BUNDLE_CONF)], paths={},
        service='cinder')
    glance = make.bundle('ctl', files=[make.config(
        '/etc/glance/g.conf', GLANCE_API_CONF)], paths={},
        service='glance-api')
    result = make.audit(tmp_path, make.bundle('ctl'), cinder, glance)
    try:
        assert result.problems == []
        assert result.service == 'mixed'
        assert result.file_services['ctl:/etc/cinder/conf.d/10.conf'] == \
            'cinder'
        assert result.file_services['ctl:/etc/glance/g.conf'] == \
            'glance-api'
        found = {(f.check_id, f.file) for f in result.findings}
        assert ('GC610', 'ctl:/etc/cinder/conf.d/10.conf') in found
        assert ('GC851', 'ctl:/etc/glance/g.conf') in found
    finally:
        result.close()


def test_a_second_bundle_of_a_host_and_service_is_refused(tmp_path):
    from tests import bundles as make
    # One says its service, the other is recognised as nova's.
    make.write(tmp_path, make.bundle('ctl'), 'ctl-copy.json')
    result = make.audit(tmp_path, make.bundle('ctl', service='nova'),
                        ids=('GC101',))
    try:
        assert [p.reason for p in result.problems] == [
            'host ctl has another bundle of nova too; each host has one '
            'per service']
    finally:
        result.close()


def test_a_bundle_of_another_service_than_given_is_refused(tmp_path):
    from tests import bundles as make
    result = make.audit(tmp_path, make.bundle('st', service='cinder'),
                        make.bundle('cmp'), ids=('GC101',),
                        service='nova')
    try:
        assert [(p.path.endswith('st@cinder.json'), p.reason)
                for p in result.problems] == [
            (True, 'the bundle is of cinder, not of nova (--service)')]
        assert list(result.hosts) == ['cmp']
    finally:
        result.close()


# -- Service profiles ------------------------------------------------------

CINDER_CONF = '[DEFAULT]\nglance_api_servers = http://g:9292\n'
GLANCE_API_CONF = '[DEFAULT]\nshow_multiple_locations = true\n'
NOVA_CONF = '[glance]\ninsecure = true\n'


def test_service_mode_recognises_the_service_and_runs_its_checks(write_conf):
    path = write_conf(CINDER_CONF, 'cinder.conf')
    result = runner.audit_service([('--config-file', str(path))],
                                  manager.load_checks(), offline=True)
    try:
        assert result.service == 'cinder'
        assert result.file_services == {str(path): 'cinder'}
        # cinder's checks, and the cross-service fleet check (GC610).
        assert {c.id[:3] for c in result.checks} == {'GC8', 'GC6'}
        assert {c.id for c in result.checks if c.id[:3] == 'GC6'} == {
            'GC610', 'GC611', 'GC612'}
        assert {f.check_id for f in result.findings} == {
            'GC801', 'GC806', 'GC810'}
    finally:
        result.close()


def test_service_mode_obeys_the_service_given(write_conf):
    """A file named nova.conf audited as glance-api's, on request."""
    path = write_conf(GLANCE_API_CONF, 'nova.conf')
    result = runner.audit_service([('--config-file', str(path))],
                                  manager.load_checks(), offline=True,
                                  service='glance-api')
    try:
        assert result.service == 'glance-api'
        assert 'GC851' in {f.check_id for f in result.findings}
    finally:
        result.close()


def test_a_fleet_of_three_services_judges_each_by_its_own(write_conf):
    paths = [str(write_conf(NOVA_CONF, 'compute-1.conf')),
             str(write_conf(CINDER_CONF, 'cinder.conf')),
             str(write_conf(GLANCE_API_CONF, 'glance-api.conf')),
             str(write_conf(NOVA_CONF, 'compute-2.conf'))]
    result = runner.audit_fleet(paths, manager.load_checks())
    try:
        assert result.service == 'mixed'
        assert [result.service_of(p) for p in paths] == [
            'nova', 'cinder', 'glance-api', 'nova']
        # A nova file costs no entry: a nova fleet keeps nothing per file.
        assert set(result.file_services) == {paths[1], paths[2]}
        by_file = {}
        for found in result.findings:
            by_file.setdefault(found.file, set()).add(found.check_id[:3])
        assert by_file[paths[1]] == {'GC8'}
        assert by_file[paths[2]] == {'GC8'}
        assert 'GC8' not in by_file[paths[0]]
        # The posture (nova's [glance]) is the nova hosts'.
        assert [row.file for row in result.posture] == [paths[0], paths[3]]
        assert {c.id for c in result.checks} >= {'GC101', 'GC801', 'GC851'}
    finally:
        result.close()


def test_a_fleet_of_one_service_is_that_service(write_conf):
    paths = [str(write_conf(CINDER_CONF, 'a.conf')),
             str(write_conf(CINDER_CONF, 'b.conf'))]
    result = runner.audit_fleet(paths, manager.load_checks())
    try:
        assert result.service == 'cinder'
        assert not [c for c in result.checks if 'cinder' not in c.services]
    finally:
        result.close()


class Watch:
    """An observer: the last file of each config it saw, and its host."""

    def __init__(self):
        self.seen = []

    def observe(self, target, host):
        self.seen.append((target.files[-1].path, host))


def test_every_mode_shows_each_audited_config_to_its_observers(write_conf,
                                                               tmp_path):
    """Once per config audited; a config that could not load is not
    shown. Observers are no checks: the result's checks are the same."""
    loop = str(write_conf('[glance]\nregion_name = $region_name\n'))
    good = [str(write_conf('[glance]\n')) for _ in range(2)]
    watch = Watch()
    result = runner.audit_fleet([good[0], loop, good[1]], _checks(),
                                observers=[watch])
    assert watch.seen == [(good[0], None), (good[1], None)]
    unwatched = runner.audit_fleet(good, _checks())
    assert result.checks == unwatched.checks
    result.close()
    unwatched.close()
    watch = Watch()
    host = _files.Host()
    runner.audit_service([('--config-file', good[0])], _checks(),
                         host=host, observers=[watch]).close()
    assert watch.seen == [(good[0], host)]
    watch = Watch()
    path = bundles.write(tmp_path, bundles.bundle('compute-07', files=[
        bundles.config('/etc/nova/nova.conf', '[glance]\n')], paths={}))
    runner.audit_bundles([path], _checks(), observers=[watch]).close()
    [(seen, facts)] = watch.seen
    assert seen == 'compute-07:/etc/nova/nova.conf'
    assert facts is not None  # the host the bundle recorded
