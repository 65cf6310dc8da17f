"""Read config files as text: what is set, where, and on which line.

oslo.config tells the effective value of an option but not reliably
which file or alias it came from, and nothing of sections nobody
registered. The audit needs both, so it reads each file once more with
oslo.config's own INI grammar (``oslo_config.iniparser``) and keeps the
section, key, value and line of every assignment.

Errors name the file and the line, never the line's text: a malformed
line may hold a password.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import stat as stat_mod

from oslo_config import iniparser

#: Largest config file read. A real nova.conf is tens of KiB.
MAX_FILE_SIZE = 8 * 1024 * 1024


class LoadError(Exception):
    """A config file that cannot be read or parsed; the message is safe."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__('%s: %s' % (path, reason))


@dataclasses.dataclass(frozen=True)
class Assignment:
    value: str
    line: int


@dataclasses.dataclass
class RawFile:
    """One parsed file: ``sections[section][key]`` -> last assignment."""

    path: str
    sections: dict[str, dict[str, Assignment]]

    def get(self, section: str, key: str) -> Assignment | None:
        return self.sections.get(section, {}).get(key)


class _Parser(iniparser.BaseParser):
    def __init__(self) -> None:
        self.sections: dict[str, dict[str, Assignment]] = {}
        self.section: str | None = None
        self._start = 0

    def new_section(self, section: str) -> None:
        # oslo.config treats [DEFAULT] case-insensitively.
        if section.lower() == 'default':
            section = 'DEFAULT'
        self.section = section
        self.sections.setdefault(section, {})

    def _split_key_value(self, line: str) -> tuple[str, list[str]]:
        self._start = self.lineno
        return super()._split_key_value(line)

    def assignment(self, key: str, value: list[str]) -> None:
        if self.section is None:
            raise iniparser.ParseError('an option comes before any section',
                                       self._start, '')
        self.sections[self.section][key] = Assignment('\n'.join(value),
                                                      self._start)


def read_text(path: str) -> str:
    """Read ``path`` as UTF-8 text, refusing what no INI file can be."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise LoadError(path, 'no such file') from None
    except OSError as exc:
        raise LoadError(path, 'cannot read: %s' % exc.strerror) from None
    if stat_mod.S_ISDIR(info.st_mode):
        raise LoadError(path, 'is a directory, not a file')
    if info.st_size > MAX_FILE_SIZE:
        raise LoadError(path, 'file is %d bytes; the limit is %d'
                        % (info.st_size, MAX_FILE_SIZE))
    try:
        with open(path, 'rb') as handle:
            data = handle.read(MAX_FILE_SIZE + 1)
    except OSError as exc:
        raise LoadError(path, 'cannot read: %s' % exc.strerror) from None
    if len(data) > MAX_FILE_SIZE:
        raise LoadError(path, 'file is larger than %d bytes' % MAX_FILE_SIZE)
    if b'\x00' in data:
        raise LoadError(path, 'binary data (NUL byte at offset %d); not a '
                        'config file' % data.index(b'\x00'))
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError as exc:
        line = data.count(b'\n', 0, exc.start) + 1
        raise LoadError(path, 'not valid UTF-8 (byte 0x%02x at line %d)'
                        % (data[exc.start], line)) from None


def parse_text(path: str, text: str) -> RawFile:
    """Parse INI ``text``; ``path`` is only used to name it in errors."""
    parser = _Parser()
    try:
        parser.parse(text.splitlines())
    except iniparser.ParseError as exc:
        raise LoadError(path, 'syntax error at line %d: %s'
                        % (exc.lineno, exc.msg)) from None
    return RawFile(path, parser.sections)


def read_file(path: str) -> RawFile:
    """Read and parse one config file."""
    return parse_text(path, read_text(path))


def dir_files(path: str) -> list[str]:
    """The files oslo.config loads from a ``--config-dir``, in its order."""
    if not os.path.isdir(path):
        raise LoadError(path, 'no such directory')
    return sorted(glob.glob(os.path.join(path, '*.conf')))
