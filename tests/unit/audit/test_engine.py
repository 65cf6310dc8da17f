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

"""The one check engine, and the runtime API (run, enforce) on it."""

from __future__ import annotations

import json
import logging

import pytest
from oslo_config import cfg

import glance_conf
from glance_conf import _files
from glance_conf import audit
from glance_conf.audit import base
from glance_conf.audit import engine
from glance_conf.audit import manager
from glance_conf.audit import runner
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import AuditedConf
from glance_conf.cmd import audit as cli
from tests.conftest import SECURE
from tests.conftest import parse


def _conf(write_conf, text):
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, write_conf(text))
    return conf


def test_run_returns_findings_for_a_parsed_conf(write_conf):
    conf = _conf(write_conf, '[glance]\nverify_glance_signatures = false\n')
    ids = {f.check_id for f in audit.run(conf)}
    assert 'GC201' in ids and 'GC601' not in ids


def test_secure_config_has_nothing_at_low_or_above(audit_text):
    findings = audit_text(SECURE)
    assert [f for f in findings if f.severity >= audit.Severity.LOW] == []


def test_enforce_logs_every_finding_and_raises_at_threshold(write_conf,
                                                            caplog):
    conf = _conf(write_conf, '[glance]\nverify_glance_signatures = false\n')
    with caplog.at_level(logging.INFO, logger='glance_conf.audit'):
        with pytest.raises(audit.AuditFailure) as err:
            audit.enforce(conf, fail_at='high')
    assert 'image signatures are not verified' in caplog.text
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    assert {f.check_id for f in err.value.findings} >= {'GC201'}
    assert all(f.severity >= audit.Severity.HIGH for f in err.value.findings)
    assert 'GC201' in str(err.value)


def test_enforce_passes_below_threshold(write_conf, caplog):
    conf = _conf(write_conf, '[glance]\n')
    with caplog.at_level(logging.INFO, logger='glance_conf.audit'):
        findings = audit.enforce(conf, fail_at='high')
    assert {f.check_id for f in findings} >= {'GC301', 'GC202'}
    assert 'GC301' in caplog.text
    assert audit.enforce(conf, fail_at='never')


def test_enforce_never_logs_secrets(write_conf, caplog):
    conf = _conf(write_conf, '[glance]\napi_servers = '
                             'https://nova:hunter2@glance\n')
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(audit.AuditFailure) as err:
            audit.enforce(conf, fail_at='medium')
    assert 'hunter2' not in caplog.text + str(err.value)


def test_run_audits_a_file_over_the_cli_limit(write_conf):
    """oslo.config parsed it, so the runtime API audits it too."""
    from glance_conf.audit import source

    padding = '# %s\n' % ('x' * 1000)
    text = ('[glance]\nverify_glance_signatures = false\n'
            + padding * (source.MAX_FILE_SIZE // len(padding) + 1))
    conf = _conf(write_conf, text)
    with pytest.raises(audit.AuditFailure) as err:
        audit.enforce(conf)
    assert 'GC201' in {f.check_id for f in err.value.findings}
    assert 'GC201' in {f.check_id for f in audit.run(conf)}


def test_reference_loop_is_a_clear_error_not_a_crash(write_conf):
    conf = _conf(write_conf, '[glance]\nregion_name = $region_name\n')
    for call in (audit.run, audit.enforce):
        with pytest.raises(glance_conf.GlanceConfError) as err:
            call(conf)
        assert 'line 2: [glance] region_name' in str(err.value)


def test_package_reexports_the_engine():
    """``glance_conf.audit`` holds no logic of its own, only the API."""
    assert (audit.run, audit.enforce) == (engine.run, engine.enforce)
    assert set(audit.__all__) == {'AuditFailure', 'AuditedConf', 'Finding',
                                  'Severity', 'enforce', 'run'}


# -- the engine places findings -----------------------------------------------

class OptionOnly(base.Check):
    """Says what and which option, never where: the engine's job."""

    id = 'GC990'
    severity = Severity.HIGH
    cwe = 295
    title = 'Test'
    remediation = 'Nothing.'

    def run(self, conf):
        yield self.finding('insecure', 'insecure is on')
        yield self.finding('DEFAULT.debug', 'service debug')
        yield self.finding('timeout', 'unset, so the last file')
        yield self.finding(None, 'about no option')
        yield self.finding('glance.x', 'placed by the check', '/else', 9)


def _placed(findings):
    return [(f.option, f.file, f.line) for f in findings]


def test_engine_fills_file_and_line_from_the_option(write_conf):
    first = write_conf('[DEFAULT]\ndebug = true\n')
    last = write_conf('[glance]\n\napi_insecure = true\n')
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, first, last)
    expected = [('glance.insecure', str(last), 3),  # through the alias
                ('DEFAULT.debug', str(first), 2),
                ('glance.timeout', str(last), None),
                (None, str(last), None),
                ('glance.x', '/else', 9)]
    assert _placed(audit.run(conf, [OptionOnly])) == expected
    result = runner.audit_service([('--config-file', str(first)),
                                   ('--config-file', str(last))],
                                  [OptionOnly])
    assert _placed(result.findings) == expected
    result.findings.close()


def test_library_and_cli_place_a_finding_alike(write_conf):
    """The two loops drifted: the CLI gave the last file, the library
    nothing; now both give the value's own file and line."""
    path = write_conf('[glance]\nverify_glance_signatures = true\n'
                      'enable_certificate_validation = false\n')
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, path)
    library = {f.check_id: (f.file, f.line) for f in audit.run(conf)}
    command = {f['id']: (f['file'], f['line'])
               for f in _cli_json(path)['findings']}
    assert library['GC202'] == command['GC202'] == (str(path), 3)
    # An option left unset: the last file, in both.
    assert library['GC301'] == command['GC301'] == (str(path), None)
    assert library == command


def _cli_json(path):
    import io

    out = io.StringIO()
    cli.run(['--config-file', str(path), '--format', 'json'], out,
            io.StringIO())
    return json.loads(out.getvalue())


def test_place_keeps_what_the_check_placed(write_conf):
    conf = _conf(write_conf, '[glance]\ninsecure = true\n')
    found = OptionOnly().finding('insecure', 'm', '/other', None)
    assert engine.place(AuditedConf(conf), found, '/last') is found


def test_host_checks_are_those_that_look_at_the_disk():
    assert [c.id for c in engine.host_checks(manager.load_checks())] == [
        'GC103', 'GC104', 'GC402', 'GC501', 'GC502', 'GC503', 'GC506',
        'GC507']


def test_offline_leaves_out_host_checks_and_gives_them_the_host(write_conf):
    seen = []

    class LooksAtDisk(base.Check):
        id, severity, cwe, title, remediation = (
            'GC901', Severity.LOW, 15, 'disk', 'none')
        needs_host = True

        def run(self, conf):
            seen.append(self.host)
            return iter(())

    conf = _conf(write_conf, '[glance]\n')
    assert audit.run(conf, [LooksAtDisk], offline=True) == []
    assert seen == []
    audit.enforce(conf, 'never', [LooksAtDisk], offline=True)
    assert seen == []
    audit.run(conf, [LooksAtDisk])
    # At run time the service is the calling process, on this machine.
    assert seen[0].root is None and seen[0].account.process
    host = _files.Host('/srv/rootfs', _files.Account(5, 5, frozenset({5})))
    audit.run(conf, [LooksAtDisk], host=host)
    assert seen[1] is host


def test_enforce_accepts_a_decision_but_still_logs_it(write_conf, caplog):
    """The migration guide's opt-out: verification off on purpose."""
    conf = _conf(write_conf, '[glance]\nverify_glance_signatures = false\n'
                             'timeout = 30\n')
    with caplog.at_level(logging.INFO, logger='glance_conf.audit'):
        findings = audit.enforce(conf, fail_at='high', accept=['gc201'])
    assert 'GC201' in {f.check_id for f in findings}
    assert any(r.levelno == logging.ERROR and 'GC201' in r.getMessage()
               for r in caplog.records)
    # Anything else at the threshold still stops start-up.
    conf = _conf(write_conf, '[glance]\nverify_glance_signatures = false\n'
                             'insecure = true\n')
    with pytest.raises(audit.AuditFailure) as err:
        audit.enforce(conf, fail_at='high', accept=['GC201'])
    assert {f.check_id for f in err.value.findings} == {'GC101'}
