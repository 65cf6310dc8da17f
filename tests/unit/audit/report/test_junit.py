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

"""JUnit XML: one case per check and file, against the schema CI reads."""

from __future__ import annotations

import functools
import io
import os

import junitparser
import pytest
from lxml import etree

from glance_conf.audit import baseline
from glance_conf.audit import manager
from glance_conf.audit import result as result_mod
from glance_conf.audit.finding import Severity
from glance_conf.audit.report import junit
from tests.reference import REFERENCE_ENV
from tests.reference import reference_file

#: The schema the Jenkins xunit plugin validates result files against.
SCHEMA = 'junit-10.xsd'


@functools.cache
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def schema() -> etree.XMLSchema:
    """Jenkins' schema; the test that needs it skips, saying why, where
    the reference folder is not given."""
    return _schema(str(reference_file(SCHEMA)))


def validated(text: str) -> etree._Element:
    """The document, parsed, checked against the counts the schema cannot
    check (totals are sums), and against Jenkins' schema where the
    reference folder is given (:func:`test_every_report_is_valid_for_
    jenkins` says when it is not)."""
    doc = etree.fromstring(text.encode('utf-8'))
    if os.environ.get(REFERENCE_ENV):
        schema().assertValid(doc)
    for suite in doc.iter('testsuite'):
        cases = suite.findall('testcase')
        assert int(suite.get('tests')) == len(cases)
        for tag, key in (('failure', 'failures'), ('error', 'errors'),
                         ('skipped', 'skipped')):
            assert int(suite.get(key)) == sum(
                1 for c in cases if c.find(tag) is not None)
    for key in junit.TOTALS:
        assert int(doc.get(key)) == sum(int(s.get(key))
                                        for s in doc.iter('testsuite'))
    return doc


def test_every_report_is_valid_for_jenkins(result):
    """Jenkins' own schema accepts the report (it refused a ``skipped``
    count on ``<testsuites>``)."""
    out = io.StringIO()
    junit.render(result, out)
    schema().assertValid(etree.fromstring(out.getvalue().encode('utf-8')))


def _render(res) -> etree._Element:
    out = io.StringIO()
    junit.render(res, out)
    return validated(out.getvalue())


def _case(doc, classname, check_id):
    [case] = [c for c in doc.iter('testcase')
              if c.get('classname') == classname
              and c.get('name').startswith(check_id + ' ')]
    return case


def test_the_schema_can_fail():
    """A case without a name, or a count that is not a number, is
    refused: the schema really checks something."""
    for bad in ('<testsuites><testsuite name="s" tests="1"><testcase/>'
                '</testsuite></testsuites>',
                '<testsuites><testsuite name="s" tests="x"/></testsuites>',
                '<testsuites><testsuite name="s" tests="0"><testcase '
                'name="c"><failure/><skipped/></testcase></testsuite>'
                '</testsuites>'):
        assert not schema().validate(etree.fromstring(bad))


def test_one_case_per_check_and_file(result):
    doc = _render(result)
    # The nova file's suites hold the nova checks, whatever else the
    # result lists.
    per_file = [c for c in result.checks if not c.id.startswith('GC6')
                and 'nova' in c.services]
    suites = {s.get('name'): s for s in doc.iter('testsuite')}
    assert set(suites) == {'/etc/nova/nova.conf', 'nova.conf',
                           'nova dir/nova.conf', junit.FLEET_SUITE}
    for name in ('/etc/nova/nova.conf', 'nova.conf', 'nova dir/nova.conf'):
        assert int(suites[name].get('tests')) == len(per_file)


def test_fails_at_or_above_the_gate_only(result):
    """Default gate medium: GC201 (high) and GC502 (medium) fail; GC301
    (low) passes, its finding in system-out."""
    doc = _render(result)
    failure = _case(doc, '/etc/nova/nova.conf', 'GC201').find('failure')
    assert failure.get('type') == 'high'
    assert 'glance.verify_glance_signatures at /etc/nova/nova.conf:7' \
        in failure.text
    assert _case(doc, 'nova dir/nova.conf', 'GC502').find(
        'failure') is not None
    low = _case(doc, 'nova.conf', 'GC301')
    assert low.find('failure') is None
    assert 'No timeout.' in low.find('system-out').text
    assert int(doc.get('failures')) == 2


@pytest.mark.parametrize('gate,failures', [
    (Severity.LOW, 3), (Severity.HIGH, 1), (None, 0)])
def test_the_gate_is_the_results(result, gate, failures):
    result.fail_on = gate
    assert int(_render(result).get('failures')) == failures


def test_host_checks_not_run_offline_are_skipped(result):
    result.not_checked = ['GC501']
    case = _case(_render(result), 'nova.conf', 'GC501')
    assert case.find('skipped').get('message') == junit.OFFLINE


def test_fleet_checks_are_skipped_outside_fleet_mode(result):
    doc = _render(result)
    case = _case(doc, junit.FLEET_SUITE, 'GC601')
    assert case.find('skipped').get('message') == junit.NOT_FLEET


def test_a_file_that_could_not_load_is_an_error(result):
    result.problem('/etc/nova/broken.conf', 'no such file')
    doc = _render(result)
    [error] = doc.iter('error')
    assert error.get('message') == 'no such file'
    assert doc.get('errors') == '1'


def test_a_waived_finding_skips_its_case(tmp_path):
    """A case whose gate findings a waiver in force accepted is skipped,
    with the waiver's reason; the others still fail."""
    import datetime

    from glance_conf.audit import waivers

    path = tmp_path / 'waivers.yaml'
    path.write_text('- id: GC201\n  reason: images unsigned until Q3\n'
                    '  owner: ops@example.org\n  expires: 2099-01-01\n')
    checks = manager.load_checks()
    by_id = {c.id: c for c in checks}
    res = result_mod.Result('service', checks)
    res.files = 1
    res.waivers = waivers.load(str(path), datetime.date(2026, 1, 1), 'h')
    res.add(by_id['GC201']().finding('glance.verify_glance_signatures',
                                     'Signatures off.', '/etc/nova.conf', 7))
    res.add(by_id['GC101']().finding('glance.insecure', 'TLS off.',
                                     '/etc/nova.conf', 8))
    try:
        doc = _render(res)
        waived = _case(doc, '/etc/nova.conf', 'GC201')
        assert waived.find('failure') is None
        assert waived.find('skipped').get('message') == (
            'waived: images unsigned until Q3')
        assert _case(doc, '/etc/nova.conf', 'GC101').find(
            'failure') is not None
        decision = res.decide(next(iter(res.suppressed)), True)
        assert decision.waiver is not None
        assert decision.waiver.reason == 'images unsigned until Q3'
    finally:
        res.close()


def test_hostile_file_names_stay_valid_xml():
    """A newline, an escape or a NUL-like byte in a file name cannot
    break the document or forge a case."""
    checks = manager.load_checks()
    res = result_mod.Result('fleet', checks)
    name = 'a\n</testcase>\x1b[2J\x01"&<.conf'
    res.paths = [name]
    res.findings.add(checks[0]().finding('glance.insecure', 'Off.', name, 3))
    try:
        doc = _render(res)
    finally:
        res.findings.close()
    names = [s.get('name') for s in doc.iter('testsuite')]
    assert names[0] == 'a\\n</testcase>\\x1b[2J\\x01"&<.conf'


def test_many_findings_in_one_case_are_bounded():
    checks = manager.load_checks()
    res = result_mod.Result('service', checks)
    for n in range(junit.MAX_QUOTED + 5):
        res.findings.add(checks[0]().finding('glance.insecure', 'n%d.' % n,
                                             'nova.conf', n + 1))
    try:
        failure = _case(_render(res), 'nova.conf', 'GC101').find('failure')
    finally:
        res.findings.close()
    assert failure.get('message') == '%d finding(s) at or above the gate' \
        % (junit.MAX_QUOTED + 5)
    assert failure.text.splitlines()[-1] == '... and 5 more'


def test_findings_known_from_the_baseline_never_fail_a_case():
    """The gate passes on a baseline that holds every finding; the
    report says the same (it once said failures="2" while exit was 0)."""
    checks = manager.load_checks()
    by_id = {c.id: c for c in checks}
    res = result_mod.Result('service', checks)
    res.files = 1
    found = [by_id['GC201']().finding('glance.verify_glance_signatures',
                                      'Off.', 'nova.conf', 7),
             by_id['GC101']().finding('glance.insecure', 'Off.',
                                      'nova.conf', 8)]
    for f in found:
        res.add(f)
    res.use_baseline(baseline.Baseline('b.json', {
        f.fingerprint: baseline.Entry(f.fingerprint, f.check_id, f.option,
                                      None) for f in found}))
    try:
        assert not res.gate_fails
        doc = _render(res)
    finally:
        res.close()
    assert doc.get('failures') == '0'
    for check_id in ('GC201', 'GC101'):
        case = _case(doc, 'nova.conf', check_id)
        assert case.find('failure') is None
        assert case.find('skipped').get('message') == \
            'known: in the baseline'


def test_junitparser_reads_the_same_counts(result):
    """junitparser, as GitLab-style tools read JUnit, sees the document's
    own counts and the failing cases."""
    out = io.StringIO()
    junit.render(result, out)
    doc = validated(out.getvalue())
    parsed = junitparser.JUnitXml.fromstring(out.getvalue().encode("utf-8"))
    suites = list(parsed)
    assert sum(s.tests for s in suites) == int(doc.get('tests'))
    assert sum(s.failures for s in suites) == int(doc.get('failures'))
    assert sum(s.skipped for s in suites) == sum(
        int(s.get('skipped')) for s in doc.iter('testsuite'))
    failed = {case.name for suite in suites for case in suite
              if any(isinstance(r, junitparser.Failure)
                     for r in case.result)}
    assert failed == {case.get('name') for case in doc.iter('testcase')
                      if case.find('failure') is not None}
    assert failed


def test_each_file_suite_states_its_service_and_its_checks_only():
    """A fleet of a nova and a cinder file: each suite names the service
    its file configures and holds that service's checks."""
    checks = manager.load_checks()
    res = result_mod.Result('fleet', [c for c in checks if not c.live])
    res.files = 2
    res.paths = ['compute.conf', 'cinder.conf']
    res.file_services = {'compute.conf': 'nova', 'cinder.conf': 'cinder'}
    res.service = 'mixed'
    try:
        doc = _render(res)
    finally:
        res.close()
    suites = {s.get('name'): s for s in doc.iter('testsuite')}
    for name, service in (('compute.conf', 'nova'), ('cinder.conf',
                                                     'cinder')):
        suite = suites[name]
        [prop] = suite.iter('property')
        assert (prop.get('name'), prop.get('value')) == ('service', service)
        ids = {case.get('name').split()[0] for case in suite.iter('testcase')}
        assert ('GC801' in ids) is (service == 'cinder')
        assert ('GC101' in ids) is (service == 'nova')
