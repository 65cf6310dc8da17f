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

"""glance-conf-audit: modes, formats, exit codes, and hostile input."""

from __future__ import annotations

import io
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from glance_conf.audit import manager
from glance_conf.audit import report
from glance_conf.audit import request
from glance_conf.cmd import audit as cli
from tests.unit.audit.report.test_junit import validated

INSECURE = ('[glance]\nverify_glance_signatures = false\n'
            'endpoint_override = https://glance:9292\ntimeout = 5\n'
            'tls_min_version = 1.2\n')
LOW_ONLY = ('[glance]\nendpoint_override = https://glance:9292\n'
            'verify_glance_signatures = true\n'
            'enable_certificate_validation = true\n'
            'default_trusted_certificate_ids = 1f0e\n'
            'tls_min_version = 1.2\n')


class TTY(io.StringIO):
    def isatty(self):
        return True


def run(*argv, stderr=None):
    out, err = io.StringIO(), stderr or io.StringIO()
    code = cli.run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def conf_file(write_conf):
    def make(text, mode=0o640):
        path = write_conf(text)
        path.chmod(mode)
        return str(path)
    return make


def test_list_checks(conf_file):
    code, out, _ = run('--list-checks')
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith('GC')]
    assert len(lines) == len(manager.load_checks())
    assert 'GC103  high    CWE-295   cafile, certfile or keyfile missing or ' \
        'unreadable (host)' in lines
    assert lines[0].startswith('GC101  high    CWE-295')
    by_id = {line[:5]: line for line in lines}
    assert by_id['GC601'].endswith('(fleet)')
    assert by_id['GC707'].endswith('(probe)')
    # Another service's checks say whose files they judge.
    assert by_id['GC801'].endswith(' [cinder]')
    assert by_id['GC803'].endswith('(host) [cinder]')
    assert by_id['GC851'].endswith(' [glance-api]')
    assert not by_id['GC101'].endswith(']')


def test_list_checks_shows_each_checks_references():
    """Auditors map findings to controls: the references follow each
    check, on an indented line of their own."""
    _, out, _ = run('--list-checks')
    lines = out.splitlines()
    gc101 = lines.index(next(line for line in lines
                             if line.startswith('GC101')))
    assert lines[gc101 + 1].split() == [
        'security-guide/Check-Compute-05', 'nist-800-53/SC-8',
        'nist-800-53/SC-13']
    assert len(lines) == 2 * len(manager.load_checks())


@pytest.mark.parametrize('text,fail_on,expected', [
    (INSECURE, 'medium', 1),
    (INSECURE, 'high', 1),
    (INSECURE, 'never', 0),
    (LOW_ONLY, 'medium', 0),
    (LOW_ONLY, 'low', 1),
    (LOW_ONLY, 'info', 1),
])
def test_exit_codes_follow_fail_on(conf_file, text, fail_on, expected):
    code, out, err = run('--config-file', conf_file(text), '--fail-on',
                         fail_on)
    assert code == expected, out + err


def test_skip_removes_findings(conf_file):
    path = conf_file(INSECURE)
    code, out, _ = run('--config-file', path, '--skip', 'GC201',
                       '--skip', 'GC202,GC304', '--format', 'json')
    assert code == 0
    ids = {f['id'] for f in json.loads(out)['findings']}
    assert not ids & {'GC201', 'GC202', 'GC304'}


def test_skip_unknown_id_is_usage_error(conf_file):
    code, _, err = run('--config-file', conf_file(INSECURE), '--skip',
                       'GC999')
    assert code == 2 and 'no such check to skip' in err


def test_config_dir_is_layered_after_file(conf_file, tmp_path):
    conf_dir = tmp_path / 'nova.conf.d'
    conf_dir.mkdir()
    override = conf_dir / '50-glance.conf'
    override.write_text('[glance]\nverify_glance_signatures = true\n')
    override.chmod(0o640)
    path = conf_file(INSECURE)
    code, out, _ = run('--config-file', path, '--config-dir', str(conf_dir),
                       '--format', 'json')
    assert 'GC201' not in {f['id'] for f in json.loads(out)['findings']}
    # Reversed order: the file wins again, exactly as oslo.config layers.
    code, out, _ = run('--config-dir', str(conf_dir), '--config-file', path,
                       '--format', 'json')
    assert 'GC201' in {f['id'] for f in json.loads(out)['findings']}


def test_section_nobody_registers_is_ignored(conf_file):
    code, out, _ = run('--config-file', conf_file(
        LOW_ONLY + '[keystone_authtoken]\npassword = x\nwhatever = 1\n'),
        '--format', 'json')
    assert code == 0


def test_both_modes_is_usage_error(conf_file):
    path = conf_file(INSECURE)
    code, _, err = run(path, '--config-file', path)
    assert code == 2 and 'not both' in err


@pytest.mark.parametrize('argv', [['--format', 'xml'], ['--fail-on', 'x'],
                                  ['--bogus']])
def test_bad_usage_is_one_line(argv):
    code, _, err = run(*argv)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and 'Traceback' not in err


def test_format_choices_come_from_the_entry_points(site_plugin,
                                                   conf_file):
    site_plugin('site = tests.unit.conftest:site_writer',
                report.NAMESPACE)
    code, out, _ = run('--help')
    assert code == 0 and '{html,json,junit,prometheus,sarif,site,text}' in out
    code, out, err = run('--config-file', conf_file(INSECURE), '--format',
                         'site')
    assert (code, out, err) == (1, 'site report: 1 file(s)\n', '')


def test_broken_format_plugin_stops_the_cli(site_plugin,
                                             conf_file):
    """Fails closed, in one line, before any audit or --help."""
    site_plugin('json = tests.unit.conftest:site_writer',
                report.NAMESPACE)
    for argv in (['--config-file', conf_file(INSECURE)], ['--help']):
        code, out, err = run(*argv)
        assert code == 2 and out == ''
        assert err == ("glance-conf-audit: error: report format 'json': "
                       'duplicate format name\n')


def test_help_exits_zero():
    code, out, _ = run('--help')
    assert code == 0
    assert '--fail-on' in out and 'Exit codes' in out


def test_help_lists_every_subcommand_with_one_line():
    """Each subcommand, dispatched from one table, is listed from it;
    and each answers ``--help`` itself (issue 22, item 6)."""
    _, out, _ = run('--help')
    listed = out.split('subcommands (glance-conf-audit COMMAND --help):\n'
                       )[1].split('\n\n')[0].splitlines()
    assert [line.split()[0] for line in listed] == [
        name for name, _, _ in cli.SUBCOMMANDS] == ['probe', 'fix',
                                                    'waivers', 'convert']
    assert all(len(line) <= 79 for line in out.splitlines())
    for name, _, _ in cli.SUBCOMMANDS:
        code, sub, _ = run(name, '--help')
        assert code == 0 and sub.startswith('usage: glance-conf-audit ' +
                                            name)


def test_version():
    from glance_conf.audit import identity
    assert run('--version') == (
        0, 'glance-conf-audit %s\n' % identity.tool_version(), '')


@pytest.mark.parametrize('argv', [
    ('--bogus',), ('--fail-on', 'sometimes'), ('fix', '--bogus'),
    ('probe', '--bogus'), ('waivers',), ('--format',),
])
def test_usage_errors_exit_2_on_one_line(argv):
    code, out, err = run(*argv)
    assert (code, out) == (2, '')
    assert err.startswith('glance-conf-audit') and err.endswith(
        '(see --help)\n') and err.count('\n') == 1


@pytest.mark.parametrize('data,reason', [
    (None, 'no such file'),
    (b'[glance\n', 'syntax error at line 1'),
    (b'\xff\xfe\x00\x01garbage', 'binary data'),
    (b'[glance]\ntimeout = \xe9\n', 'not valid UTF-8'),
    (bytes(range(256)) * 4, 'binary data'),
])
def test_unreadable_input_is_exit_2_with_one_line(tmp_path, data, reason):
    path = tmp_path / 'nova.conf'
    if data is not None:
        path.write_bytes(data)
    for argv in (['--config-file', str(path)], [str(path), str(path)]):
        code, out, err = run(*argv)
        assert code == 2
        lines = err.strip().splitlines()
        bad_files = argv.count(str(path))
        assert len(lines) == bad_files
        prefix = 'glance-conf-audit: error: %s: ' % path
        assert all(line.startswith(prefix) for line in lines)
        assert reason in err
        assert 'Traceback' not in out + err


def test_json_and_sarif_outputs(conf_file, tmp_path):
    path = conf_file(INSECURE)
    _, out, _ = run('--config-file', path, '--format', 'json')
    assert 'GC201' in {f['id'] for f in json.loads(out)['findings']}
    target = tmp_path / 'report.sarif'
    code, out, _ = run('--config-file', path, '--format', 'sarif',
                       '--output', str(target))
    assert code == 1 and out == ''
    doc = json.loads(target.read_text())
    assert 'GC201' in {r['ruleId'] for r in doc['runs'][0]['results']}


def test_unwritable_output_is_exit_2(conf_file, tmp_path):
    code, _, err = run('--config-file', conf_file(INSECURE), '--output',
                       str(tmp_path / 'no' / 'such' / 'dir.json'))
    assert code == 2 and 'cannot write' in err


def test_fleet_mode_reports_drift(conf_file):
    paths = [conf_file(LOW_ONLY + 'timeout = 5\ninsecure = %s\n' % on)
             for on in (False, False, True)]
    code, out, _ = run(*paths, '--format', 'json', '--fail-on', 'medium')
    findings = json.loads(out)['findings']
    drift = [f for f in findings if f['id'] == 'GC601']
    assert len(drift) == 1 and drift[0]['option'] == 'glance.insecure'
    assert paths[2] in drift[0]['message']
    assert code == 1


def test_fleet_with_a_bad_file_still_audits_the_rest(conf_file, tmp_path):
    good = conf_file(INSECURE)
    code, out, err = run(good, str(tmp_path / 'gone.conf'), '--format',
                         'json')
    doc = json.loads(out)
    assert code == 2
    assert doc['files_audited'] == 1 and doc['errors']
    assert 'gone.conf: no such file' in err


def test_progress_bar_only_on_a_terminal(conf_file):
    paths = [conf_file(LOW_ONLY)] * 3
    _, _, err = run(*paths, stderr=TTY())
    assert '3/3 files' in err and '[####' in err
    _, _, err = run(*paths)
    assert err == ''
    _, _, err = run(*paths, '--no-progress', stderr=TTY())
    assert err == ''


def test_oslo_deprecation_warnings_stay_out_of_output(conf_file, capfd):
    code, out, err = run('--config-file', conf_file(
        '[glance]\napi_insecure = true\n'))
    captured = capfd.readouterr()
    assert 'Deprecated:' not in out + err + captured.out + captured.err


def test_main_turns_crashes_into_one_line(monkeypatch, capsys):
    def boom(*args, **kwargs):
        raise RuntimeError('secret detail hunter2')
    # Where the request runs service mode.
    monkeypatch.setattr(request, 'audit_service', boom)
    assert cli.main(['--config-file', '/dev/null']) == 2
    err = capsys.readouterr().err
    assert err == ('glance-conf-audit: internal error (RuntimeError); '
                   'please report it\n')


def test_closed_pipe_is_quiet(conf_file):
    # Far more report than a pipe buffers, so the writer meets EPIPE.
    paths = [conf_file(INSECURE)] * 300
    proc = subprocess.Popen(
        [sys.executable, '-m', 'glance_conf.cmd.audit', *paths],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = proc.stdout.read(10)
    proc.stdout.close()  # what `| head -c 10` does
    _, err = proc.communicate(timeout=120)
    assert len(head) == 10
    assert err == b''
    assert proc.returncode == 2


def test_console_script_runs(conf_file):
    path = conf_file(INSECURE)
    proc = subprocess.run(
        [sys.executable, '-m', 'glance_conf.cmd.audit', '--config-file',
         path, '--format', 'json'], capture_output=True, text=True,
        timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)['summary']['high'] == 1


# -- property tests: hostile input ------------------------------------------

SECRET = st.from_regex(r'SECRET[A-Z0-9]{8}', fullmatch=True)
_key = st.sampled_from([
    'api_servers', 'endpoint_override', 'cafile', 'timeout', 'num_retries',
    'insecure', 'api_insecure', 'rbd_user', 'region_name', 'tls_min_version',
    'valid_interfaces', 'num_retry', 'host', 'debug', 'password',
    'transport_url', 'connection'])
_section = st.sampled_from(['glance', 'DEFAULT', 'ssl', 'libvirt',
                            'keystone_authtoken', 'database'])
_noise = st.text(st.characters(codec='utf-8', exclude_characters='\x00'),
                 max_size=30)


#: Keys whose raw value is never shown as such: URLs, numbers, booleans,
#: choices, unknown options and other sections' secrets. (File paths and
#: names such as ``region_name`` are shown: they are not secrets.)
BARE_SECRET_KEYS = {
    'api_servers', 'endpoint_override', 'timeout', 'num_retries', 'insecure',
    'api_insecure', 'tls_min_version', 'valid_interfaces', 'num_retry',
    'host', 'debug', 'password', 'transport_url', 'connection'}


@st.composite
def hostile_conf(draw):
    """An INI-ish text with secrets in URLs, queries and other sections."""
    secret = draw(SECRET)
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        lines.append('[%s]' % draw(_section))
        for _ in range(draw(st.integers(0, 5))):
            key = draw(_key)
            value = draw(st.one_of(
                st.just('https://user:%s@glance:9292' % secret),
                st.just('http://glance/?token=%s' % secret),
                st.just('https://glance/#%s' % secret),
                st.just('mysql+pymysql://nova:%s@db/nova' % secret),
                st.just(secret) if key in BARE_SECRET_KEYS else _noise,
                _noise,
            ))
            lines.append('%s = %s' % (key, value))
        if draw(st.booleans()):
            lines.append(draw(_noise))
    return secret, '\n'.join(lines) + '\n'


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=hostile_conf(), fmt=st.sampled_from(['text', 'json', 'sarif']),
       fleet=st.booleans())
def test_no_crash_and_no_secret_in_any_format(tmp_path_factory, case, fmt,
                                              fleet):
    secret, text = case
    path = tmp_path_factory.mktemp('h') / 'nova.conf'
    path.write_text(text)
    os.chmod(path, 0o640)
    argv = [str(path), str(path)] if fleet else ['--config-file', str(path)]
    code, out, err = run(*argv, '--format', fmt)
    assert code in (0, 1, 2)
    assert 'Traceback' not in out + err and 'internal error' not in err
    assert secret not in out and secret not in err
    if fmt != 'text' and code != 2:
        json.loads(out)


@pytest.mark.parametrize('key', sorted(BARE_SECRET_KEYS))
@pytest.mark.parametrize('section', ['glance', 'DEFAULT', 'database'])
def test_bare_secret_value_is_never_echoed(conf_file, section, key):
    secret = 'SECRETabcdef123456'
    path = conf_file('[%s]\n%s = %s\n' % (section, key, secret))
    for fmt in ('text', 'json', 'sarif'):
        code, out, err = run('--config-file', path, '--format', fmt)
        assert secret not in out + err, (fmt, out)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_binary_garbage_never_crashes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp('b') / 'nova.conf'
    path.write_bytes(data)
    code, out, err = run('--config-file', str(path), '--format', 'json')
    assert code in (0, 1, 2)
    assert 'Traceback' not in out + err and 'internal error' not in err


# -- the auditor's own rights -------------------------------------------------

#: Runs a command with no privilege at all (see _as_unprivileged).
UNPRIVILEGED = ['setpriv', '--bounding-set=-all', '--inh-caps=-all',
                '--ambient-caps=-all', '--no-new-privs', '--']


def _as_unprivileged(*argv):
    """Run the CLI in a process with no privilege at all.

    The tests run as root, whose capabilities read any directory. The
    child keeps uid 0 but drops every capability (bounding, inheritable
    and ambient sets, no_new_privs), so, like any ordinary user, it gets
    only the permission bits. Dropping to uid 65534 is not possible
    here: the tox interpreter lives under /root (mode 0700).
    """
    return subprocess.run(
        [*UNPRIVILEGED, sys.executable, '-m', 'glance_conf.cmd.audit',
         *argv],
        capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize('mode,reason', [
    (0o000, 'cannot list directory: Permission denied'),
    (0o300, 'cannot list directory: Permission denied'),
    (0o400, 'cannot read: Permission denied'),  # listed, not stat-able
])
def test_unreadable_config_dir_fails_closed(conf_file, tmp_path, mode,
                                            reason):
    """It used to pass as an empty directory: exit 0, TLS off unseen."""
    conf_dir = tmp_path / 'nova.conf.d'
    conf_dir.mkdir()
    (conf_dir / '90-insecure.conf').write_text('[glance]\ninsecure = true\n')
    main = conf_file(LOW_ONLY)
    conf_dir.chmod(mode)
    try:
        proc = _as_unprivileged('--config-file', main, '--config-dir',
                                str(conf_dir))
    finally:
        conf_dir.chmod(0o700)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith('glance-conf-audit: error: %s' % conf_dir)
    assert line.endswith(reason)


def test_unprivileged_child_really_has_no_privilege(tmp_path):
    """Guard for the test above: root's rights are truly gone."""
    locked = tmp_path / 'locked'
    locked.mkdir(mode=0o000)
    try:
        proc = subprocess.run([*UNPRIVILEGED, 'ls', str(locked)],
                              capture_output=True, timeout=30, check=False)
    finally:
        locked.chmod(0o700)
    assert proc.returncode != 0 and os.listdir(locked) == []


# -- hostile file names -------------------------------------------------------

def _printable_lines(text):
    return all(ch == '\n' or ch.isprintable() for ch in text)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(blacklist_categories=('Cs',),
                                  blacklist_characters='/\x00'),
                    min_size=1, max_size=20).filter(
                        lambda n: not n.startswith('.')),
       fleet=st.booleans())
def test_file_names_are_escaped_everywhere(tmp_path_factory, name, fleet):
    """A newline or escape in a name can never forge a report line."""
    base = tmp_path_factory.mktemp('names')
    (base / (name + '.conf')).write_text('[glance]\ntimeout = -1\n')
    (base / (name + 'x.conf')).write_text('[glance\n')  # unparseable
    args = ([str(base / (name + '.conf')), str(base / (name + 'x.conf'))]
            if fleet else ['--config-dir', str(base)])
    code, out, err = run(*args, '--fail-on', 'never')
    assert code == 2
    assert _printable_lines(out) and _printable_lines(err)
    assert 'No findings.' not in out
    assert err and all(line.startswith('glance-conf-audit: error: ')
                       for line in err.splitlines())
    for fmt in ('json', 'sarif'):
        code, out, err = run(*args, '--format', fmt)
        assert code == 2 and json.loads(out) and _printable_lines(err)


def test_file_name_that_is_not_utf8_is_reported_cleanly(tmp_path):
    """It used to be "internal error (UnicodeEncodeError)"."""
    name = os.fsdecode(b'nova-\xff\x1b[2J.conf')
    path = tmp_path / name
    path.write_text('[glance]\ntimeout = -1\n')
    for fmt in ('text', 'json', 'sarif'):
        out = io.TextIOWrapper(io.BytesIO(), encoding='utf-8')
        err = io.TextIOWrapper(io.BytesIO(), encoding='utf-8')
        code = cli.run([str(path), '--format', fmt], out, err)
        out.flush()
        report = out.buffer.getvalue().decode('utf-8')
        assert code == 1, report
        assert '\x1b' not in report and 'nova-' in report
    assert 'nova-%5Cudcff%1B%5B2J.conf' in report  # SARIF's file URI
    proc = subprocess.run(
        [sys.executable, '-m', 'glance_conf.cmd.audit', os.fsencode(path)],
        capture_output=True, timeout=60, check=False)
    assert proc.returncode == 1, proc.stderr
    assert b'nova-\\\\udcff\\x1b[2J.conf' in proc.stdout
    assert b'internal error' not in proc.stderr


@pytest.mark.parametrize('fmt', ['text', 'json', 'sarif'])
def test_defaults_choose_the_semantics_and_the_report_says_so(conf_file,
                                                               fmt):
    path = conf_file('[glance]\nendpoint_override = https://glance:9292\n'
                     'timeout = 5\ntls_min_version = 1.2\n')
    shown = {}
    for defaults in ('nova', 'glance-conf'):
        code, out, err = run('--config-file', path, '--format', fmt,
                             '--defaults', defaults)
        if fmt == 'text':
            assert '%s defaults' % defaults in out.splitlines()[0]
            ids = {line.split()[0] for line in out.splitlines()
                   if line.startswith('  GC')}
        elif fmt == 'json':
            assert json.loads(out)['defaults'] == defaults
            ids = {f['id'] for f in json.loads(out)['findings']}
        else:
            sarif_run = json.loads(out)['runs'][0]
            assert sarif_run['properties']['defaults'] == defaults
            ids = {r['ruleId'] for r in sarif_run['results']}
        shown[defaults] = ids
    # Silent on verification: off under nova (GC201 high, exit 1); on
    # under the drop-in (GC202 medium, GC207 low: exit 1 at medium too).
    assert 'GC201' in shown['nova'] and 'GC207' not in shown['nova']
    assert 'GC201' not in shown['glance-conf']
    assert {'GC202', 'GC207'} <= shown['glance-conf']


def test_nova_defaults_are_the_default(conf_file):
    path = conf_file('[glance]\n')
    assert run('--config-file', path)[1] == run(
        '--config-file', path, '--defaults', 'nova')[1]
    code, _, err = run('--config-file', path, '--defaults', 'ours')
    assert code == 2 and 'invalid choice' in err


# -- the host: --offline, --root, the service account -----------------------

EXAMPLES = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'etc',
                        'glance_conf', 'examples')


@pytest.mark.parametrize('defaults', [[], ['--defaults', 'glance-conf']])
def test_hardened_example_passes_its_own_gate_after_a_clone(tmp_path,
                                                            defaults):
    """README's command on a fresh clone: the file is 0644 and owned by
    whoever cloned it, and holds no secret, so nothing reaches medium,
    whichever defaults judge it."""
    clone = tmp_path / 'clone'
    (clone / 'etc/glance_conf/examples').mkdir(parents=True)
    copy = clone / 'etc/glance_conf/examples/nova-hardened.conf'
    shutil.copyfile(os.path.join(EXAMPLES, 'nova-hardened.conf'), copy)
    copy.chmod(0o644)
    os.chown(copy, 1000, 1000)  # a developer's clone, not root's
    script = shutil.which('glance-conf-audit',
                          path=os.path.dirname(sys.executable))
    proc = subprocess.run(
        [script, '--config-file',
         'etc/glance_conf/examples/nova-hardened.conf', *defaults],
        cwd=clone, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '0 high, 0 medium' in proc.stdout
    # The host checks did run: the copy's mode and owner are reported.
    assert 'GC506' in proc.stdout and 'GC503' in proc.stdout


def test_fleet_mode_lists_host_checks_as_not_checked(conf_file):
    path = conf_file('[glance]\ncafile = /nonexistent/ca.pem\n', 0o666)
    code, out, _ = run('--fail-on', 'never', '--format', 'json', path)
    doc = json.loads(out)
    assert not {f['id'] for f in doc['findings']} & {'GC103', 'GC501'}
    assert {'GC103', 'GC501'} <= set(doc['not_checked_offline'])
    code, out, _ = run('--fail-on', 'never', path)
    assert 'Not checked (offline): GC103, GC104, GC402, GC501' in out


def test_offline_service_mode(conf_file):
    path = conf_file('[glance]\ncafile = /nonexistent/ca.pem\n', 0o666)
    code, out, _ = run('--format', 'json', '--fail-on', 'never',
                       '--config-file', path)
    assert {'GC103', 'GC501'} <= {f['id'] for f in json.loads(out)[
        'findings']}
    code, out, _ = run('--format', 'json', '--fail-on', 'never',
                       '--offline', '--config-file', path)
    doc = json.loads(out)
    assert not {f['id'] for f in doc['findings']} & {'GC103', 'GC501'}
    assert 'GC103' in doc['not_checked_offline']


def test_root_runs_host_checks_in_fleet_mode(conf_file, tmp_path):
    """kolla names container paths; --root finds them in a tree."""
    path = conf_file('[glance]\ncafile = /etc/nova/certs/ca.crt\n')
    root = tmp_path / 'rootfs'
    (root / 'etc/nova/certs').mkdir(parents=True)
    code, out, _ = run('--format', 'json', '--fail-on', 'never',
                       '--root', str(root), '--service-user', '0',
                       '--service-group', '0', path)
    doc = json.loads(out)
    assert doc['not_checked_offline'] == []
    [found] = [f for f in doc['findings'] if f['id'] == 'GC103']
    assert 'does not exist' in found['message']
    (root / 'etc/nova/certs/ca.crt').write_text('x')
    code, out, _ = run('--format', 'json', '--fail-on', 'never',
                       '--root', str(root), '--service-user', '0',
                       '--service-group', '0', path)
    assert 'GC103' not in {f['id'] for f in json.loads(out)['findings']}


@pytest.mark.parametrize('argv,message', [
    (['--service-user', 'no-such-user-x'],
     '--service-user no-such-user-x: no such name on this machine; give '
     'the number'),
    (['--service-group', 'no-such-group-x'],
     '--service-group no-such-group-x: no such name on this machine'),
    (['--root', '/nonexistent/rootfs'],
     '--root /nonexistent/rootfs: not a directory'),
    (['--offline', '--root', '/'], '--offline and --root contradict'),
])
def test_host_usage_errors_are_exit_2_one_line(conf_file, argv, message):
    code, out, err = run(*argv, '--config-file', conf_file('[glance]\n'))
    assert code == 2 and out == ''
    assert message in err and err.count('\n') == 1


def test_numeric_service_account(conf_file):
    """Service-owned file: low, never medium, so the gate passes."""
    path = conf_file('[DEFAULT]\ntransport_url = rabbit://n:RABBIT_canary'
                     '@mq/\n', 0o600)
    os.chown(path, 42436, 42436)
    code, out, _ = run('--service-user', '42436', '--service-group',
                       '42436', '--format', 'json', '--fail-on', 'never',
                       '--config-file', path)
    assert code == 0, out
    assert [(f['id'], f['severity']) for f in json.loads(out)[
        'findings'] if f['id'].startswith('GC50')] == [('GC503', 'low')]
    assert 'canary' not in out


@pytest.mark.parametrize('fail_on,failing', [
    ('high', {'GC201'}), ('low', {'GC201', 'GC301'}), ('never', set())])
def test_junit_fails_the_cases_at_the_gate_of_fail_on(conf_file, fail_on,
                                                      failing):
    """The writer learns --fail-on through the result."""
    path = conf_file(INSECURE.replace('timeout = 5\n', ''))
    code, out, err = run('--config-file', path, '--format', 'junit',
                         '--fail-on', fail_on)
    doc = validated(out)
    failed = {c.get('name').split()[0] for c in doc.iter('testcase')
              if c.find('failure') is not None}
    assert failed == failing, err
    assert code == (0 if fail_on == 'never' else 1)


def test_compliance_prints_the_security_guide_items(conf_file):
    path = conf_file(INSECURE + 'api_insecure = True\n')
    code, out, err = run('--config-file', path, '--offline',
                         '--compliance', 'security-guide')
    assert code == 1, err
    assert 'Check-Compute-05  fail' in out
    assert 'Check-Compute-01  not-checked' in out
    assert '[glance] api_insecure = True (effective insecure)' in out
    assert out.rstrip().endswith('0 pass, 1 fail, 2 not-checked')


def test_compliance_as_json_says_the_same_as_the_text(conf_file):
    path = conf_file(INSECURE + 'api_insecure = True\n')
    code, out, err = run('--config-file', path, '--offline',
                         '--compliance', 'security-guide', '--format', 'json')
    assert code == 1, err
    doc = json.loads(out)
    assert doc['standard'] == 'security-guide'
    assert doc['summary'] == {'pass': 0, 'fail': 1, 'not-checked': 2}
    [config] = doc['configs']
    status = {item['id']: item['status'] for item in config['items']}
    assert status['Check-Compute-05'] == 'fail'
    assert status['Check-Compute-01'] == 'not-checked'


@pytest.mark.parametrize('fmt', ['sarif', 'junit', 'html', 'prometheus'])
def test_compliance_refuses_a_format_it_cannot_write(conf_file, fmt):
    """It once wrote text whatever --format said (promtool: 'expected
    float as value, got "Security"')."""
    path = conf_file(INSECURE)
    code, out, err = run('--config-file', path, '--offline',
                         '--compliance', 'security-guide', '--format', fmt)
    assert (code, out) == (2, '')
    assert err.strip() == ('glance-conf-audit: error: --compliance writes '
                           'text or json, not --format %s' % fmt)


def test_compliance_refuses_an_unknown_standard():
    code, _, err = run('--compliance', 'cis')
    assert code == 2 and "invalid choice: 'cis'" in err


def test_baseline_turns_known_findings_off_the_gate(conf_file, tmp_path):
    path = conf_file(INSECURE)
    report = tmp_path / 'report.json'
    assert run(path, '--format', 'json', '--output', str(report))[0] == 1
    code, out, err = run(path, '--baseline', str(report))
    assert (code, err) == (0, '')
    assert '\nKNOWN, in the baseline (' in out
    # Every finding is known: even --fail-on info passes.
    assert run(path, '--baseline', str(report), '--fail-on', 'info')[0] == 0


@pytest.mark.parametrize('content, reason', [
    (None, 'no such file'),
    ('[glance]\ninsecure = True\n', 'not JSON (line 1, column 2)'),
    ('{"findings": []}', 'its fingerprints are not glanceConfAudit/v2 '
                         '(written by another version); write a new '
                         'baseline'),
])
def test_a_bad_baseline_is_exit_2_on_one_line(conf_file, tmp_path, content,
                                              reason):
    path = conf_file(INSECURE)
    bad = tmp_path / 'bad.json'
    if content is not None:
        bad.write_text(content)
    code, out, err = run(path, '--baseline', str(bad))
    assert (code, out) == (2, '')
    assert err == 'glance-conf-audit: error: --baseline %s: %s\n' % (
        bad, reason)


def test_previous_gives_the_html_report_a_since_section(conf_file, tmp_path):
    path = conf_file(INSECURE)
    report = tmp_path / 'report.json'
    assert run(path, '--format', 'json', '--output', str(report))[0] == 1
    code, out, err = run(path, '--format', 'html', '--previous', str(report))
    assert (code, err) == (1, '')
    assert '<span id="since-new">0</span> new' in out
    bad = tmp_path / 'bad.json'
    code, out, err = run(path, '--format', 'html', '--previous', str(bad))
    assert (code, out) == (2, '')
    assert err == 'glance-conf-audit: error: --previous %s: no such file\n' \
        % bad


def test_bundles_is_its_own_fleet_input(tmp_path):
    """``--bundles`` names no file and no host of this machine: FILE
    arguments, --root and --offline contradict it, and say why."""
    from tests import bundles as make
    make.write(tmp_path, make.bundle())
    code, out, err = run('--bundles', str(tmp_path), '--offline')
    assert (code, out) == (2, '')
    assert err == ('glance-conf-audit: error: --bundles and --offline '
                   'contradict each other: the host checks run from the '
                   'facts each bundle recorded on its host\n')
    code, out, _ = run('--bundles', str(tmp_path), '--format', 'json')
    assert code == 1 and json.loads(out)['mode'] == 'fleet'


def test_one_run_writes_several_reports_that_agree(conf_file, tmp_path):
    """json, sarif and html from one audit: the same findings in each,
    and the exit code once."""
    path = conf_file(INSECURE)
    out = {fmt: tmp_path / ('report.' + fmt) for fmt in ('json', 'sarif',
                                                          'html')}
    argv = ['--config-file', path]
    for fmt, target in out.items():
        argv += ['--format', fmt, '--output', str(target)]
    code, stdout, err = run(*argv)
    assert (code, stdout) == (1, ''), err
    found = sorted(f['fingerprint'] for f in json.loads(
        out['json'].read_text())['findings'])
    results = json.loads(out['sarif'].read_text())['runs'][0]['results']
    assert sorted(r['partialFingerprints']['primaryLocationLineHash']
                  for r in results) == found
    assert found and '<!DOCTYPE html>' in out['html'].read_text()


def test_several_reports_to_the_terminal_are_refused(conf_file):
    code, out, err = run('--config-file', conf_file(INSECURE),
                         '--format', 'json', '--format', 'sarif')
    assert (code, out) == (2, '')
    assert err.strip() == ('glance-conf-audit: error: 2 reports would go '
                           'to standard output; give each --format but one '
                           'its --output')


# -- --service ---------------------------------------------------------------

def test_service_names_the_profile_and_every_format_states_it(tmp_path):
    path = tmp_path / 'volume.conf'  # no name to go by, no sign
    path.write_text('[glance]\ninsecure = true\n')
    code, out, err = run('--service', 'cinder', '--offline', '--format',
                         'json', '--config-file', str(path))
    doc = json.loads(out)
    assert doc['service'] == 'cinder', err
    # cinder's [glance] is keystoneauth's: no nova finding; cinder's own
    # defaults then make two.
    assert sorted(f['id'] for f in doc['findings']) == ['GC806', 'GC810']
    code, out, _ = run('--offline', '--format', 'json', '--config-file',
                       str(path))
    assert json.loads(out)['service'] == 'nova'
    assert 'GC101' in {f['id'] for f in json.loads(out)['findings']}


def test_the_text_header_names_the_service(tmp_path):
    path = tmp_path / 'glance-api.conf'
    path.write_text('[DEFAULT]\nshow_multiple_locations = true\n')
    code, out, _ = run('--offline', '--config-file', str(path))
    assert code == 1
    assert out.startswith('glance-conf-audit (service mode, glance-api '
                          'defaults): 1 file(s) audited')


def test_defaults_are_nova_s_alone(tmp_path):
    path = tmp_path / 'cinder.conf'
    path.write_text('[DEFAULT]\n')
    code, out, err = run('--service', 'cinder', '--defaults', 'glance-conf',
                         '--config-file', str(path))
    assert code == 2 and out == ''
    assert err.count('\n') == 1 and '--service cinder' in err


def test_an_unknown_service_is_a_usage_error(tmp_path):
    code, _, err = run('--service', 'swift', str(tmp_path))
    assert code == 2 and 'invalid choice' in err


def test_a_report_is_never_written_over_a_file_the_run_reads(conf_file,
                                                           tmp_path):
    """--output naming an audited file or the waivers (by any spelling)
    would destroy it: refused before the audit runs."""
    path = conf_file(INSECURE)
    waivers = tmp_path / 'w.yaml'
    waivers.write_text('[]\n')
    for output, extra in ((path, ()), (str(waivers), ('--waivers',
                                                       str(waivers)))):
        before = pathlib.Path(output).read_text()
        code, out, err = run('--config-file', path, *extra, '--format',
                             'json', '--output', output)
        assert (code, out) == (2, '')
        assert err == ('glance-conf-audit: error: --output %s is a file '
                       'this run reads\n' % output)
        assert pathlib.Path(output).read_text() == before


def test_two_spellings_of_one_output_and_an_empty_one_are_refused(
        conf_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = conf_file(INSECURE)
    code, _, err = run(path, '--format', 'json', '--output', 'r.json',
                       '--format', 'sarif', '--output', './r.json')
    assert code == 2 and 'two reports name the same --output' in err
    code, _, err = run(path, '--format', 'json', '--output', '',
                       '--format', 'sarif')
    assert code == 2 and '2 reports would go to standard output' in err
