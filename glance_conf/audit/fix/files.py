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

"""The files ``fix`` edits: each read once and pinned, and written back
only while it is still the file read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import secrets
import stat
from collections.abc import Sequence

from glance_conf.audit import source
from glance_conf.audit.exception import LoadError
from glance_conf.audit.fix.show import printable
from glance_conf.exception import GlanceConfError

#: Suffix of the backup ``--write`` keeps; ``.orig.1``, ``.orig.2``...
#: when it exists. It does not end in ``.conf``, so oslo.config does not
#: load a backup left in a ``--config-dir``.
BACKUP_SUFFIX = '.orig'
#: Backups kept beside one file at most.
MAX_BACKUPS = 100


class FixError(GlanceConfError):
    """The fixes could not be made; the message is safe to show."""


@dataclasses.dataclass(frozen=True)
class Original:
    """A config file as ``fix`` read it: where it is, which file it is
    (device and inode, of it and of its directory) and its bytes.

    :func:`write` writes there only while it is still that file.
    """

    #: As named on the command line.
    path: str
    #: Its directory, symbolic links resolved once, when it was read.
    directory: str
    name: str
    directory_id: tuple[int, int]
    file_id: tuple[int, int]
    data: bytes
    text: str


#: Flags for opening a config file: never through a link, never blocking
#: on a FIFO.
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
#: Flags for creating a file beside it: new, never through a link.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


#: Why a config file that is a symbolic link is not fixed.
LINK = ('is a symbolic link; fix edits only a file named directly '
        '(name the file it points to)')
#: Why a file with more than one name is not fixed: the rename that
#: writes it would give this name a new file and leave the others.
HARD_LINKED = ('has %d hard links; fix writes a new file in its place, '
               'which would leave the other names with the old text '
               '(edit it in place, or give it one name)')
#: Why a file is not written: it is no longer the file read.
MOVED = ('was replaced, moved or changed since fix read it; nothing '
         'written (run fix again)')


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def read(path: str) -> Original:
    """Read ``path`` for fixing, and pin it.

    The directory part is resolved once (a linked ``/etc/nova`` is
    fine); the file itself is opened relative to it without following a
    link. A config file that is itself a symbolic link is refused: its
    target could be changed by whoever can write the directory, between
    this read and the write.

    :raises LoadError: as :func:`source.read_text` would, or for a link.
    """
    directory = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    name = os.path.basename(path)
    try:
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY |
                         os.O_CLOEXEC)
    except FileNotFoundError:
        raise LoadError(path, 'no such file') from None
    except OSError as exc:
        raise LoadError(path, 'cannot read: %s' % exc.strerror) from None
    try:
        try:
            fd = os.open(name, _READ, dir_fd=dir_fd)
        except FileNotFoundError:
            raise LoadError(path, 'no such file') from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise LoadError(path, LINK) from None
            raise LoadError(path, 'cannot read: %s' % exc.strerror) from None
        with os.fdopen(fd, 'rb') as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise LoadError(path, 'is a directory, not a file')
            if not stat.S_ISREG(info.st_mode):
                raise LoadError(path, 'is not a regular file')
            data = source.read_capped(handle, info.st_size,
                                      source.MAX_FILE_SIZE)
        return Original(path, directory, name,
                         _identity(os.fstat(dir_fd)), _identity(info), data,
                         source.decode(path, data))
    finally:
        os.close(dir_fd)


def write(original: Original, text: str) -> str:
    """Write ``text`` over ``original``, keeping a backup.

    Everything happens in ``original``'s directory, opened again and
    checked to be the one read (device and inode), and nothing follows a
    link: the file must still be the one read (device, inode and bytes),
    and is checked once more just before the new text is renamed over it.
    A swap after that check is harmless: ``rename`` replaces a name in
    that directory, it never writes through what the name points to.
    The backup (``.orig``, or ``.orig.N`` if taken) is written whole to a
    temporary name, then linked to its name, never over an existing file.
    The new text goes to a temporary file (not named ``*.conf``, so a
    service starting meanwhile does not read it) with the original's mode
    and owner, then replaces the file in one ``rename``. Both are synced,
    then the directory. On any failure, whatever was created is removed
    and the file is as it was.

    :returns: the backup's path, beside ``original.path`` as given.
    :raises FixError: if the file is no longer the one read, has other
        hard links (the rename would part it from them), the owner cannot
        be kept or a write fails.
    """
    path = printable(original.path)
    created: list[str] = []
    dir_fd = _directory(original)
    try:
        info = _still(original, dir_fd)
        backup = _backup(original, dir_fd, info, created)
        temp = _create(original, dir_fd, info, text.encode('utf-8'),
                       created)
        if _identity(os.stat(original.name, dir_fd=dir_fd,
                             follow_symlinks=False)) != original.file_id:
            raise FixError('%s: %s' % (path, MOVED))
        os.rename(temp, original.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        created.clear()  # written: the backup stays
        os.fsync(dir_fd)
    except BaseException as exc:
        for name in created:
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=dir_fd)
        if isinstance(exc, OSError):
            raise FixError('%s: cannot write: %s'
                           % (path, exc.strerror)) from None
        raise
    finally:
        os.close(dir_fd)
    return os.path.join(os.path.dirname(original.path), backup)


def _directory(original: Original) -> int:
    """A descriptor of the directory ``original`` was read in."""
    try:
        return os.open(original.directory, os.O_RDONLY | os.O_DIRECTORY |
                       os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        raise FixError('%s: %s' % (printable(original.path),
                                   MOVED)) from None


def _still(original: Original, dir_fd: int) -> os.stat_result:
    """The file's status, if it is still the file read; else refuse."""
    path = printable(original.path)
    if _identity(os.fstat(dir_fd)) != original.directory_id:
        raise FixError('%s: %s' % (path, MOVED))
    try:
        fd = os.open(original.name, _READ, dir_fd=dir_fd)
    except OSError:
        raise FixError('%s: %s' % (path, MOVED)) from None
    with os.fdopen(fd, 'rb') as handle:
        info = os.fstat(handle.fileno())
        if _identity(info) != original.file_id or \
                handle.read(len(original.data) + 1) != original.data:
            raise FixError('%s: %s' % (path, MOVED))
    if info.st_nlink > 1:
        # Asked here, of a file about to be written, not when it is read:
        # the files fix only reads may have as many names as they like.
        raise FixError('%s: %s' % (path, HARD_LINKED % info.st_nlink))
    return info


def _create(original: Original, dir_fd: int, info: os.stat_result,
            data: bytes, created: list[str]) -> str:
    """A new file beside the original holding ``data``, synced, with its
    mode and owner; its name goes into ``created`` once it exists."""
    for _ in range(MAX_BACKUPS):
        name = '.%s.%s.tmp' % (original.name, secrets.token_hex(8))
        try:
            fd = os.open(name, _CREATE, 0o600, dir_fd=dir_fd)
        except FileExistsError:
            continue
        created.append(name)
        with os.fdopen(fd, 'wb') as out:
            _keep_owner(out.fileno(), info, original.path)
            os.fchmod(out.fileno(), info.st_mode & 0o7777)
            _keep_xattrs(original, dir_fd, out.fileno())
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        return name
    raise FixError('%s: cannot create a temporary file beside it'
                   % printable(original.path))


def _keep_xattrs(original: Original, dir_fd: int, fd: int) -> None:
    """Give ``fd`` the original's extended attributes: its POSIX ACL and
    SELinux label among them. Without them the service's account could
    lose read access to its config, or a group gain it (the mode's group
    bits are an ACL's mask)."""
    source = os.open(original.name, _READ, dir_fd=dir_fd)
    try:
        if _identity(os.fstat(source)) != original.file_id:
            raise FixError('%s: %s' % (printable(original.path), MOVED))
        try:
            names = os.listxattr(source)
        except OSError as exc:
            if exc.errno in (errno.ENOTSUP, errno.ENOSYS):
                return  # a file system without extended attributes
            raise
        for name in names:
            try:
                os.setxattr(fd, name, os.getxattr(source, name))
            except OSError as exc:
                raise FixError('%s: cannot keep its extended attribute %s '
                               '(%s); nothing written' % (
                                   printable(original.path),
                                   printable(name), exc.strerror)) from None
    finally:
        os.close(source)


def _keep_owner(fd: int, info: os.stat_result, path: str) -> None:
    if (os.fstat(fd).st_uid, os.fstat(fd).st_gid) == \
            (info.st_uid, info.st_gid):
        return
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except PermissionError:
        raise FixError('%s: cannot keep its owner (uid %d, gid %d); run '
                       'as root or as its owner' % (
                           printable(path), info.st_uid,
                           info.st_gid)) from None


def _backup(original: Original, dir_fd: int, info: os.stat_result,
            created: list[str]) -> str:
    """Keep the original's bytes under the first free backup name.

    Written whole under a temporary name first: a full disk leaves no
    truncated backup. ``link`` gives it its name and, unlike ``rename``,
    never replaces a backup that exists.
    """
    temp = _create(original, dir_fd, info, original.data, created)
    for number in range(MAX_BACKUPS):
        name = original.name + BACKUP_SUFFIX + (
            '.%d' % number if number else '')
        try:
            os.link(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd,
                    follow_symlinks=False)
        except FileExistsError:
            continue
        created.append(name)
        os.unlink(temp, dir_fd=dir_fd)
        created.remove(temp)
        return name
    raise FixError('%s: %d backups exist already; remove old ones'
                   % (printable(original.path), MAX_BACKUPS))


#: How the files were named: ``(flag, path, files)`` per command-line
#: flag, ``files`` being what it loads, in order.
Layout = list[tuple[str, str, list[str]]]


def load(config_args: Sequence[tuple[str, str]]
         ) -> tuple[Layout, dict[str, Original]]:
    """The files ``config_args`` name, each read once (see :func:`read`).

    :raises LoadError: for a file or directory that cannot be read or
        parsed, as the audit would refuse it, or a file that is a link.
    """
    layout: Layout = []
    files: dict[str, Original] = {}
    seen: dict[tuple[int, int], str] = {}
    for flag, path in config_args:
        members = [path] if flag == '--config-file' else \
            source.dir_files(path)
        layout.append((flag, path, members))
        for member in members:
            files[member] = read(member)
            first = seen.setdefault(files[member].file_id, member)
            if first != member:
                # Two edits of one file: the second would find it changed
                # after the first was written.
                raise LoadError(member, 'is the same file as %s; name '
                                'each file once' % printable(first))
            source.parse_text(member, files[member].text)
    return layout, files




def unchanged(original: Original) -> None:
    """Refuse (:class:`FixError`) unless ``original`` is still the file
    read: checked for every file before the first is written."""
    dir_fd = _directory(original)
    try:
        _still(original, dir_fd)
    finally:
        os.close(dir_fd)
