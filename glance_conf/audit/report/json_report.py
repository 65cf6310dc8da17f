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

"""JSON for scripts: one object, its per-host lists (files, posture
rows, findings) streamed into it.

It holds everything the other writers read from a result, so that
``glance-conf-audit convert`` can re-render it in any format: the files
and their hosts, the posture rows, the gate, the rendering settings,
each finding's state as decided, and the waivers' notices as recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any
from typing import TextIO

from glance_conf.audit import baseline as baseline_mod
from glance_conf.audit import identity
from glance_conf.audit.finding import FINGERPRINT_SCHEME
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.report import stream
from glance_conf.audit.result import State
from glance_conf.audit.result import utf8_safe

if TYPE_CHECKING:
    from glance_conf.audit.result import Result
    from glance_conf.audit.waivers import Waivers


def _suppressed(result: Result, found: Finding) -> dict[str, Any]:
    decision = result.decide(found, True)
    waiver = decision.waiver
    return dict(found.to_dict(), service=result.service_of_finding(found),
                new=decision.new, in_baseline=decision.in_baseline,
                waiver=waiver.to_dict() if waiver is not None else None)


def _finding(result: Result, found: Finding) -> dict[str, Any]:
    # The service too: in a fleet of several, each finding's own, so a
    # script need not look its file up in ``files``.
    decision = result.decide(found, False)
    return dict(found.to_dict(), service=result.service_of_finding(found),
                known=decision.state is State.KNOWN,
                new=decision.new, in_baseline=decision.in_baseline)


def _files(result: Result) -> Iterator[dict[str, Any]]:
    """Each audited file, with its host in fleet mode and its service."""
    hosts = iter(result.hosts)
    for path in result.paths:
        item: dict[str, Any] = {'path': path,
                                'service': result.service_of(path)}
        if result.mode == 'fleet':
            item['host'] = next(hosts, None)
        yield item


def render(result: Result, out: TextIO) -> None:
    head: dict[str, Any] = {
        'tool': {'name': identity.TOOL_NAME,
                 'version': identity.tool_version()},
        'mode': result.mode,
        'service': result.service,
        'defaults': result.defaults,
        'files_audited': result.files,
        'summary': {s.label: result.findings.counts[s]
                    for s in sorted(Severity, reverse=True)},
        'errors': [{'file': p.path, 'message': p.reason}
                   for p in result.problems],
        'errors_not_shown': result.problems_dropped,
        # Host checks an offline audit did not run: not passed, unknown.
        'not_checked_offline': list(result.not_checked),
        # The checks run, and what each maps to (Security Guide, NIST...).
        'checks': [{'id': check.id, 'title': check.title,
                    'severity': check.severity.label, 'cwe': check.cwe,
                    'references': list(check.references)}
                   for check in result.checks],
        # What the fingerprints are; --baseline compares only the same.
        'fingerprints': FINGERPRINT_SCHEME,
        'baseline': _baseline(result),
        'previous': _previous(result),
        # It can skip checks and move the gate: always named.
        'project_config': result.project_config.to_dict()
        if result.project_config is not None else None,
        # The gate (--fail-on) and the writers' settings, for convert.
        'gate': result.fail_on.label if result.fail_on is not None
        else 'never',
        'rendering': _rendering(result),
        'bundles': result.bundles,
        'groups': list(result.groups),
        'files': None,
        'posture': None,
        'posture_not_shown': result.posture_dropped,
        # What a probe observed is not carried: convert refuses it.
        'probed_endpoints': len(result.probes),
    }
    if result.waivers is not None:
        head['waivers'] = _waivers(result, result.waivers)
        head['suppressed'] = [_suppressed(result, found)
                              for found in result.suppressed]
    stream.write_json_with_streams(out, head, [
        (('files',), _files(result)),
        (('posture',), (list(row) for row in result.posture)),
        (('findings',), (_finding(result, found)
                         for found in result.findings))])


def _rendering(result: Result) -> dict[str, Any]:
    """The writers' settings of the run, so that ``convert`` renders
    another format the way this run would have."""
    rendering = result.rendering
    return {
        'docs_url': rendering.docs_url,
        'sarif_min_severity': rendering.sarif_min_severity.label,
        'sarif_max_results': rendering.sarif_max_results,
        'sarif_include_waived': rendering.sarif_include_waived,
        'show_suppressed': result.show_suppressed}


def _waivers(result: Result, waivers: Waivers) -> dict[str, Any]:
    """The waivers' verdicts as this run judged them, for people and
    for ``convert``, which cannot judge them again: held in memory,
    unlike the findings (only the waived ones are listed)."""
    return {
        'file': waivers.path,
        'suppressed': len(result.suppressed),
        'expired': [dict(w.to_dict(), findings=n)
                    for w, n in waivers.expired()],
        'stale': [w.to_dict() for w in waivers.stale()],
        'no_host': [w.to_dict() for w in waivers.no_host()],
        'outgrown': [dict(w.to_dict(), findings=n)
                     for w, n in waivers.outgrown_by()],
        'partial': [dict(w.to_dict(), findings=n)
                    for w, n in waivers.partial_by()],
        # For convert: the day they were judged on, how many hosts
        # the run audited, and every entry (expiry metrics).
        'today': waivers.today.isoformat(),
        'hosts_audited': waivers.hosts_audited,
        'entries': [w.to_dict() for w in waivers.entries],
    }


def _previous(result: Result) -> dict[str, Any] | None:
    """The earlier report of ``--previous``: its findings this run no
    longer has (each finding says whether it is ``new``)."""
    if result.previous is None:
        return None
    fixed = baseline_mod.compare(result.previous, result.findings,
                                 present=result.suppressed).fixed
    return {'file': utf8_safe(result.previous.path),
            'fixed': [entry.to_dict() for entry in fixed]}


def _baseline(result: Result) -> dict[str, Any] | None:
    """The comparison with ``--baseline``: known findings (counted
    here, flagged ``known`` in the list) and the fixed ones."""
    if result.baseline is None or result.comparison is None:
        return None
    known = result.comparison.known
    return {
        'file': utf8_safe(result.baseline.path),
        'known': {s.label: known[s] for s in sorted(Severity, reverse=True)},
        'fixed': [entry.to_dict() for entry in result.comparison.fixed],
    }
