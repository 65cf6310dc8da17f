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

"""SARIF 2.1.0, for code-scanning services.

Rules carry the ``security`` tag, the CWE and the check's references
as tags (``security-guide/Check-Compute-05``, ``nist-800-53/SC-8``) and a
``security-severity`` score; results carry a location (file and line
where known, and the option as a logical location) and a stable partial
fingerprint; with ``--baseline``, a ``baselineState`` (``new`` or
``unchanged``). Files that could not be loaded become error notifications
of the invocation; host checks an offline audit did not run become
warning notifications (GitHub shows them on the tool status page) and a
run property.
Waived findings are results with an ``external`` suppression whose
justification is the waiver's reason (GitHub code scanning shows them as
dismissed); expired and stale waivers are warning notifications.
"""

from __future__ import annotations

import itertools
import os
import pathlib
import urllib.parse
from typing import TYPE_CHECKING
from typing import Any
from typing import TextIO

from glance_conf.audit import identity
from glance_conf.audit.finding import FINGERPRINT_SCHEME
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.report import stream

if TYPE_CHECKING:
    from glance_conf.audit.runner import Result

SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'

LEVELS = {Severity.HIGH: 'error', Severity.MEDIUM: 'warning',
          Severity.LOW: 'note', Severity.INFO: 'note'}
#: GitHub's scale: 7.0+ high, 4.0+ medium, 0.1+ low.
SECURITY_SEVERITY = {Severity.HIGH: '8.0', Severity.MEDIUM: '5.5',
                     Severity.LOW: '3.0', Severity.INFO: '0.0'}


def artifact_uri(path: str) -> str:
    """A SARIF URI: relative paths stay relative, absolute become file:."""
    if os.path.isabs(path):
        return pathlib.PurePosixPath(path).as_uri()
    return urllib.parse.quote(pathlib.PurePath(path).as_posix())


def _rule(check: Any) -> dict[str, Any]:
    return {
        'id': check.id,
        'name': check.__name__,
        'shortDescription': {'text': check.title},
        'fullDescription': {'text': check.doc()},
        'help': {'text': '%s\n\nFix: %s' % (check.doc(), check.remediation)},
        'defaultConfiguration': {'level': LEVELS[check.severity]},
        'properties': {
            'tags': ['security', *check.tags()],
            'security-severity': SECURITY_SEVERITY[check.severity],
            'precision': 'high',
        },
    }


def _result(found: Finding, index: dict[str, int],
            result_of: Result) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if found.file:
        physical: dict[str, Any] = {
            'artifactLocation': {'uri': artifact_uri(found.file)}}
        if found.line:
            physical['region'] = {'startLine': found.line}
        location['physicalLocation'] = physical
    if found.option:
        location['logicalLocations'] = [
            {'fullyQualifiedName': found.option, 'kind': 'member'}]
    result: dict[str, Any] = {
        'ruleId': found.check_id,
        'level': LEVELS[found.severity],
        'message': {'text': '%s Fix: %s' % (found.message,
                                            found.remediation)},
        'locations': [location] if location else [],
        'partialFingerprints': {FINGERPRINT_SCHEME: found.fingerprint},
        'properties': {'severity': found.severity.label,
                       'cwe': 'CWE-%d' % found.cwe},
    }
    if found.evidence:
        # What the probe saw: protocol, cipher, days to expiry, address.
        result['properties']['evidence'] = dict(found.evidence)
    if found.check_id in index:
        result['ruleIndex'] = index[found.check_id]
    if result_of.baseline is not None:
        # SARIF's own field for a run compared with a baseline.
        result['baselineState'] = ('unchanged' if result_of.is_known(found)
                                   else 'new')
    return result


def _suppressed(result: Result, found: Finding,
                index: dict[str, int]) -> dict[str, Any]:
    waived = _result(found, index, result)
    waiver = result.waiver_of(found)
    if waiver is not None and result.waivers is not None:
        waived['suppressions'] = [{
            'kind': 'external',
            'status': 'accepted',
            'justification': waiver.reason,
            'location': {'physicalLocation': {
                'artifactLocation': {'uri': artifact_uri(
                    result.waivers.path)},
                'region': {'startLine': waiver.line}}},
            'properties': {'owner': waiver.owner,
                           'expires': waiver.expires.isoformat()},
        }]
    return waived


def render(result: Result, out: TextIO) -> None:
    rules = [_rule(check) for check in result.checks]
    index = {rule['id']: i for i, rule in enumerate(rules)}
    notifications = [{
        'level': 'error',
        'message': {'text': '%s: %s' % (p.path, p.reason)},
        'locations': [{'physicalLocation': {
            'artifactLocation': {'uri': artifact_uri(p.path)}}}],
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
        'properties': {'mode': result.mode, 'defaults': result.defaults},
    }
    if result.project_config is not None:
        run['properties']['projectConfig'] = result.project_config.to_dict()
    if result.not_checked:
        run['properties']['notCheckedOffline'] = list(result.not_checked)
    if result.comparison is not None:
        # Fixed findings are not results (GitHub would show them as
        # alerts); they are counted here.
        run['properties']['baseline'] = {
            'known': result.comparison.known_total,
            'fixed': len(result.comparison.fixed)}
    doc = {'$schema': SCHEMA, 'version': '2.1.0', 'runs': [run]}
    stream.write_json_with_stream(
        out, doc, ('runs', 0, 'results'), itertools.chain(
            (_result(found, index, result) for found in result.findings),
            (_suppressed(result, found, index)
             for found in result.suppressed)))
