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

from glance_conf.cmd import status

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


def test_bad_usage_is_an_error_not_a_failure(capsys):
    assert run('--defaults', 'ours', 'upgrade', 'check')[0] == 255
    assert run('upgrade')[0] == 255
    assert 'Traceback' not in capsys.readouterr().err


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
