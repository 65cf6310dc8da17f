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

"""JUnit XML, for the test-report views of Jenkins and GitLab.

One test case per check and audited file, in one test suite per file: it
fails when the check found something that fails the gate in that file
(:meth:`Result.decide <glance_conf.audit.result.Result.decide>`: open and
at or above ``--fail-on``), and is skipped when the check was not run (a
host check offline) or when every finding at the gate was accepted (a
waiver, with its reason, or the baseline). Findings below the gate leave
the case passed and are listed in its ``system-out``, each with why it
passed. Fleet checks are one case each in the ``fleet`` suite; a file
that could not be loaded is an error case in the ``errors`` suite.

The document is valid against the schema the Jenkins xunit plugin
enforces (its ``junit-10.xsd``): ``<testsuites>`` carries no ``skipped``
count, and a case has no ``properties``.

The document is written suite by suite: only the findings are held,
grouped by check and file, never the cases.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import TextIO
from xml.sax.saxutils import quoteattr

from glance_conf.audit import base
from glance_conf.audit import identity
from glance_conf.audit import services
from glance_conf.audit.finding import Finding
from glance_conf.audit.report.text import evidence
from glance_conf.audit.report.text import shown

if TYPE_CHECKING:
    from glance_conf.audit.result import Result

#: The suite of the fleet checks, and of the files that failed to load.
FLEET_SUITE = 'fleet'
ERRORS_SUITE = 'errors'
#: The counts of a suite; those the schema allows on ``<testsuites>``
#: are summed in the document's head.
COUNTS = ('tests', 'failures', 'errors', 'skipped')
TOTALS = ('tests', 'failures', 'errors')
#: Findings quoted in one case; more are counted.
MAX_QUOTED = 20
#: Why a case was skipped.
OFFLINE = 'not checked (offline): it looks at the host\'s files'
NOT_FLEET = 'not run: it compares hosts, in fleet mode with two or more'


@dataclasses.dataclass
class _Case:
    """The findings of one check in one file, kept bounded."""

    failing: int = 0
    #: Findings that do not fail the gate: below it, waived or known.
    passed: int = 0
    quoted: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    #: Why the gate's findings were accepted, when all of them were.
    accepted: str | None = None


def _quote(found: Finding) -> str:
    where = found.file and shown(found.file)
    if where and found.line:
        where += ':%d' % found.line
    seen = ' Seen: %s.' % evidence(found) if found.evidence else ''
    return '%s (%s) %s%s: %s%s Fix: %s' % (
        found.check_id, found.severity.label, shown(found.option or '-'),
        ' at %s' % where if where else '', shown(found.message), seen,
        shown(found.remediation))


def _cases(result: Result) -> tuple[dict[tuple[str, str], _Case], list[str]]:
    """The findings by (check, file), and the files in order."""
    cases: dict[tuple[str, str], _Case] = {}
    files = list(result.paths)
    known = set(files)
    for found, decision in result.decided():
        path = found.file or ''
        if path not in known:
            known.add(path)
            files.append(path)
        case = cases.setdefault((found.check_id, path), _Case())
        if decision.fails_gate:
            case.failing += 1
            if len(case.quoted) < MAX_QUOTED:
                case.quoted.append(_quote(found))
            continue
        case.passed += 1
        at_gate = result.fail_on is not None \
            and found.severity >= result.fail_on
        if at_gate:
            case.accepted = case.accepted or decision.why_passed
        if len(case.notes) < MAX_QUOTED:
            case.notes.append('%s [passed: %s]' % (_quote(found),
                                                   decision.why_passed))
    return cases, files


def _testcase(check: type[base.Check] | type[base.FleetCheck],
              classname: str, case: _Case | None,
              skipped: str | None) -> ET.Element:
    element = ET.Element('testcase', {
        'name': '%s %s' % (check.id, check.title),
        'classname': classname, 'time': '0'})
    case = case or _Case()
    if skipped is None and not case.failing and case.accepted:
        skipped = shown(case.accepted)
    if case.failing:
        more = case.failing - len(case.quoted)
        failure = ET.SubElement(element, 'failure', {
            'message': '%d finding(s) at or above the gate' % case.failing,
            'type': check.severity.label})
        failure.text = '\n'.join(case.quoted + (
            ['... and %d more' % more] if more > 0 else []))
    elif skipped is not None:
        ET.SubElement(element, 'skipped', {'message': skipped})
    if case.notes:
        more = case.passed - len(case.notes)
        ET.SubElement(element, 'system-out').text = '\n'.join(
            case.notes + (['... and %d more' % more] if more > 0 else []))
    return element


def _suite(name: str, cases: list[ET.Element],
           service: str | None = None) -> ET.Element:
    def count(tag: str) -> int:
        return sum(1 for case in cases if case.find(tag) is not None)
    suite = ET.Element('testsuite', {
        'name': name, 'tests': str(len(cases)),
        'failures': str(count('failure')), 'errors': str(count('error')),
        'skipped': str(count('skipped')), 'time': '0'})
    if service is not None:  # the service the suite's file configures
        ET.SubElement(ET.SubElement(suite, 'properties'), 'property',
                      {'name': 'service', 'value': service})
    suite.extend(cases)
    return suite


def _suites(result: Result, cases: dict[tuple[str, str], _Case],
            files: list[str]) -> Iterator[ET.Element]:
    per_file = [c for c in result.checks if issubclass(c, base.Check)]
    fleet = [c for c in result.checks if issubclass(c, base.FleetCheck)]
    for path in files:
        classname = shown(path) or '(no file)'
        # A run of one service: every file's; of several: each file's own.
        service = result.service_of(path) \
            if result.service == services.MIXED else result.service
        yield _suite(classname, [
            _testcase(check, classname, cases.get((check.id, path)),
                      OFFLINE if check.id in result.not_checked else None)
            for check in per_file
            if service is None or service in check.services],
            service or result.service)
    if fleet:
        ran = result.mode == 'fleet' and result.files > 1
        yield _suite(FLEET_SUITE, [
            _testcase(check, FLEET_SUITE, _fleet_case(cases, check.id),
                      None if ran else NOT_FLEET) for check in fleet])
    if result.problem_count:
        errors = []
        for problem in result.problems:
            case = ET.Element('testcase', {'name': 'load',
                                           'classname': shown(problem.path),
                                           'time': '0'})
            ET.SubElement(case, 'error', {'message': shown(problem.reason),
                                          'type': 'LoadError'})
            errors.append(case)
        if result.problems_dropped:
            case = ET.Element('testcase', {'name': 'load', 'time': '0',
                                           'classname': ERRORS_SUITE})
            ET.SubElement(case, 'error', {
                'message': '%d more files could not be loaded'
                           % result.problems_dropped, 'type': 'LoadError'})
            errors.append(case)
        yield _suite(ERRORS_SUITE, errors)


def _fleet_case(cases: dict[tuple[str, str], _Case],
                check_id: str) -> _Case:
    """A fleet check's findings, whatever host each points at."""
    merged = _Case()
    for (found_id, _), case in cases.items():
        if found_id == check_id:
            merged.failing += case.failing
            merged.passed += case.passed
            merged.quoted += case.quoted[:MAX_QUOTED - len(merged.quoted)]
            merged.notes += case.notes[:MAX_QUOTED - len(merged.notes)]
            merged.accepted = merged.accepted or case.accepted
    return merged


def render(result: Result, out: TextIO) -> None:
    cases, files = _cases(result)
    # The totals head the document: count first, then write each suite
    # as it is built again.
    totals = dict.fromkeys(TOTALS, 0)
    for suite in _suites(result, cases, files):
        for key in TOTALS:
            totals[key] += int(suite.get(key, 0))
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name=%s%s'
              ' time="0">\n' % (quoteattr(identity.TOOL_NAME), ''.join(
                  ' %s="%d"' % item for item in totals.items())))
    for suite in _suites(result, cases, files):
        ET.indent(suite, level=1)
        out.write('  %s\n' % ET.tostring(suite, encoding='unicode').rstrip())
    out.write('</testsuites>\n')
