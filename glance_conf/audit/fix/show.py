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

"""What ``fix`` shows: a diff that never shows a secret, and the
commands left to a person."""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Iterator
from collections.abc import Sequence

from glance_conf import ini
from glance_conf import redact
from glance_conf.audit.checks import host as host_checks
from glance_conf.audit.exception import LoadError
from glance_conf.audit.finding import Finding

#: What replaces a secret on a line of the diff.
MASKED = redact.MASK
#: The GC5xx checks about a config file's owner and mode.
PERMISSION_IDS = ('GC501', 'GC502', 'GC503', 'GC506')
#: The owner and mode the Security Guide asks of a config file
#: (Check-Compute-01 and -02); the group is the service's.
OWNER = 'root'
MODE = '0640'


def printable(text: str) -> str:
    """``text`` with every control character escaped, never cut."""
    # Escaped in full: an escape takes at most 10 characters.
    return redact.printable(text, 10 * len(text) + 1)


def _holds_secret(key: str, value: str) -> bool:
    return bool(value) and (
        host_checks.is_secret(key, value)
        or redact.redact_url(value, 10 * len(value) + 1) != printable(value))


#: A value the diff may show: a boolean word, a number or version, an
#: absolute path, or an http(s) URL without user-info, query or fragment.
#: Anything else could be a secret pasted into the wrong option.
_PLAIN_VALUE = re.compile(r'(?:true|false|yes|no|on|off|[0-9][0-9.]*'
                          r'|/[^\s]*|https?://[^@\s?#]*)', re.IGNORECASE)


def _shown_line(text: str) -> str:
    """A line of the diff: control characters escaped, a secret masked.

    Fixes only touch options of their own, but a line they move or
    rename may hold a value pasted into the wrong option, or a PEM body
    on continuation lines: a continuation line is always masked, and a
    value is shown only when it is plainly no secret.
    """
    if text[:1] in (' ', '\t'):
        body = text.lstrip(' \t')
        if body.strip():
            return text[:len(text) - len(body)] + MASKED
    elif text.strip() and text[0] not in '#;[' and ini.cut(text) >= 0:
        cut = ini.cut(text)
        value = text[cut + 1:].strip().strip('"\'')
        if value and (_holds_secret(text[:cut].strip(), value)
                      or not _PLAIN_VALUE.fullmatch(value)):
            return printable(text[:cut + 1].rstrip()) + ' ' + MASKED
    return printable(text)


def diff(path: str, before: str, after: str) -> Iterator[str]:
    """A unified diff of one file, without context lines.

    Only lines a fix changed are shown: an untouched line may hold a
    password. Each hunk header names the section of its first line, as
    ``git diff`` names a function. Secrets are masked (see
    :func:`_shown_line`); a masked line makes the diff unfit for
    ``patch``, which ``--write`` does not need.
    """
    old = [line.text for line in ini.split_lines(before)]
    new = [line.text for line in ini.split_lines(after)]
    sections = _sections(old)
    shown = printable(path)
    for line in difflib.unified_diff(old, new, shown, shown, n=0,
                                     lineterm=''):
        if line.startswith('@@'):
            start = int(line[4:].split(',')[0].split(' ')[0])
            section = sections[max(start - 1, 0)] if sections else ''
            yield line + (' [%s]' % section if section else '')
        elif line.startswith(('---', '+++')):
            yield line
        else:
            yield line[0] + _shown_line(line[1:])


def _sections(lines: Sequence[str]) -> list[str]:
    """The section each line belongs to (the line after it, for a
    deletion's zero-line hunk, is the one named)."""
    current = ''
    out = []
    for text in lines:
        stripped = text.rstrip()
        if stripped.startswith('['):
            current = ini.section_name(stripped[1:-1])
        out.append(current)
    return out


def commands(found: Finding, group: str) -> list[str]:
    """The commands that give a config file the Guide's owner and mode.

    Printed, never run: a person decides.
    """
    path = shlex.quote(found.file or '')
    return ['chown %s:%s %s' % (OWNER, shlex.quote(group), path),
            'chmod %s %s' % (MODE, path)]


def loading_error(exc: LoadError) -> str:
    return '%s: %s' % (printable(exc.path), exc.reason)
