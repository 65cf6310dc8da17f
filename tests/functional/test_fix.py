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

"""``fix --write`` on every real config: nothing fixable left, a second
run changes nothing, and oslo.config reads what the fixer says it wrote."""

from __future__ import annotations

import io
import os
import pathlib
import shutil
import stat
import subprocess
import sys

import pytest
from oslo_config import cfg

from glance_conf.audit import fix
from glance_conf.audit import source
from glance_conf.cmd import audit as cli

HERE = pathlib.Path(__file__).parent
FILES = sorted(HERE.glob('corpus/*.conf')) + \
    sorted(HERE.glob('deployments/**/*.conf'))


def _oslo_values(path: pathlib.Path) -> dict[tuple[str, str], str]:
    """Every assignment as oslo.config's own parser reads it (the last
    value of a key wins, section names as it looks them up)."""
    sections: dict[str, dict[str, list[str]]] = {}
    cfg.ConfigParser(str(path), sections).parse()
    return {(source.section_name(section), key): values[-1]
            for section, keys in sections.items()
            for key, values in keys.items()}


def _model(text: str) -> dict[tuple[str, str], str]:
    raw = source.parse_text('model', text)
    return {(section, key): assignment.value
            for section, keys in raw.sections.items()
            for key, assignment in keys.items()}


def test_there_are_files():
    assert len(FILES) >= 20


@pytest.mark.parametrize('defaults', ['nova', 'glance-conf'])
@pytest.mark.parametrize('original', FILES,
                         ids=[p.name for p in FILES])
def test_fix_write_round_trips(tmp_path, ca_file, original, defaults):
    path = tmp_path / 'nova.conf'
    path.write_text(original.read_text().replace('{ca}', str(ca_file)))
    before = _oslo_values(path)
    outcome = fix.fix([('--config-file', str(path))], defaults=defaults)

    out, err = io.StringIO(), io.StringIO()
    code = cli.run(['fix', '--config-file', str(path), '--offline',
                    '--defaults', defaults, '--write'], out, err)
    assert code == 0, err.getvalue()
    # The fixer's model of its text is what oslo.config reads...
    after = _oslo_values(path)
    assert after == _model(path.read_text())
    # ... and it is the original with exactly the changes reported.
    expected = dict(before)
    for change in outcome.changes:
        if change.removed:
            expected.pop(change.removed)
        if change.added:
            section, key, value = change.added
            expected[(section, key)] = value
    assert after == expected
    # No fixable finding is left, and a second run is a no-op.
    again = fix.fix([('--config-file', str(path))], defaults=defaults)
    assert again.changes == [] and again.remaining == []
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(['fix', '--config-file', str(path), '--offline',
                    '--defaults', defaults], out, err) == 0
    assert out.getvalue() == ''


def test_a_deployment_as_a_config_dir(tmp_path):
    """openstack-helm's layout: a base file and a directory of fragments;
    each fix lands in the fragment whose value is in use."""
    conf_d = tmp_path / 'nova.conf.d'
    conf_d.mkdir()
    base = tmp_path / 'nova.conf'
    shutil.copy(HERE / 'deployments' / 'openstack-helm-compute-tls.conf',
                base)
    (conf_d / '50-override.conf').write_text(
        '[glance]\r\ninsecure = True\r\nverify_glance_signatures = no\r\n')
    args = ['--config-file', str(base), '--config-dir', str(conf_d)]
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(['fix', *args, '--offline', '--write'], out, err) == 0
    assert (conf_d / '50-override.conf').read_bytes() == (
        b'[glance]\r\ninsecure = False\r\n'
        b'verify_glance_signatures = True\r\n'
        b'tls_min_version = 1.2\r\ntimeout = 60\r\n')
    assert base.read_text() == (
        HERE / 'deployments' / 'openstack-helm-compute-tls.conf').read_text()
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(['fix', *args, '--offline'], out, err) == 0


# -- a link swapped in while fix --write runs --------------------------------

#: Someone who can write the config's directory, as a separate process:
#: ``inotify`` mode waits (inotify, IN_CLOSE_NOWRITE) until the config
#: has been read, then renames a link to the victim over it, once;
#: ``loop`` mode keeps putting the link and the real file back in turns.
#: Both stop by themselves: at a deadline, or (``loop``) when told to.
ATTACKER = r"""
import ctypes, os, select, sys, time
mode, config, victim, deadline = sys.argv[1:5]
deadline = time.monotonic() + float(deadline)
directory = os.path.dirname(config)
link = os.path.join(directory, '.link')
saved = os.path.join(directory, '.saved')
def swap_in():
    os.symlink(victim, link)
    os.rename(link, config)
if mode == 'inotify':
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init1(os.O_CLOEXEC)
    if fd < 0 or libc.inotify_add_watch(fd, config.encode(), 0x10) < 0:
        sys.exit('inotify: ' + os.strerror(ctypes.get_errno()))
    print('ready', flush=True)
    if select.select([fd], [], [], deadline - time.monotonic())[0]:
        swap_in()
else:
    os.link(config, saved)
    print('ready', flush=True)
    while time.monotonic() < deadline and not os.path.exists(sys.argv[5]):
        swap_in()
        time.sleep(0.002)
        os.link(saved, link)
        os.rename(link, config)
        time.sleep(0.002)
"""

#: What the link points to: a stand-in for /etc/shadow, whose lines are
#: legal INI keys.
SHADOW = b'root:$6$salt$hash:19000:0:99999:7:::\nnova:!:19000::::::\n'
FIXABLE = '[glance]\napi_insecure = true\nendpoint_override = https://g:9292\n'


def _victim(tmp_path):
    etc = tmp_path / 'etc'
    etc.mkdir()
    victim = etc / 'shadow'
    victim.write_bytes(SHADOW)
    victim.chmod(0o600)
    return victim


def _attacker(mode, config, victim, stop=None):
    proc = subprocess.Popen(
        [sys.executable, '-c', ATTACKER, mode, str(config), str(victim),
         '60', str(stop)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline() == 'ready\n', proc.communicate()
    return proc


def _fix_write(config):
    return subprocess.run(
        [sys.executable, '-m', 'glance_conf.cmd.audit', 'fix',
         '--config-file', str(config), '--offline', '--write'],
        capture_output=True, text=True, timeout=120)


def _untouched(victim):
    info = victim.stat()
    assert victim.read_bytes() == SHADOW
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert sorted(os.listdir(victim.parent)) == ['shadow']


def test_a_link_swapped_in_after_the_read_is_refused(tmp_path):
    """The attack of issue 20: the link lands right after fix has read
    the config; fix refuses with one line and the victim is untouched."""
    victim = _victim(tmp_path)
    config = tmp_path / 'nova.conf.d' / 'nova.conf'
    config.parent.mkdir()
    config.write_text(FIXABLE)
    attacker = _attacker('inotify', config, victim)
    done = _fix_write(config)
    attacker.wait(timeout=60)
    assert attacker.returncode == 0, attacker.stderr.read()
    assert config.is_symlink()  # the swap happened
    _untouched(victim)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count('\n') == 1
    assert str(config) in done.stderr and 'nothing written' in done.stderr
    assert 'root:' not in done.stdout + done.stderr
    assert os.listdir(config.parent) == ['nova.conf']


def test_a_link_swapped_in_and_out_in_a_tight_loop(tmp_path):
    """Wherever the swaps land, the victim is never read nor written:
    fix refuses with one error line naming the config, or writes the
    config it read and keeps its bytes as the backup.

    The swapper puts back the very file read (a hard link to it), so
    when every check lands between swaps the file is still the one read
    and fix rightly writes it; the audit of the written file that
    follows may then meet the next swap (exit 1 or 2 after ``wrote``).
    """
    victim = _victim(tmp_path)
    for run in range(4):
        config = tmp_path / str(run) / 'nova.conf'
        config.parent.mkdir()
        config.write_text(FIXABLE)
        stop = tmp_path / ('stop-%d' % run)
        attacker = _attacker('loop', config, victim, stop)
        try:
            done = _fix_write(config)
        finally:
            stop.touch()
            attacker.wait(timeout=60)
        assert attacker.returncode == 0, attacker.stderr.read()
        _untouched(victim)
        assert 'root:' not in done.stdout + done.stderr
        wrote = done.stderr.startswith('wrote %s ' % config)
        if wrote:
            backup = config.parent / 'nova.conf.orig'
            assert backup.read_text() == FIXABLE
        if done.returncode == 2:
            errors = [line for line in done.stderr.splitlines()
                      if ': error: ' in line]
            assert len(errors) == 1 and str(config) in errors[0]
            assert wrote or done.stderr.count('\n') == 1, done.stderr
        else:
            assert done.returncode == 0 or wrote, done.stderr
