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

"""A baseline is read from a JSON report, strictly, and compared."""

from __future__ import annotations

import json
import os

import pytest

from glance_conf.audit import baseline
from glance_conf.audit.exception import LoadError
from glance_conf.audit.finding import FINGERPRINT_SCHEME
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity

INSECURE = Finding('GC101', Severity.HIGH, 295, 'glance.insecure', 'm', 'f',
                   '/etc/nova/nova.conf', 3)
TIMEOUT = Finding('GC301', Severity.LOW, 400, 'glance.timeout', 'm', 'f',
                  host='compute-1')


def _doc(*findings: Finding) -> dict:
    return {'fingerprints': FINGERPRINT_SCHEME,
            'findings': [f.to_dict() for f in findings]}


def _parse(doc: object) -> baseline.Baseline:
    return baseline.parse('b.json', json.dumps(doc).encode())


def test_a_report_is_read_by_fingerprint():
    known = _parse(_doc(INSECURE, TIMEOUT, INSECURE))
    assert len(known) == 2
    assert INSECURE.fingerprint in known and TIMEOUT.fingerprint in known
    assert known.entries[TIMEOUT.fingerprint] == baseline.Entry(
        TIMEOUT.fingerprint, 'GC301', 'glance.timeout', 'compute-1')


def test_compare_counts_known_and_lists_fixed():
    known = _parse(_doc(INSECURE, TIMEOUT))
    moved = Finding('GC101', Severity.HIGH, 295, 'glance.insecure', 'other',
                    'f', '/srv/nova/nova.conf.d/50.conf', 9)
    debug = Finding('GC504', Severity.LOW, 532, 'glance.debug', 'm', 'f')
    comparison = baseline.compare(known, [moved, debug, moved])
    assert comparison.known[Severity.HIGH] == 2
    assert comparison.known_total == 2
    assert [e.check_id for e in comparison.fixed] == ['GC301']


@pytest.mark.parametrize('data, reason', [
    (b'{', 'not JSON (line 1, column 2)'),
    (b'\xff\xfe', 'not UTF-8, so not a JSON report'),
    (b'[1]', 'not a JSON report of glance-conf-audit (no findings list); '
             'write one with --format json'),
    (b'{"findings": {}}', 'not a JSON report of glance-conf-audit (no '
                          'findings list); write one with --format json'),
    (b'{"findings": []}', 'its fingerprints are not %s (written by another '
                          'version); write a new baseline'
                          % FINGERPRINT_SCHEME),
    (b'{"fingerprints": "glanceConfAudit/v1", "findings": []}',
     'its fingerprints are not %s' % FINGERPRINT_SCHEME),
    (b'{"fingerprints": "%s", "findings": [3]}', 'findings[0] is not an '
                                                 'object'),
    (b'{"fingerprints": "%s", "findings": [{"id": "GC101"}]}',
     'findings[0]: fingerprint is missing or not 32 hexadecimal digits'),
    (b'{"fingerprints": "%s", "findings": [{"id": "GC101", '
     b'"fingerprint": "secret-token-value"}]}',
     'findings[0]: fingerprint is missing or not 32 hexadecimal digits'),
    (b'{"fingerprints": "%s", "findings": [{"fingerprint": "' + b'a' * 32
     + b'"}]}', 'findings[0]: id is missing or not a name'),
    (b'{"fingerprints": "%s", "findings": [{"id": "GC1", "fingerprint": "'
     + b'a' * 32 + b'", "host": 7}]}', 'findings[0]: host is missing or '
                                       'not a name'),
    (b'[' * 100000, 'not JSON that can be read'),
])
def test_a_malformed_baseline_is_one_line_quoting_nothing(data, reason):
    data = data.replace(b'%s', FINGERPRINT_SCHEME.encode())
    with pytest.raises(LoadError) as info:
        baseline.parse('b.json', data)
    assert info.value.reason.startswith(reason)
    assert '\n' not in str(info.value)
    assert 'secret' not in str(info.value)


def test_unreadable_files_are_refused(tmp_path, monkeypatch):
    with pytest.raises(LoadError, match='no such file'):
        baseline.load(str(tmp_path / 'missing.json'))
    with pytest.raises(LoadError, match='is a directory, not a file'):
        baseline.load(str(tmp_path))
    fifo = tmp_path / 'fifo'
    os.mkfifo(fifo)
    with pytest.raises(LoadError, match='not a regular file'):
        baseline.load(str(fifo))
    big = tmp_path / 'big.json'
    big.write_text(json.dumps(_doc(INSECURE)))
    monkeypatch.setattr(baseline, 'MAX_BASELINE_BYTES', 10)
    with pytest.raises(LoadError, match='the limit is 10$'):
        baseline.load(str(big))


def test_host_of_a_fleet_file_is_its_stem():
    assert baseline.host_of('/fleet/site-a/compute-1.conf') == 'compute-1'
    assert baseline.host_of('compute-1.example.org.conf') == \
        'compute-1.example.org'
    assert baseline.host_of('hosts/compute-2') == 'compute-2'
    assert baseline.host_of('.conf') == '.conf'


def test_shared_hosts_are_named_once():
    assert baseline.shared_hosts(['a/nova.conf', 'b/nova.conf',
                                  'c/nova.conf', 'x.conf']) == ['nova']
    assert baseline.shared_hosts(['a.conf', 'b.conf']) == []
    # One file named twice is one host, not two sharing a name.
    assert baseline.shared_hosts(['a/nova.conf', 'a/nova.conf']) == []


def test_a_waived_finding_is_still_there_not_fixed():
    found = Finding('GC201', Severity.HIGH, 347, 'glance.x', 'm', 'r')
    entries = {found.fingerprint: baseline.Entry(
        found.fingerprint, 'GC201', 'glance.x', None)}
    known = baseline.Baseline('old.json', entries)
    assert baseline.compare(known, []).fixed == list(entries.values())
    assert baseline.compare(known, [], present=[found]).fixed == []


def test_reports_with_and_without_the_lists_for_convert_are_read():
    """A report written before ``convert`` (findings only) and one
    written after (files, posture rows, findings flagged ``new``) are
    the same baseline."""
    old = _doc(INSECURE, TIMEOUT)
    new = dict(old, files=[{'path': 'a.conf', 'service': 'nova'}],
               posture=[], gate='medium',
               findings=[dict(f, known=False, new=True, in_baseline=None)
                         for f in old['findings']])
    assert _parse(old) == _parse(new)
    assert baseline.document('b.json', json.dumps(new).encode()) == new
