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

"""``glance-conf-audit convert``: a saved JSON report, re-rendered, is
the report the run would have written (issue 22, item 5)."""

from __future__ import annotations

import io
import json
import re

import pytest

from glance_conf.audit import baseline
from glance_conf.audit import manager
from glance_conf.audit.result import Result
from glance_conf.cmd import audit as cli
from glance_conf.cmd import convert

HOSTS = {
    # GC201 (waived), GC101, drift between the groups' hosts.
    'web-compute-1': '[glance]\nverify_glance_signatures = False\n'
                     'insecure = True\n',
    'web-compute-2': '[glance]\nverify_glance_signatures = False\n'
                     'num_retries = 20\n',
    'db-compute-3': '[glance]\napi_servers = http://glance:9292\n'
                    'insecure = True\n',
    'db-compute-4': '[glance]\napi_servers = https://glance:9292\n',
    # Drifts with web-compute-1, past the GC601 waiver's files.
    'web-compute-5': '[glance]\ninsecure = True\n',
}
#: A waiver in force, an expired one, a stale one, one naming no host
#: of the run, one its findings outgrew, and one covering some of the
#: hosts a drift blames: every notice.
WAIVERS = '''\
- id: GC201
  reason: unsigned images until the CA is up
  owner: ops@example.org
  expires: 2099-01-01
- id: GC101
  reason: lab hosts
  owner: lab@example.org
  expires: 2001-01-01
- id: GC203
  reason: nothing left of it
  owner: ops@example.org
  expires: 2099-01-01
- id: GC101
  hosts: [storage-*]
  reason: storage hosts only
  owner: ops@example.org
  expires: 2099-01-01
- id: GC101
  severity: low
  reason: accepted while low
  owner: ops@example.org
  expires: 2099-01-01
- id: GC601
  files: web-compute-1.conf
  reason: one web host may differ
  owner: ops@example.org
  expires: 2099-01-01
'''
FORMATS = ('text', 'json', 'sarif', 'junit', 'html', 'prometheus')
#: What differs between two writes of one result: the time of writing.
VOLATILE = re.compile(r'^(glance_conf_audit_last_run_timestamp_seconds'
                      r'(?:\{[^}]*\})?) \d+$', re.M)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    """Paths of one fleet, its waivers and an earlier report of it."""
    root = tmp_path_factory.mktemp('fleet')
    paths = []
    for host, text in HOSTS.items():
        path = root / ('%s.conf' % host)
        path.write_text(text)
        paths.append(str(path))
    waivers = root / 'waivers.yaml'
    waivers.write_text(WAIVERS)
    earlier = root / 'earlier.json'
    code, out, err = run('--format', 'json', '--fail-on', 'never',
                         *paths[:2], paths[3])
    assert code == 0, err
    earlier.write_text(out)
    return root, paths, (
        '--waivers', str(waivers), '--baseline', str(earlier),
        '--previous', str(earlier), '--group-by', r'/(web|db)-[^/]*$',
        '--docs-url', 'https://docs.example.org/audit/checks.html',
        '--sarif-include-waived', '--fail-on', 'low')


def _same(text: str) -> str:
    return VOLATILE.sub(r'\1 0', text)


def test_every_format_converted_is_the_direct_report(fleet):
    """Each format written from the JSON report equals the one written
    by the run itself, byte for byte but for the time of writing; and
    the run had findings of every state, notices and drift, or this
    would prove little."""
    root, paths, common = fleet
    argv = []
    for fmt in FORMATS:
        argv += ['--format', fmt, '--output', str(root / ('direct.' + fmt))]
    code, _, err = run(*argv, *common, *paths)
    assert code == 1, err
    doc = json.loads((root / 'direct.json').read_text())
    assert {f['known'] for f in doc['findings']} == {True, False}
    assert {f['new'] for f in doc['findings']} == {True, False}
    assert doc['suppressed'] and doc['posture'] and doc['groups']
    assert doc['previous']['fixed'] and doc['baseline']['fixed']
    notices = doc['waivers']
    assert all(notices[k] for k in ('expired', 'stale', 'no_host',
                                    'outgrown', 'partial'))
    argv = []
    for fmt in FORMATS:
        argv += ['--format', fmt, '--output', str(root / ('again.' + fmt))]
    converted = run('convert', *argv, str(root / 'direct.json'))
    assert converted[0] == code, converted[2]
    for fmt in FORMATS:
        direct = (root / ('direct.' + fmt)).read_text()
        again = (root / ('again.' + fmt)).read_text()
        assert _same(again) == _same(direct), fmt


def test_a_report_from_before_partial_waivers_converts(fleet, tmp_path):
    """A JSON report written before the ``partial`` verdict existed
    recorded none; it converts as such."""
    root, paths, common = fleet
    code, out, err = run('--format', 'json', *common, *paths)
    assert code == 1, err
    doc = json.loads(out)
    assert doc['waivers'].pop('partial')
    code, text, err = run('convert', _write(tmp_path, 'r.json',
                                            json.dumps(doc)))
    assert code == 1, err
    assert 'does not cover every host' not in text
    assert 'expired on 2001-01-01' in text


def test_a_waived_finding_keeps_its_waiver_whatever_its_file(fleet,
                                                              tmp_path):
    """A report's file name that UTF-8 cannot carry (a lone surrogate,
    written as an escape by hand) is made safe as the spool keeps it;
    the waiver that took the finding is found again all the same."""
    root, paths, common = fleet
    code, out, err = run('--format', 'json', *common, *paths)
    assert code == 1, err
    doc = json.loads(out)
    doc['suppressed'][0]['file'] = 'web-\ud800.conf'
    doc['suppressed'][0]['blamed'] = ['web-\ud800.conf']
    code, again, err = run('convert', '--format', 'json', _write(
        tmp_path, 'r.json', json.dumps(doc)))
    assert code == 1, err
    [kept] = [f for f in json.loads(again)['suppressed']
              if f['file'] == 'web-\\ud800.conf']
    assert kept['blamed'] == ['web-\\ud800.conf']
    assert kept['waiver'] == doc['suppressed'][0]['waiver']


def test_the_gate_is_the_reports_unless_given(fleet, tmp_path):
    root, paths, _ = fleet
    report = tmp_path / 'report.json'
    code, out, _ = run('--format', 'json', '--fail-on', 'never', *paths)
    assert code == 0
    report.write_text(out)
    assert run('convert', str(report))[0] == 0
    assert run('convert', '--fail-on', 'medium', str(report))[0] == 1


def test_flags_given_win_over_the_reports_settings(fleet, tmp_path):
    """The SARIF settings recorded are used unless given: a higher
    floor given to convert leaves out what the run wrote."""
    root, paths, common = fleet
    report = tmp_path / 'report.json'
    report.write_text(run('--format', 'json', *common, *paths)[1])
    _, as_run, _ = run('convert', '--format', 'sarif', str(report))
    _, floor, _ = run('convert', '--format', 'sarif',
                      '--sarif-min-severity', 'high', str(report))
    levels = [{r['properties']['severity'] for r in
               json.loads(text)['runs'][0]['results']}
              for text in (as_run, floor)]
    assert levels[0] > {'high'} and levels[1] == {'high'}


def test_a_probe_report_is_refused(tmp_path):
    """What the probe observed is not in the JSON: converting it would
    drop the certificate sections, so it is refused."""
    code, out, _ = run('--format', 'json', '--fail-on', 'never',
                       _write(tmp_path, 'a.conf', '[glance]\n'))
    doc = json.loads(out)
    doc['probed_endpoints'] = 1
    code, _, err = run('convert', _write(tmp_path, 'r.json',
                                         json.dumps(doc)))
    assert code == 2 and 'probe' in err and len(err.splitlines()) == 1


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


SECRET = 'hunter2-s3cr3t'


@pytest.mark.parametrize('change, named', [
    (lambda d: d.pop('files'), 'files is missing'),
    (lambda d: d.update(gate=SECRET), 'gate is not a severity'),
    (lambda d: d['findings'].insert(0, {'id': SECRET}), 'findings[0].'),
    (lambda d: d['findings'].insert(0, SECRET), 'findings[0] is not'),
    (lambda d: d.update(posture=[[SECRET]]), 'posture[0]'),
    (lambda d: d['checks'].append({'id': SECRET}), 'checks[0]: a check'),
    (lambda d: d.update(mode=SECRET), 'mode is not one of'),
    (lambda d: d.update(service=SECRET), 'service is not one of'),
    # It would become the HTML report's links and SARIF's helpUri.
    (lambda d: d['rendering'].update(
        docs_url='javascript:alert(1)//' + SECRET),
     'rendering.docs_url is not an http(s) URL'),
    # It would become a Prometheus label and a SARIF property.
    (lambda d: d['files'][0].update(service='cinder"} 1\n' + SECRET),
     'files[0].service is not one of'),
    (lambda d: d.update(rendering=[SECRET]), 'rendering has the wrong'),
    (lambda d: d.update(errors=[{'file': 1, 'message': SECRET}]),
     'errors[0].file'),
    (lambda d: d['findings'][0].update(blamed=SECRET),
     'findings[0].blamed is not a list'),
    (lambda d: d['findings'][0].update(blamed={}),
     'findings[0].blamed is not a list'),
    (lambda d: d['findings'][0].update(blamed=[SECRET] * 101),
     'findings[0].blamed is not a list of at most 100 files'),
])
def test_a_malformed_report_is_one_line_naming_the_field(tmp_path, change,
                                                          named):
    _, out, _ = run('--format', 'json', '--fail-on', 'never',
                    _write(tmp_path, 'a.conf', '[glance]\n'))
    doc = json.loads(out)
    doc['checks'] = doc['checks'][:0] if named.startswith('checks') \
        else doc['checks']
    change(doc)
    report = _write(tmp_path, 'r.json', json.dumps(doc))
    code, stdout, err = run('convert', report)
    assert code == 2 and stdout == ''
    assert err.startswith('glance-conf-audit convert: error: %s: ' % report)
    assert named in err and SECRET not in err
    assert len(err.splitlines()) == 1


def test_a_report_malformed_late_leaves_no_spool_open(tmp_path,
                                                     monkeypatch):
    """The findings were already spooled when the earlier reports'
    part is refused: the half-built result is closed, not left to the
    garbage collector."""
    _, out, _ = run('--format', 'json', '--fail-on', 'never',
                    _write(tmp_path, 'a.conf', '[glance]\ninsecure = true\n'))
    doc = json.loads(out)
    assert doc['findings']
    doc['baseline'] = {'file': 'b.json', 'fixed': SECRET}
    closed = []
    real_close = Result.close
    monkeypatch.setattr(Result, 'close',
                        lambda self: closed.append(self) or real_close(self))
    with pytest.raises(convert.Malformed):
        convert.rebuild(doc, manager.load_checks())
    assert len(closed) == 1


@pytest.mark.parametrize('data, reason', [
    (b'\xff\xfe', 'not UTF-8'),
    (b'{"findings": [', 'not JSON'),
    (b'[]', 'no findings list'),
    (b'{"findings": []}', 'fingerprints are not'),
])
def test_not_a_report_is_one_line(tmp_path, data, reason):
    path = tmp_path / 'r.json'
    path.write_bytes(data)
    code, _, err = run('convert', str(path))
    assert code == 2 and reason in err and len(err.splitlines()) == 1


def test_a_report_too_large_or_not_a_file_is_refused(tmp_path,
                                                     monkeypatch):
    monkeypatch.setattr(baseline, 'MAX_BASELINE_BYTES', 10)
    path = _write(tmp_path, 'r.json', '{"findings": []}')
    code, _, err = run('convert', path)
    assert code == 2 and 'file is 16 bytes; the limit is 10' in err
    code, _, err = run('convert', str(tmp_path))
    assert code == 2 and 'is a directory, not a file' in err


def test_usage(tmp_path):
    code, out, _ = run('convert', '--help')
    assert code == 0 and out.startswith('usage: glance-conf-audit convert')
    assert '--sarif-max-results' in out and '--fail-on' in out
    code, _, err = run('convert')
    assert code == 2 and len(err.splitlines()) == 1


def test_the_time_of_writing_is_what_is_set_aside():
    """The last-run line carries labels (tool, since the audit's and the
    probe's files share node_exporter's directory): still set aside."""
    line = ('glance_conf_audit_last_run_timestamp_seconds{tool="audit"} '
            '1796596778')
    assert VOLATILE.sub(r'\1 0', line) == (
        'glance_conf_audit_last_run_timestamp_seconds{tool="audit"} 0')
