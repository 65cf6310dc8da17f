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

"""GC6xx: consistency across a fleet of hosts.

Hosts are compared on their security posture, never on values that are
site-specific by design (host names, ports, Ceph pools and users, Ceph
config paths, region names): a distributed deployment whose edge sites
each talk to their own Image API and Ceph cluster is consistent.

The hosts compared together can be restricted to groups of hosts that
should match, named by a regular expression on the file name
(:func:`group_by_regex`) or by a groups file (:func:`groups_from_file`),
where a host may be in many groups and is compared within each.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any

import yaml  # type: ignore[import-untyped]

from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit import references as refs
from glance_conf.audit import source
from glance_conf.audit.cwe import IMPROPER_INTERACTION_BETWEEN_ENTITIES
from glance_conf.audit.exception import LoadError
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.posture import CHECK_ID
from glance_conf.audit.posture import MINORITY
from glance_conf.audit.posture import OTHER
from glance_conf.audit.posture import POSTURE
from glance_conf.audit.posture import UNGROUPED
from glance_conf.audit.posture import WEAKER
from glance_conf.audit.posture import Posture
from glance_conf.audit.posture import blame
from glance_conf.audit.target import AuditedConf

#: Distinct values remembered per setting; more are only counted.
MAX_VALUES = 20
#: Hosts named per value in the message; up to ``MAX_BLAMED`` are kept
#: for the finding's blamed hosts while a value has no more.
MAX_HOSTS_SHOWN = 5
#: Groups a fleet may be split into: each keeps its own tallies.
MAX_GROUPS = 1000
#: Entries read from a groups file (aliases included), so that a small
#: file of YAML aliases cannot make the walk endless.
MAX_GROUP_ENTRIES = 100_000
#: Ansible groups nested in one another, at most.
MAX_GROUP_DEPTH = 50

#: The groups of a file's path, at least one, in name order.
Grouping = Callable[[str], tuple[str, ...]]


@dataclasses.dataclass
class _Seen:
    count: int = 0
    hosts: list[str] = dataclasses.field(default_factory=list)


class _Tally:
    """Hosts per value for one setting, in bounded memory."""

    def __init__(self) -> None:
        self.values: dict[str, _Seen] = {}
        self.other = 0

    def add(self, value: str, host: str) -> None:
        seen = self.values.get(value)
        if seen is None:
            if len(self.values) >= MAX_VALUES:
                self.other += 1
                return
            seen = self.values[value] = _Seen()
        seen.count += 1
        base.keep_blamed(seen.hosts, host, seen.count, MAX_HOSTS_SHOWN)

    def differs(self) -> bool:
        return len(self.values) + (1 if self.other else 0) > 1

    def ranked(self) -> list[tuple[str, _Seen]]:
        """Values, most hosts first; ties in value order, so the ranking
        does not depend on the order hosts were seen in."""
        return sorted(self.values.items(),
                      key=lambda item: (-item[1].count, item[0]))


def _hosts(value: str, seen: _Seen) -> str:
    shown = seen.hosts[:MAX_HOSTS_SHOWN]
    more = ', ...' if seen.count > len(shown) else ''
    return '%s on %d host(s) (%s%s)' % (value, seen.count,
                                        ', '.join(shown), more)


class FleetDrift(base.FleetCheck):
    """Hosts differ in security posture.

    Hosts that should match but disagree on security settings behave
    differently for the same request: one verifies image signatures and
    another does not, one checks the Image API's certificate and another
    does not. Drift is how a fleet-wide hardening ends up applied to most
    hosts but not all.

    Hosts are compared on: image signature verification and signing
    certificate validation (as read, defaults included), ``insecure``,
    the endpoint scheme (``http`` or ``https``, of ``api_servers`` or
    else ``endpoint_override``; hosts on the service catalog are left
    out), ``tls_min_version``, ``tls_ciphers``, ``debug`` in
    ``[glance]`` and ``[DEFAULT]``, and whether a ``timeout`` is set.
    Site-specific values (host names, ports, pools, RBD users, Ceph
    config paths, regions) are never compared. ``--group-by`` or
    ``--groups`` restricts the comparison to hosts that should match; a
    host in many groups is compared within each, and each group's drift
    is its own finding.

    Each difference blames a side. Every setting but the cipher string
    has a safe direction (verification and certificate validation on,
    TLS verified, ``https`` only, the higher TLS floor, a timeout set,
    debug off): the weaker side is blamed whatever the counts, so a
    secure minority is never the outlier. Where no value is safer (the
    cipher strings, an invalid value), the minority is blamed, and when
    every value has as many hosts, each side is. The finding points at a
    host of the blamed side, and lists every blamed host (up to
    ``MAX_BLAMED``) for the waivers; its identity is the blamed values.

    Fix: bring the blamed hosts to the safer setting, from one template.
    """

    id = CHECK_ID
    severity = Severity.MEDIUM
    cwe = IMPROPER_INTERACTION_BETWEEN_ENTITIES
    title = 'Fleet drift: security posture differs between hosts'
    references = (refs.CM_2, refs.CM_6)
    remediation = 'Render every host config from one template.'

    def __init__(self) -> None:
        self._tallies = {posture: _Tally() for posture in POSTURE}
        self.hosts = 0

    def observe(self, conf: AuditedConf) -> None:
        host = conf.files[0].path if conf.files else '<unknown>'
        self.hosts += 1
        for posture, tally in self._tallies.items():
            value = posture.read(conf)
            if value is not None:
                tally.add(value, host)

    def finish(self) -> Iterator[Finding]:
        for posture, tally in self._tallies.items():
            if tally.differs():
                yield self._drift(posture, tally)

    def _drift(self, posture: Posture, tally: _Tally) -> Finding:
        ranked = tally.ranked()
        counts = {value: seen.count for value, seen in ranked}
        if tally.other:
            counts[OTHER] = tally.other
        blamed, why = blame(posture, counts)
        named = [_hosts(value, seen) for value, seen in ranked]
        if tally.other:
            named.append('other values on %d host(s)' % tally.other)
        shown = dict(zip(list(counts), named, strict=True))
        weak = '; '.join(shown[v] for v in counts if v in blamed)
        rest = '; '.join(shown[v] for v in counts if v not in blamed)
        if why == WEAKER:
            message = '%s differs between hosts: %s, the weaker side; %s, ' \
                'safer (%s).' % (posture.label, weak, rest, posture.safe)
        elif why == MINORITY:
            message = '%s differs between hosts, no value safer than ' \
                'another: %s, the majority; %s, the minority.' % (
                    posture.label, rest, weak)
        else:
            message = '%s differs between hosts, no value safer than ' \
                'another and none held by more hosts: %s; each side is ' \
                'blamed.' % (posture.label, weak)
        # The identity is what the blamed side holds, not who holds it.
        stable = '\x1f'.join(blamed)
        # Point at a host of the blamed value held by the fewest hosts.
        rarest = min((v for v in blamed if v != OTHER),
                     key=lambda v: (counts[v], v), default=None)
        outlier = tally.values[rarest].hosts[0] if rarest else \
            ranked[-1][1].hosts[0]
        # Values only counted (OTHER) have no hosts kept, and merged into
        # one count they may hide a tie or a minority: then who all is
        # blamed is not known, and no one is named.
        sides = [(counts[v], tally.values[v].hosts) for v in blamed
                 if v != OTHER] + [(tally.other, [])]
        return self.finding(posture.option, message, file=outlier,
                            key=stable, blamed=sides)


# -- groups of hosts that should match ----------------------------------------

def group_by_regex(pattern: str) -> Grouping:
    """Group files by the one capture group of ``pattern``.

    The pattern is searched in the file's path as given; a file it does
    not match (or whose capture is empty) is in :data:`UNGROUPED`. A file
    is in one group.

    :raises ValueError: if ``pattern`` does not compile or has not exactly
        one capture group.
    """
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise ValueError('not a valid regular expression (%s)'
                         % exc) from None
    if regex.groups != 1:
        raise ValueError('the regular expression needs exactly one '
                         'capture group; it has %d' % regex.groups)

    def group_of(path: str) -> tuple[str, ...]:
        match = regex.search(path)
        return ((match and match.group(1)) or UNGROUPED,)
    return group_of


def count_groups(paths: Iterable[str], group_of: Grouping) -> int:
    """How many groups ``paths`` fall in.

    :raises ValueError: if there are more than :data:`MAX_GROUPS`.
    """
    names: set[str] = set()
    for path in paths:
        names.update(group_of(path))
        if len(names) > MAX_GROUPS:
            raise ValueError('the files fall into more than %d groups; a '
                             'group is a set of hosts that should match'
                             % MAX_GROUPS)
    return len(names)


class _Inventory:
    """Host-to-group assignments read from a groups file's YAML nodes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.groups: dict[str, set[str]] = {}
        self.names: set[str] = set()
        self.entries = 0

    def fail(self, node: Any, reason: str) -> LoadError:
        return LoadError(self.path, 'line %d: %s'
                         % (node.start_mark.line + 1, reason))

    def _count(self, node: Any) -> None:
        self.entries += 1
        if self.entries > MAX_GROUP_ENTRIES:
            raise self.fail(node, 'more than %d entries'
                            % MAX_GROUP_ENTRIES)

    def name(self, node: Any, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or not node.value:
            raise self.fail(node, 'expected a %s name' % what)
        return str(node.value)

    def add(self, host_node: Any, group: str) -> None:
        self._count(host_node)
        host = self.name(host_node, 'host')
        self.groups.setdefault(host, set()).add(group)
        if group not in self.names:
            if len(self.names) >= MAX_GROUPS:
                raise self.fail(host_node, 'more than %d groups'
                                % MAX_GROUPS)
            self.names.add(group)

    def simple(self, group: str, node: Any) -> None:
        """``group: [host, ...]``."""
        for host_node in node.value:
            self.add(host_node, group)

    def ansible(self, group: str, node: Any, depth: int) -> None:
        """An Ansible YAML inventory group: ``hosts``, ``children``,
        ``vars``. A host belongs to each group that lists it under
        ``hosts``."""
        for key_node, value in node.value:
            self._count(key_node)
            key = self.name(key_node, 'group key')
            if key == 'vars':
                continue
            if key not in ('hosts', 'children'):
                raise self.fail(key_node, 'group %s: unknown key %s '
                                '(expected hosts, children or vars)'
                                % (redact.printable(group),
                                   redact.printable(key)))
            if _is_null(value):
                continue
            if not isinstance(value, yaml.MappingNode):
                raise self.fail(value, 'group %s: %s must be a mapping'
                                % (redact.printable(group), key))
            for name_node, child in value.value:
                if key == 'hosts':
                    self.add(name_node, group)
                else:
                    self.group(self.name(name_node, 'group'), child,
                               depth + 1)

    def group(self, group: str, node: Any, depth: int = 0) -> None:
        self._count(node)
        if depth > MAX_GROUP_DEPTH:
            raise self.fail(node, 'groups nested more than %d deep'
                            % MAX_GROUP_DEPTH)
        if isinstance(node, yaml.SequenceNode):
            self.simple(group, node)
        elif isinstance(node, yaml.MappingNode):
            self.ansible(group, node, depth)
        elif not _is_null(node):
            raise self.fail(node, 'group %s: expected a list of hosts or '
                            'an Ansible group (hosts, children)'
                            % redact.printable(group))


def _is_null(node: Any) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(':null')


def groups_from_file(path: str) -> Grouping:
    """Group files by a YAML groups file.

    Either ``group: [host, ...]`` per group, or an Ansible YAML inventory
    (``all: {children: {group: {hosts: {host1: , host2: }}}}``, children
    nested at any depth). A file is in the groups of the host named by its
    file name or, failing that, its stem (``compute-0.conf`` is host
    ``compute-0``), as many as list it (``compute`` and ``az1``); a file
    no group names is in :data:`UNGROUPED`.

    :raises LoadError: if the file cannot be read or is not YAML of that
        shape; the line is named.
    """
    text = source.read_text(path)
    root = source.compose_yaml(path, text)
    if root is None:
        raise LoadError(path, 'empty; expected a mapping of groups')
    inventory = _Inventory(path)
    if not isinstance(root, yaml.MappingNode):
        raise inventory.fail(root, 'expected a mapping of groups')
    for name_node, node in root.value:
        inventory.group(inventory.name(name_node, 'group'), node)
    groups = inventory.groups

    def group_of(file_path: str) -> tuple[str, ...]:
        name = os.path.basename(file_path)
        found = groups.get(name)
        if found is None:
            found = groups.get(os.path.splitext(name)[0])
        return tuple(sorted(found)) if found else (UNGROUPED,)
    return group_of
