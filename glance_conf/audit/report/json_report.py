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

"""JSON for scripts: one object, findings streamed into its list."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import TextIO

from glance_conf.audit import identity
from glance_conf.audit.finding import FINGERPRINT_SCHEME
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.report import stream
from glance_conf.audit.result import State
from glance_conf.audit.result import utf8_safe

if TYPE_CHECKING:
    from glance_conf.audit.result import Result


def _suppressed(result: Result, found: Finding) -> dict[str, Any]:
    waiver = result.decide(found, True).waiver
    return dict(found.to_dict(),
                waiver=waiver.to_dict() if waiver is not None else None)


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
        # It can skip checks and move the gate: always named.
        'project_config': result.project_config.to_dict()
        if result.project_config is not None else None,
    }
    if result.waivers is not None:
        # Held in memory, unlike the findings: only the waived ones.
        head['waivers'] = {
            'file': result.waivers.path,
            'suppressed': len(result.suppressed),
            'expired': [dict(w.to_dict(), findings=n)
                        for w, n in result.waivers.expired()],
            'stale': [w.to_dict() for w in result.waivers.stale()],
            'no_host': [w.to_dict() for w in result.waivers.no_host()],
            'outgrown': [dict(w.to_dict(), findings=n)
                         for w, n in result.waivers.outgrown_by()],
        }
        head['suppressed'] = [_suppressed(result, found)
                              for found in result.suppressed]
    stream.write_json_with_stream(
        out, head, ('findings',),
        ({**found.to_dict(),
          'known': result.decide(found, False).state is State.KNOWN}
         for found in result.findings))


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
