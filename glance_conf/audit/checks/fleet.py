"""GC6xx: consistency across a fleet of hosts."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from glance_conf import glance
from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit.cwe import IMPROPER_INTERACTION_BETWEEN_ENTITIES
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import INVALID
from glance_conf.audit.target import AuditedConf

#: Distinct values remembered per option; more are only counted.
MAX_VALUES = 20
#: Hosts named per value in the report; more are only counted.
MAX_HOSTS_SHOWN = 5


def _show(value: object) -> str:
    if value is INVALID:
        return '<invalid>'
    if value is None:
        return '<unset>'
    if isinstance(value, list):
        value = ','.join(str(v) for v in value)
    return redact.redact_url(str(value), 80)


@dataclasses.dataclass
class _Seen:
    count: int = 0
    hosts: list[str] = dataclasses.field(default_factory=list)


class _Tally:
    """Hosts per value for one option, in bounded memory."""

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
        if len(seen.hosts) < MAX_HOSTS_SHOWN:
            seen.hosts.append(host)

    def differs(self) -> bool:
        return len(self.values) + (1 if self.other else 0) > 1


class FleetDrift(base.FleetCheck):
    """An option's effective value differs between hosts.

    Hosts that disagree on ``[glance]`` settings behave differently for
    the same request: one verifies image signatures and another does not,
    one trusts a CA the others do not. Drift is how a fleet-wide hardening
    ends up applied to most hosts but not all.

    Fix: bring the listed hosts to one value, from one template.
    """

    id = 'GC601'
    severity = Severity.MEDIUM
    cwe = IMPROPER_INTERACTION_BETWEEN_ENTITIES
    title = 'Fleet drift: option value differs between hosts'
    remediation = 'Render every host config from one template.'

    def __init__(self) -> None:
        self._tallies = {opt.dest: _Tally()
                         for opt in glance.listed_opts()}
        self.hosts = 0

    def observe(self, conf: AuditedConf) -> None:
        host = conf.files[0].path if conf.files else '<unknown>'
        self.hosts += 1
        for dest, tally in self._tallies.items():
            tally.add(_show(conf.value(dest)), host)

    def finish(self) -> Iterator[Finding]:
        for dest, tally in self._tallies.items():
            if not tally.differs():
                continue
            parts = []
            ranked = sorted(tally.values.items(),
                            key=lambda item: (-item[1].count, item[0]))
            for value, seen in ranked:
                more = ', ...' if seen.count > len(seen.hosts) else ''
                parts.append('%s on %d host(s) (%s%s)' % (
                    value, seen.count, ', '.join(seen.hosts), more))
            if tally.other:
                parts.append('other values on %d host(s)' % tally.other)
            # Point at a host holding the rarest value: the likely outlier.
            outlier = ranked[-1][1].hosts[0]
            yield self.finding(dest, '[glance] %s differs '
                               'across hosts: %s.' % (dest, '; '.join(parts)),
                               file=outlier)
