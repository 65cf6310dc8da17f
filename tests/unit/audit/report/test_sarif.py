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

"""SARIF 2.1.0 report."""

from __future__ import annotations

import io
import json

from glance_conf.audit import manager
from glance_conf.audit import result as result_mod
from glance_conf.audit.finding import FINGERPRINT_SCHEME
from glance_conf.audit.report import sarif


def _render(res):
    out = io.StringIO()
    sarif.render(res, out)
    return json.loads(out.getvalue())


def test_document_shape(result):
    doc = _render(result)
    assert doc['version'] == '2.1.0' and 'sarif-2.1.0' in doc['$schema']
    [run] = doc['runs']
    rules = run['tool']['driver']['rules']
    assert len(rules) == len(manager.load_checks())
    for rule in rules:
        assert 'security' in rule['properties']['tags']
        assert any(t.startswith('external/cwe/cwe-')
                   for t in rule['properties']['tags'])
        float(rule['properties']['security-severity'])
        assert rule['fullDescription']['text']
    assert run['invocations'][0]['executionSuccessful'] is True


def test_results_have_locations_and_fingerprints(result):
    run = _render(result)['runs'][0]
    rules = run['tool']['driver']['rules']
    first, second, third = run['results']
    assert rules[first['ruleIndex']]['id'] == first['ruleId'] == 'GC201'
    assert first['level'] == 'error'
    loc = first['locations'][0]
    assert loc['physicalLocation']['artifactLocation']['uri'] == \
        'file:///etc/nova/nova.conf'
    assert loc['physicalLocation']['region'] == {'startLine': 7}
    assert loc['logicalLocations'][0]['fullyQualifiedName'] == \
        'glance.verify_glance_signatures'
    assert second['locations'][0]['physicalLocation']['artifactLocation'][
        'uri'] == 'nova.conf'
    assert third['locations'][0]['physicalLocation']['artifactLocation'][
        'uri'] == 'nova%20dir/nova.conf'
    fingerprints = [r['partialFingerprints'][FINGERPRINT_SCHEME]
                    for r in run['results']]
    assert len(set(fingerprints)) == 3
    assert fingerprints == [r['partialFingerprints'][FINGERPRINT_SCHEME]
                            for r in _render(result)['runs'][0]['results']]


def test_load_problems_become_notifications():
    res = result_mod.Result('fleet', [])
    res.problem('hosts/a.conf', 'not valid UTF-8 (byte 0xff at line 1)')
    run = _render(res)['runs'][0]
    invocation = run['invocations'][0]
    assert invocation['executionSuccessful'] is False
    [note] = invocation['toolExecutionNotifications']
    assert note['level'] == 'error'
    assert 'hosts/a.conf' in note['message']['text']
    assert run['results'] == []


def test_offline_is_a_warning_per_check_and_a_property(result):
    run = _render(result)['runs'][0]
    assert run['invocations'][0]['toolExecutionNotifications'] == []
    assert 'notCheckedOffline' not in run['properties']
    result.not_checked = ['GC103', 'GC501']
    run = _render(result)['runs'][0]
    rules = run['tool']['driver']['rules']
    notes = run['invocations'][0]['toolExecutionNotifications']
    assert [n['associatedRule']['id'] for n in notes] == ['GC103', 'GC501']
    for note in notes:
        assert note['level'] == 'warning'
        assert rules[note['associatedRule']['index']]['id'] == \
            note['associatedRule']['id']
        assert 'not checked (offline)' in note['message']['text']
    assert run['invocations'][0]['executionSuccessful'] is True
    assert run['properties']['notCheckedOffline'] == ['GC103', 'GC501']


def test_rule_tags_carry_the_references(result):
    rules = {r['id']: r for r in
             _render(result)['runs'][0]['tool']['driver']['rules']}
    assert rules['GC101']['properties']['tags'] == [
        'security', 'external/cwe/cwe-295',
        'security-guide/Check-Compute-05', 'nist-800-53/SC-8',
        'nist-800-53/SC-13']
    assert rules['GC101']['properties']['security-severity'] == '8.0'
    assert 'ossn/OSSN-0090' in rules['GC403']['properties']['tags']


def test_baseline_state_is_sarifs_own(compared):
    run = _render(compared)['runs'][0]
    assert [r['baselineState'] for r in run['results']] == [
        'unchanged', 'new', 'new']
    assert run['properties']['baseline'] == {'known': 1, 'fixed': 1}


def test_no_baseline_state_without_a_baseline(result):
    run = _render(result)['runs'][0]
    assert not any('baselineState' in r for r in run['results'])
    assert 'baseline' not in run['properties']
