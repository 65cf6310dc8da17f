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

"""Waivers: a finding accepted by a named person, for a reason, until a date.

A waiver file is YAML: a list of entries, or a mapping whose only key,
``waivers``, holds that list. Each entry says what it matches (``id``,
required; ``option``, ``hosts``, ``files`` and ``severity``, optional)
and who accepted it (``reason``, ``owner`` and ``expires``, all
required). A waiver
applies through its ``expires`` date; from the next day on it no longer
applies and is reported as expired. A waiver still in force that matched
no finding is reported as stale, or, if its ``hosts`` match no host the
run audited, as naming no host of the run.

Errors name the line and the field, never a value.
"""

from __future__ import annotations

import dataclasses
import datetime
import fnmatch
import os
import re
import socket
from collections.abc import Iterable
from typing import Any

import yaml  # type: ignore[import-untyped]

from glance_conf import redact
from glance_conf.audit import source
from glance_conf.audit.exception import LoadError
from glance_conf.audit.exception import UnknownSeverity
from glance_conf.audit.finding import MAX_BLAMED
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.finding import about_the_fleet

#: The fields an entry must have.
REQUIRED = ('id', 'reason', 'owner', 'expires')
#: The fields that narrow what an entry matches.
SCOPES = ('option', 'hosts', 'files', 'severity')
FIELDS = REQUIRED + SCOPES
#: Entries a file may hold: a waiver file is reviewed by people.
MAX_WAIVERS = 1000
#: Globs one ``hosts`` or ``files`` field may hold.
MAX_PATTERNS = 100
#: How far ahead ``waivers check`` accepts an expiry date by default: a
#: waiver is a decision to review, at least once a year.
MAX_DAYS_AHEAD = 366
#: An expiry date, as written.
DATE_RE = re.compile(r'\d{4}-\d{2}-\d{2}')
#: Said of an expired waiver, in every report.
EXPIRED = ('waiver %s (%s, owner %s) expired on %s and no longer applies; '
           '%d finding(s) it matched count again, unless --baseline holds '
           'them')
#: Said of a waiver in force that matched nothing.
STALE = 'waiver %s (%s, owner %s) matched no finding: stale, remove it'
#: Said of a waiver in force whose ``hosts`` match no host of the run.
NO_HOST = ('waiver %s (%s, owner %s) matched no finding: its hosts match '
           'none of the %d host(s) audited; check the names')
#: Said of a waiver whose ``files`` may not cover every host a finding
#: about the whole fleet blames.
PARTIAL = ('waiver %s (%s, owner %s) does not cover every host that %d '
           'finding(s) about the whole fleet blame (its files miss some, '
           'or a finding blames more than the %d it lists), and they '
           'count: fix those hosts, name them in its files, or compare '
           'them in a group of their own')
#: Said of a waiver whose findings have become worse than it covers.
OUTGROWN = ('waiver %s (%s, owner %s) covers findings up to %s; %d '
            'finding(s) it would match are now worse, and count')


@dataclasses.dataclass(frozen=True)
class Waiver:
    """One entry of a waiver file."""

    check_id: str
    reason: str
    owner: str
    #: The last day the waiver applies.
    expires: datetime.date
    #: The entry's line in its file.
    line: int
    #: ``group.name`` (``glance.insecure``) or a name in any group.
    option: str | None = None
    hosts: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    #: The worst severity covered: a finding that becomes worse (an
    #: expiring certificate that has expired, GC702) is no longer waived.
    severity: Severity | None = None

    def matches(self, found: Finding, host_names: Iterable[str],
                files: Iterable[str], any_severity: bool = False) -> bool:
        """Whether this waiver covers ``found``, its date aside (and its
        ``severity`` too, with ``any_severity``): :meth:`scoped`, and
        ``files`` must match every one of ``files`` (see
        :func:`files_of`), of which there must be one."""
        if not self.scoped(found, host_names, any_severity):
            return False
        if not self.files:
            return True
        covered = [_file_matches(self.files, path) for path in files]
        return bool(covered) and all(covered)

    def scoped(self, found: Finding, host_names: Iterable[str],
               any_severity: bool = False) -> bool:
        """Whether ``found`` is within every scope but ``files``: the
        check, the severity (unless ``any_severity``), the option, and
        ``hosts`` matching one of ``host_names``."""
        if found.check_id != self.check_id:
            return False
        if self.severity is not None and found.severity > self.severity \
                and not any_severity:
            return False
        if self.option is not None and not _same_option(self.option,
                                                        found.option):
            return False
        return not self.hosts or any(fnmatch.fnmatchcase(name, pattern)
                                     for pattern in self.hosts
                                     for name in host_names)

    def to_dict(self) -> dict[str, Any]:
        return {'id': self.check_id, 'option': self.option,
                'hosts': list(self.hosts), 'files': list(self.files),
                'severity': self.severity.label if self.severity else None,
                'reason': self.reason, 'owner': self.owner,
                'expires': self.expires.isoformat(), 'line': self.line}


def _same_option(wanted: str, option: str | None) -> bool:
    if option is None:
        return False
    if '.' in wanted:
        return option == wanted
    return option.rpartition('.')[2] == wanted


def _file_matches(patterns: Iterable[str], path: str | None) -> bool:
    """A glob with a ``/`` matches the path as reported; one without
    matches the file's name too (``nova.conf``, ``*.conf``)."""
    if not path:
        return False
    name = os.path.basename(path)
    return any(fnmatch.fnmatchcase(path, pattern)
               or ('/' not in pattern and fnmatch.fnmatchcase(name, pattern))
               for pattern in patterns)


def local_host_names(hostname: str | None = None) -> tuple[str, ...]:
    """This machine's names for ``hosts``: the name and its first label."""
    name = socket.gethostname() if hostname is None else hostname
    return tuple(dict.fromkeys([name, name.split('.', 1)[0]]))


def fleet_host_names(host: str | None, path: str | None
                     ) -> tuple[str, ...]:
    """The names ``hosts`` matches for a finding of a fleet run: its
    host, and the name of its file when the host is named after it
    (``compute-0.conf`` is ``compute-0`` and ``compute-0.conf``).

    A bundle's file (``compute-0:/etc/nova/nova.conf``) is named after
    no host, so only the bundle's host counts; a finding about the whole
    fleet (GC601) has no host, and a ``hosts`` scope never matches it.
    """
    if not host:
        return ()
    name = os.path.basename(path or '')
    if os.path.splitext(name)[0] == host:
        return (host, name)
    return (host,)


def files_of(found: Finding, mode: str) -> tuple[str, ...]:
    """The files a waiver's ``files`` must each cover for ``found``: its
    own, or for a finding about the whole fleet, the file of every host
    it blames. It points at one of them only; none is given when the
    check counted more hosts than it kept, and then no ``files`` covers
    it."""
    if about_the_fleet(found, mode):
        return found.blamed
    return (found.file,) if found.file else ()


class Waivers:
    """The waivers of one file, as of one day, and what they matched."""

    def __init__(self, path: str, entries: Iterable[Waiver],
                 today: datetime.date | None = None,
                 hostname: str | None = None) -> None:
        self.path = path
        self.entries = list(entries)
        self.today = today or datetime.date.today()
        self._local = local_host_names(hostname)
        #: Findings each entry matched, its date aside.
        self.hits = [0] * len(self.entries)
        #: Findings each entry would match but for its ``severity``.
        self.outgrown = [0] * len(self.entries)
        #: Findings about the whole fleet each entry would cover but for
        #: blamed hosts its ``files`` miss, or may miss (:meth:`_partly`).
        self.partial = [0] * len(self.entries)
        #: The names of the hosts audited, for :meth:`no_host`.
        self.host_names: set[str] = set()
        self.hosts_audited = 0

    def is_expired(self, waiver: Waiver) -> bool:
        return waiver.expires < self.today

    def _subject(self, found: Finding, mode: str
                 ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """What ``hosts`` and ``files`` are matched against."""
        names = fleet_host_names(found.host, found.file) if mode == 'fleet' \
            else self._local
        return names, files_of(found, mode)

    def audited(self, mode: str, host: str | None, path: str | None) -> None:
        """Note a host the run audited (``host`` and its file ``path``,
        in fleet mode; this machine in service mode)."""
        names = fleet_host_names(host, path) if mode == 'fleet' \
            else self._local
        if names and not self.host_names.issuperset(names):
            self.hosts_audited += 1
            self.host_names.update(names)

    def _names_no_host(self, waiver: Waiver) -> bool:
        return bool(waiver.hosts) and bool(self.host_names) and not any(
            fnmatch.fnmatchcase(name, pattern) for pattern in waiver.hosts
            for name in self.host_names)

    def lookup(self, found: Finding, mode: str) -> Waiver | None:
        """The first waiver in force covering ``found``; nothing counted."""
        names, files = self._subject(found, mode)
        for waiver in self.entries:
            if not self.is_expired(waiver) and waiver.matches(found, names,
                                                              files):
                return waiver
        return None

    def apply(self, found: Finding, mode: str) -> Waiver | None:
        """:meth:`lookup`, counting every entry that matches, expired or
        not, for :meth:`expired` and :meth:`stale`."""
        names, files = self._subject(found, mode)
        chosen = None
        for index, waiver in enumerate(self.entries):
            if waiver.matches(found, names, files):
                self.hits[index] += 1
                if chosen is None and not self.is_expired(waiver):
                    chosen = waiver
            elif waiver.severity is not None \
                    and waiver.matches(found, names, files,
                                       any_severity=True):
                self.outgrown[index] += 1
            elif self._partly(waiver, found, mode, names, files):
                self.partial[index] += 1
        return chosen

    @staticmethod
    def _partly(waiver: Waiver, found: Finding, mode: str,
                names: Iterable[str], files: tuple[str, ...]) -> bool:
        """Whether ``waiver`` would cover a finding about the whole fleet
        but for hosts it blames that ``files`` do not match: some match
        and others not, or it blames more than it lists, and whether
        they match is not known."""
        if not waiver.files or not about_the_fleet(found, mode) \
                or not waiver.scoped(found, names, any_severity=True):
            return False
        return not files or any(_file_matches(waiver.files, path)
                                for path in files)

    def expired(self) -> list[tuple[Waiver, int]]:
        """Each expired waiver, with the findings it would have covered."""
        return [(w, n) for w, n in zip(self.entries, self.hits, strict=True)
                if self.is_expired(w)]

    def _unmatched(self) -> list[Waiver]:
        return [w for w, n, m, p in zip(self.entries, self.hits,
                                        self.outgrown, self.partial,
                                        strict=True)
                if not (n or m or p) and not self.is_expired(w)]

    def stale(self) -> list[Waiver]:
        """The waivers in force that matched nothing, not even a finding
        now worse than they cover or blaming more hosts than their
        ``files``, though their hosts were audited."""
        return [w for w in self._unmatched() if not self._names_no_host(w)]

    def no_host(self) -> list[Waiver]:
        """The waivers in force that matched nothing because their
        ``hosts`` match no host of the run: a typo, or the wrong run."""
        return [w for w in self._unmatched() if self._names_no_host(w)]

    def outgrown_by(self) -> list[tuple[Waiver, int]]:
        """The waivers in force that findings have outgrown, with how
        many (the findings count: they are worse than was accepted)."""
        return [(w, m) for w, m in zip(self.entries, self.outgrown,
                                       strict=True)
                if m and not self.is_expired(w)]

    def partial_by(self) -> list[tuple[Waiver, int]]:
        """The waivers in force that findings about the whole fleet
        escaped by blaming hosts their ``files`` miss (or may miss), with
        how many such findings (they count)."""
        return [(w, p) for w, p in zip(self.entries, self.partial,
                                       strict=True)
                if p and not self.is_expired(w)]

    def where(self, waiver: Waiver) -> str:
        """``FILE:LINE`` of an entry, printable."""
        return '%s:%d' % (redact.printable(self.path), waiver.line)

    def notices(self) -> list[str]:
        """One line per expired, outgrown, partial, stale and no-host
        waiver, for the reports."""
        lines = [EXPIRED % (self._named(w) + (w.expires.isoformat(), n))
                 for w, n in self.expired()]
        lines += [OUTGROWN % (self._named(w) + (w.severity.label
                                                if w.severity else '', m))
                  for w, m in self.outgrown_by()]
        lines += [PARTIAL % (self._named(w) + (p, MAX_BLAMED))
                  for w, p in self.partial_by()]
        lines += [STALE % self._named(w) for w in self.stale()]
        lines += [NO_HOST % (self._named(w) + (self.hosts_audited,))
                  for w in self.no_host()]
        return lines

    def _named(self, waiver: Waiver) -> tuple[str, str, str]:
        return (self.where(waiver), redact.printable(waiver.check_id, 16),
                redact.printable(waiver.owner, 80))


# -- Reading a waiver file ---------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Problem:
    """Something wrong in a waiver file, at a line; safe to print."""

    line: int
    reason: str

    def __str__(self) -> str:
        return 'line %d: %s' % (self.line, self.reason)


def _line(node: Any) -> int:
    return int(node.start_mark.line) + 1


def _text(node: Any, field: str, problems: list[Problem]) -> str | None:
    if isinstance(node, yaml.ScalarNode) and str(node.value).strip() \
            and not node.tag.endswith(':null'):
        return str(node.value).strip()
    problems.append(Problem(_line(node), '%s: expected a non-empty text'
                            % field))
    return None


def _patterns(node: Any, field: str,
              problems: list[Problem]) -> tuple[str, ...] | None:
    nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
    if not nodes or len(nodes) > MAX_PATTERNS:
        problems.append(Problem(_line(node), '%s: expected a glob or a list '
                                'of 1 to %d globs' % (field, MAX_PATTERNS)))
        return None
    found = [_text(item, field, problems) for item in nodes]
    if any(item is None for item in found):
        return None
    return tuple(item for item in found if item is not None)


def _severity(node: Any, problems: list[Problem]) -> Severity | None:
    text = str(node.value) if isinstance(node, yaml.ScalarNode) else ''
    try:
        return Severity.parse(text)
    except UnknownSeverity:
        problems.append(Problem(_line(node), 'severity: expected one of %s'
                                % ', '.join(s.label for s in Severity)))
        return None


def _date(node: Any, problems: list[Problem]) -> datetime.date | None:
    text = str(node.value).strip() if isinstance(node, yaml.ScalarNode) \
        else ''
    if DATE_RE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    problems.append(Problem(_line(node), 'expires: expected a date, '
                            'YYYY-MM-DD'))
    return None


def _entry(node: Any, number: int, problems: list[Problem]
           ) -> Waiver | None:
    """One entry, or ``None`` with its problems added."""
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(_line(node), 'waiver %d: expected a mapping '
                                'of fields (%s)' % (number,
                                                    ', '.join(FIELDS))))
        return None
    before = len(problems)
    fields: dict[str, Any] = {}
    for key_node, value in node.value:
        key = str(key_node.value) if isinstance(key_node,
                                                yaml.ScalarNode) else ''
        if key not in FIELDS:
            problems.append(Problem(_line(key_node), 'waiver %d: unknown '
                                    'field %s (expected one of: %s)'
                                    % (number, redact.printable(key, 40),
                                       ', '.join(FIELDS))))
        elif key in fields:
            problems.append(Problem(_line(key_node), 'waiver %d: field %s '
                                    'given twice' % (number, key)))
        else:
            fields[key] = value
    for key in REQUIRED:
        if key not in fields:
            problems.append(Problem(_line(node), 'waiver %d: missing '
                                    'required field %s' % (number, key)))
    check_id = _text(fields['id'], 'id', problems) if 'id' in fields \
        else None
    reason = _text(fields['reason'], 'reason', problems) \
        if 'reason' in fields else None
    owner = _text(fields['owner'], 'owner', problems) \
        if 'owner' in fields else None
    expires = _date(fields['expires'], problems) if 'expires' in fields \
        else None
    option = _text(fields['option'], 'option', problems) \
        if 'option' in fields else None
    hosts = _patterns(fields['hosts'], 'hosts', problems) \
        if 'hosts' in fields else ()
    files = _patterns(fields['files'], 'files', problems) \
        if 'files' in fields else ()
    severity = _severity(fields['severity'], problems) \
        if 'severity' in fields else None
    if len(problems) > before or check_id is None or reason is None \
            or owner is None or expires is None or hosts is None \
            or files is None:
        return None
    return Waiver(check_id=check_id.upper(), reason=reason, owner=owner,
                  expires=expires, line=_line(node), option=option,
                  hosts=hosts, files=files, severity=severity)


def parse(path: str, text: str) -> tuple[list[Waiver], list[Problem]]:
    """Every well-formed entry of a waiver file, and every problem.

    :raises LoadError: if the text is not YAML, or not a list of entries
        (or ``waivers:`` holding one); the line is named.
    """
    root = source.compose_yaml(path, text)
    if root is None:
        return [], []
    if isinstance(root, yaml.MappingNode):
        keys = [k.value if isinstance(k, yaml.ScalarNode) else None
                for k, _ in root.value]
        if keys != ['waivers']:
            raise LoadError(path, 'line %d: expected a list of waivers, or '
                            'a mapping whose only key is waivers'
                            % _line(root))
        root = root.value[0][1]
        if isinstance(root, yaml.ScalarNode) \
                and root.tag.endswith(':null'):
            return [], []
    if not isinstance(root, yaml.SequenceNode):
        raise LoadError(path, 'line %d: expected a list of waivers'
                        % _line(root))
    if len(root.value) > MAX_WAIVERS:
        raise LoadError(path, 'more than %d waivers' % MAX_WAIVERS)
    problems: list[Problem] = []
    entries = [_entry(node, number, problems)
               for number, node in enumerate(root.value, 1)]
    return [e for e in entries if e is not None], problems


def load(path: str, today: datetime.date | None = None,
         hostname: str | None = None) -> Waivers:
    """Read a waiver file for an audit.

    :param today: the day the expiry dates are compared with; by
        default, today.
    :param hostname: this machine's name, for ``hosts`` in service mode.
    :raises LoadError: if the file cannot be read, is not YAML of that
        shape, or has an entry with a missing, unknown or malformed
        field; the first problem's line is named.
    """
    entries, problems = parse(path, source.read_text(path))
    if problems:
        raise LoadError(path, str(problems[0]))
    return Waivers(path, entries, today, hostname)


def lint(entries: Iterable[Waiver], known_ids: Iterable[str],
         today: datetime.date, max_days: int = MAX_DAYS_AHEAD
         ) -> list[Problem]:
    """What ``waivers check`` says of well-formed entries: unknown check
    IDs, dates past, and dates more than ``max_days`` ahead."""
    known = set(known_ids)
    problems = []
    for waiver in entries:
        if waiver.check_id not in known:
            problems.append(Problem(waiver.line, 'id: no such check is '
                                    'installed'))
        if waiver.expires < today:
            problems.append(Problem(waiver.line, 'expires: the date is past '
                                    '(%s); the waiver no longer applies'
                                    % waiver.expires.isoformat()))
        elif (waiver.expires - today).days > max_days:
            problems.append(Problem(waiver.line, 'expires: more than %d '
                                    'days ahead (%s); review waivers at '
                                    'least that often, or allow it with '
                                    '--max-days'
                                    % (max_days, waiver.expires.isoformat())))
    return problems
