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

"""Fleet mode."""

from __future__ import annotations

from glance_conf import _files
from glance_conf.audit import manager
from glance_conf.audit import posture
from glance_conf.audit import result as result_mod
from glance_conf.audit.finding import Severity
from glance_conf.audit.modes.fleet import audit_fleet
from glance_conf.audit.modes.service import audit_service

CINDER_CONF = '[DEFAULT]\nglance_api_servers = http://g:9292\n'


GLANCE_API_CONF = '[DEFAULT]\nshow_multiple_locations = true\n'


NOVA_CONF = '[glance]\ninsecure = true\n'


def _checks(*ids):
    return [c for c in manager.load_checks() if not ids or c.id in ids]


def test_fleet_continues_past_bad_files(write_conf, tmp_path):
    paths = [str(write_conf('[glance]\ntimeout = 1\ndebug = %s\n'
                            % (i % 2 == 0))) for i in range(4)]
    paths.insert(2, str(tmp_path / 'missing.conf'))
    seen = []
    result = audit_fleet(paths, _checks('GC601', 'GC301'),
                         lambda done, total: seen.append((done, total)))
    assert result.files == 4 and result.problem_count == 1
    assert seen[-1] == (5, 5) and len(seen) == 5
    [drift] = list(result.findings)
    assert drift.check_id == 'GC601'
    assert result.worst() is Severity.MEDIUM


def test_fleet_reused_conf_does_not_leak_values(write_conf):
    paths = [str(write_conf('[glance]\ntimeout = 5\n')),
             str(write_conf('[glance]\n'))]
    result = audit_fleet(paths, _checks('GC301'))
    assert [f.file for f in result.findings] == [paths[1]]


def test_reference_loop_is_one_file_problem_in_a_fleet(write_conf):
    """It used to abort the whole report with an internal error."""
    loop = str(write_conf('[glance]\nregion_name = $region_name\n'
                          'timeout = 1\n'))
    others = [str(write_conf('[glance]\n')) for _ in range(2)]
    result = audit_fleet([others[0], loop, others[1]],
                         _checks('GC301', 'GC601'))
    assert [(p.path, p.reason) for p in result.problems] == [
        (loop, 'line 2: [glance] region_name: its $ references never end '
               '(a value refers back to itself)')]
    assert result.files == 2
    assert [f.file for f in result.findings] == others  # GC301 only
    result = audit_service([('--config-file', loop)], _checks())
    assert result.problem_count == 1 and len(result.findings) == 0


def test_fleet_is_offline_and_says_so(write_conf):
    """Fleet files are copies: their modes and the paths they name are
    not the hosts', so the host checks are not run, and listed."""
    path = write_conf('[glance]\ncafile = /nonexistent/ca.pem\n')
    path.chmod(0o666)
    checks = _checks('GC103', 'GC501', 'GC301')
    result = audit_fleet([str(path)], checks)
    assert {f.check_id for f in result.findings} == {'GC301'}
    assert result.not_checked == ['GC103', 'GC501']


def test_fleet_with_a_root_runs_the_host_checks(write_conf, tmp_path):
    path = write_conf('[glance]\ncafile = /etc/nova/ca.crt\n')
    (tmp_path / 'rootfs/etc/nova').mkdir(parents=True)
    host = _files.Host(str(tmp_path / 'rootfs'), _files.Account.current())
    result = audit_fleet([str(path)], _checks('GC103'), host=host)
    assert [f.check_id for f in result.findings] == ['GC103']
    assert result.not_checked == []
    (tmp_path / 'rootfs/etc/nova/ca.crt').write_text('x')
    result = audit_fleet([str(path)], _checks('GC103'), host=host)
    assert list(result.findings) == []


def test_fleet_findings_name_their_host_by_file_stem(write_conf):
    """The host, not the path, is part of a fleet finding's identity."""
    a = write_conf('[glance]\ninsecure = True\n', 'compute-1.conf')
    b = write_conf('[glance]\ninsecure = True\n', 'compute-2.conf')
    result = audit_fleet([str(a), str(b)], _checks('GC101'))
    assert [f.host for f in result.findings] == ['compute-1', 'compute-2']
    service = audit_service([('--config-file', str(a))],
                            _checks('GC101'))
    assert [f.host for f in service.findings] == [None]


def test_fleet_keeps_one_bounded_posture_row_per_host(write_conf,
                                                      monkeypatch):
    """The heat-map's rows: a host's values and their lines, at most
    MAX_POSTURE_ROWS of them, the rest counted."""
    paths = [str(write_conf('[DEFAULT]\ndebug = true\n[glance]\n'
                            'timeout = 5\n', 'compute-%d.conf' % i))
             for i in range(3)]
    monkeypatch.setattr(result_mod, 'MAX_POSTURE_ROWS', 2)
    result = audit_fleet(paths, _checks('GC601'))
    assert [row.host for row in result.posture] == ['compute-0', 'compute-1']
    assert result.posture_dropped == 1
    first = list(result.posture)[0]
    row = dict(zip([p.option for p in posture.POSTURE],
                   zip(first.values, first.lines, strict=True), strict=True))
    assert row['DEFAULT.debug'] == ('True', 2)
    assert row['glance.timeout'] == ('set', 4)
    assert row['glance.insecure'] == ('False', 0)


def test_a_fleet_of_three_services_judges_each_by_its_own(write_conf):
    paths = [str(write_conf(NOVA_CONF, 'compute-1.conf')),
             str(write_conf(CINDER_CONF, 'cinder.conf')),
             str(write_conf(GLANCE_API_CONF, 'glance-api.conf')),
             str(write_conf(NOVA_CONF, 'compute-2.conf'))]
    result = audit_fleet(paths, manager.load_checks())
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
    result = audit_fleet(paths, manager.load_checks())
    try:
        assert result.service == 'cinder'
        assert not [c for c in result.checks if 'cinder' not in c.services]
    finally:
        result.close()
