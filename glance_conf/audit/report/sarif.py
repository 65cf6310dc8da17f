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

"""SARIF 2.1.0, for code-scanning services, within GitHub's limits.

Rules carry the ``security`` tag, the CWE and the check's references
as tags (``security-guide/Check-Compute-05``, ``nist-800-53/SC-8``), a
``security-severity`` score, a full description of at most
:data:`MAX_DESCRIPTION` characters and the whole documentation as
``help`` (plain text and Markdown, no reST markup), with ``helpUri``
when ``--docs-url`` names the published catalogue. Results carry a
location (file and line where known, and the option as a logical
location), the stable fingerprint, and the same value as GitHub's
``primaryLocationLineHash``, so that two results in one file never merge
into one alert and an alert survives lines moving. Files under the
working directory are written relative to ``%SRCROOT%``, as a
repository's files are; a bundle's ``host:/path`` names no file of the
repository, so its results carry the host and path as a logical
location only. With ``--baseline``, a ``baselineState`` (``new`` or
``unchanged``).

GitHub ignores SARIF suppressions (every suppressed result would be an
open alert), so waived findings are left out unless
``--sarif-include-waived`` asks for them, as results with an
``external`` suppression for tools that honour it. A run holds at most
``--sarif-max-results`` results (default :data:`MAX_RESULTS`, GitHub's
limit), the most severe first; ``--sarif-min-severity`` leaves out the
lower ones. What was left out is counted in the run's properties and a
warning notification.

Files that could not be loaded become error notifications of the
invocation; host checks an offline audit did not run become warning
notifications (GitHub shows them on the tool status page) and a run
property; expired and stale waivers are warning notifications.
"""

from __future__ import annotations

import os
import pathlib
import urllib.parse
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any
from typing import TextIO

from glance_conf.audit import helptext
from glance_conf.audit import identity
from glance_conf.audit.finding import FINGERPRINT_SCHEME
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.report import stream
from glance_conf.audit.result import Decision
from glance_conf.audit.result import State

if TYPE_CHECKING:
    from glance_conf.audit.result import Result

SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'

LEVELS = {Severity.HIGH: 'error', Severity.MEDIUM: 'warning',
          Severity.LOW: 'note', Severity.INFO: 'note'}
#: GitHub's scale: 7.0+ high, 4.0+ medium, 0.1+ low.
SECURITY_SEVERITY = {Severity.HIGH: '8.0', Severity.MEDIUM: '5.5',
                     Severity.LOW: '3.0', Severity.INFO: '0.0'}


#: GitHub's limit on a rule's full description, in characters.
MAX_DESCRIPTION = 1024
#: GitHub's limit on the results of one run.
MAX_RESULTS = 25_000
#: The base of relative artifact URIs: the working directory, which is
#: a checkout's root where code scanning runs.
SRCROOT = '%SRCROOT%'


def artifact_location(path: str, bundles: bool) -> dict[str, Any] | None:
    """Where a file is, as code scanning matches it to the repository:
    relative to :data:`SRCROOT` under the working directory, a
    ``file:`` URI elsewhere; ``None`` for a bundle's ``host:/path``,
    which names no file here."""
    if bundles:
        return None
    absolute = os.path.abspath(path)
    root = os.getcwd()
    if os.path.commonpath([absolute, root]) == root:
        relative = os.path.relpath(absolute, root)
        return {'uri': urllib.parse.quote(
            pathlib.PurePath(relative).as_posix()), 'uriBaseId': SRCROOT}
    return {'uri': pathlib.PurePosixPath(absolute).as_uri()}


def directory_uri(path: str) -> str:
    """A directory's ``file:`` URI, ending in one ``/`` as SARIF wants
    of a base (``file:///`` for the root, not ``file:////``)."""
    uri = pathlib.PurePosixPath(path).as_uri()
    return uri if uri.endswith('/') else uri + '/'


def _rule(check: Any, docs_url: str | None) -> dict[str, Any]:
    found = helptext.with_fix(check.doc(), check.remediation)
    rule = {
        'id': check.id,
        'name': check.__name__,
        'shortDescription': {'text': check.title},
        'fullDescription': {
            'text': helptext.summary(check.doc(), MAX_DESCRIPTION)},
        'help': {'text': '\n\n'.join(map(helptext.plain, found)),
                 'markdown': '\n\n'.join(map(helptext.markdown, found))},
        'defaultConfiguration': {'level': LEVELS[check.severity]},
        'properties': {
            'tags': ['security', *check.tags()],
            'security-severity': SECURITY_SEVERITY[check.severity],
            'precision': 'high',
        },
    }
    if docs_url:
        rule['helpUri'] = '%s#%s' % (docs_url, check.id.lower())
    return rule


def _result(found: Finding, decision: Decision, index: dict[str, int],
            audit: Result) -> dict[str, Any]:
    bundles = audit.bundles
    location: dict[str, Any] = {}
    artifact = artifact_location(found.file, bundles) if found.file \
        else None
    if artifact is not None:
        physical: dict[str, Any] = {'artifactLocation': artifact}
        if found.line:
            physical['region'] = {'startLine': found.line}
        location['physicalLocation'] = physical
    logical = []
    if found.option:
        logical.append({'fullyQualifiedName': found.option,
                        'kind': 'member'})
    if found.file and artifact is None:
        logical.append({'fullyQualifiedName': found.file, 'kind': 'module'})
    if logical:
        location['logicalLocations'] = logical
    result: dict[str, Any] = {
        'ruleId': found.check_id,
        'level': LEVELS[found.severity],
        'message': {'text': '%s Fix: %s' % (found.message,
                                            found.remediation)},
        'locations': [location] if location else [],
        # GitHub tracks alerts by primaryLocationLineHash; ours is stable
        # across moved lines and tells findings in one file apart.
        'partialFingerprints': {FINGERPRINT_SCHEME: found.fingerprint,
                                'primaryLocationLineHash':
                                    found.fingerprint},
        # The service whose config holds it: in a fleet of several, the
        # run's ``service`` (``mixed``) does not say.
        'properties': {'severity': found.severity.label,
                       'cwe': 'CWE-%d' % found.cwe,
                       'service': audit.service_of_finding(found)},
    }
    if found.evidence:
        # What the probe saw: protocol, cipher, days to expiry, address.
        result['properties']['evidence'] = dict(found.evidence)
    if found.check_id in index:
        result['ruleIndex'] = index[found.check_id]
    if decision.in_baseline is not None:
        # SARIF's own field for a run compared with a baseline.
        result['baselineState'] = ('unchanged' if decision.in_baseline
                                   else 'new')
    return result


def _with_suppression(result: Result, found: Finding, decision: Decision,
                      index: dict[str, int]) -> dict[str, Any]:
    waived = _result(found, decision, index, result)
    waiver = decision.waiver
    if waiver is not None and result.waivers is not None:
        waived['suppressions'] = [{
            'kind': 'external',
            'status': 'accepted',
            'justification': waiver.reason,
            'properties': {'owner': waiver.owner,
                           'expires': waiver.expires.isoformat(),
                           'waiver': result.waivers.where(waiver)},
        }]
    return waived


def budget(result: Result) -> tuple[dict[Severity, int], int]:
    """How many results of each severity the run holds, the most severe
    first, and how many are left out."""
    rendering = result.rendering
    room = rendering.sarif_max_results
    room = MAX_RESULTS if room is None else room
    counts = dict(result.findings.counts)
    if rendering.sarif_include_waived:
        for severity, n in result.suppressed.counts.items():
            counts[severity] += n
    kept: dict[Severity, int] = {}
    left_out = 0
    for severity in sorted(Severity, reverse=True):
        wanted = counts[severity] if \
            severity >= rendering.sarif_min_severity else 0
        kept[severity] = min(wanted, room)
        room -= kept[severity]
        left_out += wanted - kept[severity]
    return kept, left_out


def _results(result: Result, index: dict[str, int],
             kept: dict[Severity, int]) -> Iterator[dict[str, Any]]:
    room = dict(kept)
    # Open findings first: under the cap, a known or waived finding must
    # never take the place of one that fails the gate.
    for open_pass in (True, False):
        for found, decision in result.decided():
            if (decision.state is State.OPEN) != open_pass:
                continue
            if decision.state is State.WAIVED and \
                    not result.rendering.sarif_include_waived:
                continue
            if not room[found.severity]:
                continue
            room[found.severity] -= 1
            if decision.state is State.WAIVED:
                yield _with_suppression(result, found, decision, index)
            else:
                yield _result(found, decision, index, result)


def render(result: Result, out: TextIO) -> None:
    rendering = result.rendering
    rules = [_rule(check, rendering.docs_url) for check in result.checks]
    index = {rule['id']: i for i, rule in enumerate(rules)}
    notifications = _notifications(result, index)
    run: dict[str, Any] = {
        'tool': {'driver': {
            'name': identity.TOOL_NAME,
            'version': identity.tool_version(),
            'informationUri': identity.INFORMATION_URI,
            'rules': rules,
        }},
        'invocations': [{
            'executionSuccessful': not result.problem_count,
            'toolExecutionNotifications': notifications,
        }],
        'results': [],
        # Whose defaults judged the unset options: nova 34's or ours.
        'properties': {'mode': result.mode, 'defaults': result.defaults,
                       'service': result.service},
    }
    if result.project_config is not None:
        run['properties']['projectConfig'] = result.project_config.to_dict()
    if result.not_checked:
        run['properties']['notCheckedOffline'] = list(result.not_checked)
    kept, left_out = budget(result)
    waived = len(result.suppressed)
    if not rendering.sarif_include_waived and waived:
        # GitHub would show a suppressed result as an open alert.
        run['properties']['waivedNotWritten'] = waived
    if left_out:
        run['properties']['resultsLeftOut'] = left_out
        notifications.append({'level': 'warning', 'message': {
            'text': '%d result(s) left out: the run holds at most %d, the '
                    'most severe first, from %s up (--sarif-max-results, '
                    '--sarif-min-severity)' % (
                        left_out, sum(kept.values()),
                        rendering.sarif_min_severity.label)}})
    if not result.bundles:
        run['originalUriBaseIds'] = {SRCROOT: {
            'uri': directory_uri(os.getcwd())}}
    if result.comparison is not None:
        # Fixed findings are not results (GitHub would show them as
        # alerts); they are counted here.
        run['properties']['baseline'] = {
            'known': result.comparison.known_total,
            'fixed': len(result.comparison.fixed)}
    doc = {'$schema': SCHEMA, 'version': '2.1.0', 'runs': [run]}
    stream.write_json_with_stream(out, doc, ('runs', 0, 'results'),
                                  _results(result, index, kept))


def _notifications(result: Result,
                   index: dict[str, int]) -> list[dict[str, Any]]:
    """What the run could not do, as the invocation's notifications
    (GitHub shows them on the tool status page, not as alerts): files
    that could not be loaded (errors), host checks an offline audit did
    not run, and the waivers' notices (warnings)."""
    notifications = [{
        'level': 'error',
        'message': {'text': '%s: %s' % (p.path, p.reason)},
        **_problem_location(p.path, result.bundles),
    } for p in result.problems]
    if result.problems_dropped:
        notifications.append({'level': 'error', 'message': {
            'text': '%d more files could not be loaded'
                    % result.problems_dropped}})
    notifications += [{
        'level': 'warning',
        'message': {'text': '%s not checked (offline): it looks at the '
                            'host\'s files.' % check_id},
        'associatedRule': {'id': check_id, **(
            {'index': index[check_id]} if check_id in index else {})},
    } for check_id in result.not_checked]
    if result.waivers is not None:
        notifications += [{'level': 'warning', 'message': {'text': line}}
                          for line in result.waivers.notices()]
    return notifications


def _problem_location(path: str, bundles: bool) -> dict[str, Any]:
    artifact = artifact_location(path, bundles)
    if artifact is None:
        return {}
    return {'locations': [{'physicalLocation': {
        'artifactLocation': artifact}}]}
