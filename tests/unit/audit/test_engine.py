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

import dataclasses
import json
import logging

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from oslo_config import cfg

import glance_conf
from glance_conf import _files
from glance_conf import audit
from glance_conf.audit import base
from glance_conf.audit import baseline as baseline_mod
from glance_conf.audit import configure
from glance_conf.audit import engine
from glance_conf.audit import manager
from glance_conf.audit import request
from glance_conf.audit import runner
from glance_conf.audit import waivers as waivers_mod
from glance_conf.audit.exception import LoadError
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import AuditedConf
from glance_conf.cmd import _parser
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
    assert (audit.Request, audit.execute) == (request.Request,
                                              request.execute)
    assert set(audit.__all__) == {'AuditFailure', 'AuditedConf', 'Finding',
                                  'Request', 'Severity', 'enforce',
                                  'execute', 'run'}


def test_a_service_calling_enforce_does_not_load_the_run_machinery():
    """``import glance_conf.audit`` at a service's start-up loads the
    engine, not the run modes, bundles or writers a whole run needs."""
    import subprocess
    import sys
    code = ('import sys, glance_conf.audit; '
            'print(sorted(m for m in sys.modules if m.startswith('
            '("glance_conf.audit.request", "glance_conf.audit.modes", '
            '"glance_conf.audit.bundle", "glance_conf.audit.report."))))')
    out = subprocess.run([sys.executable, '-c', code], check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == '[]'
    code = code.replace('glance_conf.audit; ', 'glance_conf.audit; '
                        'glance_conf.audit.execute; ')
    out = subprocess.run([sys.executable, '-c', code], check=True,
                         capture_output=True, text=True).stdout
    assert 'glance_conf.audit.request' in out


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
        'GC507', 'GC803', 'GC804']


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


# -- no check floods a report -------------------------------------------------

CAP = engine.MAX_FINDINGS_PER_CHECK_IN_FILE
_SEVERITIES = list(Severity)
_THRESHOLDS = [s.label for s in Severity] + ['never']


def _near_misses(count, start=0):
    """``count`` unknown ``[glance]`` keys close to ``api_servers``
    (GC303 each), as the text of one file."""
    return '[glance]\n' + ''.join('api_server%05d = x\n' % i
                                  for i in range(start, start + count))


def _left_out(findings):
    return [f for f in findings if f.line is None and f.option is None
            and (f.key or '').startswith('left out')]


def _exit(result, fail_on):
    """The command line's exit code for ``result`` at ``--fail-on``."""
    result.fail_on = None if fail_on == 'never' else Severity.parse(fail_on)
    return _parser.exit_code(result)


def _gate(severities, fail_on):
    """The exit code ``--fail-on`` gives for findings of these
    severities, as :func:`glance_conf.cmd._parser.exit_code` decides it."""
    return int(fail_on != 'never' and any(
        s >= Severity.parse(fail_on) for s in severities))


def test_a_flood_of_near_miss_keys_is_capped_per_file(write_conf):
    """Issue 20 item 8: every unknown key was a finding of its own."""
    first = write_conf(_near_misses(CAP + 150))
    second = write_conf(_near_misses(CAP + 7, start=CAP + 150))
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, first, second)
    gc303 = [f for f in audit.run(conf, offline=True) if f.check_id == 'GC303']
    for path, more in ((first, 150), (second, 7)):
        here = [f for f in gc303 if f.file == str(path)]
        [summary] = _left_out(here)
        assert len(here) == CAP + 1 and here[-1] is summary
        assert summary.severity is Severity.MEDIUM
        assert summary.message.startswith('%d more GC303 finding(s) in this '
                                          'file were left out' % more)
        # The findings listed are the file's first, in file order.
        assert [f.line for f in here[:-1]] == list(range(2, CAP + 2))


class _Flood(base.Check):
    """Yields what the test tells it to: ``(file, severity)`` pairs."""

    id, severity, cwe, title, remediation = (
        'GC991', Severity.LOW, 20, 'Flood', 'Stop it.')
    plan: list[tuple[str, Severity]] = []

    def run(self, conf):
        for number, (path, severity) in enumerate(self.plan):
            yield dataclasses.replace(
                self.finding('glance.k%d' % number, 'm', path, number + 1),
                severity=severity)


def _flood(check_id, plan):
    """A check of ``check_id`` (severity, CWE as installed) that yields
    ``plan``."""
    [real] = [c for c in manager.load_checks() if c.id == check_id]
    return type('Flood' + check_id, (_Flood,), {
        'id': real.id, 'severity': real.severity, 'cwe': real.cwe,
        'remediation': real.remediation, 'plan': plan})


_CHECK_IDS = sorted(c.id for c in manager.load_checks()
                    if issubclass(c, base.Check))


@pytest.mark.parametrize('check_id', _CHECK_IDS)
def test_every_check_is_capped_and_keeps_its_worst(write_conf, check_id):
    """For each installed check: the only high finding of a file comes
    after the cap, and the gate still sees it, at every threshold."""
    path = str(write_conf('[glance]\n'))
    plan = [('/a.conf', Severity.LOW)] * (CAP + 3) + [
        ('/a.conf', Severity.HIGH)] + [('/b.conf', Severity.INFO)] * CAP + [
        ('/c.conf', Severity.INFO)] * (CAP + 1)
    flood = _flood(check_id, plan)
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, path)
    found = engine.check_config(AuditedConf(conf), [flood])
    assert len(found) == 3 * CAP + 2
    assert [(f.file, f.severity, f.check_id, f.cwe)
            for f in _left_out(found)] == [
        ('/a.conf', Severity.HIGH, check_id, flood.cwe),
        ('/c.conf', Severity.INFO, check_id, flood.cwe)]
    assert all(f.severity < Severity.HIGH for f in found
               if f not in _left_out(found))
    for fail_on in _THRESHOLDS:
        assert _gate([f.severity for f in found], fail_on) == _gate(
            [s for _, s in plan], fail_on), fail_on
    # Through the command line's own gate and the runtime API's.
    result = runner.audit_service([('--config-file', path)], [flood])
    for fail_on in _THRESHOLDS:
        assert _exit(result, fail_on) == _gate(
            [s for _, s in plan], fail_on), fail_on
    result.close()
    with pytest.raises(audit.AuditFailure) as err:
        audit.enforce(conf, 'high', [flood])
    assert [f.file for f in err.value.findings] == ['/a.conf']


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(['/a.conf', '/b.conf', None]),
                          st.sampled_from(_SEVERITIES)), max_size=3 * CAP))
def test_capped_keeps_each_files_first_and_counts_the_rest(plan):
    flood = _flood('GC303', plan)
    given_ = list(flood().run(None))
    out = list(engine.capped(flood, given_))
    for path in ('/a.conf', '/b.conf', None):
        mine = [f for f in given_ if f.file == path]
        kept = [f for f in out if f.file == path and f not in _left_out(out)]
        assert kept == mine[:CAP]
        summary = [f for f in _left_out(out) if f.file == path]
        if len(mine) <= CAP:
            assert summary == []
            continue
        [one] = summary
        assert one.severity == max(f.severity for f in mine[CAP:])
        assert one.message.startswith('%d more' % (len(mine) - CAP))
    for fail_on in _THRESHOLDS:
        assert _gate([f.severity for f in out], fail_on) == _gate(
            [s for _, s in plan], fail_on)


@pytest.mark.parametrize('as_list', [True, False])
@pytest.mark.parametrize('counts', [(CAP - 1, 0), (CAP, 0), (CAP + 1, 0),
                                    (CAP - 1, CAP - 1), (CAP, 1)])
def test_capped_at_the_cap_from_a_list_or_a_generator(counts, as_list):
    """Each finding once, whether the check gives a list or yields them,
    and a summary only for a file over the cap (two files under it
    together are not)."""
    plan = [('/a.conf', Severity.LOW)] * counts[0] + \
        [('/b.conf', Severity.HIGH)] * counts[1]
    flood = _flood('GC303', plan)
    given_ = flood().run(None)
    out = engine.capped(flood, list(given_) if as_list else given_)
    kept = [f for f in out if f not in _left_out(out)]
    assert [f.file for f in kept] == \
        ['/a.conf'] * min(counts[0], CAP) + ['/b.conf'] * counts[1]
    assert [f.file for f in _left_out(out)] == \
        (['/a.conf'] if counts[0] > CAP else [])


def test_a_summarys_fingerprint_is_its_check_file_name_and_worst():
    """Never its count, so a baseline or a waiver holds across runs."""
    gc303, gc101 = (_flood(i, []) for i in ('GC303', 'GC101'))

    def fingerprint(check=gc303, path='/etc/nova/nova.conf', count=1,
                    worst=Severity.MEDIUM, host=None):
        return dataclasses.replace(engine.left_out(check, path, count, worst),
                                   host=host).fingerprint

    same = fingerprint()
    assert fingerprint(count=52327) == same
    assert fingerprint(path='/srv/copy/nova.conf') == same
    assert len({same, fingerprint(check=gc101),
                fingerprint(path='/etc/nova/nova.conf.d/10.conf'),
                fingerprint(worst=Severity.HIGH),
                fingerprint(host='compute-01')}) == 5


def test_each_host_of_a_fleet_is_capped_alone(tmp_path):
    """Fleet mode: each host's file has its own summary, with the host."""
    for host, count in (('compute-1', CAP + 20), ('compute-2', CAP + 40)):
        (tmp_path / (host + '.conf')).write_text(_near_misses(count))
    checks = [c for c in manager.load_checks() if c.id == 'GC303']
    result = runner.audit_fleet(sorted(str(p) for p in tmp_path.iterdir()),
                                checks)
    found = list(result.findings)
    result.close()
    assert len(found) == 2 * (CAP + 1)
    assert [(f.host, f.message.split()[0]) for f in _left_out(found)] == [
        ('compute-1', '20'), ('compute-2', '40')]


def test_a_bundle_is_capped_per_file(tmp_path):
    """Bundles mode: a host's file, named ``host:path``, is capped."""
    from tests import bundles as make
    files = [make.config('/etc/nova/nova.conf', _near_misses(CAP + 30)),
             make.config('/etc/nova/nova.conf.d/10.conf',
                         _near_misses(CAP + 1, start=500))]
    result = make.audit(tmp_path, make.bundle('compute-01', files=files),
                        ids=('GC303',))
    found = list(result.findings)
    result.close()
    assert len(found) == 2 * (CAP + 1)
    assert [(f.host, f.file, f.message.split()[0])
            for f in _left_out(found)] == [
        ('compute-01', 'compute-01:/etc/nova/nova.conf', '30'),
        ('compute-01', 'compute-01:/etc/nova/nova.conf.d/10.conf', '1')]


def test_a_summary_is_known_to_a_baseline_and_waived_by_file(write_conf,
                                                             tmp_path):
    """The same flood grown by a few keys: the baseline knows it, and a
    waiver of the check in that file covers it; a waiver of one option
    left out cannot."""
    checks = [c for c in manager.load_checks() if c.id == 'GC303']
    path = write_conf(_near_misses(CAP + 10), name='nova.conf')
    first = runner.audit_service([('--config-file', str(path))], checks)
    report = tmp_path / 'baseline.json'
    report.write_text(json.dumps({
        'fingerprints': 'glanceConfAudit/v2',
        'findings': [f.to_dict() for f in first.findings]}))
    first.close()
    path.write_text(_near_misses(CAP + 25))
    again = runner.audit_service([('--config-file', str(path))], checks)
    again.use_baseline(baseline_mod.load(str(report)))
    assert _exit(again, 'info') == 0
    again.close()
    waivers = tmp_path / 'waivers.yaml'
    for scope, code in (('files: "nova.conf"', 0),
                        ('option: api_server00120', 1)):
        waivers.write_text('- id: GC303\n  %s\n  reason: r\n  owner: o\n'
                           '  expires: 2999-01-01\n' % scope)
        loaded = waivers_mod.load(str(waivers))
        result = runner.audit_service([('--config-file', str(path))], checks,
                                      waivers=loaded)
        left = [f for f in result.findings if f.check_id == 'GC303']
        assert (len(left), _exit(result, 'info')) == (
            (0, 0) if code == 0 else (CAP + 1, 1))
        result.close()


class CinderOnly(OptionOnly):
    """Judges cinder's files alone."""

    id = 'GC991'
    services = ('cinder',)


def test_a_check_runs_only_on_its_services_files(write_conf):
    """nova's files are not cinder's: the engine keeps each check to the
    services it names, and resolves that service's options first."""
    conf = _conf(write_conf, '[glance]\ninsecure = true\n')
    target = AuditedConf(conf)
    assert engine.check_config(target, [CinderOnly]) == []
    assert [f.check_id for f in engine.check_config(
        target, [OptionOnly, CinderOnly])] == ['GC990'] * 5
    path = write_conf('[DEFAULT]\nglance_num_retries = 2\n', 'cinder.conf')
    cinder = configure.new_conf(service='cinder')
    parse(cinder, path)
    target = AuditedConf(cinder, service='cinder')
    found = engine.check_config(target, [OptionOnly, CinderOnly])
    assert {f.check_id for f in found} == {'GC991'}
    # The line of a cinder option's value, in [DEFAULT].
    [debug] = [f for f in found if f.option == 'DEFAULT.debug']
    assert debug.line is None and debug.file == str(path)


class Seen:
    """An observer: what it saw, in order, into ``log``."""

    def __init__(self, log):
        self.log = log

    def observe(self, target, host):
        self.log.append(('observed', target.files[-1].path, host))


class Logged(OptionOnly):
    """Logs that it ran, into the module's ``RAN``; finds nothing."""

    id = 'GC992'

    def run(self, conf):
        RAN.append(('checked', conf.files[-1].path, None))
        return iter(())


RAN: list = []


def test_observers_see_each_config_once_after_its_checks(write_conf):
    """Watching is no check: an observer adds no finding and sees the
    config once, after every check, with the checks' host."""
    conf = _conf(write_conf, '[glance]\ninsecure = true\n')
    target = AuditedConf(conf)
    path = target.files[-1].path
    RAN.clear()
    host = _files.Host()
    found = engine.check_config(target, [Logged, OptionOnly], host,
                                observers=[Seen(RAN), Seen(RAN)])
    assert [f.check_id for f in found] == ['GC990'] * 5
    assert RAN == [('checked', path, None), ('observed', path, host),
                   ('observed', path, host)]
    RAN.clear()
    engine.check_config(target, [], observers=[Seen(RAN)])
    assert RAN == [('observed', path, None)]


def test_a_config_that_cannot_load_is_not_observed(write_conf):
    conf = _conf(write_conf, '[glance]\nregion_name = $region_name\n')
    log: list = []
    with pytest.raises(LoadError):
        engine.check_config(AuditedConf(conf), [OptionOnly],
                            observers=[Seen(log)])
    assert log == []
