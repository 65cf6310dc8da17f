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

"""``glance-conf-status upgrade check``: oslo.upgradecheck's output and
exit codes, and one line (never a traceback) on bad input."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from glance_conf.audit import source
from glance_conf.cmd import status
from tests import servers

FIXED_KEY = ('[key_manager]\nfixed_key = 00ff\n'
             'backend = nova.keymgr.conf_key_mgr.ConfKeyManager\n')


def run(*argv):
    err = io.StringIO()
    return status.run(list(argv), err), err.getvalue()


@pytest.mark.parametrize('text,defaults,code', [
    ('[glance]\nverify_glance_signatures = true\n', 'glance-conf', 0),
    ('[glance]\n', 'nova', 0),
    ('[glance]\n', 'glance-conf', 1),
    ('[glance]\n' + FIXED_KEY, 'nova', 0),
    ('[glance]\n' + FIXED_KEY, 'glance-conf', 2),
    ('[glance]\nverify_glance_signatures = true\nnum_retries = 11\n',
     'nova', 1),
    ('[glance]\nverify_glance_signatures = true\nnum_retries = x\n',
     'nova', 2),
])
def test_exit_codes_are_oslo_upgradechecks(write_conf, capsys, text,
                                           defaults, code):
    path = write_conf(text)
    assert run('--config-file', str(path), '--defaults', defaults,
               'upgrade', 'check') == (code, '')
    out = capsys.readouterr().out
    assert 'Upgrade Check Results' in out
    assert out.count('Check: glance-conf-') == 4


def test_default_is_the_drop_ins_defaults(write_conf, capsys):
    path = write_conf('[glance]\n')
    assert run('--config-file', str(path), 'upgrade', 'check',
               '--json')[0] == 1
    [details] = [c['details'] for c in json.loads(
        capsys.readouterr().out)['checks'] if c['result']]
    assert 'the swap turns signature verification on' in details


def test_json_output(write_conf, capsys):
    path = write_conf('[glance]\n' + FIXED_KEY)
    assert run('--config-file', str(path), 'upgrade', 'check',
               '--json')[0] == 2
    out = json.loads(capsys.readouterr().out)
    assert [c['result'] for c in out['checks']] == [0, 2, 0, 0]


@pytest.mark.parametrize('argv,line', [
    (['--config-file', '/nonexistent/nova.conf'],
     'glance-conf-status: error: cannot read /nonexistent/nova.conf: no '
     'such file\n'),
    (['--config-dir', '/nonexistent/nova.conf.d'],
     'glance-conf-status: error: cannot read /nonexistent/nova.conf.d: no '
     'such directory\n'),
])
def test_a_missing_config_is_one_line_and_255(argv, line, capsys):
    assert run(*argv, 'upgrade', 'check') == (255, line)
    assert capsys.readouterr().out == ''


def test_a_file_given_as_a_directory_says_so(write_conf):
    path = write_conf('[glance]\n')
    assert run('--config-dir', str(path), 'upgrade', 'check') == (
        255, 'glance-conf-status: error: cannot read %s: not a '
        'directory\n' % path)


def test_the_pre_flight_reads_what_oslo_config_reads(write_conf, tmp_path,
                                                     monkeypatch):
    """oslo.config reads nova's default files unless ``--config-file``
    is spelt out: with ``--config-f`` too. The pre-flight reads the same
    files, so the bad one is named, not a backstop's exception name."""
    bad = tmp_path / '.nova' / 'nova.conf'
    bad.parent.mkdir()
    bad.write_bytes(b'[glance]\n\xff = x\n')
    monkeypatch.setenv('HOME', str(tmp_path))
    path = write_conf('[glance]\nverify_glance_signatures = true\n')
    assert run('--config-file', str(path), 'upgrade', 'check') == (0, '')
    code, err = run('--config-f', str(path), 'upgrade', 'check')
    assert code == 255 and str(bad) in err and 'not valid UTF-8' in err


def test_the_usage_line_names_defaults(capsys):
    assert run('--help')[0] == 0
    usage = capsys.readouterr().out.splitlines()[0]
    assert usage.startswith('usage: glance-conf-status') \
        and '--defaults {nova,glance-conf}' in usage


def test_an_unparsable_file_is_named_not_quoted(write_conf):
    path = write_conf('[glance]\ns3cret_without_equals\n')
    code, err = run('--config-file', str(path), 'upgrade', 'check')
    assert (code, err) == (255, 'glance-conf-status: error: cannot parse '
                           '%s: not a file oslo.config can read\n' % path)


def test_an_unreadable_file_is_one_line(write_conf):
    if os.geteuid() == 0:
        # root reads any file: use a directory where a file is expected.
        path = write_conf('').parent
    else:
        path = write_conf('[glance]\n')
        path.chmod(0)
    code, err = run('--config-file', str(path), 'upgrade', 'check')
    assert code == 255 and err.count('\n') == 1
    assert err.startswith('glance-conf-status: error: cannot ')


@pytest.mark.parametrize('argv', [
    ('--defaults', 'ours', 'upgrade', 'check'),
    ('upgrade',),
    ('--defaults', 'nova'),
    ('upgrade', 'check', '--bogus'),
])
def test_bad_usage_exits_2_as_argparse_and_nova_status_do(capsys, argv):
    """oslo.upgradecheck's ``main`` lets argparse exit 2, so every
    ``*-status`` command does; the line on standard error tells it from
    a Failure (issue 22, item 6)."""
    assert run(*argv)[0] == status.EXIT_USAGE == 2
    err = capsys.readouterr().err
    assert 'error: ' in err and 'Traceback' not in err


def test_no_arguments_lists_the_categories(capsys):
    """As nova-status: given no category, it says which there are."""
    code, err = run()
    assert code == 2 and capsys.readouterr().out == ''
    assert err == (
        'usage: %s\n\ncategories:\n  upgrade  check [--json]: will this '
        'config work once nova loads glance_conf?\n'
        'glance-conf-status: error: give a category, such as: upgrade '
        'check\n' % status.USAGE)


def test_version(capsys):
    from glance_conf.audit import identity
    assert run('--version') == (0, '')
    assert capsys.readouterr().out == 'glance-conf-status %s\n' % (
        identity.tool_version())


def test_help_exits_0(capsys):
    assert run('--help')[0] == 0
    assert '--defaults' in capsys.readouterr().out


def test_the_console_script_is_installed(write_conf):
    """The entry point in setup.cfg, run as an operator runs it."""
    script = os.path.join(os.path.dirname(sys.executable),
                          'glance-conf-status')
    done = subprocess.run([script, '--config-file', '/nonexistent.conf',
                           'upgrade', 'check'], capture_output=True,
                          text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout) == (255, '')
    assert done.stderr == ('glance-conf-status: error: cannot read '
                           '/nonexistent.conf: no such file\n')


@pytest.mark.parametrize('data,reason', [
    (b'[glance]\n# caf\xff\n', 'not valid UTF-8 (byte 0xff at line 2)'),
    (b'[glance]\n\x00\n', 'binary data (NUL byte at offset 9); not a '
     'config file'),
    (b'#' * (source.MAX_FILE_SIZE + 1), 'file is %d bytes; the limit is %d'
     % (source.MAX_FILE_SIZE + 1, source.MAX_FILE_SIZE)),
])
def test_a_file_the_audit_cannot_read_is_one_line_and_255(tmp_path, capsys,
                                                           data, reason):
    """oslo.config raised UnicodeDecodeError (a traceback, exit 1) or the
    checks reported a Failure: the audit's own reader refuses first."""
    conf_dir = tmp_path / 'nova.conf.d'
    conf_dir.mkdir()
    (conf_dir / '10-ok.conf').write_text('[glance]\n')
    (conf_dir / '20-bad.conf').write_bytes(data)
    for argv, path in ((['--config-file', str(conf_dir / '20-bad.conf')],
                        conf_dir / '20-bad.conf'),
                       (['--config-dir', str(conf_dir)],
                        conf_dir / '20-bad.conf')):
        assert run(*argv, 'upgrade', 'check') == (
            255, 'glance-conf-status: error: cannot read %s: %s\n'
            % (path, reason))
    assert capsys.readouterr().out == ''


def test_a_non_utf8_file_is_one_line_from_the_console_script(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_bytes(b'[glance]\ntimeout = \xe9\n')
    script = os.path.join(os.path.dirname(sys.executable),
                          'glance-conf-status')
    done = subprocess.run([script, '--config-file', str(path), 'upgrade',
                           'check'], capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stdout) == (255, '')
    assert done.stderr.count('\n') == 1 and 'Traceback' not in done.stderr


def test_what_oslo_config_raises_as_value_error_is_one_line(
        tmp_path, monkeypatch):
    """The backstop, for a file that changes after the pre-flight read
    it: oslo.config's UnicodeDecodeError is one line, 255."""
    path = tmp_path / 'nova.conf'
    path.write_text('[glance]\n')

    def swap(paths):
        path.write_bytes(b'[glance]\n\xff\n')
        return None
    monkeypatch.setattr(status, '_preflight', swap)
    assert run('--config-file', str(path), 'upgrade', 'check') == (
        255, 'glance-conf-status: error: cannot load the configuration '
        '(UnicodeDecodeError)\n')


@pytest.mark.parametrize('where', ['file', 'env'])
def test_config_source_is_never_fetched_and_never_shown(
        tmp_path, monkeypatch, capsys, where):
    """oslo.config's remote_file driver would GET the URI (and log it
    with its token): nothing is fetched, and a warning says so."""
    server = servers.FaultServer(lifetime=30).start()
    try:
        path = tmp_path / 'nova.conf'
        text = ('[DEFAULT]\nconfig_source = extra\n' if where == 'file'
                else '[DEFAULT]\n')
        path.write_text(text + '[extra]\ndriver = remote_file\nuri = '
                        '%s/nova.conf?token=S3CRETTOKEN\n[glance]\n'
                        'verify_glance_signatures = true\n' % server.url)
        if where == 'env':
            monkeypatch.setenv('OS_DEFAULT__CONFIG_SOURCE', 'extra')
        code, err = run('--config-file', str(path), 'upgrade', 'check',
                        '--json')
        out = capsys.readouterr()
        assert server.hits == 0
    finally:
        server.stop()
    for text in (err, out.out, out.err):
        assert 'S3CRETTOKEN' not in text and '127.0.0.1' not in text
    assert (code, err) == (1, '')
    results = {c['check']: c for c in json.loads(out.out)['checks']}
    found = results[status.CONFIG_SOURCE_CHECK]
    assert found['result'] == 1
    assert found['details'].startswith(status.CONFIG_SOURCE_NOT_CHECKED % (
        '[DEFAULT] config_source in %s line 2' % path if where == 'file'
        else 'the OS_DEFAULT__CONFIG_SOURCE environment variable'))


def test_no_config_source_no_such_result(write_conf, capsys):
    path = write_conf('[DEFAULT]\nconfig_source =\n[glance]\n')
    run('--config-file', str(path), 'upgrade', 'check', '--json')
    assert status.CONFIG_SOURCE_CHECK not in capsys.readouterr().out


def test_the_audited_file_does_not_choose_its_defaults(write_conf,
                                                       monkeypatch):
    """--defaults was an oslo.config option, so ``[DEFAULT] defaults =
    nova`` in the file (or OS_DEFAULT__DEFAULTS) turned a Failure into a
    success; only the command line chooses."""
    plain = write_conf('[glance]\n' + FIXED_KEY)
    assert run('--config-file', str(plain), 'upgrade', 'check')[0] == 2
    chosen = write_conf('[DEFAULT]\ndefaults = nova\n[glance]\n' + FIXED_KEY,
                        'chosen.conf')
    assert run('--config-file', str(chosen), 'upgrade', 'check')[0] == 2
    monkeypatch.setenv('OS_DEFAULT__DEFAULTS', 'nova')
    assert run('--config-file', str(plain), 'upgrade', 'check')[0] == 2
    assert run('--config-file', str(plain), '--defaults', 'nova',
               'upgrade', 'check')[0] == 0
    assert run('--config-file', str(plain), '--defaults=nova',
               'upgrade', 'check')[0] == 0
