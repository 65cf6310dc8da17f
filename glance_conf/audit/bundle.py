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

"""Read the bundles the Ansible module ``collect`` writes, one per host.

A bundle (format ``glance-conf-bundle``, version 1) holds the config
files of one service of one host, in oslo.config's order, their text
already masked on the host, and the facts the host checks need: each
file's mode and owner, the config directories', those of every path
the options name, and the service account. :func:`load` checks the
shape and turns it into a :class:`Bundle`; :class:`RecordedHost`
answers the host checks from those facts, never from this machine's
disk.

A host that runs several services of the image trust path (a
controller with nova-api, cinder and glance-api) has one bundle per
service: each service's files are layered on their own, as that service
layers them. The optional field ``service`` (``nova``, ``cinder`` or
``glance-api``) says which; a bundle without it (every bundle written
before it existed) is recognised from its files, as before, so the
version stays 1.

Paths in the audit's findings and errors are the host's own: a config
file is named ``host:/etc/nova/nova.conf`` (:func:`label`).

Errors name the bundle file and the field (``config[2].stat.mode``),
never a value: a masked text may still say more than it should.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import posixpath
import re
import stat
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any

from glance_conf import _files
from glance_conf import redact
from glance_conf.audit import services
from glance_conf.audit import source
from glance_conf.audit.exception import LoadError
from glance_conf.exception import NotRecorded

FORMAT = 'glance-conf-bundle'
#: The versions of the format this reader knows.
VERSIONS = (1,)
#: Largest bundle file read, checked before reading: twice the largest
#: config text, so that a host whose one file is at the command line's
#: own limit is still audited. Real bundles are far smaller: 7 KiB each
#: for a 2,000-host generated fleet, 8 KiB at most for the deployments
#: and the corpus under ``tests/functional`` as ``collect`` writes them;
#: a distribution's stock nova.conf (the whole commented sample) is some
#: hundreds of KiB.
MAX_BUNDLE_SIZE = 2 * source.MAX_FILE_SIZE
#: Most JSON tokens (strings, and the ``{ [ , :`` outside them) one
#: bundle may hold, counted before it is parsed: each becomes at most
#: one object of some 50 bytes, so this bounds the parsed graph to a few
#: MiB whatever the file's shape. Real bundles hold a few hundred (under
#: 200 in the fleet and the corpus above).
MAX_JSON_TOKENS = 65_536
#: Largest ``mode`` recorded: ``st_mode`` with the file type bits, 16
#: bits on Linux (``S_IFMT`` is ``0o170000``).
MAX_MODE = 0o177777
#: Largest uid or gid: ``uid_t`` is 32 bits and ``(uid_t) -1`` is no id
#: (``setuid(2)`` and ``chown(2)`` read it as "unchanged").
MAX_ID = 2 ** 32 - 2
#: Largest config text, in UTF-8 bytes: the command line's own limit,
#: which is also the one the collector applies on the host.
MAX_TEXT_SIZE = source.MAX_FILE_SIZE
#: Config files one bundle may hold (the collector's own limit).
MAX_CONFIG_FILES = 256
#: Paths named by the options that one bundle may hold (ditto).
MAX_NAMED_PATHS = 64
#: Config directories, and directories walked to reach one path.
MAX_DIRECTORIES = 1024
#: Longest path, or reason, read (Linux's PATH_MAX).
MAX_PATH = 4096
#: Longest host or group name.
MAX_NAME = 255
#: Said of a path the bundle holds no facts for.
NOT_RECORDED = ('not in the bundle: the collector recorded no facts for '
                'this path, so the host checks on it were not run')

_EXAMINED = re.compile(r'cannot be examined \((.{1,200})\)')


def label(host: str, path: str) -> str:
    """A host's file as the audit names it: ``compute-01:/etc/nova/...``."""
    return '%s:%s' % (host, path)


def files(directory: str) -> list[str]:
    """Every ``*.json`` regular file in ``directory``, in name order.

    :raises LoadError: if it is not a directory, or holds no bundle.
    """
    try:
        # Regular files only: a link (even a stale one) is no host, and a
        # FIFO would block the reader.
        names = sorted(entry.name for entry in os.scandir(directory)
                       if entry.name.endswith('.json')
                       and entry.is_file(follow_symlinks=False))
    except (FileNotFoundError, NotADirectoryError):
        raise LoadError(directory, 'no such directory') from None
    except OSError as exc:
        raise LoadError(directory, 'cannot list directory: %s'
                        % exc.strerror) from None
    if not names:
        raise LoadError(directory, 'no bundle (*.json) in it')
    return [os.path.join(directory, name) for name in names]


@dataclasses.dataclass(frozen=True)
class ConfigFile:
    """One config file of a host, as the collector found it."""

    path: str
    #: The masked text; ``None`` when ``error`` says why it was not read.
    text: str | None
    error: str | None


@dataclasses.dataclass(frozen=True)
class Bundle:
    """One host's bundle, its shape checked."""

    #: The bundle file on this machine.
    file: str
    host: str
    #: Its drift group; ``None``: not grouped.
    group: str | None
    #: The service its files configure; ``None``: not said (recognised
    #: from the files).
    service: str | None
    config: tuple[ConfigFile, ...]
    account: _files.Account
    #: Every path the host recorded, config files included, by its
    #: path on the host.
    facts: Mapping[str, Fact]
    #: The config directories and the directories of the config files.
    config_dirs: frozenset[str]
    #: ``(path, reason)`` of each of those the host could not examine or
    #: list: part of the config may be missing (and oslo.config refuses
    #: a ``--config-dir`` that does not exist).
    dir_errors: tuple[tuple[str, str], ...] = ()

    def host_facts(self) -> RecordedHost:
        """A new :class:`RecordedHost` of this bundle (it records what it
        was asked and could not answer: one per audit of the host)."""
        return RecordedHost(None, self.account, facts=self.facts,
                            prefix=label(self.host, ''),
                            loading_dirs=self.config_dirs)


@dataclasses.dataclass(frozen=True)
class Fact:
    """What the host recorded about one of its paths."""

    stat: os.stat_result | None
    #: Why there is no ``stat``: ``does not exist``, ``cannot be
    #: examined (Permission denied)``...
    error: str | None = None
    #: The directories walked to reach it, from ``/`` down.
    directories: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, eq=False)
class RecordedHost(_files.Host):
    """A host known by the facts its bundle recorded.

    Paths are the host's own (the collector resolved ``root`` there); a
    config file may also be asked for by its :func:`label`. A path with
    no facts raises :class:`glance_conf.exception.NotRecorded` and is kept in
    :attr:`unrecorded`, never taken as missing nor as fine.
    """

    facts: Mapping[str, Fact] = dataclasses.field(default_factory=dict)
    #: The prefix of the config files' labels (``compute-01:``).
    prefix: str = ''
    #: Directories that may be ``--config-dir``\\ s: the bundle does not
    #: tell them from the directories of ``--config-file``\\ s, so each
    #: is judged as one (the stricter reading).
    loading_dirs: frozenset[str] = frozenset()
    #: Paths asked about that the bundle holds no facts for.
    unrecorded: set[str] = dataclasses.field(default_factory=set)

    def _own(self, path: str) -> str:
        return path[len(self.prefix):] if self.prefix and \
            path.startswith(self.prefix) else path

    def path(self, configured: str) -> str:
        return configured

    def stat(self, path: str) -> os.stat_result:
        own = self._own(path)
        fact = self.facts.get(own)
        if fact is None:
            self.unrecorded.add(own)
            raise NotRecorded(errno.ENODATA, NOT_RECORDED)
        if fact.stat is not None:
            return fact.stat
        if fact.error == _files.DOES_NOT_EXIST:
            raise FileNotFoundError(errno.ENOENT, _files.DOES_NOT_EXIST)
        match = _EXAMINED.fullmatch(fact.error or '')
        raise OSError(errno.EIO, match.group(1) if match else
                      redact.printable(fact.error or 'no stat recorded',
                                       200))

    def directories(self, path: str) -> Iterator[str]:
        fact = self.facts.get(self._own(path))
        yield from fact.directories if fact else ()

    def readable(self, path: str) -> bool:
        return False  # never this process: asked of no recorded host

    def directory_of(self, path: str) -> str:
        return posixpath.dirname(posixpath.normpath(self._own(path)))

    def config_dirs(self, given: Iterable[str]) -> set[str]:
        return set(self.loading_dirs)


# -- reading and checking the shape -------------------------------------------

class _Reader:
    """Shape checks of one bundle; each failure names the field."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: str, what: str) -> LoadError:
        return LoadError(self.path, '%s: %s' % (where, what))

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, 'expected an object')
        return value

    def items(self, value: Any, where: str, limit: int) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, 'expected a list')
        if len(value) > limit:
            raise self.fail(where, 'more than %d entries' % limit)
        return value

    def text(self, value: Any, where: str, limit: int = MAX_PATH,
             null: bool = False) -> Any:
        if value is None and null:
            return None
        if not isinstance(value, str) or not value:
            raise self.fail(where, 'expected a non-empty text%s'
                            % (' or null' if null else ''))
        if len(value) > limit:
            raise self.fail(where, 'longer than %d characters' % limit)
        return value

    def number(self, value: Any, where: str, limit: int,
               null: bool = False) -> Any:
        """An integer from 0 to ``limit``: what the kernel can record,
        so nothing downstream (``stat.S_ISDIR``...) meets a number it
        cannot take."""
        if value is None and null:
            return None
        if isinstance(value, bool) or not isinstance(value, int) \
                or not 0 <= value <= limit:
            raise self.fail(where, 'expected a number from 0 to %d%s'
                            % (limit, ' or null' if null else ''))
        return value

    def name(self, value: Any, where: str) -> str | None:
        value = self.text(value, where, MAX_NAME, null=True)
        if value is not None and not value.isprintable():
            raise self.fail(where, 'expected a printable name')
        return str(value) if value is not None else None

    def path_text(self, value: Any, where: str) -> str:
        value = self.text(value, where)
        if not value.startswith('/'):
            raise self.fail(where, 'expected an absolute path')
        return str(value)

    def stat(self, value: Any, where: str) -> os.stat_result | None:
        if value is None:
            return None
        fields = self.mapping(value, where)
        mode, uid, gid = (self.number(fields.get(name), '%s.%s'
                                      % (where, name), limit)
                          for name, limit in (('mode', MAX_MODE),
                                              ('uid', MAX_ID),
                                              ('gid', MAX_ID)))
        return os.stat_result((mode, 0, 0, 1, uid, gid, 0, 0, 0, 0))

    def fact(self, value: Any, where: str
             ) -> tuple[Fact, list[tuple[str, os.stat_result | None]]]:
        fields = self.mapping(value, where)
        info = self.stat(fields.get('stat'), where + '.stat')
        error = self.text(fields.get('error'), where + '.error', null=True)
        walked = []
        for i, entry in enumerate(self.items(
                fields.get('directories', []), where + '.directories',
                MAX_DIRECTORIES)):
            at = '%s.directories[%d]' % (where, i)
            entry = self.mapping(entry, at)
            walked.append((self.path_text(entry.get('path'), at + '.path'),
                           self.stat(entry.get('stat'), at + '.stat')))
        return Fact(info, error, tuple(p for p, _ in walked)), walked

    def account(self, value: Any) -> _files.Account:
        fields = self.mapping(value, 'account')
        self.name(fields.get('user'), 'account.user')
        uid = self.number(fields.get('uid'), 'account.uid', MAX_ID,
                          null=True)
        gid = self.number(fields.get('gid'), 'account.gid', MAX_ID,
                          null=True)
        listed = self.items(fields.get('groups', []), 'account.groups',
                            MAX_DIRECTORIES)
        groups = {self.number(g, 'account.groups[%d]' % i, MAX_ID)
                  for i, g in enumerate(listed)}
        if gid is not None:
            groups.add(gid)
        return _files.Account(uid, gid, frozenset(groups))

    def config(self, value: Any, where: str) -> tuple[ConfigFile, Fact]:
        fields = self.mapping(value, where)
        path = self.path_text(fields.get('path'), where + '.path')
        at = '%s (%s)' % (where, redact.printable(path, 200))
        error = self.text(fields.get('error'), at + '.error', null=True)
        text = fields.get('text')
        if text is None and error is None:
            raise self.fail(at, 'no text and no error')
        if text is not None:
            if not isinstance(text, str):
                raise self.fail(at + '.text', 'expected a text or null')
            self.check_text(text, at)
        info = self.stat(fields.get('stat'), at + '.stat')
        return ConfigFile(path, text, error), Fact(info, error)

    def check_text(self, text: str, where: str) -> None:
        # ASCII, as most configs are, is UTF-8 of its own length: no
        # copy encoded to learn it.
        size = len(text)
        if not text.isascii():
            try:
                size = len(text.encode('utf-8'))
            except UnicodeEncodeError:
                raise self.fail(where, 'the text is not valid '
                                'UTF-8') from None
        if size > MAX_TEXT_SIZE:
            raise self.fail(where, 'the text is larger than %d bytes'
                            % MAX_TEXT_SIZE)
        if '\x00' in text:
            raise self.fail(where, 'binary data (a NUL character); not a '
                            'config file')

    def bundle(self, data: Any) -> Bundle:
        top = self.mapping(data, 'the bundle')
        if top.get('format') != FORMAT:
            raise LoadError(self.path, 'not a %s (its "format" is not %s)'
                            % (FORMAT, FORMAT))
        version = top.get('version')
        if isinstance(version, bool) or version not in VERSIONS:
            shown = str(version) if isinstance(version, int) \
                and not isinstance(version, bool) else 'not a number'
            raise LoadError(self.path, 'bundle version %s is not one this '
                            'reader knows (%s)' % (
                                shown, ', '.join(map(str, VERSIONS))))
        host = self.name(top.get('host'), 'host')
        if host is None:
            stem = os.path.splitext(os.path.basename(self.path))[0]
            host = redact.printable(stem, MAX_NAME) or '?'
        group = self.name(top.get('group') or None, 'group')
        service = top.get('service')
        if service is not None and service not in services.SERVICES:
            # A known name is shown; anything else is not quoted.
            raise self.fail('service', 'expected one of %s or null'
                            % ', '.join(services.SERVICES))
        account = self.account(top.get('account'))
        facts: dict[str, Fact] = {}
        directories: dict[str, os.stat_result | None] = {}
        config = []
        for i, entry in enumerate(self.items(top.get('config'), 'config',
                                             MAX_CONFIG_FILES)):
            one, fact = self.config(entry, 'config[%d]' % i)
            config.append(one)
            facts.setdefault(one.path, fact)
        dirs = set()
        dir_errors = []
        for i, entry in enumerate(self.items(top.get('config_dirs', []),
                                             'config_dirs',
                                             MAX_DIRECTORIES)):
            fact, _ = self.fact(entry, 'config_dirs[%d]' % i)
            path = self.path_text(entry.get('path'),
                                  'config_dirs[%d].path' % i)
            dirs.add(path)
            facts.setdefault(path, fact)
            if fact.error is not None:
                dir_errors.append((path, fact.error))
        named = self.mapping(top.get('paths', {}), 'paths')
        if len(named) > MAX_NAMED_PATHS:
            raise self.fail('paths', 'more than %d entries'
                            % MAX_NAMED_PATHS)
        for i, (key, entry) in enumerate(named.items()):
            # The key is a value of the config: never shown.
            self.text(key, 'paths (entry %d)' % (i + 1))
            fact, walked = self.fact(entry, 'paths (entry %d)' % (i + 1))
            facts[key] = fact
            for path, info in walked:
                directories.setdefault(path, info)
        for path, info in directories.items():
            facts.setdefault(path, Fact(info, None if info else
                                        'no stat recorded'))
        return Bundle(self.path, host, group, service, tuple(config),
                      account, facts, frozenset(dirs), tuple(dir_errors))


def load(path: str) -> Bundle:
    """Read and check one bundle file.

    :raises LoadError: for a file that cannot be read, is not a regular
        file, is not JSON, is not a bundle of a known version, or does
        not have its shape; the reason names the field, never a value.
    """
    try:
        # The bytes are dropped at once: the text is all that is kept.
        text = _read(path).decode('utf-8')
    except UnicodeDecodeError as exc:
        raise LoadError(path, 'not valid UTF-8 (at byte %d)'
                        % exc.start) from None
    if _too_many_tokens(text):
        raise LoadError(path, 'more than %d JSON tokens; a real bundle '
                        'holds a few hundred' % MAX_JSON_TOKENS)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        # Its message quotes no input; the position is enough.
        raise LoadError(path, 'not valid JSON (line %d, column %d)'
                        % (exc.lineno, exc.colno)) from None
    except RecursionError:
        raise LoadError(path, 'not valid JSON (nested too deeply)') from None
    except ValueError:
        # Python's limit on the digits of an integer (4300).
        raise LoadError(path, 'not valid JSON: a number too long') from None
    return _Reader(path).bundle(parsed)


def _too_many_tokens(text: str) -> bool:
    """Whether ``text`` holds more than :data:`MAX_JSON_TOKENS` tokens.

    First two bounds, at C speed: the length (a token is one character
    at least), then every quote and every ``{ [ , :`` anywhere, inside
    strings too (a string counts once and has two quotes). A real
    bundle is far under the cap by either; only a text over both is
    counted token by token, which took a tenth of the time a bundle's
    audit takes.
    """
    if len(text) <= MAX_JSON_TOKENS or sum(
            text.count(mark) for mark in '"{[,:') <= MAX_JSON_TOKENS:
        return False
    return _tokens(text) > MAX_JSON_TOKENS


def _tokens(text: str) -> int:
    """The JSON tokens of ``text`` that may each become an object when
    parsed (strings, and ``{ [ , :`` outside them), counted without
    building any, and no further than :data:`MAX_JSON_TOKENS`.

    Linear: each string is matched once from its opening quote, and the
    count stops at the first that does not end (the parser then says
    where the JSON is broken).
    """
    count = position = 0
    while count <= MAX_JSON_TOKENS:
        quote = text.find('"', position)
        end = len(text) if quote < 0 else quote
        count += sum(text.count(mark, position, end) for mark in '{[,:')
        if quote < 0:
            break
        end = _string_end(text, quote)
        if end < 0:
            break
        count += 1
        position = end
    return count


def _string_end(text: str, quote: int) -> int:
    """Where the JSON string opened at ``quote`` ends (past its closing
    quote), or -1 if it never does: each quote is judged by the
    backslashes just before it, so the scan is linear and never
    backtracks (Python 3.10 has no possessive quantifiers)."""
    start = quote + 1
    while True:
        end = text.find('"', start)
        if end < 0:
            return -1
        before = end
        while before > quote + 1 and text[before - 1] == '\\':
            before -= 1
        if (end - before) % 2 == 0:
            return end + 1
        start = end + 1


def _read(path: str) -> bytes:
    """The bytes of a bundle file: a regular file, not through a link,
    never blocking (a FIFO is refused by its own fstat)."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
                         | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LoadError(path, 'is a symbolic link, not a bundle '
                            'file') from None
        raise LoadError(path, 'cannot read: %s' % exc.strerror) from None
    with os.fdopen(handle, 'rb') as stream:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise LoadError(path, 'is not a regular file')
        # Refused before reading, and again if it grew meanwhile.
        data = b''
        try:
            if info.st_size <= MAX_BUNDLE_SIZE:
                data = source.read_capped(stream, info.st_size,
                                          MAX_BUNDLE_SIZE)
        except OSError as exc:
            raise LoadError(path, 'cannot read: %s' % exc.strerror) from None
    if max(info.st_size, len(data)) > MAX_BUNDLE_SIZE:
        raise LoadError(path, 'bundle is larger than %d bytes'
                        % MAX_BUNDLE_SIZE)
    return data
