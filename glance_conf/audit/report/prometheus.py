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

"""Prometheus metrics, for node_exporter's textfile collector.

The text exposition format 0.0.4: one ``# HELP`` and one ``# TYPE`` line
per family, then its samples, without timestamps (the collector refuses
them). Every family is a gauge: the file is a snapshot of one audit, not
a running count, so no name ends in ``_total``. Times are Unix
timestamps in seconds, so that "days left" is computed at query time and
stays right however old the file is.

Every sample carries ``tool``: ``audit`` or ``probe``, the run that
wrote the file, so that both files can sit in one textfile directory
without a series of one equal to a series of the other (node_exporter
refuses such a pair). Other labels hold host names (the fleet file's
stem), file paths, check IDs, severities and drift groups; the waiver
metric adds the waiver's owner and ``FILE:LINE``. The findings on a host
add ``service``, the service whose config holds them (in a fleet of
several, each file's own), in every run, a single service's too: the
family keeps one set of label names in every file. A finding about the
fleet as a whole has its own family, never a made-up host. No value read
from an audited config is ever a label. doc/source/audit/metrics.rst
lists the metrics and bounds their cardinality.
"""

from __future__ import annotations

import dataclasses
import datetime
import time
import urllib.parse
from collections.abc import Iterable
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import NamedTuple
from typing import TextIO

from glance_conf import redact
from glance_conf.audit import identity
from glance_conf.audit import posture
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import about_the_fleet
from glance_conf.audit.report.text import shown
from glance_conf.audit.result import State

if TYPE_CHECKING:
    from glance_conf.audit.result import Result

#: Every metric name starts with it.
PREFIX = 'glance_conf_audit_'
#: Waivers expiring within this many days (or expired) are exported.
WAIVER_HORIZON_DAYS = 14
#: The ``tool`` label of the plain audit's file and of the probe's.
AUDIT = 'audit'
PROBE = 'probe'
#: The host label of a finding without a file, in service mode (an option
#: left unset is about the service's config as a whole).
SERVICE_HOST = '(service)'
#: Longest owner shown in a label.
MAX_OWNER_SHOWN = 80
#: Longest check ID shown in a label.
MAX_CHECK_SHOWN = 16

Labels = tuple[tuple[str, str], ...]


@dataclasses.dataclass(frozen=True)
class Family:
    """One metric family: its name, help text and label names."""

    name: str
    help: str
    #: The labels besides ``tool``, which every sample carries first.
    own_labels: tuple[str, ...] = ()
    type: str = 'gauge'

    @property
    def labels(self) -> tuple[str, ...]:
        return ('tool',) + self.own_labels


INFO = Family(PREFIX + 'info', 'The run that wrote this file (tool: '
              'audit or probe): the tool version, the defaults unset '
              'options were judged by, the mode (service or fleet), the '
              'service audited (nova, cinder, glance-api, or mixed) and the '
              'project config used (empty if none). Always 1.',
              ('version', 'defaults', 'mode', 'service', 'project_config'))
LAST_RUN = Family(PREFIX + 'last_run_timestamp_seconds',
                  'When this file was written, as a Unix timestamp.')
FILES = Family(PREFIX + 'files', 'Config files audited.')
LOAD_PROBLEMS = Family(PREFIX + 'load_problems',
                       'Config files that could not be loaded.')
FINDINGS = Family(PREFIX + 'findings', 'Findings on one host, by check, '
                  'severity, host and the service whose config holds them '
                  '(nova, cinder or glance-api); waived="true" for those a '
                  'waiver accepted, known="true" for those in the '
                  'baseline.',
                  ('check', 'severity', 'host', 'service', 'waived',
                   'known'))
FLEET_FINDINGS = Family(PREFIX + 'fleet_findings', 'Findings about the '
                        'fleet as a whole rather than one host (GC601), '
                        'by check, severity and group; waived and known '
                        'as for findings.',
                        ('check', 'severity', 'group', 'waived', 'known'))
HOST_GATE = Family(PREFIX + 'host_gate_failing', 'Whether the host fails '
                   'the gate (--fail-on): 1 failing, 0 passing. Waived and '
                   'known findings do not count.', ('host',))
GATE = Family(PREFIX + 'gate_failing', 'Whether the run as a whole fails '
              'the gate (--fail-on), as its exit code says: 1 failing, '
              '0 passing.')
DRIFT = Family(PREFIX + 'drift_settings', 'Posture settings on which the '
               'hosts of a group differ (GC601 findings not waived); '
               '"(ungrouped)" without a grouping.', ('group',))
CERTIFICATE_EXPIRY = Family(
    PREFIX + 'certificate_expiry_timestamp_seconds', 'When the '
    'certificate an endpoint presented expires, as a Unix timestamp '
    '(from the probe).', ('endpoint',))
WAIVER_EXPIRY = Family(
    PREFIX + 'waiver_expiry_timestamp_seconds', 'When a waiver stops '
    'applying (the end of its expires day), as a Unix timestamp; only '
    'waivers expiring within %d days, or expired.' % WAIVER_HORIZON_DAYS,
    ('check', 'owner', 'waiver'))
WAIVERS_EXPIRING = Family(
    PREFIX + 'waivers_expiring', 'Waivers expiring within %d days, or '
    'expired.' % WAIVER_HORIZON_DAYS)

#: Every family this writer can emit, in the order it writes them.
FAMILIES = (INFO, LAST_RUN, FILES, LOAD_PROBLEMS, FINDINGS, FLEET_FINDINGS,
            HOST_GATE, GATE, DRIFT, CERTIFICATE_EXPIRY, WAIVER_EXPIRY,
            WAIVERS_EXPIRING)


def tool(result: Result) -> str:
    """``probe`` for a run of ``glance-conf-audit probe``, which runs
    the live checks (GC7xx) and only those, whether or not it reached an
    endpoint; ``audit`` for any other run (the command line's audit
    leaves the live checks out)."""
    live = [check.live for check in result.checks]
    return PROBE if live and all(live) else AUDIT


@dataclasses.dataclass(frozen=True)
class CertificateExpiry:
    """One endpoint's certificate, as the probe saw it."""

    #: The endpoint the probe connected to.
    endpoint: str
    #: The certificate's ``notAfter``, as a Unix timestamp.
    not_after: float


def certificate_expiries(result: Result) -> Sequence[CertificateExpiry]:
    """The certificate expiry of each endpoint ``glance-conf-audit probe``
    read a certificate from; none in any other audit, and none for an
    endpoint whose certificate it could not read: nothing is made up."""
    return tuple(CertificateExpiry(seen.endpoint.url, seen.not_after)
                 for seen in result.probes if seen.not_after is not None)


def escape(value: str) -> str:
    """A label value as the text format quotes it."""
    return value.replace('\\', '\\\\').replace('"', '\\"').replace(
        '\n', '\\n')


def endpoint_label(url: str) -> str:
    """``scheme://host:port`` of an endpoint: never its user-info, path
    or query, which may hold a secret."""
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = parts.hostname or ''
    if ':' in host:
        host = '[%s]' % host
    return shown('%s://%s%s' % (parts.scheme.lower(), host,
                                ':%d' % port if port else ''))


def _number(value: float) -> str:
    return '%d' % value if float(value).is_integer() else repr(float(value))


def write_family(out: TextIO, family: Family, run: str,
                 samples: Iterable[tuple[Labels, float]]) -> None:
    """``# HELP``, ``# TYPE`` and the samples, sorted by labels, each
    with ``tool`` = ``run`` first. The help text is the same in every
    file: node_exporter refuses one family with two."""
    out.write('# HELP %s %s\n# TYPE %s %s\n' % (
        family.name, family.help.replace('\\', '\\\\').replace('\n', '\\n'),
        family.name, family.type))
    for labels, value in sorted(samples):
        text = ','.join('%s="%s"' % (name, escape(v))
                        for name, v in (('tool', run),) + labels)
        out.write('%s%s %s\n' % (family.name, '{%s}' % text if text else '',
                                 _number(value)))


def host_label(result: Result, found: Finding) -> str | None:
    """The host a finding is about: the fleet file's stem, the file in
    service mode, or a marker for the service's config as a whole;
    ``None`` for a finding about the fleet as a whole, which no host
    holds."""
    if about_the_fleet(found, result.mode):
        return None
    if found.host is not None:
        return shown(found.host)
    return shown(found.file) if found.file else SERVICE_HOST


def audited_hosts(result: Result) -> list[str]:
    """The host label of every audited file, in order."""
    if result.mode == 'fleet':
        return [shown(host) for host in result.hosts]
    return [shown(path) for path in result.paths]


def drift_group(result: Result, found: Finding) -> str:
    """The group of a GC601 finding: its key starts with it (runner's
    ``_in_group``); without a grouping, every host is in one group."""
    key = found.key or ''
    best = ''
    for group in result.groups:
        if key.startswith(group + '\x1f') and len(group) > len(best):
            best = group
    return shown(best) if best else posture.UNGROUPED


def _bool(value: bool) -> str:
    return 'true' if value else 'false'


class _Counted(NamedTuple):
    """The finding families' samples, from one pass over the spools."""

    #: Findings on a host, by their labels.
    hosts: dict[Labels, int]
    #: Findings about the fleet as a whole, by their labels.
    fleet: dict[Labels, int]
    #: Whether each host fails the gate.
    gate: dict[str, int]
    #: Unwaived drift per group; empty where drift is not measured.
    drift: dict[str, int]


def _findings(result: Result) -> _Counted:
    counted = _Counted({}, {}, dict.fromkeys(audited_hosts(result), 0), {})
    drifting = result.mode == 'fleet' and result.files > 1 and any(
        c.id == posture.CHECK_ID for c in result.checks)
    if drifting:
        counted.drift.update(dict.fromkeys(
            [shown(g) for g in result.groups] or [posture.UNGROUPED], 0))
    for found, decision in result.decided():
        waived = decision.state is State.WAIVED
        states = (('waived', _bool(waived)),
                  ('known', _bool(bool(decision.in_baseline))))
        check = (('check', shown(found.check_id)),
                 ('severity', found.severity.label))
        host = host_label(result, found)
        if host is None:
            labels: Labels = check + (
                ('group', drift_group(result, found)),) + states
            counted.fleet[labels] = counted.fleet.get(labels, 0) + 1
        else:
            labels = check + (('host', host), (
                'service', result.service_of_finding(found))) + states
            counted.hosts[labels] = counted.hosts.get(labels, 0) + 1
            counted.gate.setdefault(host, 0)
            if not waived:
                counted.gate[host] = max(counted.gate[host],
                                         int(decision.fails_gate))
        if drifting and not waived and found.check_id == posture.CHECK_ID:
            group = drift_group(result, found)
            counted.drift[group] = counted.drift.get(group, 0) + 1
    return counted


def _end_of_day(day: datetime.date) -> float:
    """The first second after ``day``, local time, as a Unix timestamp."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time()).timestamp()


def _waivers(result: Result) -> list[tuple[Labels, float]]:
    waivers = result.waivers
    if waivers is None:
        return []
    horizon = waivers.today + datetime.timedelta(days=WAIVER_HORIZON_DAYS)
    return [((('check', redact.printable(w.check_id, MAX_CHECK_SHOWN)),
              ('owner', redact.printable(w.owner, MAX_OWNER_SHOWN)),
              ('waiver', waivers.where(w))), _end_of_day(w.expires))
            for w in waivers.entries if w.expires <= horizon]


def render(result: Result, out: TextIO) -> None:
    run = tool(result)
    counted = _findings(result)
    write_family(out, INFO, run, [(
        (('version', shown(identity.tool_version())),
         ('defaults', result.defaults), ('mode', result.mode),
         ('service', result.service),
         ('project_config', shown(result.project_config.path)
          if result.project_config else '')), 1)])
    write_family(out, LAST_RUN, run, [((), int(time.time()))])
    write_family(out, FILES, run, [((), result.files)])
    write_family(out, LOAD_PROBLEMS, run, [((), result.problem_count)])
    write_family(out, FINDINGS, run, counted.hosts.items())
    if counted.fleet:
        write_family(out, FLEET_FINDINGS, run, counted.fleet.items())
    write_family(out, HOST_GATE, run, [((('host', host),), failing)
                                       for host, failing in
                                       counted.gate.items()])
    write_family(out, GATE, run, [((), int(result.gate_fails))])
    if counted.drift:
        write_family(out, DRIFT, run, [((('group', group),), n)
                                       for group, n in counted.drift.items()])
    expiries = certificate_expiries(result)
    if expiries:
        write_family(out, CERTIFICATE_EXPIRY, run, {
            (('endpoint', endpoint_label(e.endpoint)),): e.not_after
            for e in expiries}.items())
    expiring = _waivers(result)
    if expiring:
        write_family(out, WAIVER_EXPIRY, run, expiring)
    write_family(out, WAIVERS_EXPIRING, run, [((), len(expiring))])
