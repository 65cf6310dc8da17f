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

import collections
import dataclasses
import datetime
import gzip
import io
import json
import re
import urllib.parse

import jsonschema
import pytest

from glance_conf.audit import baseline
from glance_conf.audit import manager
from glance_conf.audit import result as result_mod
from glance_conf.audit import waivers
from glance_conf.audit.finding import FINGERPRINT_SCHEME
from glance_conf.audit.finding import Severity
from glance_conf.audit.report import sarif
from tests.reference import reference_file


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


def _services(result):
    return {found['ruleId']: found['properties']['service']
            for found in _render(result)['runs'][0]['results']}


def test_each_result_says_its_service(result):
    """A run of one service: the run's, on every result; a fleet of
    several (``mixed``, the run's property): the service of the
    finding's file, as a property of the result (issue #24)."""
    assert _services(result) == dict.fromkeys(('GC201', 'GC301', 'GC502'),
                                              'nova')
    result.service = 'mixed'
    result.note_service('cinder', ['nova dir/nova.conf'])
    assert _services(result) == {'GC201': 'nova', 'GC301': 'nova',
                                 'GC502': 'cinder'}
    assert _render(result)['runs'][0]['properties']['service'] == 'mixed'


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
    # Open (new) findings are written before known ones.
    assert [r['baselineState'] for r in run['results']] == [
        'new', 'new', 'unchanged']
    assert run['properties']['baseline'] == {'known': 1, 'fixed': 1}


def test_no_baseline_state_without_a_baseline(result):
    run = _render(result)['runs'][0]
    assert not any('baselineState' in r for r in run['results'])
    assert 'baseline' not in run['properties']


# -- what GitHub code scanning accepts and shows ----------------------------

RST = re.compile(r'``|`[^`]+ <[^>]+>`_|:[a-z]+:`')


def test_rule_texts_fit_github_and_carry_no_rest_markup(result):
    """GitHub cuts a full description at 1024 characters and shows help
    as Markdown or text: none may carry reST, and the fix is said once."""
    rules = _render(result)['runs'][0]['tool']['driver']['rules']
    long_docs = [r for r in rules if len(r['help']['text']) > 1024]
    assert long_docs  # GC204's documentation alone is 3,462 characters
    for rule in rules:
        full = rule['fullDescription']['text']
        assert 0 < len(full) <= sarif.MAX_DESCRIPTION, rule['id']
        for text in (full, rule['help']['text'], rule['help']['markdown']):
            assert not RST.search(text), (rule['id'], text)
            assert text.count('Fix:') <= 1, rule['id']
        assert rule['help']['text'].count('Fix:') == 1
        assert 'helpUri' not in rule


def test_markdown_keeps_literals_as_code(result):
    rules = {r['id']: r for r in _render(result)['runs'][0]['tool'][
        'driver']['rules']}
    assert '`insecure = True`' in rules['GC101']['help']['markdown'] or \
        '`[glance] insecure = True`' in rules['GC101']['help']['markdown']
    assert '`' not in rules['GC101']['help']['text']


def test_help_uri_when_the_docs_are_known(result):
    result.rendering = result_mod.Rendering(
        docs_url='https://docs.example.org/glance-conf/audit/checks.html')
    rules = _render(result)['runs'][0]['tool']['driver']['rules']
    assert {r['helpUri'] for r in rules if r['id'] == 'GC201'} == {
        'https://docs.example.org/glance-conf/audit/checks.html#gc201'}


def test_results_in_one_file_never_share_githubs_line_hash(result):
    results = _render(result)['runs'][0]['results']
    hashes = [r['partialFingerprints']['primaryLocationLineHash']
              for r in results]
    assert len(set(hashes)) == len(results) == 3


def _run_of(*paths):
    """The SARIF run of a service audit with a GC101 finding in each of
    ``paths``."""
    [check] = [c for c in manager.load_checks() if c.id == 'GC101']
    res = result_mod.Result('service', [check])
    for path in paths:
        res.findings.add(check().finding('glance.insecure', 'Off.', path,
                                         3))
    try:
        return _render(res)['runs'][0]
    finally:
        res.close()


def test_files_under_the_working_directory_are_relative(tmp_path,
                                                        monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = _run_of(str(tmp_path / 'etc' / 'nova.conf'),
                  '/elsewhere/nova.conf')
    inside, outside = [r['locations'][0]['physicalLocation'][
        'artifactLocation'] for r in run['results']]
    assert inside == {'uri': 'etc/nova.conf', 'uriBaseId': '%SRCROOT%'}
    assert outside == {'uri': 'file:///elsewhere/nova.conf'}
    assert run['originalUriBaseIds']['%SRCROOT%']['uri'] == \
        tmp_path.as_uri() + '/'


def test_run_from_the_root_the_base_is_the_root(monkeypatch):
    """``file:///``, not ``file:////``: a base ends in one slash, and
    a file's path is relative to it."""
    monkeypatch.chdir('/')
    run = _run_of('/etc/nova/nova.conf')
    base = run['originalUriBaseIds']['%SRCROOT%']['uri']
    assert base == 'file:///'
    location = run['results'][0]['locations'][0]['physicalLocation'][
        'artifactLocation']
    assert location == {'uri': 'etc/nova/nova.conf',
                        'uriBaseId': '%SRCROOT%'}
    assert urllib.parse.urljoin(base, location['uri']) == \
        'file:///etc/nova/nova.conf'


@pytest.mark.parametrize('path, uri', [
    ('/', 'file:///'),
    ('/srv/repo', 'file:///srv/repo/'),
    ('/srv/a dir', 'file:///srv/a%20dir/'),
])
def test_a_directorys_uri_ends_in_one_slash(path, uri):
    assert sarif.directory_uri(path) == uri


def test_a_bundles_file_is_no_file_of_the_repository():
    [check] = [c for c in manager.load_checks() if c.id == 'GC101']
    res = result_mod.Result('fleet', [check], bundles=True)
    res.findings.add(check().finding('glance.insecure', 'Off.',
                                     'compute-1:/etc/nova/nova.conf', 3))
    try:
        run = _render(res)['runs'][0]
    finally:
        res.close()
    [location] = run['results'][0]['locations']
    assert 'physicalLocation' not in location
    assert {'fullyQualifiedName': 'compute-1:/etc/nova/nova.conf',
            'kind': 'module'} in location['logicalLocations']
    assert 'originalUriBaseIds' not in run


def _waived_result(include):
    checks = manager.load_checks()
    by_id = {c.id: c for c in checks}
    res = result_mod.Result('service', checks, waivers=waivers.Waivers(
        'w.yaml', [waivers.Waiver('GC201', 'until Q3', 'ops',
                                  datetime.date(2099, 1, 1), 2)],
        today=datetime.date(2026, 1, 1)),
        rendering=result_mod.Rendering(sarif_include_waived=include))
    res.add(by_id['GC201']().finding('glance.verify_glance_signatures',
                                     'Off.', 'nova.conf', 7))
    res.add(by_id['GC101']().finding('glance.insecure', 'Off.',
                                     'nova.conf', 8))
    return res


def test_waived_findings_are_left_out_unless_asked_for():
    """GitHub ignores suppressions: a waived result would be an open
    alert. Left out by default, and counted."""
    res = _waived_result(False)
    try:
        run = _render(res)['runs'][0]
    finally:
        res.close()
    assert [r['ruleId'] for r in run['results']] == ['GC101']
    assert run['properties']['waivedNotWritten'] == 1
    res = _waived_result(True)
    try:
        run = _render(res)['runs'][0]
    finally:
        res.close()
    waived = [r for r in run['results'] if r['ruleId'] == 'GC201']
    assert waived[0]['suppressions'][0]['justification'] == 'until Q3'


@pytest.mark.parametrize('floor, cap, kept, left_out', [
    ('info', None, {'high': 10, 'medium': 30, 'low': 60}, 0),
    ('medium', None, {'high': 10, 'medium': 30}, 0),
    ('info', 25, {'high': 10, 'medium': 15}, 75),
])
def test_a_run_holds_the_most_severe_within_the_limits(floor, cap, kept,
                                                       left_out):
    checks = {c.id: c for c in manager.load_checks()}
    res = result_mod.Result('fleet', list(checks.values()),
                            rendering=result_mod.Rendering(
                                sarif_min_severity=Severity.parse(floor),
                                sarif_max_results=cap))
    made = ([('GC301', 'glance.timeout')] * 60
            + [('GC102', 'glance.api_servers')] * 30
            + [('GC101', 'glance.insecure')] * 10)
    for n, (check_id, option) in enumerate(made):
        found = checks[check_id]().finding(option, 'm', 'h%d.conf' % n, 1)
        res.add(dataclasses.replace(found, host='h%d' % n))
    try:
        run = _render(res)['runs'][0]
    finally:
        res.close()
    counts = collections.Counter(r['properties']['severity']
                                 for r in run['results'])
    assert dict(counts) == kept
    assert run['properties'].get('resultsLeftOut', 0) == left_out


def test_a_ten_thousand_host_fleet_stays_within_githubs_limits():
    """40,000 findings: one run of at most 25,000 results, under 10 MB
    gzipped (GitHub's documented limits)."""
    checks = {c.id: c for c in manager.load_checks()}
    res = result_mod.Result('fleet', list(checks.values()))
    for host in range(10_000):
        for check_id, option in (('GC101', 'glance.insecure'),
                                 ('GC102', 'glance.api_servers'),
                                 ('GC301', 'glance.timeout'),
                                 ('GC106', 'glance.tls_min_version')):
            found = checks[check_id]().finding(
                option, 'm', 'compute-%d.conf' % host, 3)
            res.add(dataclasses.replace(found, host='compute-%d' % host))
    try:
        out = io.StringIO()
        sarif.render(res, out)
    finally:
        res.close()
    doc = json.loads(out.getvalue())
    assert len(doc['runs']) <= 20
    assert len(doc['runs'][0]['results']) == sarif.MAX_RESULTS
    assert doc['runs'][0]['properties']['resultsLeftOut'] == 15_000
    assert len(gzip.compress(out.getvalue().encode('utf-8'))) < 10 * 2 ** 20


def _schema_validator():
    path = reference_file('sarif-schema-2.1.0.json')
    schema = json.loads(path.read_text(encoding='utf-8'))
    return jsonschema.Draft4Validator(schema)


def test_every_shape_is_valid_oasis_sarif(result):
    """The OASIS schema accepts each shape the writer makes: plain,
    compared with a baseline, waived included, capped, and bundles."""
    validator = _schema_validator()
    docs = [_render(result)]
    for include in (False, True):
        res = _waived_result(include)
        res.rendering = dataclasses.replace(res.rendering,
                                            sarif_max_results=1,
                                            docs_url='https://d.example/c')
        try:
            docs.append(_render(res))
        finally:
            res.close()
    [check] = [c for c in manager.load_checks() if c.id == 'GC101']
    bundles = result_mod.Result('fleet', [check], bundles=True)
    bundles.add(check().finding('glance.insecure', 'Off.',
                                'compute-1:/etc/nova/nova.conf', 3))
    bundles.problem('compute-2:/etc/nova/nova.conf', 'on the host: EACCES')
    try:
        docs.append(_render(bundles))
    finally:
        bundles.close()
    for doc in docs:
        errors = [e.message for e in validator.iter_errors(doc)]
        assert errors == []
    assert not validator.is_valid({'version': '2.1.0', 'runs': [
        {'tool': {'driver': {}}}]})


def test_the_run_states_the_service(result):
    result.service = 'glance-api'
    [run] = _render(result)['runs']
    assert run['properties']['service'] == 'glance-api'


def test_under_the_cap_open_findings_come_before_known_ones():
    """A known finding never takes the place of the one that fails the
    gate: one slot, one new GC101 and three known GC101s."""
    [check] = [c for c in manager.load_checks() if c.id == 'GC101']
    res = result_mod.Result('fleet', [check], rendering=result_mod.Rendering(
        sarif_max_results=1))
    found = [dataclasses.replace(check().finding(
        'glance.insecure', 'Off.', 'c%d.conf' % n, 1), host='c%d' % n)
        for n in range(4)]
    for f in found:
        res.add(f)
    res.use_baseline(baseline.Baseline('b.json', {
        f.fingerprint: baseline.Entry(f.fingerprint, f.check_id, f.option,
                                      f.host) for f in found[:3]}))
    try:
        [written] = _render(res)['runs'][0]['results']
    finally:
        res.close()
    assert written['baselineState'] == 'new'
    assert written['partialFingerprints']['primaryLocationLineHash'] == \
        found[3].fingerprint
