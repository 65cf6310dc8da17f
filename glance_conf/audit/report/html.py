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

"""HTML: one self-contained page for people, not scripts.

No external script, style, font or image: the page works offline, from
an email attachment or a CI artifact. It has a summary, a drift
heat-map of the fleet's posture (hosts by group x settings), the
findings (filterable and sortable), in a fleet of several services the
image trust path per group (each service's posture, and which one
weakens it), and with ``--previous`` what changed since an earlier
report.

Text from the configs reaches the page two ways, both escaped: in the
HTML itself (``html.escape``), and in a JSON island the page's script
renders, where ``<``, ``>`` and ``&`` are written as ``\\u003c``... so
the island can never close its ``<script>`` element, and the script
escapes again before it writes any text into the page.

Memory and size stay bounded: findings are read from the spool once,
and at most :data:`MAX_FINDINGS_SHOWN` are put in the page, the most
severe first; the counts are always exact.
"""

from __future__ import annotations

import collections
import html
import json
import os
import urllib.parse
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any
from typing import TextIO

from glance_conf import redact
from glance_conf.audit import baseline
from glance_conf.audit import helptext
from glance_conf.audit import identity
from glance_conf.audit import services
from glance_conf.audit.base import SERVICE_RANGES
from glance_conf.audit.checks import fleet
from glance_conf.audit.checks import trustpath
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.result import Decision
from glance_conf.audit.result import State

if TYPE_CHECKING:
    from glance_conf.audit.result import Result

#: Findings put in the page, the most severe first; the rest are counted.
MAX_FINDINGS_SHOWN = 5000
#: Hosts drawn per group of the heat-map, those their drift blames
#: first, and findings rows drawn, until the reader asks for all:
#: drawing 10,000 rows would keep a browser busy for seconds.
HOSTS_DRAWN_PER_GROUP = 100
FINDINGS_DRAWN = 500
#: Fixed findings (``--previous``) named in the page; the rest are counted.
MAX_FIXED_SHOWN = 200
#: Where each finding's check is documented: ``--docs-url``, else the
#: environment variable's address (http or https) where the docs are
#: hosted; with neither, the page describes each check itself and links
#: there, so no link depends on where the report is opened.
DOCS_URL_ENV = 'GLANCE_CONF_AUDIT_DOCS_URL'
#: Characters of a check's description shown in the page.
MAX_DESCRIPTION_SHOWN = 1024

#: The heat-map's columns: GC601's settings, short-labelled. The cipher
#: string is left out: a long free text is no heat-map cell (GC601 still
#: compares it).
COLUMNS = {
    'glance.verify_glance_signatures': 'Signature verification',
    'glance.enable_certificate_validation': 'Certificate validation',
    'glance.insecure': 'TLS verification skipped',
    'glance.endpoint_override': 'Endpoint scheme',
    'glance.tls_min_version': 'TLS floor',
    'glance.timeout': 'Timeout',
    'glance.debug': 'Image client debug',
    'DEFAULT.debug': 'Service debug',
}
#: The values that are safe (``good``) or not (``bad``) per column; any
#: other value is shown neutral.
GOOD = {
    'glance.verify_glance_signatures': {'True'},
    'glance.enable_certificate_validation': {'True'},
    'glance.insecure': {'False'},
    'glance.endpoint_override': {'https'},
    'glance.tls_min_version': {'1.2', '1.3'},
    'glance.timeout': {'set'},
    'glance.debug': {'False'},
    'DEFAULT.debug': {'False'},
}
BAD = {
    'glance.verify_glance_signatures': {'False'},
    'glance.enable_certificate_validation': {'False'},
    'glance.insecure': {'True'},
    'glance.endpoint_override': {'http', 'http,https'},
    'glance.tls_min_version': {fleet.UNSET},
    'glance.timeout': {fleet.UNSET},
    'glance.debug': {'True'},
    'DEFAULT.debug': {'True'},
}
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
#: are their own ranges (``base.SERVICE_RANGES``), and GC610 is the
#: cross-service bypass, placed on the weaker consumer's file.
NOVA_PATH_AREAS = (1, 2, 4)


def docs_url(result: Result) -> str:
    """The check catalogue's address: ``--docs-url``, else
    :data:`DOCS_URL_ENV` if it is an http(s) URL; ``''`` (this page's own
    descriptions) when neither is known."""
    if result.rendering.docs_url:
        return result.rendering.docs_url
    url = os.environ.get(DOCS_URL_ENV, '')
    if urllib.parse.urlsplit(url).scheme in ('http', 'https'):
        return url.split('#')[0]
    return ''


def _described(result: Result, seen: _Findings) -> str:
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
                _e(check_id.lower()), _e(check_id), _e(check.title),
                _e(helptext.summary(check.doc(), MAX_DESCRIPTION_SHOWN)),
                _e(check.remediation)))
    if not items:
        return ''
    return ('<section id="checks" aria-labelledby="checks-h">'
            '<h2 id="checks-h">Checks</h2><dl class="checks">%s</dl>'
            '</section>' % ''.join(items))


def _e(text: object) -> str:
    """``text`` for HTML: control characters and lone surrogates (a file
    name that is not UTF-8) escaped as ``\\uXXXX``, then HTML-escaped."""
    return html.escape(redact.printable(str(text), _NO_LIMIT), quote=True)


#: :func:`glance_conf.redact.printable` shortens nothing here: what is
#: long was bounded where it was read.
_NO_LIMIT = 1 << 30


def island(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element."""
    # ASCII only: a lone surrogate (a name that is not UTF-8) becomes an
    # escape instead of text the page cannot be written in.
    text = json.dumps(data, separators=(',', ':'), ensure_ascii=True)
    return text.replace('&', '\\u0026').replace('<', '\\u003c').replace(
        '>', '\\u003e').replace('\u2028', '\\u2028').replace(
        '\u2029', '\\u2029')


def _verdict(option: str, value: str) -> str:
    if value in GOOD[option]:
        return 'g'
    return 'b' if value in BAD[option] else 'o'


def _blamed(posture: fleet.Posture, index: dict[str, int],
            tally: collections.Counter[int]) -> list[int]:
    """The indexes of the values :func:`fleet.blame` blames in one
    group's column; none where its hosts agree."""
    if len(tally) < 2:
        return []
    shown = {i: value for value, i in index.items()}
    blamed, _ = fleet.blame(posture, {shown[i]: n for i, n in tally.items()})
    return sorted(index[value] for value in blamed)


def heatmap(result: Result) -> dict[str, Any]:
    """The heat-map's data: a value table per column, each host's value
    indexes (-1: not compared) and lines, and the values each group's
    drift blames, as GC601 blames them."""
    options = list(COLUMNS)
    order = [p.option for p in fleet.POSTURE]
    wanted = [order.index(option) for option in options]
    values: list[dict[str, int]] = [{} for _ in wanted]
    rows = sorted(result.posture, key=lambda r: (r.group, r.host))
    groups: list[str] = []
    hosts: list[list[Any]] = []
    tallies: list[list[collections.Counter[int]]] = []
    for row in rows:
        if not groups or groups[-1] != (row.group or ALL_HOSTS):
            groups.append(row.group or ALL_HOSTS)
            tallies.append([collections.Counter() for _ in wanted])
        cells = []
        for col, index in enumerate(wanted):
            value = row.values[index]
            cell = -1 if value is None else values[col].setdefault(
                value, len(values[col]))
            cells.append(cell)
            if cell >= 0:
                tallies[-1][col][cell] += 1
        hosts.append([row.host, len(groups) - 1, row.file, cells,
                      [row.lines[i] for i in wanted]])
    postures = {p.option: p for p in fleet.POSTURE}
    blamed = [[_blamed(postures[option], values[col], tally)
               for col, (option, tally) in enumerate(zip(options, group,
                                                          strict=True))]
              for group in tallies]
    return {
        'cols': [COLUMNS[o] for o in options],
        'opts': options,
        'vals': [list(v) for v in values],
        'verd': [[_verdict(o, v) for v in vals]
                 for o, vals in zip(options, values, strict=True)],
        'groups': groups, 'hosts': hosts, 'blamed': blamed,
        'dropped': result.posture_dropped,
    }


def on_trust_path(check_id: str, service: str) -> bool:
    """Whether a finding of ``check_id`` on a file of ``service`` is
    about the image trust path."""
    number = int(check_id[2:]) if check_id[2:].isdigit() else 0
    if check_id == trustpath.SignatureBypassThroughVolumes.id:
        return True
    if service == services.NOVA:
        return number // 100 in NOVA_PATH_AREAS
    return number in SERVICE_RANGES.get(service, ())


class _TrustPath:
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
                    ' class="weak"' if weak else '', _e(group),
                    _e(service), hosts, _e('; '.join(posture)),
                    _e(', '.join('%s x%d' % (c, n) for c, n in
                                 sorted(weak.items())) or 'no')))
        verdicts = ''.join(
            '<li>%s: %s</li>' % (_e(group), _e(
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


class _Findings:
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
        self.trust = _TrustPath(result)

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


def _findings(result: Result, hosts: Iterable[list[Any]]) -> _Findings:
    group_of = {host[0]: host[1] for host in hosts}
    seen = _Findings(result, group_of)
    for found, decision in result.decided():
        seen.add(found, decision)
    return seen


def _summary(result: Result, seen: _Findings, hosts: int) -> str:
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
    checked = ', '.join(_e(c) for c in result.not_checked) or 'none'
    problems = ''
    if result.problem_count:
        problems = '<h3>Files that could not be audited (%d)</h3><ul>%s' \
            '</ul>' % (result.problem_count, ''.join(
                '<li><code>%s</code>: %s</li>' % (_e(p.path), _e(p.reason))
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
            buttons, _e(result.mode), result.files, _e(gate), failing,
            _e(result.defaults), _e(
                '%s, which set %s' % (result.project_config.path,
                                      result.project_config.summary())
                if result.project_config is not None else 'none'),
            seen.states[OPEN], seen.states[WAIVED],
            seen.states[KNOWN], checked, problems))


def _since(result: Result, seen: _Findings) -> str:
    previous = result.previous
    if previous is None:
        return ''
    fixed = [e for fp, e in previous.entries.items()
             if fp not in seen.seen_previous]
    listed = ''.join(
        '<tr><td>%s</td><td>%s</td><td>%s</td></tr>'
        % (_e(e.check_id), _e(e.option or '-'), _e(e.host or '-'))
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
            _e(previous.path), seen.new, seen.still, len(fixed), listed,
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


def _probe(result: Result) -> str:
    expiry = probe_expiry(result)
    if expiry is None:
        return ''
    rows = ''.join('<tr><th scope="row">%s</th><td>%d</td></tr>'
                   % (_e(endpoint), days) for endpoint, days in expiry)
    return ('<section id="probe"><h2>Certificate expiry (probe)</h2>'
            '<table><thead><tr><th scope="col">Endpoint</th>'
            '<th scope="col">Days left</th></tr></thead><tbody>%s</tbody>'
            '</table></section>' % rows)


def render(result: Result, out: TextIO) -> None:
    data = heatmap(result)
    seen = _findings(result, data['hosts'])
    rows = seen.rows()
    shown_total = sum(len(k) for k in seen.kept.values())
    total = len(result.findings) + len(result.suppressed)
    checks = {c.id: c.title for c in result.checks}
    data.update({
        'findings': rows,
        'checks': [[c, checks.get(c, '')] for c in seen.checks],
        'sev': [s.label for s in Severity],
        'total': total, 'shownTotal': min(shown_total, MAX_FINDINGS_SHOWN),
        'docs': docs_url(result), 'perGroup': HOSTS_DRAWN_PER_GROUP,
        'drawn': FINDINGS_DRAWN,
        'previous': result.previous is not None,
    })
    title = '%s report' % identity.TOOL_NAME
    out.write('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
              '<meta name="viewport" content="width=device-width">'
              '<title>%s</title><style>%s</style></head><body>'
              % (_e(title), STYLE))
    out.write('<header><h1>%s</h1><p>%s %s, %s mode, <span id="service">'
              '%s</span>, %d files.</p></header><main>' % (
                  _e(title), _e(identity.TOOL_NAME),
                  _e(identity.tool_version()), _e(result.mode),
                  _e(result.service), result.files))
    out.write(_summary(result, seen, len(result.posture)))
    out.write(_since(result, seen))
    out.write(_probe(result))
    out.write(seen.trust.html())
    out.write(BODY)
    out.write(_described(result, seen))
    out.write('</main><script type="application/json" id="gc-data">')
    out.write(island(data))
    out.write('</script><script>%s</script></body></html>\n' % SCRIPT)


# Kept apart from the logic: the page's own style and script, inline.
STYLE = '''
body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#111}
h1{font-size:1.5em}table{border-collapse:collapse}
th,td{border:1px solid #bbb;padding:2px 6px;text-align:left}
.counts{display:flex;gap:.5em;list-style:none;padding:0}
.sev{border:2px solid #333;border-radius:4px;padding:.4em .8em;
background:#fff;cursor:pointer}
.sev[aria-pressed=true]{outline:3px solid #000}
.s3{background:#f4b6b6}.s2{background:#f9d9a6}.s1{background:#fff3b0}
.s0{background:#dde8f7}
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
dt{font-weight:bold}dd{margin:0}
#heat td{font-size:12px;white-space:nowrap;cursor:pointer}
#heat td.g{background:#c8ecc8}#heat td.b{background:#f4b6b6}
#heat td.o{background:#e6e6e6}#heat td.n{background:#fff;color:#777}
#heat td.m{outline:3px solid #000;outline-offset:-3px;font-weight:bold}
#heat th.grp{background:#333;color:#fff}
#cell-info{min-height:1.5em;font-family:monospace}
.waived{color:#555;font-style:italic}.known{color:#555}
.tag{border:1px solid #666;border-radius:3px;padding:0 3px;font-size:11px}
#findings th button{font:inherit;border:0;background:none;cursor:pointer}
#trust tr.weak td{background:#f4b6b6}
.filters{display:flex;gap:1em;flex-wrap:wrap;margin:.5em 0}
'''

BODY = '''
<section id="drift" aria-labelledby="drift-h">
<h2 id="drift-h">Drift heat-map</h2>
<p>Each row is a host, grouped by drift group; each column a posture
setting. &#10003; safe value, &#10007; unsafe, &#183; other; a cell marked
&#8800; and outlined holds a value GC601 blames in its group: the weaker
side of a difference, or the minority where no value is safer.
Hover or click a cell for the file and line.</p>
<p id="heat-note"></p>
<p id="cell-info" aria-live="polite"></p>
<table id="heat"></table>
</section>
<section id="list" aria-labelledby="list-h">
<h2 id="list-h">Findings</h2>
<p id="list-note"></p>
<div class="filters">
<label>Severity <select id="f-sev"><option value="">all</option></select>
</label>
<label>Check <select id="f-check"><option value="">all</option></select>
</label>
<label>Group <select id="f-group"><option value="">all</option></select>
</label>
<label>Host <input id="f-host" type="search" placeholder="host name">
</label>
<label>State <select id="f-state"><option value="">all</option>
<option>open</option><option>waived</option><option>known</option>
</select></label>
</div>
<p><span id="shown-count">0</span> finding(s) match; the first
<span id="drawn"></span> are drawn.
<button type="button" id="all-rows" hidden>Draw them all</button></p>
<table id="findings"><thead><tr>
<th scope="col"><button type="button" data-sort="0">Severity</button></th>
<th scope="col"><button type="button" data-sort="1">Check</button></th>
<th scope="col"><button type="button" data-sort="2">Host</button></th>
<th scope="col"><button type="button" data-sort="4">Option</button></th>
<th scope="col"><button type="button" data-sort="5">Where</button></th>
<th scope="col">Message</th>
<th scope="col"><button type="button" data-sort="8">State</button></th>
</tr></thead><tbody></tbody></table>
</section>
'''

SCRIPT = '''
(function(){
"use strict";
var D=JSON.parse(document.getElementById("gc-data").textContent);
function esc(s){return String(s).replace(/&/g,"&amp;").replace(/</g,"&lt;")
.replace(/>/g,"&gt;").replace(/"/g,"&quot;").replace(/'/g,"&#39;");}
function $(id){return document.getElementById(id);}
var SYM={g:"\\u2713",b:"\\u2717",o:"\\u00b7"};
var LIMIT=D.perGroup,OPEN={},G=[];
function rowHtml(i){
 var r=D.hosts[i],g=r[1],h=["<tr data-i=\\""+i+"\\"><th scope=\\"row\\">"+
  esc(r[0])+"</th>"];
 r[3].forEach(function(v,c){
  if(v<0){h.push("<td class=\\"n\\" data-c=\\""+c+"\\">not compared</td>");
   return;}
  var odd=D.blamed[g][c].indexOf(v)>=0,k=D.verd[c][v];
  h.push("<td class=\\""+k+(odd?" m":"")+"\\" data-c=\\""+c+"\\">"+
   (odd?"\\u2260 ":"")+SYM[k]+" "+esc(D.vals[c][v])+"</td>");});
 return h.join("")+"</tr>";}
function groupHtml(g){
 var ids=G[g].ids,n=OPEN[g]?ids.length:Math.min(LIMIT,ids.length),
  h=["<tbody data-g=\\""+g+"\\"><tr><th scope=\\"rowgroup\\" class=\\"grp\\" "+
  "colspan=\\""+(D.cols.length+1)+"\\">Group "+esc(D.groups[g])+" ("+
  ids.length+" hosts, "+G[g].odd+" blamed by its drift)</th></tr>"];
 for(var k=0;k<n;k++){h.push(rowHtml(ids[k]));}
 if(n<ids.length){h.push("<tr><td colspan=\\""+(D.cols.length+1)+
  "\\"><button type=\\"button\\" class=\\"more\\" data-g=\\""+g+
  "\\">Show the "+
  (ids.length-n)+" other hosts of group "+esc(D.groups[g])+
  "</button></td></tr>");}
 return h.join("")+"</tbody>";}
function heat(){
 var t=$("heat");
 if(!D.hosts.length){$("heat-note").textContent=
  "No heat-map: it compares the hosts of a fleet (fleet mode).";return;}
 D.hosts.forEach(function(r,i){
  var g=G[r[1]]||(G[r[1]]={ids:[],oddIds:[],odd:0});
  var odd=r[3].some(function(v,c){return D.blamed[r[1]][c].indexOf(v)>=0;});
  if(odd){g.oddIds.push(i);g.odd++;}else{g.ids.push(i);}});
 G.forEach(function(g){g.ids=g.oddIds.concat(g.ids);});
 $("heat-note").textContent="Hosts their group's drift blames come "+
  "first; at most "+LIMIT+" hosts per group are drawn until asked."+
  (D.dropped?" "+D.dropped+" more host(s) were not kept.":"");
 var h=["<thead><tr><th scope=\\"col\\">Host</th>"];
 D.cols.forEach(function(c){h.push("<th scope=\\"col\\">"+esc(c)+"</th>");});
 h.push("</tr></thead>");
 G.forEach(function(_,g){h.push(groupHtml(g));});
 t.innerHTML=h.join("");
 function where(td){
  var r=D.hosts[+td.parentNode.getAttribute("data-i")],
   c=+td.getAttribute("data-c"),l=r[4][c];
  return r[0]+": "+D.opts[c]+" \\u2014 "+r[2]+(l?":"+l:
   " (not set in the file: the default)");}
 t.addEventListener("mouseover",function(e){var td=e.target.closest("td");
  if(td&&td.hasAttribute("data-c")&&!td.title){td.title=where(td);}});
 t.addEventListener("click",function(e){
  var b=e.target.closest("button.more");
  if(b){var g=+b.getAttribute("data-g");OPEN[g]=true;
   b.closest("tbody").outerHTML=groupHtml(g);return;}
  var td=e.target.closest("td");
  if(td&&td.hasAttribute("data-c")){$("cell-info").textContent=where(td);}});
}
var sortCol=0,sortDir=-1,ROWS=D.drawn,ALL=false;
function opt(sel,v,label){var o=document.createElement("option");
 o.value=v;o.textContent=label;$(sel).appendChild(o);}
function table(){
 var s=$("f-sev").value,c=$("f-check").value,g=$("f-group").value,
  h=$("f-host").value.toLowerCase(),st=$("f-state").value;
 var rows=D.findings.filter(function(f){
  return (s===""||f[0]===+s)&&(c===""||f[1]===+c)&&(g===""||f[3]===+g)&&
   (h===""||f[2].toLowerCase().indexOf(h)>=0)&&(st===""||f[8]===st);});
 rows.sort(function(a,b){var x=a[sortCol],y=b[sortCol];
  if(sortCol===1){x=D.checks[x][0];y=D.checks[y][0];}
  return x<y?-sortDir:x>y?sortDir:0;});
 var out=(ALL?rows:rows.slice(0,ROWS)).map(function(f){
  var ck=D.checks[f[1]],w=f[5]?f[5]+(f[6]?":"+f[6]:""):"-",
   tag=f[8]==="open"?"open":f[8]==="waived"?"\\u2298 waived":
    "\\u25cb known (baseline)";
  if(f[10]===true){tag+=" <span class=\\"tag\\">new</span>";}
  return "<tr class=\\""+f[8]+"\\"><td class=\\"s"+f[0]+"\\">"+
   esc(D.sev[f[0]])+"</td><td><a href=\\""+esc(D.docs+"#"+
   ck[0].toLowerCase())+"\\" title=\\""+esc(ck[1])+"\\">"+esc(ck[0])+
   "</a></td><td>"+esc(f[2]||"-")+"</td><td>"+esc(f[4]||"-")+
   "</td><td>"+esc(w)+"</td><td>"+esc(f[7])+
   (f[9]?" <em>Waived: "+esc(f[9])+"</em>":"")+"</td><td>"+tag+
   "</td></tr>";});
 document.querySelector("#findings tbody").innerHTML=out.join("");
 $("shown-count").textContent=rows.length;
 $("all-rows").hidden=ALL||rows.length<=ROWS;
}
function list(){
 if(D.shownTotal<D.total){$("list-note").textContent="The "+D.shownTotal+
  " most severe of "+D.total+" findings are listed; the counts above "+
  "are exact. The JSON report has them all.";}
 $("drawn").textContent=ROWS;
 D.sev.forEach(function(l,i){opt("f-sev",i,l);});
 D.checks.forEach(function(c,i){opt("f-check",i,c[0]);});
 D.groups.forEach(function(n,i){opt("f-group",i,n);});
 function filtered(){ALL=false;table();}
 ["f-sev","f-check","f-group","f-state"].forEach(function(id){
  $(id).addEventListener("change",filtered);});
 $("f-host").addEventListener("input",filtered);
 $("all-rows").addEventListener("click",function(){ALL=true;table();});
 document.querySelectorAll("#findings th button").forEach(function(b){
  b.addEventListener("click",function(){var c=+b.getAttribute("data-sort");
   sortDir=c===sortCol?-sortDir:1;sortCol=c;table();});});
 document.querySelectorAll("button.sev").forEach(function(b){
  b.addEventListener("click",function(){
   var on=b.getAttribute("aria-pressed")!=="true";
   document.querySelectorAll("button.sev").forEach(function(o){
    o.setAttribute("aria-pressed","false");});
   b.setAttribute("aria-pressed",on?"true":"false");
   $("f-sev").value=on?b.getAttribute("data-sev"):"";filtered();});});
 table();
}
heat();list();
document.body.setAttribute("data-ready","1");
document.body.setAttribute("data-ready-ms",Math.round(performance.now()));
})();
'''
