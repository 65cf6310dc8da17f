"""JSON for scripts: one object, findings streamed into its list."""

from __future__ import annotations

import json
from typing import TextIO

from glance_conf.audit.finding import Severity
from glance_conf.audit.runner import Result


def render(result: Result, out: TextIO) -> None:
    from glance_conf.audit import report

    head = {
        'tool': {'name': report.TOOL_NAME, 'version': report.tool_version()},
        'mode': result.mode,
        'files_audited': result.files,
        'summary': {s.label: result.findings.counts[s] for s in Severity},
        'errors': [{'file': p.path, 'message': p.reason}
                   for p in result.problems],
        'errors_not_shown': result.problems_dropped,
    }
    body = json.dumps(head, indent=2, sort_keys=True)
    out.write(body[:-2] + ',\n  "findings": [')
    first = True
    for found in result.findings:
        out.write('\n    ' if first else ',\n    ')
        out.write(json.dumps(found.to_dict(), sort_keys=True))
        first = False
    out.write('\n  ]\n}\n' if not first else ']\n}\n')
