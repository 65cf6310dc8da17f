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

"""The HTML report's sections drawn from one pass over the findings.

:class:`Findings` reads the spool once: exact counts, the most severe
rows kept (bounded), the comparison with ``--previous``, and the image
trust path per group (:class:`TrustPath`: each service's posture, and
which one weakens it). From it come the page's tables and sections: the
summary, "since last run", the probe's certificate expiry and the
descriptions of the checks. Every text is escaped by :func:`escape`.
"""

from __future__ import annotations

import collections
import html
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any

from glance_conf import redact
from glance_conf.audit import baseline
from glance_conf.audit import helptext
from glance_conf.audit import services
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.result import Decision
from glance_conf.audit.result import State

if TYPE_CHECKING:
    from glance_conf.audit.result import Result

#: Findings put in the page, the most severe first; the rest are counted.
MAX_FINDINGS_SHOWN = 5000
#: Fixed findings (``--previous``) named in the page; the rest are counted.
MAX_FIXED_SHOWN = 200
#: Characters of a check's description shown in the page.
MAX_DESCRIPTION_SHOWN = 1024
#: A finding's state, as the page shows it.
OPEN, WAIVED, KNOWN = (s.value for s in State)
#: The group of hosts when the fleet is not grouped.
ALL_HOSTS = '(all hosts)'

#: The image trust path section: what a service's findings say of its
#: posture, by the checks that judge it (a service with none of them
#: has the posture named under ``None``).
TRUST_POSTURE = {
    services.NOVA: (('GC201', 'does not verify image signatures'),
                    (None, 'refuses unsigned images')),
    services.CINDER: (('GC809', 'verifies no image signature'),
                      ('GC810', 'lets unsigned images pass'),
                      (None, 'verifies image signatures')),
    services.GLANCE_API: (('GC851', 'shows and lets users edit image '
                                    'locations'),
                          ('GC852', 'shows direct URLs of a copy-on-write '
                                    'store'),
                          ('GC853', 'shows direct URLs'),
                          (None, 'shows no image location')),
}
#: nova's check areas on the image trust path: transport (GC1xx),
#: image integrity (GC2xx) and Ceph RBD (GC4xx); the other services'
#: are their own ranges (``services.ID_RANGES``), and GC610 is the
#: cross-service bypass, placed on the weaker consumer's file.
NOVA_PATH_AREAS = (1, 2, 4)
#: The boot-from-volume signature bypass (GC610), by its stable ID: a
#: writer names checks by ID and never imports one.
VOLUME_BYPASS = 'GC610'


def escape(text: object) -> str:
    """``text`` for HTML: control characters and lone surrogates (a file
    name that is not UTF-8) escaped as ``\\uXXXX``, then HTML-escaped."""
    return html.escape(redact.printable(str(text), _NO_LIMIT), quote=True)


#: :func:`glance_conf.redact.printable` shortens nothing here: what is
#: long was bounded where it was read.
_NO_LIMIT = 1 << 30


def on_trust_path(check_id: str, service: str) -> bool:
    """Whether a finding of ``check_id`` on a file of ``service`` is
    about the image trust path."""
    number = int(check_id[2:]) if check_id[2:].isdigit() else 0
    if check_id == VOLUME_BYPASS:
        return True
    if service == services.NOVA:
        return number // 100 in NOVA_PATH_AREAS
    return number in services.ID_RANGES.get(service, ())


class TrustPath:
    """The image trust path per group: each service's hosts, what its
    findings say of its posture, and its open findings at medium or
    above, which weaken the path (their state is the result's)."""

    def __init__(self, result: Result) -> None:
        self.result = result
        #: ``(group, service)``: hosts; posture check: hosts; weakening
        #: check: count.
        self.hosts: dict[tuple[str, str], set[str]] = {}
        self.posture: dict[tuple[str, str], collections.Counter[str]] = {}
        self.weak: dict[tuple[str, str], collections.Counter[str]] = {}
        self.shown = result.mode == 'fleet' and bool(
            result.services_seen - {services.NOVA})
        #: nova hosts' groups, from their posture rows (the result keeps
        #: the groups of the other services' hosts only).
        self.nova_groups: dict[str, list[str]] = {}
        if self.shown:
            for row in result.posture:
                self.nova_groups.setdefault(row.host, []).append(
                    row.group or ALL_HOSTS)
            for path, host in zip(result.paths, result.hosts, strict=True):
                service = result.service_of(path)
                for group in self._groups(host):
                    self.hosts.setdefault((group, service), set()).add(host)

    def _groups(self, host: str) -> tuple[str, ...]:
        return self.result.host_groups.get(host) or tuple(
            self.nova_groups.get(host, ())) or (ALL_HOSTS,)

    def _host(self, found: Finding) -> str:
        if found.host:
            return found.host
        if self.result.bundles:
            return (found.file or '').partition(':')[0]
        return baseline.host_of(found.file or '')

    def add(self, found: Finding, decision: Decision) -> None:
        if not self.shown:
            return
        service = self.result.service_of(found.file or '')
        if not on_trust_path(found.check_id, service):
            return
        if found.check_id.startswith('GC6') and self.result.groups:
            # A fleet finding is its group's: its key starts with it.
            groups: tuple[str, ...] = ((found.key or '').split('\x1f')[0],)
        else:
            groups = self._groups(self._host(found))
        for group in groups:
            if found.check_id in {c for c, _ in TRUST_POSTURE.get(
                    service, ())}:
                self.posture.setdefault((group, service),
                                        collections.Counter())[
                    found.check_id] += 1
            if decision.state.value == OPEN \
                    and found.severity >= Severity.MEDIUM:
                self.weak.setdefault((group, service),
                                     collections.Counter())[
                    found.check_id] += 1

    def html(self) -> str:
        if not self.shown:
            return ''
        order = {name: i for i, name in enumerate(services.SERVICES)}
        keys = sorted(self.hosts, key=lambda k: (k[0], order.get(k[1], 9)))
        rows = []
        weakened: dict[str, list[str]] = {}
        for group, service in keys:
            hosts = len(self.hosts[(group, service)])
            said = self.posture.get((group, service), collections.Counter())
            posture = [
                '%s (%d of %d hosts)' % (phrase, said[check], hosts)
                if check in said else '' for check, phrase in
                TRUST_POSTURE.get(service, ()) if check is not None]
            posture = [p for p in posture if p] or [
                phrase for check, phrase in TRUST_POSTURE.get(service, ())
                if check is None]
            weak = self.weak.get((group, service), collections.Counter())
            if weak:
                weakened.setdefault(group, []).append(service)
            rows.append(
                '<tr%s><th scope="row">%s</th><td>%s</td><td>%d</td>'
                '<td>%s</td><td>%s</td></tr>' % (
                    ' class="weak"' if weak else '', escape(group),
                    escape(service), hosts, escape('; '.join(posture)),
                    escape(', '.join('%s x%d' % (c, n) for c, n in
                                 sorted(weak.items())) or 'no')))
        verdicts = ''.join(
            '<li>%s: %s</li>' % (escape(group), escape(
                'weakened by %s' % ', '.join(weakened[group])
                if group in weakened else 'no open finding weakens it'))
            for group in sorted({g for g, _ in keys}))
        return (
            '<section id="trust-path" aria-labelledby="trust-path-h">'
            '<h2 id="trust-path-h">Image trust path</h2>'
            '<p>The path is as strong as its weakest consumer: per group, '
            'each service\'s posture as its findings say it, and the open '
            'findings at medium or above on the path (nova\'s transport, '
            'image integrity and RBD checks, the other services\' own, and '
            'the cross-service GC610) that weaken it.</p>'
            '<ul id="trust-verdicts">%s</ul>'
            '<table id="trust"><thead><tr><th scope="col">Group</th>'
            '<th scope="col">Service</th><th scope="col">Hosts</th>'
            '<th scope="col">Posture</th>'
            '<th scope="col">Weakens the path (open findings)</th>'
            '</tr></thead><tbody>%s</tbody></table></section>'
            % (verdicts, ''.join(rows)))



class Findings:
    """One pass over the findings: exact counts, the most severe rows
    kept (bounded), the image trust path, and the comparison with
    ``--previous``."""

    def __init__(self, result: Result, group_of: dict[str, int]) -> None:
        self.result = result
        self.group_of = group_of
        self.checks: dict[str, int] = {}
        self.kept: dict[Severity, list[list[Any]]] = {
            s: [] for s in Severity}
        self.states = collections.Counter[str]()
        self.failing_hosts: set[str] = set()
        self.failing_service = False
        self.new = 0
        self.still = 0
        self.seen_previous: set[str] = set()
        self.trust = TrustPath(result)

    def _host(self, found: Finding) -> str:
        if found.host:
            return found.host
        if self.result.mode == 'fleet' and found.file:
            return baseline.host_of(found.file)
        return ''

    def add(self, found: Finding, decision: Decision) -> None:
        self.trust.add(found, decision)
        state = decision.state.value
        self.states[state] += 1
        host = self._host(found)
        if decision.fails_gate:
            if host:
                self.failing_hosts.add(host)
            else:
                self.failing_service = True
        new = decision.new
        if new is not None:
            if new:
                self.new += 1
            else:
                self.still += 1
                self.seen_previous.add(found.fingerprint)
        kept = self.kept[found.severity]
        if len(kept) >= MAX_FINDINGS_SHOWN:
            return
        check = self.checks.setdefault(found.check_id, len(self.checks))
        why = decision.waiver.reason if decision.waiver is not None else ''
        kept.append([int(found.severity), check, host,
                     self.group_of.get(host, -1), found.option or '',
                     found.file or '', found.line or 0, found.message,
                     state, why, new])

    def rows(self) -> list[list[Any]]:
        rows: list[list[Any]] = []
        for severity in sorted(Severity, reverse=True):
            rows += self.kept[severity][:MAX_FINDINGS_SHOWN - len(rows)]
        return rows

    def shown_total(self) -> int:
        """How many findings the page lists: those :meth:`rows` keeps."""
        return min(sum(len(k) for k in self.kept.values()),
                   MAX_FINDINGS_SHOWN)


def findings(result: Result, hosts: Iterable[list[Any]]) -> Findings:
    group_of = {host[0]: host[1] for host in hosts}
    seen = Findings(result, group_of)
    for found, decision in result.decided():
        seen.add(found, decision)
    return seen



def summary(result: Result, seen: Findings, hosts: int) -> str:
    counts = collections.Counter[Severity]()
    for found_counts in (result.findings.counts, result.suppressed.counts):
        counts.update(found_counts)
    buttons = ''.join(
        '<li><button type="button" class="sev s%d" data-sev="%d" '
        'aria-label="show %s findings only">%s <strong>%d</strong>'
        '</button></li>' % (s, s, s.label, s.label, counts[s])
        for s in sorted(Severity, reverse=True))
    gate = 'never' if result.fail_on is None else result.fail_on.label
    if result.mode == 'fleet':
        failing = '%d of %d' % (len(seen.failing_hosts), hosts)
    else:
        failing = 'yes' if seen.failing_hosts or seen.failing_service \
            else 'no'
    checked = ', '.join(escape(c) for c in result.not_checked) or 'none'
    problems = ''
    if result.problem_count:
        problems = '<h3>Files that could not be audited (%d)</h3><ul>%s' \
            '</ul>' % (result.problem_count, ''.join(
                '<li><code>%s</code>: %s</li>'
                % (escape(p.path), escape(p.reason))
                for p in result.problems))
    return (
        '<section id="summary" aria-labelledby="summary-h">'
        '<h2 id="summary-h">Summary</h2>'
        '<ul class="counts" aria-label="findings by severity">%s</ul>'
        '<dl>'
        '<dt>Mode</dt><dd id="mode">%s</dd>'
        '<dt>Files audited</dt><dd id="files">%d</dd>'
        '<dt>Hosts failing the gate (--fail-on %s)</dt>'
        '<dd id="failing">%s</dd>'
        '<dt>Semantics (--defaults)</dt><dd id="defaults">%s</dd>'
        '<dt>Project config</dt><dd id="project-config">%s</dd>'
        '<dt>Findings open / waived / known (baseline)</dt>'
        '<dd id="states">%d / %d / %d</dd>'
        '<dt>Not checked (offline: host checks)</dt>'
        '<dd id="not-checked">%s</dd>'
        '</dl>%s</section>' % (
            buttons, escape(result.mode), result.files, escape(gate), failing,
            escape(result.defaults), escape(
                '%s, which set %s' % (result.project_config.path,
                                      result.project_config.summary())
                if result.project_config is not None else 'none'),
            seen.states[OPEN], seen.states[WAIVED],
            seen.states[KNOWN], checked, problems))



def since(result: Result, seen: Findings) -> str:
    previous = result.previous
    if previous is None:
        return ''
    fixed = [e for fp, e in previous.entries.items()
             if fp not in seen.seen_previous]
    listed = ''.join(
        '<tr><td>%s</td><td>%s</td><td>%s</td></tr>'
        % (escape(e.check_id), escape(e.option or '-'), escape(e.host or '-'))
        for e in fixed[:MAX_FIXED_SHOWN])
    more = len(fixed) - MAX_FIXED_SHOWN
    return (
        '<section id="since" aria-labelledby="since-h">'
        '<h2 id="since-h">Since last run</h2>'
        '<p>Compared by fingerprint with <code>%s</code>: '
        '<span id="since-new">%d</span> new, '
        '<span id="since-open">%d</span> still open, '
        '<span id="since-fixed">%d</span> fixed.</p>'
        '<table><caption>Fixed findings</caption><thead><tr>'
        '<th scope="col">Check</th><th scope="col">Option</th>'
        '<th scope="col">Host</th></tr></thead><tbody>%s</tbody></table>'
        '%s</section>' % (
            escape(previous.path), seen.new, seen.still, len(fixed), listed,
            '<p>... and %d more fixed.</p>' % more if more > 0 else ''))



def probe_expiry(result: Result) -> list[tuple[str, int]] | None:
    """``(endpoint, days to expiry)`` per endpoint whose certificate
    ``glance-conf-audit probe`` read. No probe, no section: nothing is
    made up."""
    if not result.probes:
        return None
    found = []
    for seen in result.probes:
        days = seen.days_left()
        if days is not None:
            found.append((redact.redact_url(seen.endpoint.url), days))
    return found


def probe(result: Result) -> str:
    expiry = probe_expiry(result)
    if expiry is None:
        return ''
    rows = ''.join('<tr><th scope="row">%s</th><td>%d</td></tr>'
                   % (escape(endpoint), days) for endpoint, days in expiry)
    return ('<section id="probe"><h2>Certificate expiry (probe)</h2>'
            '<table><thead><tr><th scope="col">Endpoint</th>'
            '<th scope="col">Days left</th></tr></thead><tbody>%s</tbody>'
            '</table></section>' % rows)



def described(result: Result, seen: Findings) -> str:
    """What each check with a finding in the page looks for and how to
    fix it, each under its ID's anchor: the links' target when no docs
    address is known."""
    by_id = {c.id: c for c in result.checks}
    items = []
    for check_id in seen.checks:
        check = by_id.get(check_id)
        if check is None:
            continue
        items.append(
            '<dt id="%s">%s: %s</dt><dd><p>%s</p><p>Fix: %s</p></dd>' % (
                escape(check_id.lower()), escape(check_id),
                escape(check.title),
                escape(helptext.summary(check.doc(), MAX_DESCRIPTION_SHOWN)),
                escape(check.remediation)))
    if not items:
        return ''
    return ('<section id="checks" aria-labelledby="checks-h">'
            '<h2 id="checks-h">Checks</h2><dl class="checks">%s</dl>'
            '</section>' % ''.join(items))

