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

"""oslo.config's INI grammar, written once, with line numbers.

oslo.config tells an option's value but not where it was set, so the
drop-in (:mod:`glance_conf.locate`), the audit's reader
(:mod:`glance_conf.audit.source`) and the fixer's editor read the files
again, all with this grammar. It is ``oslo_config.iniparser.BaseParser``
with ``ConfigParser``'s rule that an option needs a section:

* a physical line ends at ``\\n``, ``\\r\\n`` or ``\\r`` (a text-mode
  file's ``readlines``), nothing else;
* trailing blanks are ignored; a blank line ends a value;
* a line starting with a space or tab continues the value above;
* ``[name]`` starts a section (names compare case-insensitively, except
  ``DEFAULT``); ``#`` and ``;`` start a comment;
* anything else is ``key = value`` or ``key: value``, split at the first
  ``=`` unless a ``:`` comes before it; one pair of matching quotes
  around the first line's value goes.

Errors give the line number and the reason, never the line's text: a
malformed line may hold a password.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import NamedTuple

from glance_conf.exception import GlanceConfError


class SyntaxProblem(GlanceConfError):
    """A line oslo.config refuses: its number and why, not its text."""

    def __init__(self, lineno: int, reason: str) -> None:
        super().__init__('syntax error at line %d: %s' % (lineno, reason))
        self.lineno, self.reason = lineno, reason


class Line:
    """One physical line: its text and its ending (empty at the end)."""

    __slots__ = ('text', 'end')

    def __init__(self, text: str, end: str) -> None:
        self.text, self.end = text, end


def physical_lines(text: str) -> list[str]:
    """The lines of ``text`` as oslo.config reads them, without endings.

    ``str.splitlines`` would also split at form feeds, U+2028 and others
    that oslo.config keeps inside a line.
    """
    return text.replace('\r\n', '\n').replace('\r', '\n').split('\n')


def split_lines(text: str) -> list[Line]:
    """:func:`physical_lines`, each keeping its own ending, so that
    joining them gives ``text`` back byte for byte."""
    parts = re.split(r'(\r\n|\r|\n)', text)
    lines = [Line(parts[i], parts[i + 1])
             for i in range(0, len(parts) - 1, 2)]
    if parts[-1]:
        lines.append(Line(parts[-1], ''))
    return lines


def section_name(name: str) -> str:
    """A section name as oslo.config looks it up.

    Names are case-insensitive, except ``DEFAULT``: ``[GLANCE]`` is
    ``[glance]``, but ``[default]`` is a section named ``default``.
    """
    return name if name == 'DEFAULT' else name.lower()


def cut(line: str) -> int:
    """Where ``key = value`` (or ``key: value``) splits: the first ``=``
    unless a ``:`` comes before it; -1 if the line has neither."""
    equal = line.find('=')
    colon = line.find(':', 0, equal) if equal >= 0 else line.find(':')
    return colon if colon >= 0 else equal


def unquote(value: str) -> str:
    """A first line's value without one pair of matching quotes."""
    if value and value[0] == value[-1] and value[0] in '"\'':
        return value[1:-1]
    return value


class Assignment(NamedTuple):
    """One key's value in a file (continuation lines joined by newlines,
    as oslo.config reads it), and the line it starts on.

    A named tuple: read-only and hashable, and made at C speed where a
    fleet makes one per assignment of every file (:func:`parse`).
    """

    value: str
    line: int


#: Makes an :class:`Assignment` without the Python-level ``__new__``.
_assignment = tuple.__new__


class Entry:
    """One assignment, for an editor: its section (as looked up), key,
    the values of its lines (the first unquoted, continuations without
    their indent) and the indexes of its first line and of the line
    after its last."""

    __slots__ = ('section', 'key', 'values', 'start', 'end')

    def __init__(self, section: str, key: str, value: str,
                 start: int) -> None:
        self.section, self.key = section, key
        self.values = [value]
        self.start, self.end = start, start + 1

    @property
    def value(self) -> str:
        """The value as oslo.config reads it: lines joined by newlines."""
        return '\n'.join(self.values)


class Parsed:
    """A text's sections, each key's last assignment, and its headers;
    with :func:`parse`'s ``entries``, every assignment too."""

    __slots__ = ('sections', 'entries', 'headers')

    def __init__(self) -> None:
        #: ``sections[section][key]``: the key's last assignment, as
        #: oslo.config uses it; sections in the order they first appear.
        self.sections: dict[str, dict[str, Assignment]] = {}
        #: Every assignment in file order (with ``entries`` only).
        self.entries: list[Entry] = []
        #: (section, index of its header line)
        self.headers: list[tuple[str, int]] = []


def _header(line: str, lineno: int) -> str:
    """The section a ``[name]`` line starts, as looked up."""
    if not line.endswith(']'):
        raise SyntaxProblem(lineno, 'section header must end with ]')
    if len(line) <= 2:
        raise SyntaxProblem(lineno, 'empty section name')
    return section_name(line[1:-1])


def parse(lines: Iterable[str], entries: bool = False) -> Parsed:
    """Parse physical lines (see :func:`physical_lines`) in one pass that
    fills the sections as it goes: it runs for every file of a fleet,
    beside oslo.config's own (an object per assignment, and a second
    pass over them, cost a sixth of it).

    :param entries: keep every assignment as an :class:`Entry` too, with
        the lines it spans (for an editor).
    :raises SyntaxProblem: where oslo.config would refuse the text. An
        option before any section is named at its own line (oslo.config
        notices it only where the value ends).
    """
    parsed, section = Parsed(), ''
    sections, headers = parsed.sections, parsed.headers
    keys: dict[str, Assignment] = {}  # the current section's
    key = ''  # the assignment a continuation line extends ('': none)
    more: list[str] | None = None  # its lines, once it has more than one
    entry: Entry | None = None
    # A blank line after the last ends its value like any other.
    for index, line in enumerate(itertools.chain(lines, ('',))):
        line = line.rstrip()
        if line and line[0] in ' \t':
            if not key:
                raise SyntaxProblem(index + 1, 'unexpected continuation line')
            if more is None:
                more = [keys[key].value]
            more.append(line.lstrip())
            continue
        if more is not None:  # the value above ends on the line before
            keys[key] = _assignment(Assignment,
                                    ('\n'.join(more), keys[key].line))
            if entry is not None:
                entry.values, entry.end = more, index
            more = None
        key, entry = '', None
        if not line:
            continue
        first = line[0]
        if first == '[':
            section = _header(line, index + 1)
            keys = sections.setdefault(section, {})
            headers.append((section, index))
        elif first not in '#;':
            if not headers:
                raise SyntaxProblem(index + 1,
                                    'an option comes before any section')
            at = cut(line)
            if at < 0:
                raise SyntaxProblem(index + 1,
                                    "no ':' or '=' in assignment")
            key = line[:at].strip()
            if not key:
                raise SyntaxProblem(index + 1, 'empty key')
            value = unquote(line[at + 1:].strip())
            keys[key] = _assignment(Assignment, (value, index + 1))
            if entries:
                entry = Entry(section, key, value, index)
                parsed.entries.append(entry)
    return parsed
