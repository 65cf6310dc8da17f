"""The check catalogue as reStructuredText, for the documentation.

The docs page of the checks is generated from the check classes
themselves (ID, severity, CWE, title, docstring, remediation), so it
cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Sequence

from glance_conf.audit import base
from glance_conf.audit import manager


def _table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows])
              for i in range(len(header))]
    rule = '  '.join('=' * w for w in widths)

    def line(cells: Sequence[str]) -> str:
        return '  '.join(str(cell).ljust(width)
                         for cell, width in zip(cells, widths, strict=True))
    return [rule, line(header), rule, *map(line, rows), rule, '']


def render(checks: Sequence[manager.CheckClass] | None = None) -> str:
    """The areas table, a summary table, then one section per check."""
    if checks is None:
        checks = manager.load_checks()
    lines = _table([('GC%dxx' % area, title)
                    for area, title in sorted(base.AREAS.items())],
                   ('IDs', 'Area'))
    lines += _table([(c.id, c.severity.label, 'CWE-%d' % c.cwe, c.title)
                     for c in checks], ('ID', 'Severity', 'CWE', 'Title'))
    for check in checks:
        heading = '%s: %s' % (check.id, check.title)
        kind = ('fleet mode only' if issubclass(check, base.FleetCheck)
                else 'every mode')
        lines += [
            '.. _%s:' % check.id.lower(), '',
            heading, '-' * len(heading), '',
            ':Severity: %s' % check.severity.label,
            ':CWE: `CWE-%d <https://cwe.mitre.org/data/definitions/%d.html>`_'
            % (check.cwe, check.cwe),
            ':Runs in: %s' % kind,
            ':Remediation: %s' % check.remediation, '',
            check.doc(), '',
        ]
    return '\n'.join(lines)
