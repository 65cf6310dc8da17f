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

"""The six formats tell the same story: one fleet audited with waivers,
a baseline and ``--previous``, each report read back the way its
consumer reads it, and the findings counted per state.

The states are decided once (``Result.decide``); a writer that decided
on its own (JUnit once ignored the baseline) makes this test fail.
"""

from __future__ import annotations

import collections
import io
import json
import pathlib
import re

import pytest
from lxml import etree
from prometheus_client.parser import text_string_to_metric_families

from glance_conf.cmd import audit as cli

HOSTS = {
    # Verification and TLS off: GC201 (waived below) and GC101.
    'compute-1': '[glance]\nverify_glance_signatures = False\n'
                 'insecure = True\n',
    'compute-2': '[glance]\nverify_glance_signatures = False\n'
                 'num_retries = 20\n',
    'compute-3': '[glance]\napi_servers = http://glance:9292\n',
}
WAIVERS = ('- id: GC201\n  reason: unsigned images until the CA is up\n'
           '  owner: ops@example.org\n  expires: 2099-01-01\n')
FORMATS = ('text', 'json', 'sarif', 'junit', 'html', 'prometheus')
DEPLOYMENTS = pathlib.Path(__file__).parent / 'deployments'
#: A fleet of three services, each file a real deployment's, by the
#: service it configures.
MIXED = {
    'nova': DEPLOYMENTS / 'kolla-ansible-compute.conf',
    'cinder': DEPLOYMENTS / 'cinder' / 'kolla-ansible' / 'cinder.conf',
    'glance-api': DEPLOYMENTS / 'glance-api' / 'kolla-ansible'
    / 'glance-api.conf',
}


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out, err)
    assert code in (0, 1), err.getvalue()
    return code, out.getvalue()


@pytest.fixture(scope='module')
def reports(tmp_path_factory) -> dict[str, tuple[int, str]]:
    """Each format of one run; the baseline and the previous report
    hold compute-1's findings as they were before compute-3 was added."""
    root = tmp_path_factory.mktemp('fleet')
    paths = []
    for host, text in HOSTS.items():
        path = root / ('%s.conf' % host)
        path.write_text(text)
        paths.append(str(path))
    waivers = root / 'waivers.yaml'
    waivers.write_text(WAIVERS)
    earlier = root / 'earlier.json'
    earlier.write_text(_run('--format', 'json', '--fail-on', 'never',
                            *paths[:1])[1])
    common = ('--fail-on', 'medium', '--waivers', str(waivers),
              '--baseline', str(earlier), '--previous', str(earlier))
    reports = {fmt: _run('--format', fmt, *common, *paths)
               for fmt in FORMATS}
    # GitHub shows a suppressed result as an open alert, so SARIF leaves
    # waived findings out unless asked; asked, it must count them too.
    reports['sarif-all'] = _run('--format', 'sarif', '--sarif-include-waived',
                                *common, *paths)
    return reports


def _from_json(text: str) -> collections.Counter[str]:
    doc = json.loads(text)
    counts = collections.Counter(
        'known' if f['known'] else 'open' for f in doc['findings'])
    counts['waived'] = len(doc['suppressed'])
    return counts


def _from_sarif(text: str) -> collections.Counter[str]:
    counts = collections.Counter[str]()
    for found in json.loads(text)['runs'][0]['results']:
        counts['waived' if found.get('suppressions') else
               'known' if found.get('baselineState') == 'unchanged'
               else 'open'] += 1
    return counts


def _from_text(text: str) -> collections.Counter[str]:
    counts = collections.Counter[str]()
    counts['open'] = sum(int(n) for n in re.findall(
        r'^(?:CRITICAL|HIGH|MEDIUM|LOW|INFO) \((\d+)\)$', text, re.M))
    known = re.search(r'^KNOWN, in the baseline \((\d+)\)$', text, re.M)
    counts['known'] = int(known.group(1)) if known else 0
    waived = re.search(r'^Waived: (\d+) finding', text, re.M)
    counts['waived'] = int(waived.group(1)) if waived else 0
    return counts


def _from_html(text: str) -> collections.Counter[str]:
    [states] = re.findall(r'<dd id="states">(\d+) / (\d+) / (\d+)</dd>',
                          text)
    return collections.Counter(dict(zip(('open', 'waived', 'known'),
                                        map(int, states), strict=True)))


def _from_prometheus(text: str) -> collections.Counter[str]:
    counts = collections.Counter[str]()
    for family in text_string_to_metric_families(text):
        if family.name not in ('glance_conf_audit_findings',
                               'glance_conf_audit_fleet_findings'):
            continue
        for sample in family.samples:
            labels = sample.labels
            state = 'waived' if labels['waived'] == 'true' else \
                'known' if labels['known'] == 'true' else 'open'
            counts[state] += int(sample.value)
    return counts


def test_every_format_counts_the_same_findings_per_state(reports):
    expected = _from_json(reports['json'][1])
    # The run has findings of each state, or the test proves nothing.
    assert all(expected[s] for s in ('open', 'waived', 'known')), expected
    readers = {'text': _from_text, 'sarif-all': _from_sarif,
               'html': _from_html, 'prometheus': _from_prometheus}
    for fmt, read in readers.items():
        assert read(reports[fmt][1]) == expected, fmt
    uploaded = _from_sarif(reports['sarif'][1])
    assert uploaded == collections.Counter(
        open=expected['open'], known=expected['known'])


def test_every_format_agrees_with_the_exit_code(reports):
    """JUnit fails a case exactly for the open findings at the gate, the
    gate metric says what the exit code says, and every run exits the
    same."""
    codes = {fmt: code for fmt, (code, _) in reports.items()}
    assert set(codes.values()) == {1}, codes
    doc = json.loads(reports['json'][1])
    gated = {'critical', 'high', 'medium'}
    failing = {(f['id'], 'fleet' if f['id'].startswith('GC6') else f['file'])
               for f in doc['findings']
               if not f['known'] and f['severity'] in gated}
    assert failing
    junit = etree.fromstring(reports['junit'][1].encode('utf-8'))
    failed = {(case.get('name').split()[0], case.get('classname'))
              for case in junit.iter('testcase')
              if case.find('failure') is not None}
    assert failed == failing
    gate = [s.value for family in text_string_to_metric_families(
        reports['prometheus'][1]) for s in family.samples
        if s.name == 'glance_conf_audit_gate_failing']
    assert gate == [1.0]


def test_accepted_findings_say_why_they_passed(reports):
    junit = etree.fromstring(reports['junit'][1].encode('utf-8'))
    reasons = {case.find('skipped').get('message')
               for case in junit.iter('testcase')
               if case.find('skipped') is not None}
    assert 'waived: unsigned images until the CA is up' in reasons
    assert 'known: in the baseline' in reasons
    html = reports['html'][1]
    assert 'unsigned images until the CA is up' in html


@pytest.fixture(scope='module')
def mixed() -> dict[str, str]:
    """JSON, SARIF and Prometheus of one fleet of nova, cinder and
    glance-api files, audited together."""
    paths = [str(path) for path in MIXED.values()]
    return {fmt: _run('--format', fmt, '--offline', '--fail-on', 'never',
                      *paths)[1] for fmt in ('json', 'sarif', 'prometheus')}


def test_each_finding_says_its_service_in_a_mixed_fleet(mixed):
    """The run says ``mixed``; each finding, in JSON, SARIF and
    Prometheus, the service whose file holds it (issue #24)."""
    service_of = {str(path): service for service, path in MIXED.items()}
    doc = json.loads(mixed['json'])
    assert doc['service'] == 'mixed'
    by_fingerprint = {}
    for found in doc['findings']:
        # A fleet finding (GC601's drift, over nova's posture) is in no
        # file, and nova's.
        expected = service_of.get(found['file'], 'nova')
        assert found['service'] == expected, found
        by_fingerprint[found['fingerprint']] = expected
    assert set(by_fingerprint.values()) == set(MIXED)

    [run] = json.loads(mixed['sarif'])['runs']
    assert run['properties']['service'] == 'mixed'
    assert {result['partialFingerprints']['glanceConfAudit/v2']:
            result['properties']['service']
            for result in run['results']} == by_fingerprint

    # The host is the file's stem; its findings are its service's.
    host_of = {pathlib.Path(path).stem: service
               for path, service in service_of.items()}
    per_service = collections.Counter[str]()
    for family in text_string_to_metric_families(mixed['prometheus']):
        if family.name != 'glance_conf_audit_findings':
            continue
        for sample in family.samples:
            service = sample.labels['service']
            assert service == host_of[sample.labels['host']], sample
            per_service[service] += int(sample.value)
    assert per_service == collections.Counter(
        found['service'] for found in doc['findings'] if found['host'])
