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

"""``glance-conf-audit fix``: a diff by default, a backup with --write,
exit codes as a linter's."""

from __future__ import annotations

import io
import os
import stat
import subprocess

import pytest

from glance_conf.audit import fix
from glance_conf.audit.fix import files
from glance_conf.cmd import audit as cli
from glance_conf.cmd import fix as fix_cli

TLS_OFF = ('[DEFAULT]\ntransport_url = rabbit://nova:RABBIT_canary@mq//\n'
           '[glance]\n# verification\napi_insecure = true\n'
           'endpoint_override = https://glance:9292\n')


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(['fix', *argv], out, err)
    return code, out.getvalue(), err.getvalue()


def test_dry_run_prints_the_diff_changes_nothing_and_exits_1(write_conf):
    path = write_conf(TLS_OFF)
    code, out, err = run('--config-file', str(path), '--offline')
    assert code == 1
    assert path.read_text() == TLS_OFF
    assert '-api_insecure = true\n+insecure = False\n' in out
    assert 'RABBIT_canary' not in out + err
    assert 'would change; run again with --write' in err
    assert not os.path.exists(str(path) + '.orig')


def test_write_fixes_keeps_a_backup_and_a_second_run_is_a_no_op(
        write_conf):
    path = write_conf(TLS_OFF)
    path.chmod(0o640)
    code, _, err = run('--config-file', str(path), '--offline', '--write')
    assert code == 0, err
    assert 'backup: %s.orig' % path in err
    assert open(str(path) + '.orig').read() == TLS_OFF
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    text = path.read_text()
    assert '# verification\ninsecure = False\n' in text
    assert 'RABBIT_canary' in text  # untouched lines stay
    code, out, err = run('--config-file', str(path), '--offline')
    assert (code, out) == (0, '')
    assert 'nothing to fix' in err


def test_a_targeted_finding_left_exits_1_after_write(write_conf):
    """Two spellings of one option: not guessed, so not fixed."""
    path = write_conf('[glance]\nnum_retry = 5\nnum_retries = 2\n')
    code, _, err = run('--config-file', str(path), '--offline', '--write')
    assert code == 1
    assert 'still there: ' in err and 'GC303' in err
    assert 'num_retry is ignored' in err


def test_permissions_get_commands_never_run(write_conf):
    path = write_conf(TLS_OFF)
    path.chmod(0o644)
    code, _, err = run('--config-file', str(path), '--write',
                       '--service-user', '0', '--service-group', '0')
    assert code == 0, err
    assert 'GC502' in err
    assert '    chown root:0 %s\n    chmod 0640 %s\n' % (path, path) in err
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_usage_errors_exit_2(tmp_path):
    assert run()[0] == 2
    code, _, err = run('--config-file', str(tmp_path / 'missing.conf'))
    assert code == 2
    assert err.count('\n') == 1 and 'no such file' in err
    assert run('--bogus')[0] == 2


def test_a_syntax_error_names_the_line_not_its_text(write_conf):
    path = write_conf('[glance]\n  password = PASS_canary\n')
    code, _, err = run('--config-file', str(path), '--offline')
    assert code == 2 and 'line 2' in err and 'PASS_canary' not in err


def test_skip_leaves_a_fix_out(write_conf):
    """A site not ready to sign images keeps verification as it is."""
    path = write_conf('[glance]\nverify_glance_signatures = false\n'
                      'endpoint_override = https://g:9292\ntimeout = 9\n'
                      'tls_min_version = 1.2\n')
    before = path.read_text()
    code, out, err = run('--config-file', str(path), '--offline',
                         '--skip', 'gc201')
    assert (code, out, path.read_text()) == (0, '', before)
    assert 'left for a person: ' in err and 'GC201' in err
    assert run('--config-file', str(path), '--skip', 'GC102')[0] == 2


def test_a_config_file_that_is_a_link_exits_2_with_one_line(tmp_path):
    """With or without --write: the link's target is never written."""
    victim = tmp_path / 'shadow'
    victim.write_text('[glance]\ninsecure = true\n')
    victim.chmod(0o600)
    link = tmp_path / 'nova.conf'
    link.symlink_to(victim)
    for write in ([], ['--write']):
        code, out, err = run('--config-file', str(link), '--offline', *write)
        assert (code, out) == (2, '')
        assert err == '%s: error: %s: %s\n' % (fix_cli.PROG, link,
                                                 fix.LINK)
    assert victim.read_text() == '[glance]\ninsecure = true\n'
    assert sorted(os.listdir(tmp_path)) == ['nova.conf', 'shadow']


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 24 KiB file system (tmpfs), unmounted afterwards."""
    mount = tmp_path / 'disk'
    mount.mkdir()
    done = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=24k',
                           'tmpfs', str(mount)], capture_output=True,
                          text=True)
    if done.returncode:
        pytest.skip('cannot mount a tmpfs here (needs root and '
                    'CAP_SYS_ADMIN): %s' % done.stderr.strip())
    try:
        yield mount
    finally:
        subprocess.run(['umount', str(mount)], check=True)


def test_a_full_disk_leaves_no_truncated_backup(tiny_disk):
    """6 KiB of config and room for 4 KiB more: exit 2 with one line,
    nothing left behind; with room again, the backup takes the first
    name, whole."""
    text = TLS_OFF + '# %s\n' % ('x' * 60) * 90
    path = tiny_disk / 'nova.conf'
    path.write_text(text)
    filler = tiny_disk / 'filler'
    filler.write_bytes(b'f' * 12288)
    code, _, err = run('--config-file', str(path), '--offline', '--write')
    assert (code, err) == (2, '%s: error: %s: cannot write: No space left '
                           'on device\n' % (fix_cli.PROG, path))
    assert sorted(os.listdir(tiny_disk)) == ['filler', 'nova.conf']
    assert path.read_text() == text
    filler.unlink()
    code, _, err = run('--config-file', str(path), '--offline', '--write')
    assert code == 0, err
    assert 'backup: %s.orig)' % path in err
    assert (tiny_disk / 'nova.conf.orig').read_text() == text


@pytest.mark.parametrize('second', ['./nova.conf', 'dir'])
def test_one_file_named_twice_is_refused_before_anything_is_written(
        tmp_path, monkeypatch, second):
    """Two spellings of one file were two edits: the first written, the
    second then refused as "changed", the file left half fixed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'nova.conf').write_text(TLS_OFF)
    flag = '--config-dir' if second == 'dir' else '--config-file'
    code, out, err = run('--config-file', 'nova.conf', flag,
                         '.' if second == 'dir' else second, '--offline',
                         '--write')
    assert (code, out) == (2, '')
    assert 'is the same file as nova.conf; name each file once' in err
    assert len(err.splitlines()) == 1
    assert (tmp_path / 'nova.conf').read_text() == TLS_OFF
    assert sorted(os.listdir(tmp_path)) == ['nova.conf']


def test_extended_attributes_go_with_the_written_file(tmp_path):
    """A POSIX ACL or an SELinux label is an extended attribute: dropped,
    the service could lose read access, or a group gain it."""
    path = tmp_path / 'nova.conf'
    path.write_text(TLS_OFF)
    try:
        os.setxattr(path, 'user.glance_conf_test', b'kept')
    except OSError as exc:
        pytest.skip('no user extended attributes on %s: %s'
                    % (tmp_path, exc.strerror))
    code, _, err = run('--config-file', str(path), '--offline', '--write')
    assert code == 0, err
    assert 'insecure = False' in path.read_text()
    assert os.getxattr(path, 'user.glance_conf_test') == b'kept'
    backup = tmp_path / ('nova.conf' + files.BACKUP_SUFFIX)
    assert os.getxattr(backup, 'user.glance_conf_test') == b'kept'
