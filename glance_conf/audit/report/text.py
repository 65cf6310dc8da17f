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

"""Plain text for people, grouped by severity, worst first."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import TextIO

from glance_conf import redact
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.result import State

if TYPE_CHECKING:
    from glance_conf.audit.result import Result

#: Longest path or message shown whole (Linux's PATH_MAX).
MAX_TEXT_SHOWN = 4096
#: Said of the findings ``--baseline`` already holds.
KNOWN_LINE = ('Baseline %s: %d known finding(s), not counted toward '
              '--fail-on; %d fixed since.')
#: Said of the host checks an offline audit did not run.
NOT_CHECKED_OFFLINE = ('Not checked (offline): %s. They look at the host\'s '
                       'files; run on the host, or give --root.')
#: Said of the project config in use: it can skip checks and move the
#: gate, so a reader must see that it did.
PROJECT_CONFIG = 'Project config: %s, which set %s.'
#: The count of waived findings, always shown when waivers are in use.
SUPPRESSED = ('Waived: %d finding(s) suppressed by %s, not counted toward '
              '--fail-on%s.')


def shown(text: str) -> str:
    """``text`` made safe for a terminal or a log: one printable line.

    File names come from directory listings and command lines: a newline
    in one could forge a report line ("No findings."), an escape sequence
    could rewrite the terminal, and bytes that are not UTF-8 could not be
    written at all. Every such character is shown escaped.
    """
    return redact.printable(text, MAX_TEXT_SHOWN)


def _where(file: str | None, line: int | None) -> str:
    if not file:
        return ''
    return '%s:%d' % (shown(file), line) if line else shown(file)


def _finding(found: Finding, out: TextIO, label: str = '') -> None:
    where = _where(found.file, found.line)
    out.write('  %s%s  %s%s\n' % (label, found.check_id,
                                  shown(found.option or '-'),
                                  '  ' + where if where else ''))
    out.write('         %s\n' % shown(found.message))
    if found.evidence:
        out.write('         Seen: %s\n' % evidence(found))
    out.write('         Fix: %s\n' % shown(found.remediation))


def evidence(found: Finding) -> str:
    """A live finding's evidence on one line: ``name=value, ...``."""
    return ', '.join('%s=%s' % (name, shown(str(value)))
                     for name, value in found.evidence)


def _waivers(result: Result, out: TextIO) -> None:
    """The count of waived findings, and which waivers expired or are
    stale."""
    if result.waivers is None:
        return
    out.write(SUPPRESSED % (
        len(result.suppressed), shown(result.waivers.path),
        '' if result.show_suppressed or not len(result.suppressed)
        else ' (list them with --show-suppressed)') + '\n')
    for line in result.waivers.notices():
        out.write('Warning: %s.\n' % line)


def _suppressed(result: Result, out: TextIO) -> None:
    if not result.show_suppressed or not len(result.suppressed):
        return
    out.write('\nSUPPRESSED (%d)\n' % len(result.suppressed))
    for found in result.suppressed:
        _finding(found, out)
        waiver = result.decide(found, True).waiver
        if waiver is not None and result.waivers is not None:
            out.write('         Waived until %s by %s (%s): %s\n'
                      % (waiver.expires.isoformat(), shown(waiver.owner),
                         result.waivers.where(waiver),
                         shown(waiver.reason)))


def _judged_by(result: Result) -> str:
    """The service audited and whose defaults judged it: ``nova
    defaults``, ``nova, glance-conf defaults``, ``cinder defaults``."""
    if result.service == 'nova':
        return '%s defaults' % result.defaults if result.defaults == 'nova' \
            else 'nova, %s defaults' % result.defaults
    if result.service == 'mixed':
        return 'mixed services, nova judged by %s defaults' \
            % result.defaults
    return '%s defaults' % result.service


def render(result: Result, out: TextIO) -> None:
    counts = result.findings.counts
    summary = ', '.join('%d %s' % (counts[s], s.label)
                        for s in sorted(Severity, reverse=True))
    out.write('glance-conf-audit (%s mode, %s): %d file(s) '
              'audited, %d finding(s): %s\n'
              % (result.mode, _judged_by(result), result.files,
                 len(result.findings), summary))
    if result.project_config is not None:
        out.write(PROJECT_CONFIG % (shown(result.project_config.path),
                                    shown(result.project_config.summary()))
                  + '\n')
    _waivers(result, out)
    comparison = result.comparison
    if result.baseline is not None and comparison is not None:
        out.write(KNOWN_LINE % (shown(result.baseline.path),
                                comparison.known_total,
                                len(comparison.fixed)) + '\n')
    if result.not_checked:
        out.write(NOT_CHECKED_OFFLINE % ', '.join(result.not_checked) + '\n')
    if result.problem_count:
        out.write('\nERRORS (%d file(s) could not be audited)\n'
                  % result.problem_count)
        for problem in result.problems:
            out.write('  %s: %s\n' % (shown(problem.path),
                                       shown(problem.reason)))
        if result.problems_dropped:
            out.write('  ... and %d more\n' % result.problems_dropped)
    known = comparison.known if comparison else {}
    for severity in sorted(Severity, reverse=True):
        new = counts[severity] - known.get(severity, 0)
        if not new:
            continue
        out.write('\n%s (%d)\n' % (severity.label.upper(), new))
        for found in result.findings:
            if found.severity is severity and \
                    result.decide(found, False).state is State.OPEN:
                _finding(found, out)
    if comparison is not None and comparison.known_total:
        out.write('\nKNOWN, in the baseline (%d)\n' % comparison.known_total)
        for severity in sorted(Severity, reverse=True):
            for found in result.findings:
                if found.severity is severity and \
                        result.decide(found, False).state is State.KNOWN:
                    _finding(found, out, severity.label + ' ')
    if comparison is not None and comparison.fixed:
        out.write('\nFIXED since the baseline (%d)\n' % len(comparison.fixed))
        for entry in comparison.fixed:
            out.write('  %s  %s%s\n' % (
                shown(entry.check_id), shown(entry.option or '-'),
                '  on ' + shown(entry.host) if entry.host else ''))
    _suppressed(result, out)
    if not len(result.findings) and not result.problem_count:
        out.write('\nNo findings.\n')
