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

"""What the run modes share: one config through the engine into the
result, the services seen, the posture rows, and a fleet's checks per
group of hosts, compared once every host was seen."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence

from glance_conf import _files
from glance_conf.audit import base
from glance_conf.audit import configure
from glance_conf.audit import engine
from glance_conf.audit import manager
from glance_conf.audit import posture
from glance_conf.audit import services
from glance_conf.audit.exception import LoadError
from glance_conf.audit.finding import Finding
from glance_conf.audit.result import PostureRow
from glance_conf.audit.result import Result
from glance_conf.audit.result import utf8_safe
from glance_conf.audit.target import AuditedConf

#: Told ``(done, total)`` after each file or bundle of a fleet.
Progress = Callable[[int, int], None]


def _posture_line(target: AuditedConf, option: str) -> int:
    if option == 'glance.endpoint_override':
        # nova picks api_servers first, as GC601 reads the scheme.
        line = target.where('api_servers')[1]
        if line:
            return line
    group, _, name = option.partition('.')
    return target.where(name, group)[1] or 0


def posture_row(target: AuditedConf, host: str, group: str) -> PostureRow:
    """``target``'s posture; the values are interned, as most hosts
    share them, so a row costs little more than its host name."""
    values = tuple(None if v is None else sys.intern(v)
                   for v in (p.read(target) for p in posture.POSTURE))
    return PostureRow(utf8_safe(host), sys.intern(utf8_safe(group)),
                      utf8_safe(target.files[0].path), values,
                      tuple(_posture_line(target, p.option)
                            for p in posture.POSTURE))


def serve(result: Result, service: str,
          checks: Sequence[manager.CheckClass]) -> None:
    """Record that a file of ``result`` configures ``service``: the
    checks listed as run are those of the services seen."""
    if service in result.services_seen:
        return  # seen before: in fleet mode, once per service, not per file
    seen = result.services_seen | {service}
    result.service = next(iter(seen)) if len(seen) == 1 else services.MIXED
    result.checks = [c for c in checks if seen.intersection(c.services)]


def offline(result: Result, host: _files.Host | None) -> None:
    """Without a host, the host checks are listed as not checked."""
    if host is None:
        result.not_checked = [c.id for c in engine.host_checks(
            result.checks)]


def audit_one(target: AuditedConf, checks: Iterable[manager.CheckClass],
              result: Result, fleet: Sequence[base.FleetCheck] = (),
              host: _files.Host | None = None,
              name: str | None = None,
              observers: Sequence[engine.Observer] = ()) -> bool:
    """Audit one config through the engine; keep what it found.

    A value no service could read is a load problem of this config: none
    of its findings or fleet tallies are kept, and no observer sees it.

    :param name: the host's name, in fleet mode, for the fingerprints.
    """
    try:
        found_here = engine.check_config(target, checks, host, observers)
    except LoadError as exc:
        result.problem(exc.path, exc.reason)
        return False
    if result.waivers is not None:
        result.waivers.audited(result.mode, name, target.files[-1].path
                               if target.files else None)
    for found in found_here:
        result.add(dataclasses.replace(found, host=name))
    for fleet_check in fleet:
        if target.service in fleet_check.services:
            fleet_check.observe(target)
    return True


def keep_posture(result: Result, target: AuditedConf, host: str,
                 group: str) -> None:
    """``target``'s posture row in ``group``, for a nova config."""
    if target.service != services.NOVA:
        return  # the posture is nova's [glance] settings
    try:
        row: PostureRow | None = posture_row(target, host, group)
    except LoadError:  # a $ loop the checks skipped: no row, no value
        row = None
    result.keep_posture(row)


def in_group(found: Finding, group: str) -> Finding:
    """A fleet finding scoped to its group of hosts: the group is named
    in the message and is part of the finding's identity."""
    key = '%s\x1f%s' % (group, found.key or '')
    return dataclasses.replace(found, key=key, message='In group %s: %s'
                               % (group, found.message))


class Hosts:
    """A run over many hosts (fleet or bundles) while it goes: one
    reused ``ConfigOpts`` per service, and each group's fleet checks,
    made at the group's first host."""

    def __init__(self, result: Result, checks: Sequence[manager.CheckClass],
                 service: str | None,
                 observers: Sequence[engine.Observer]) -> None:
        self.result = result
        self.checks = checks
        #: The service every file configures (``--service``), or ``None``.
        self.service = service
        self.observers = observers
        self.confs = configure.Confs(result.defaults)
        self.groups: dict[str, list[base.FleetCheck]] = {}
        self._classes = [c for c in checks
                         if issubclass(c, base.FleetCheck)]
        serve(result, service or services.NOVA, checks)

    def fleet_of(self, host_groups: Sequence[str]
                 ) -> list[base.FleetCheck]:
        """The fleet checks that see a host of ``host_groups``."""
        for group in host_groups:
            if group not in self.groups:
                self.groups[group] = [c() for c in self._classes]
        return [check for group in host_groups
                for check in self.groups[group]]

    def keep(self, target: AuditedConf, host: str, names: Sequence[str],
             host_groups: Sequence[str], grouped: bool) -> None:
        """What an audited host adds to the result: its files, named
        ``names``, its service, its groups and its posture rows."""
        result = self.result
        result.files += len(names)
        safe = [utf8_safe(name) for name in names]
        result.paths.extend(safe)
        result.hosts.extend([host] * len(names))
        if grouped and target.service != services.NOVA:
            # nova's hosts have their groups in the posture rows.
            result.host_groups[host] = tuple(sys.intern(utf8_safe(g))
                                             for g in host_groups)
        serve(result, target.service, self.checks)
        result.note_service(target.service, safe)
        for group in host_groups:
            keep_posture(result, target, host, group)

    def compare(self, grouped: bool, hosts: int) -> None:
        """The fleet checks' findings, once every host was seen."""
        result = self.result
        result.groups = [utf8_safe(g) for g in sorted(self.groups)] \
            if grouped else []
        if hosts > 1:
            for group in sorted(self.groups):
                for fleet_check in self.groups[group]:
                    for found in fleet_check.finish():
                        result.add(in_group(found, group) if grouped
                                   else found)
