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

"""The result model: the spool, and each finding's fate decided once."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from glance_conf.audit import baseline
from glance_conf.audit import manager
from glance_conf.audit import result as result_mod
from glance_conf.audit import waivers
from glance_conf.audit.finding import Severity
from glance_conf.audit.result import State

TODAY = datetime.date(2026, 1, 1)


def _checks(*ids):
    return [c for c in manager.load_checks() if c.id in ids]


def test_spool_moves_to_disk_and_replays(monkeypatch):
    monkeypatch.setattr(result_mod, 'SPOOL_MEMORY', 1000)
    spool = result_mod.Spool()
    [check] = _checks('GC301')
    finding = check().finding('glance.timeout', 'x' * 100, '/f')
    for _ in range(50):
        spool.add(finding)
    assert spool._file._rolled
    assert len(list(spool)) == 50 and len(list(spool)) == 50
    assert spool.counts[Severity.LOW] == 50
    spool.close()

def test_a_waiver_sees_a_finding_as_the_reports_show_it():
    """A file name that is not UTF-8 reaches the waivers escaped, as
    every report writes it, so a waiver written from a report covers
    it; the finding is kept suppressed, escaped too."""
    [check] = _checks('GC301')
    odd = check().finding('glance.timeout', 'm', '/etc/nova/nova\udcff.conf')
    waiver = waivers.Waiver('GC301', 'known', 'ops', datetime.date.max, 1,
                            files=('/etc/nova/nova\\udcff.conf',))
    result = result_mod.Result('fleet', [], waivers=waivers.Waivers(
        'w.yaml', [waiver]))
    result.add(dataclasses.replace(odd, host='nova'))
    # A finding about the whole fleet: its blamed files, escaped too.
    result.add(dataclasses.replace(odd, blamed=(odd.file,)))
    assert len(result.findings) == 0
    kept = list(result.suppressed)
    assert [f.file for f in kept] == ['/etc/nova/nova\\udcff.conf'] * 2
    assert kept[1].blamed == ('/etc/nova/nova\\udcff.conf',)
    result.close()


def test_problems_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(result_mod, 'MAX_PROBLEMS_KEPT', 3)
    result = result_mod.Result('fleet', [])
    for i in range(10):
        result.problem('/f%d' % i, 'bad')
    assert len(result.problems) == 3 and result.problem_count == 10

def test_spool_keeps_a_finding_key_writable():
    """A group name from a file name that is not UTF-8 is escaped."""
    spool = result_mod.Spool()
    [check] = _checks('GC601')
    finding = dataclasses.replace(
        check().finding('glance.insecure', 'm', '/f'), key='\ud800\x1fTrue')
    spool.add(finding)
    [replayed] = list(spool)
    assert replayed.key == '\\ud800\x1fTrue'
    assert len(replayed.fingerprint) == 32
    spool.close()


def _entry(found):
    return baseline.Baseline('b.json', {found.fingerprint: baseline.Entry(
        found.fingerprint, found.check_id, found.option, None)})


@pytest.fixture
def findings():
    """GC101 (high), GC201 (high) and GC301 (low) in one file."""
    by_id = {c.id: c for c in _checks('GC101', 'GC201', 'GC301')}
    return {
        'GC101': by_id['GC101']().finding('glance.insecure', 'TLS off.',
                                          'nova.conf', 3),
        'GC201': by_id['GC201']().finding('glance.verify_glance_signatures',
                                          'Off.', 'nova.conf', 4),
        'GC301': by_id['GC301']().finding('glance.timeout', 'Long.',
                                          'nova.conf', 5),
    }


def _result(findings, fail_on=Severity.MEDIUM):
    res = result_mod.Result('service', _checks('GC101', 'GC201', 'GC301'),
                            fail_on=fail_on, waivers=waivers.Waivers(
                                'w.yaml', [waivers.Waiver(
                                    'GC201', 'accepted risk', 'ops', TODAY +
                                    datetime.timedelta(days=9), 2)],
                                today=TODAY))
    for found in findings.values():
        res.add(found)
    return res


@pytest.mark.parametrize('fail_on, failing', [
    (Severity.LOW, {'GC301'}), (Severity.MEDIUM, set()),
    (Severity.HIGH, set()), (None, set())])
def test_each_finding_is_decided_once_whatever_asks(findings, fail_on,
                                                    failing):
    """GC201 waived, GC101 known, GC301 open: only open findings at the
    gate fail it, and the gate says the same as the findings."""
    res = _result(findings, fail_on)
    try:
        res.use_baseline(_entry(findings['GC101']))
        decided = {found.check_id: d for found, d in res.decided()}
        assert {k: d.state for k, d in decided.items()} == {
            'GC101': State.KNOWN, 'GC201': State.WAIVED,
            'GC301': State.OPEN}
        assert {k for k, d in decided.items() if d.fails_gate} == failing
        assert res.gate_fails is bool(failing)
        assert decided['GC201'].waiver is not None
        assert decided['GC201'].waiver.reason == 'accepted risk'
        assert decided['GC201'].why_passed == 'waived: accepted risk'
        assert decided['GC101'].why_passed == 'known: in the baseline'
        assert decided['GC101'].in_baseline is True
        assert decided['GC301'].in_baseline is False
    finally:
        res.close()


def test_without_a_baseline_or_previous_nothing_is_known_or_new(findings):
    res = _result(findings)
    try:
        decided = {found.check_id: d for found, d in res.decided()}
        assert decided['GC101'].state is State.OPEN
        assert decided['GC101'].fails_gate
        assert decided['GC101'].why_passed is None
        assert {d.new for d in decided.values()} == {None}
        assert {d.in_baseline for d in decided.values()} == {None}
        assert res.gate_fails
    finally:
        res.close()


def test_new_against_previous(findings):
    res = _result(findings)
    try:
        res.previous = _entry(findings['GC301'])
        decided = {found.check_id: d for found, d in res.decided()}
        assert {k: d.new for k, d in decided.items()} == {
            'GC101': True, 'GC201': True, 'GC301': False}
    finally:
        res.close()


def test_posture_rows_are_bounded(monkeypatch):
    monkeypatch.setattr(result_mod, 'MAX_POSTURE_ROWS', 1)
    res = result_mod.Result('fleet', [])
    row = result_mod.PostureRow('h', '', 'h.conf', (None,), (0,))
    res.keep_posture(row)
    res.keep_posture(row)
    res.keep_posture(None)
    assert list(res.posture) == [row] and res.posture_dropped == 2
    res.close()


def test_records_spill_to_disk_and_replay_as_they_were(monkeypatch):
    """Per-host records cost no memory per host: past the spool's size
    they sit in a temporary file, and come back decoded, in order."""
    monkeypatch.setattr(result_mod, 'SPOOL_MEMORY', 1000)
    rows = [result_mod.PostureRow('compute-%d' % i, 'az1', '/f%d' % i,
                                  ('True', None), (3, 0)) for i in range(50)]
    records = result_mod.posture_records(rows)
    try:
        assert records._file._rolled
        assert len(records) == 50
        assert list(records) == rows == list(records)
        records.append(rows[0])
        assert list(records)[-1] == rows[0] and len(records) == 51
    finally:
        records.close()
    names = result_mod.Records[str](items=['a:/etc/nova/nova.conf', 'b'])
    assert list(names) == ['a:/etc/nova/nova.conf', 'b']
    names.close()


def test_a_finding_is_about_its_files_service_in_a_mixed_run(findings):
    """What SARIF, Prometheus and JSON state per finding: the run's
    service, or in a run of several, the service of the finding's file
    (nova's for a finding in no file)."""
    res = result_mod.Result('fleet', [], service='cinder')
    found = findings['GC101']
    assert res.service_of_finding(found) == 'cinder'
    res = result_mod.Result('fleet', [], service='mixed')
    res.note_service('cinder', ['c:/etc/cinder/cinder.conf'])
    res.note_service('nova', ['nova.conf'])
    assert res.service_of_finding(found) == 'nova'
    assert res.service_of_finding(dataclasses.replace(
        found, file='c:/etc/cinder/cinder.conf')) == 'cinder'
    assert res.service_of_finding(dataclasses.replace(
        found, file=None)) == 'nova'
