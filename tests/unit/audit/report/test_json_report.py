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

"""JSON report."""

from __future__ import annotations

import io
import json

from glance_conf.audit import result as result_mod
from glance_conf.audit.finding import FINGERPRINT_SCHEME
from glance_conf.audit.report import json_report

REQUIRED = {'id', 'severity', 'cwe', 'option', 'file', 'message',
            'remediation'}


def test_findings_have_the_required_fields(result):
    out = io.StringIO()
    json_report.render(result, out)
    doc = json.loads(out.getvalue())
    assert len(doc['findings']) == 3
    for item in doc['findings']:
        assert REQUIRED <= set(item)
    assert doc['findings'][0]['id'] == 'GC201'
    assert doc['summary'] == {'high': 1, 'medium': 1, 'low': 1, 'info': 0}
    assert doc['tool']['name'] == 'glance-conf-audit'
    assert doc['errors'] == []


def test_empty_and_error_documents_are_valid_json():
    res = result_mod.Result('fleet', [])
    res.problem('/x.conf', 'no such file')
    out = io.StringIO()
    json_report.render(res, out)
    doc = json.loads(out.getvalue())
    assert doc['findings'] == []
    assert doc['errors'] == [{'file': '/x.conf', 'message': 'no such file'}]


def test_offline_lists_what_was_not_checked(result):
    out = io.StringIO()
    json_report.render(result, out)
    assert json.loads(out.getvalue())['not_checked_offline'] == []
    result.not_checked = ['GC103', 'GC501']
    out = io.StringIO()
    json_report.render(result, out)
    assert json.loads(out.getvalue())['not_checked_offline'] == [
        'GC103', 'GC501']


def test_the_checks_run_are_listed_with_their_references(result):
    out = io.StringIO()
    json_report.render(result, out)
    checks = {c['id']: c for c in json.loads(out.getvalue())['checks']}
    assert len(checks) == len(result.checks)
    assert checks['GC101']['references'] == [
        'security-guide/Check-Compute-05', 'nist-800-53/SC-8',
        'nist-800-53/SC-13']
    assert checks['GC101']['cwe'] == 295


def test_known_findings_are_flagged_and_fixed_listed(compared):
    out = io.StringIO()
    json_report.render(compared, out)
    doc = json.loads(out.getvalue())
    assert [f['known'] for f in doc['findings']] == [True, False, False]
    assert doc['baseline'] == {
        'file': 'old report.json',
        'known': {'high': 1, 'medium': 0, 'low': 0, 'info': 0},
        'fixed': [{'fingerprint': 'f' * 32, 'id': 'GC101',
                   'option': 'glance.insecure', 'host': 'compute-9'}]}
    # The summary still counts every finding.
    assert doc['summary']['high'] == 1


def test_the_report_names_its_fingerprint_scheme(result):
    """So that a baseline of another scheme is refused, not misread."""
    out = io.StringIO()
    json_report.render(result, out)
    doc = json.loads(out.getvalue())
    assert doc['fingerprints'] == FINGERPRINT_SCHEME
    assert doc['baseline'] is None
    assert not any(f['known'] for f in doc['findings'])


def test_the_service_audited_is_a_top_level_field(result):
    out = io.StringIO()
    json_report.render(result, out)
    assert json.loads(out.getvalue())['service'] == 'nova'
    result.service = 'cinder'
    out = io.StringIO()
    json_report.render(result, out)
    assert json.loads(out.getvalue())['service'] == 'cinder'


def _services(result):
    out = io.StringIO()
    json_report.render(result, out)
    return {item['id']: item['service']
            for item in json.loads(out.getvalue())['findings']}


def test_each_finding_says_its_service(result):
    """A run of one service: the run's, on every finding; a fleet of
    several (``mixed``): the service of the finding's file (issue
    #24)."""
    assert _services(result) == dict.fromkeys(('GC201', 'GC301', 'GC502'),
                                              'nova')
    result.service = 'mixed'
    result.note_service('cinder', ['nova dir/nova.conf'])
    assert _services(result) == {'GC201': 'nova', 'GC301': 'nova',
                                 'GC502': 'cinder'}


def test_it_carries_what_the_other_writers_read(result):
    """Files and hosts, posture rows, the gate and the settings: what
    ``convert`` needs to write the other formats (issue 22, item 5)."""
    result.mode = 'fleet'
    result.paths.extend(['a/compute-1.conf', 'a/compute-2.conf'])
    result.hosts.extend(['compute-1', 'compute-2'])
    result.note_service('cinder', ['a/compute-2.conf'])
    result.keep_posture(result_mod.PostureRow(
        'compute-1', 'web', 'a/compute-1.conf', ('x', None), (3, 0)))
    result.fail_on = None
    result.rendering = result_mod.Rendering(sarif_max_results=7)
    out = io.StringIO()
    json_report.render(result, out)
    doc = json.loads(out.getvalue())
    assert doc['files'] == [
        {'path': 'a/compute-1.conf', 'host': 'compute-1', 'service': 'nova'},
        {'path': 'a/compute-2.conf', 'host': 'compute-2',
         'service': 'cinder'}]
    assert doc['posture'] == [['compute-1', 'web', 'a/compute-1.conf',
                               ['x', None], [3, 0]]]
    assert doc['gate'] == 'never' and doc['probed_endpoints'] == 0
    assert doc['rendering']['sarif_max_results'] == 7
    assert [f['new'] for f in doc['findings']] == [None] * 3
    # One item a line: the per-host lists are streamed, not held.
    lines = out.getvalue().splitlines()
    assert '    {"host": "compute-1", "path": "a/compute-1.conf", ' \
        '"service": "nova"},' in lines
