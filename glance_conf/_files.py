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

"""File helpers shared by the checks that look at the host.

Three questions, each answered as the *service* would meet the file, not
as the auditing process does:

* Where is the file? A path named inside a config is a path of the
  service's file system. :class:`Host` maps it to this machine: as is, or
  under a root directory (a container's root file system, or a host tree
  collected elsewhere), resolving symbolic links as a ``chroot`` would,
  so nothing outside that directory is ever looked at.
* Who is the service? :class:`Account`: its uid, its group and
  supplementary groups; by default, for the runtime API, the calling
  process itself.
* Who else can reach the file? The mode bits, owner and group, and the
  search permission of every directory on the way.

``os.stat``, ``os.lstat`` and ``os.access`` are looked up at call time,
so tests can stub them.
"""

from __future__ import annotations

import dataclasses
import errno
import grp
import os
import pwd
import stat
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator

from glance_conf import redact
from glance_conf.exception import NotRecorded
from glance_conf.exception import UnknownAccount

#: Symbolic links followed in one path before giving up, as Linux does
#: (``ELOOP``, ``MAXSYMLINKS``).
MAX_SYMLINKS = 40

#: Permission wanted, in the "others" bit position.
READ, WRITE, SEARCH = 0o4, 0o2, 0o1


#: Why a path the service names cannot be read, when it is not there.
DOES_NOT_EXIST = 'does not exist'


@dataclasses.dataclass(frozen=True)
class Account:
    """The account a service runs as.

    :param uid: its user ID; ``None`` when not known.
    :param gid: its primary group ID; ``None`` when not known.
    :param groups: every group it is in (the primary one included).
    :param process: it is this very process: ``os.access`` answers for
        it exactly (ACLs and all).
    """

    uid: int | None = None
    gid: int | None = None
    groups: frozenset[int] = frozenset()
    process: bool = False

    @classmethod
    def current(cls) -> Account:
        """The calling process: the service, when it audits itself."""
        return cls(os.geteuid(), os.getegid(),
                   frozenset([os.getegid(), *os.getgroups()]), True)

    @classmethod
    def named(cls, user: str | None = None, group: str | None = None,
              default: str = 'nova') -> Account:
        """The account from a user and a group, each a name or a number.

        A name is looked up on this machine; a number is taken as is (the
        audited host or container may number its accounts differently).

        :param user: ``None`` for ``default``; a default name this
            machine does not know leaves the ID unknown.
        :raises UnknownAccount: for a name given, not known here.
        """
        uid = _id(user, default, '--service-user',
                  lambda name: pwd.getpwnam(name).pw_uid)
        gid = _id(group, default, '--service-group',
                  lambda name: grp.getgrnam(name).gr_gid)
        groups = {gid} if gid is not None else set()
        name = user if user is not None else default
        if uid is not None and not name.isdigit():
            # Supplementary groups, as the service gets them at login.
            groups.update(os.getgrouplist(name, pwd.getpwnam(name).pw_gid))
        return cls(uid, gid, frozenset(groups))

    def allowed(self, info: os.stat_result, want: int) -> bool | None:
        """Whether this account has ``want`` (:data:`READ`...) on a file
        with ``info``, by its mode bits; ``None`` when not known."""
        if self.uid is None:
            return None
        if self.uid == 0:
            return True
        if info.st_uid == self.uid:
            shift = 6
        elif info.st_gid in self.groups:
            shift = 3
        else:
            shift = 0
        return bool(info.st_mode >> shift & want)


@dataclasses.dataclass(frozen=True)
class Host:
    """Where the service's paths are found on this machine.

    :param root: the service's ``/`` on this machine; ``None`` for this
        machine's own ``/``.
    :param account: the account the service runs as.
    """

    root: str | None = None
    account: Account = dataclasses.field(default_factory=Account.current)

    def path(self, configured: str) -> str:
        """The path on this machine of a path the service names.

        Under :attr:`root`, symbolic links are resolved as in a
        ``chroot``: an absolute target starts again at the root, ``..``
        stops at it. A relative path is taken from the root.

        :raises OSError: ``ELOOP`` after :data:`MAX_SYMLINKS` links.
        """
        if self.root is None:
            return configured
        return _inside(self.root, configured)

    def directories(self, path: str) -> Iterator[str]:
        """The directories a process walks through to reach ``path``
        (a path returned by :meth:`path`), from ``/`` down."""
        top = os.path.abspath(self.root or os.sep)
        # Under a root the path has no links left; on this machine they
        # are resolved, as the kernel walks the target's directories.
        full = os.path.abspath(path) if self.root else os.path.realpath(path)
        here = os.path.dirname(full)
        chain = []
        while True:
            chain.append(here)
            if here == top or os.path.dirname(here) == here:
                break
            here = os.path.dirname(here)
        yield from reversed(chain)

    def stat(self, path: str) -> os.stat_result:
        """``os.stat`` of ``path`` (a path returned by :meth:`path`).

        :raises OSError: as ``os.stat`` does.
        """
        return os.stat(path)

    def examine(self, path: str) -> os.stat_result | None:
        """:meth:`stat` of ``path``, or ``None`` when it cannot be had."""
        try:
            return self.stat(path)
        except OSError:
            return None

    def readable(self, path: str) -> bool:
        """Whether this process can read ``path`` (ACLs and all); asked
        only when the account is the process itself."""
        return os.access(path, os.R_OK)

    def directory_of(self, path: str) -> str:
        """The directory holding a loaded config file (a path on this
        machine), symbolic links resolved."""
        return os.path.realpath(os.path.dirname(os.path.abspath(path)))

    def config_dirs(self, given: Iterable[str]) -> set[str]:
        """The ``--config-dir`` directories among what :meth:`directory_of`
        returns, from the ones the command line ``given``."""
        return {os.path.realpath(d) for d in given}

    def problem_reading(self, path: str) -> str | None:
        """Why the service could not read ``path``, or ``None``.

        :param path: as the service names it.
        """
        try:
            where = self.path(path)
            info = self.stat(where)
        except NotRecorded:
            return None  # the host keeps it, for the caller to report
        except FileNotFoundError:
            return DOES_NOT_EXIST
        except OSError as exc:
            return 'cannot be examined (%s)' % exc.strerror
        if stat.S_ISDIR(info.st_mode):
            return 'is a directory, not a file'
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or a device: reading it can block for ever.
            return 'is not a regular file'
        account = self.account
        if account.process:
            return None if self.readable(where) else 'is not readable'
        for directory in self.directories(where):
            walked = self.examine(directory)
            if walked is None:
                continue
            if account.allowed(walked, SEARCH) is False:
                return 'is in a directory the service account cannot enter'
        if account.allowed(info, READ) is False:
            return 'is not readable by the service account'
        return None


def _id(given: str | None, default: str, flag: str,
        lookup: Callable[[str], int]) -> int | None:
    text = default if given is None else given
    if text.isdigit():
        return int(text)
    try:
        return lookup(text)
    except KeyError:
        if given is None:
            return None
        raise UnknownAccount(
            '%s %s: no such name on this machine; give the number the '
            'audited host uses (for example %s 42436)'
            % (flag, redact.printable(given, 64), flag)) from None


def _inside(root: str, path: str) -> str:
    """``path`` resolved under ``root`` as a chroot would; never outside.

    A missing component ends the walk: the result does not exist, which
    is what the caller reports.
    """
    parts: list[str] = []
    todo = list(reversed(path.split('/')))
    links = 0
    while todo:
        name = todo.pop()
        if name in ('', '.'):
            continue
        if name == '..':
            if parts:
                parts.pop()
            continue
        here = os.path.join(root, *parts, name)
        try:
            info = os.lstat(here)
        except OSError:
            return here
        if not stat.S_ISLNK(info.st_mode):
            parts.append(name)
            continue
        links += 1
        if links > MAX_SYMLINKS:
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), path)
        target = os.readlink(here)
        if target.startswith('/'):
            parts = []
        todo.extend(reversed(target.split('/')))
    return os.path.join(root, *parts)


def problem_reading(path: str, host: Host | None = None) -> str | None:
    """Why the service could not read ``path``, or ``None``.

    :param path: as the service names it.
    :param host: where the service is; by default this machine, the
        service being this process.
    """
    return (host or Host()).problem_reading(path)


def examine(path: str) -> os.stat_result | None:
    """``os.stat`` of ``path`` (a path on this machine), or ``None``."""
    return Host().examine(path)


def privileged_group(gid: int, account: Account) -> bool:
    """Whether members of group ``gid`` are no "others": ``root``, or the
    service's own group (Security Guide, Check-Compute-01: group
    ``nova``)."""
    return gid == 0 or gid == account.gid


def strangers(account: Account, info: os.stat_result,
              want: int) -> list[str]:
    """Who, other than root, the owner and the service's group, has
    ``want`` (:data:`READ` or :data:`WRITE`) on a file with ``info``:
    ``['every user']``, ``['group N']``, or nobody (an empty list).

    The file's own bits are judged: a directory on the way that keeps
    others out is not credited (the Security Guide's alternative, "or
    the containing directory is set to 750"), since a hard link, a bind
    mount or a copy carries the file's mode elsewhere.
    """
    if info.st_mode & want:
        return ['every user']
    if info.st_mode & (want << 3) and not privileged_group(
            info.st_gid, account) and account.gid is not None:
        # With the service's group unknown here (no --service-group, no
        # nova group on this machine), a group cannot be judged.
        return ['group %d' % info.st_gid]
    return []
