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

"""File helpers: the service's paths, its account, who else gets in."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile

import pytest

from glance_conf import _files
from glance_conf import exception

NOVA = 1234
AS_NOVA = _files.Account(NOVA, NOVA, frozenset({NOVA}))


@pytest.fixture
def open_dir():
    """A directory any user may enter: pytest's own is 0700."""
    path = tempfile.mkdtemp(prefix='glance-conf-files-', dir='/tmp')
    os.chmod(path, 0o755)  # noqa: S103 - any user may enter, on purpose
    yield path
    shutil.rmtree(path)


def test_problem_reading(tmp_path, monkeypatch):
    path = tmp_path / 'ca.pem'
    assert _files.problem_reading(str(path)) == 'does not exist'
    path.write_text('x')
    assert _files.problem_reading(str(path)) is None
    assert _files.problem_reading(str(tmp_path)) == \
        'is a directory, not a file'
    monkeypatch.setattr(os, 'access', lambda p, m: False)
    assert _files.problem_reading(str(path)) == 'is not readable'


def test_problem_reading_as_the_service_account(open_dir):
    """Root can read anything: the service account's rights are what
    count, from the mode bits of the file and of its directories."""
    host = _files.Host(None, AS_NOVA)
    path = os.path.join(open_dir, 'ca.pem')
    with open(path, 'w') as out:
        out.write('x')
    os.chmod(path, 0o600)
    assert _files.problem_reading(path, host) == \
        'is not readable by the service account'
    os.chown(path, NOVA, 0)
    assert _files.problem_reading(path, host) is None
    os.chown(path, 0, NOVA)
    os.chmod(path, 0o640)
    assert _files.problem_reading(path, host) is None
    os.chmod(open_dir, 0o700)
    assert _files.problem_reading(path, host) == \
        'is in a directory the service account cannot enter'


def test_unknown_account_judges_existence_only(open_dir):
    path = os.path.join(open_dir, 'ca.pem')
    with open(path, 'w') as out:
        out.write('x')
    os.chmod(path, 0o600)
    assert _files.problem_reading(path, _files.Host(None,
                                                    _files.Account())) is None


def test_root_resolves_links_as_a_chroot(tmp_path):
    """Absolute link targets start again at the root, ``..`` stops
    there: nothing outside the root is ever reached."""
    root = tmp_path / 'root'
    (root / 'etc/nova/certs').mkdir(parents=True)
    (root / 'etc/nova/certs/real.crt').write_text('x')
    (root / 'etc/nova/certs/ca.crt').symlink_to('/etc/nova/certs/real.crt')
    (root / 'etc/nova/certs/rel.crt').symlink_to('real.crt')
    (root / 'etc/nova/certs/out.crt').symlink_to('/etc/passwd')
    (root / 'etc/nova/certs/up.crt').symlink_to('../../../../../etc/passwd')
    (root / 'loop').symlink_to('/loop')
    host = _files.Host(str(root), AS_NOVA)
    real = str(root / 'etc/nova/certs/real.crt')
    assert host.path('/etc/nova/certs/ca.crt') == real
    assert host.path('/etc/nova/certs/rel.crt') == real
    assert host.path('/../../etc/nova/certs/real.crt') == real
    assert host.path('/etc/nova/certs/out.crt') == str(root / 'etc/passwd')
    assert host.path('/etc/nova/certs/up.crt') == str(root / 'etc/passwd')
    assert _files.problem_reading('/etc/nova/certs/out.crt', host) == \
        'does not exist'
    with pytest.raises(OSError) as caught:
        host.path('/loop')
    assert caught.value.errno == errno.ELOOP
    assert _files.problem_reading('/loop', host).startswith(
        'cannot be examined')


def test_account_names_and_numbers():
    assert _files.Account.named('42436', '42436') == _files.Account(
        42436, 42436, frozenset({42436}))
    root = _files.Account.named('root', 'root')
    assert (root.uid, root.gid) == (0, 0)
    missing = 'no-such-user-%d' % os.getpid()
    with pytest.raises(exception.UnknownAccount,
                       match='--service-user no-such-user-.*: no such name '
                             'on this machine; give the number'):
        _files.Account.named(missing, '0')
    with pytest.raises(exception.UnknownAccount, match='--service-group'):
        _files.Account.named('0', missing)
    # The default name, absent here, leaves the ID unknown.
    assert _files.Account.named(default=missing) == _files.Account()


def test_strangers():
    def info(mode, gid):
        return os.stat_result((mode, 0, 0, 1, 0, gid, 0, 0, 0, 0))
    assert _files.strangers(AS_NOVA, info(0o640, NOVA), _files.READ) == []
    assert _files.strangers(AS_NOVA, info(0o660, 0), _files.WRITE) == []
    assert _files.strangers(AS_NOVA, info(0o644, 0), _files.READ) == [
        'every user']
    assert _files.strangers(AS_NOVA, info(0o664, 7), _files.WRITE) == [
        'group 7']
    assert _files.strangers(AS_NOVA, info(0o666, 7), _files.WRITE) == [
        'every user']


def test_a_fifo_is_not_a_file_to_read(tmp_path):
    """Reading a FIFO named as cafile would block the service for ever."""
    fifo = tmp_path / 'ca.pem'
    os.mkfifo(fifo)
    assert _files.problem_reading(str(fifo)) == 'is not a regular file'


class _Told(_files.Host):
    """A host that answers from a table, as a recorded host does."""

    def __init__(self, facts):
        super().__init__(None, AS_NOVA)
        object.__setattr__(self, 'facts', facts)

    def stat(self, path):
        if path not in self.facts:
            raise exception.NotRecorded(errno.ENODATA, 'not recorded')
        if self.facts[path] is None:
            raise FileNotFoundError(errno.ENOENT, 'gone')
        return os.stat_result((self.facts[path], 0, 0, 1, 0, 0, 0, 0, 0, 0))

    def directories(self, path):
        yield '/srv'


def test_problem_reading_asks_the_host_not_the_disk():
    """Every fact comes through the host's ``stat``: a host known from
    elsewhere (a bundle) judges paths this machine does not have."""
    host = _Told({'/srv/ca.pem': 0o100644, '/srv/key.pem': 0o100600,
                  '/srv/gone.pem': None, '/srv': 0o40755})
    assert not os.path.exists('/srv/ca.pem')
    assert host.problem_reading('/srv/ca.pem') is None
    assert _files.problem_reading('/srv/ca.pem', host) is None
    assert host.problem_reading('/srv/key.pem') == \
        'is not readable by the service account'
    assert host.problem_reading('/srv/gone.pem') == _files.DOES_NOT_EXIST
    assert host.examine('/srv/key.pem').st_mode == 0o100600
    # Nothing known: no finding either way; the host keeps the question.
    assert host.problem_reading('/elsewhere') is None
    assert host.examine('/elsewhere') is None


def test_directory_of_and_config_dirs_resolve_links(tmp_path):
    (tmp_path / 'real').mkdir()
    (tmp_path / 'link').symlink_to(tmp_path / 'real')
    host = _files.Host()
    assert host.directory_of(str(tmp_path / 'link' / 'nova.conf')) == \
        str(tmp_path / 'real')
    assert host.config_dirs([str(tmp_path / 'link')]) == {
        str(tmp_path / 'real')}
