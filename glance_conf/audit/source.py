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

"""Read config files as text: what is set, where, and on which line.

oslo.config tells the effective value of an option but not reliably
which file or alias it came from, and nothing of sections nobody
registered. The audit needs both, so it reads each file once more with
oslo.config's own INI grammar (:mod:`glance_conf.ini`) and keeps, for
each key of each section, the value and line of its last assignment
(the one oslo.config uses).

Errors name the file and the line, never the line's text: a malformed
line may hold a password.
"""

from __future__ import annotations

import dataclasses
import os
import stat as stat_mod
from typing import Any
from typing import BinaryIO
from typing import NamedTuple

import yaml  # type: ignore[import-untyped]

from glance_conf import ini
from glance_conf import locate
from glance_conf.audit.exception import LoadError

#: Largest config file read. A full generated nova.conf sample is about
#: 400 KiB; the cap keeps the cost of one hostile file near a second.
MAX_FILE_SIZE = 2 * 1024 * 1024


#: One key's value in a file, and the line it starts on (a named tuple,
#: made by the INI grammar as it reads).
Assignment = ini.Assignment


#: Section names as oslo.config looks them up (one rule, in :mod:`ini`).
section_name = ini.section_name


@dataclasses.dataclass
class RawFile:
    """One parsed file: ``sections[section][key]`` -> last assignment.

    Section names are kept as oslo.config looks them up
    (:func:`section_name`), so ``[GLANCE]`` and ``[glance]`` are one.
    """

    path: str
    sections: dict[str, dict[str, Assignment]]

    def get(self, section: str, key: str) -> Assignment | None:
        return self.sections.get(section_name(section), {}).get(key)


class Hit(NamedTuple):
    """One assignment found in the files: where, under which key, what."""

    file: RawFile
    key: str
    assignment: Assignment

    @property
    def path(self) -> str:
        return self.file.path

    @property
    def line(self) -> int:
        return self.assignment.line

    @property
    def value(self) -> str:
        return self.assignment.value


def read_text(path: str, strict: bool = True) -> str:
    """Read ``path`` as UTF-8 text, refusing what no INI file can be.

    :param strict: refuse files over :data:`MAX_FILE_SIZE` and files with
        NUL bytes. The command line reads strictly; the runtime API
        (:func:`glance_conf.audit.run`) does not, as it must audit
        whatever oslo.config already parsed for the service.
    """
    return decode(path, read_bytes(path, MAX_FILE_SIZE if strict else None),
                  strict)


def read_bytes(path: str, limit: int | None) -> bytes:
    """``path``'s bytes, refusing what is not a regular file before
    opening it (a FIFO or device could block the read, or never end) and
    a file over ``limit`` bytes (``None``: any size).

    :raises LoadError: naming what is wrong, never the content.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise LoadError(path, 'no such file') from None
    except OSError as exc:
        raise LoadError(path, 'cannot read: %s' % exc.strerror) from None
    if stat_mod.S_ISDIR(info.st_mode):
        raise LoadError(path, 'is a directory, not a file')
    if not stat_mod.S_ISREG(info.st_mode):
        raise LoadError(path, 'is not a regular file')
    if limit is not None and info.st_size > limit:
        raise LoadError(path, 'file is %d bytes; the limit is %d'
                        % (info.st_size, limit))
    try:
        with open(path, 'rb') as handle:
            return handle.read() if limit is None else \
                read_capped(handle, info.st_size, limit)
    except OSError as exc:
        raise LoadError(path, 'cannot read: %s' % exc.strerror) from None


def read_capped(stream: BinaryIO, size: int, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``stream``, a file of ``size``
    bytes when examined: one byte more than the limit, so that a caller
    sees a file over it, even one that grew since.

    ``read(limit + 1)`` would be enough, but it takes a buffer of that
    size first: 2 MiB for each file of a fleet, three times the cost of
    reading a few kilobytes.
    """
    data = stream.read(min(size, limit) + 1)
    if len(data) > size:  # it grew: read on, up to the limit
        data += stream.read(max(0, limit + 1 - len(data)))
    return data


def decode(path: str, data: bytes, strict: bool = True) -> str:
    """A file's bytes as text, with :func:`read_text`'s checks; for a
    reader that opened the file itself (``fix`` pins what it read)."""
    if strict and len(data) > MAX_FILE_SIZE:
        raise LoadError(path, 'file is larger than %d bytes' % MAX_FILE_SIZE)
    if strict and b'\x00' in data:
        raise LoadError(path, 'binary data (NUL byte at offset %d); not a '
                        'config file' % data.index(b'\x00'))
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError as exc:
        line = data.count(b'\n', 0, exc.start) + 1
        raise LoadError(path, 'not valid UTF-8 (byte 0x%02x at line %d)'
                        % (data[exc.start], line)) from None


def parse_text(path: str, text: str) -> RawFile:
    """Parse INI ``text``; ``path`` is only used to name it in errors.

    The grammar is oslo.config's own, from :mod:`glance_conf.ini`.
    """
    try:
        parsed = ini.parse(ini.physical_lines(text))
    except ini.SyntaxProblem as exc:
        raise LoadError(path, str(exc)) from None
    return RawFile(path, parsed.sections)


def read_file(path: str, strict: bool = True) -> RawFile:
    """Read and parse one config file (see :func:`read_text`)."""
    return parse_text(path, read_text(path, strict))


def oslo_dir_files(path: str) -> list[str]:
    """The files oslo.config loads from a ``--config-dir``, in its order.

    Like oslo.config, this sees nothing in a directory it cannot list.
    """
    return locate.config_dir_files(path)


def dir_files(path: str) -> list[str]:
    """:func:`oslo_dir_files`, refusing a directory that cannot be listed.

    The auditor may lack rights the service has: a directory it cannot
    list must not pass as empty, or a file in it that disables TLS would
    go unseen.
    """
    try:
        with os.scandir(path):
            pass
    except FileNotFoundError:
        raise LoadError(path, 'no such directory') from None
    except NotADirectoryError:
        raise LoadError(path, 'not a directory') from None
    except OSError as exc:
        raise LoadError(path, 'cannot list directory: %s'
                        % exc.strerror) from None
    return oslo_dir_files(path)


def compose_yaml(path: str, text: str) -> Any:
    """The YAML node tree of ``text`` (``None`` when empty).

    ``yaml.compose`` builds nodes only: no object is constructed,
    whatever the tags, and every node knows its line. Errors name the
    line, never the text.

    :raises LoadError: if ``text`` is not YAML, or nests too deeply.
    """
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = 'line %d: ' % (mark.line + 1) if mark else ''
        raise LoadError(path, '%snot valid YAML' % where) from None
    except yaml.YAMLError:
        raise LoadError(path, 'not valid YAML') from None
    except RecursionError:
        raise LoadError(path, 'nested too deeply') from None
