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

"""Service mode."""

from __future__ import annotations

import os

from oslo_config import cfg

from glance_conf.audit import baseline
from glance_conf.audit import configure
from glance_conf.audit import manager
from glance_conf.audit import result as result_mod
from glance_conf.audit.finding import Severity
from glance_conf.audit.modes.service import audit_service

CINDER_CONF = '[DEFAULT]\nglance_api_servers = http://g:9292\n'


GLANCE_API_CONF = '[DEFAULT]\nshow_multiple_locations = true\n'


def _checks(*ids):
    return [c for c in manager.load_checks() if not ids or c.id in ids]


def test_service_mode_layers_files_in_order(write_conf):
    a = write_conf('[glance]\ntimeout = 30\n')
    b = write_conf('[glance]\n')
    result = audit_service([('--config-file', str(a)),
                            ('--config-file', str(b))],
                           _checks('GC301'))
    assert result.files == 2 and len(result.findings) == 0
    result = audit_service([('--config-file', str(b))],
                           _checks('GC301'))
    [found] = list(result.findings)
    assert found.file == str(b)  # unset options point at the last file


def test_service_mode_problem_stops_the_run(write_conf, tmp_path):
    good = write_conf('[glance]\n')
    result = audit_service([('--config-file', str(good)),
                            ('--config-file',
                             str(tmp_path / 'missing.conf'))],
                           _checks())
    assert [p.reason for p in result.problems] == ['no such file']
    assert result.files == 0 and len(result.findings) == 0


def test_service_mode_without_files_uses_nova_defaults(monkeypatch,
                                                       tmp_path):
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cfg, 'find_config_files', lambda **kw: [])
    monkeypatch.setattr(cfg, 'find_config_dirs', lambda **kw: [])
    result = audit_service([], _checks())
    assert 'none found' in result.problems[0].reason


def test_unparseable_by_oslo_is_reported_safely(write_conf, monkeypatch):
    path = write_conf('[glance]\n')

    def broken(*args, **kwargs):
        raise cfg.ConfigFileParseError(str(path), 'hunter2 line')
    monkeypatch.setattr(configure, 'parse', broken)
    result = audit_service([('--config-file', str(path))], _checks())
    assert 'hunter2' not in result.problems[0].reason
    assert os.path.basename(result.problems[0].path) == path.name


def test_service_mode_runs_host_checks_unless_offline(write_conf):
    path = write_conf('[glance]\ncafile = /nonexistent/ca.pem\n')
    args = [('--config-file', str(path))]
    result = audit_service(args, _checks('GC103'))
    assert [f.check_id for f in result.findings] == ['GC103']
    assert result.not_checked == []
    result = audit_service(args, _checks('GC103'), offline=True)
    assert list(result.findings) == []
    assert result.not_checked == ['GC103']


def test_known_findings_do_not_count_toward_the_gate(write_conf):
    path = write_conf('[glance]\ninsecure = True\n')
    result = audit_service([('--config-file', str(path))],
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


def test_service_mode_recognises_the_service_and_runs_its_checks(write_conf):
    path = write_conf(CINDER_CONF, 'cinder.conf')
    result = audit_service([('--config-file', str(path))],
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
    result = audit_service([('--config-file', str(path))],
                           manager.load_checks(), offline=True,
                           service='glance-api')
    try:
        assert result.service == 'glance-api'
        assert 'GC851' in {f.check_id for f in result.findings}
    finally:
        result.close()
