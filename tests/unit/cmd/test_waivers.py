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

"""``waivers check`` and the audit's ``--waivers``: exit codes and lines."""

from __future__ import annotations

import datetime
import io
import json

import pytest

from glance_conf.cmd import audit as cli
from glance_conf.cmd import waivers as waivers_cli

TODAY = datetime.date.today()
SOON = (TODAY + datetime.timedelta(days=30)).isoformat()
PAST = (TODAY - datetime.timedelta(days=30)).isoformat()
INSECURE = ('[glance]\ninsecure = true\nendpoint_override = https://g:9292\n'
            'verify_glance_signatures = true\ntimeout = 30\n'
            'enable_certificate_validation = true\n'
            'default_trusted_certificate_ids = 1f0e\n'
            'tls_min_version = 1.2\n')


def entry(check_id='GC101', expires=SOON, **scope):
    lines = ['- id: %s' % check_id, '  reason: lab CA until the rollout',
             '  owner: alice', '  expires: %s' % expires]
    lines += ['  %s: %s' % item for item in scope.items()]
    return '\n'.join(lines) + '\n'


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def waiver_file(tmp_path):
    def make(body):
        path = tmp_path / 'waivers.yaml'
        path.write_text(body)
        return str(path)
    return make


# -- waivers check ----------------------------------------------------------


def test_check_a_clean_file_is_exit_0(waiver_file):
    path = waiver_file(entry() + entry('GC504', option='debug'))
    code, out, err = run('waivers', 'check', path)
    assert (code, err) == (0, '')
    assert out == '%s: 2 waiver(s) well-formed, 0 problem(s)\n' % path


def test_check_lists_every_problem_with_its_line(waiver_file):
    """Unknown IDs, missing fields and dates, all at once: a reviewer
    fixes the file in one pass."""
    path = waiver_file(entry('GC999') + entry(expires=PAST)
                       + entry(expires='2999-01-01')
                       + '- id: GC101\n  owner: bob\n  expires: %s\n' % SOON)
    code, out, _ = run('waivers', 'check', path)
    assert code == 1
    assert out.splitlines() == [
        '%s:1: id: no such check is installed' % path,
        '%s:5: expires: the date is past (%s); the waiver no longer '
        'applies' % (path, PAST),
        '%s:9: expires: more than 366 days ahead (2999-01-01); review '
        'waivers at least that often, or allow it with --max-days' % path,
        '%s:13: waiver 4: missing required field reason' % path,
        '%s: 3 waiver(s) well-formed, 4 problem(s)' % path]


def test_max_days_allows_a_longer_horizon(waiver_file):
    far = (TODAY + datetime.timedelta(days=700)).isoformat()
    path = waiver_file(entry(expires=far))
    assert run('waivers', 'check', path)[0] == 1
    assert run('waivers', 'check', path, '--max-days', '800')[0] == 0


@pytest.mark.parametrize('argv', [
    ['waivers'], ['waivers', 'lint', 'x'], ['waivers', 'check'],
    ['waivers', 'check', 'x', '--max-days', 'soon'],
    ['waivers', 'check', 'x', '--max-days', '-1']])
def test_check_bad_usage_is_exit_2_on_one_line(argv):
    code, out, err = run(*argv)
    assert code == 2 and out == '' and len(err.splitlines()) == 1


@pytest.mark.parametrize('body, where', [('- id: [\n', 'line 2'),
                                         ('waivers: 3\n', 'line 1')])
def test_check_a_file_of_the_wrong_shape_is_exit_2(waiver_file, body,
                                                   where):
    path = waiver_file(body)
    code, out, err = run('waivers', 'check', path)
    assert (code, out) == (2, '')
    assert err.startswith('glance-conf-audit waivers: error: %s: %s: '
                          % (path, where))


def test_check_compares_with_the_day_it_is_given(waiver_file):
    path = waiver_file(entry(expires='2025-01-31'))
    for today, expected in ((datetime.date(2025, 1, 1), 0),
                            (datetime.date(2025, 2, 1), 1)):
        code = waivers_cli.run(['check', path], io.StringIO(),
                               io.StringIO(), today=today)
        assert code == expected


# -- --waivers and --show-suppressed ----------------------------------------


def test_a_waived_finding_does_not_fail_the_gate(conf_path, waiver_file):
    assert run('--config-file', conf_path, '--offline')[0] == 1
    code, out, err = run('--config-file', conf_path, '--offline',
                         '--waivers', waiver_file(entry()))
    assert (code, err) == (0, '')
    assert 'Waived: 1 finding(s) suppressed by' in out
    assert 'GC101' not in out  # behind --show-suppressed


def test_show_suppressed_lists_them(conf_path, waiver_file):
    code, out, _ = run('--config-file', conf_path, '--offline',
                       '--waivers', waiver_file(entry()),
                       '--show-suppressed')
    assert code == 0 and 'SUPPRESSED (1)' in out and 'GC101' in out


def test_an_expired_waiver_fails_the_gate_again(conf_path, waiver_file):
    """The expired waiver is not itself a failure; the finding it no
    longer covers is, and the report says which waiver expired."""
    path = waiver_file(entry(expires=PAST))
    code, out, _ = run('--config-file', conf_path, '--offline',
                       '--waivers', path)
    assert code == 1 and 'GC101' in out
    assert 'Warning: waiver %s:1 (GC101, owner alice) expired on %s' % (
        path, PAST) in out


def test_stale_waivers_do_not_fail_the_gate(conf_path, waiver_file):
    code, out, _ = run('--config-file', conf_path, '--offline', '--waivers',
                       waiver_file(entry() + entry('GC504')))
    assert code == 0 and 'matched no finding: stale' in out


def test_machine_formats_warn_on_stderr(conf_path, waiver_file):
    """A CI log shows expired and stale waivers even when the report is
    a SARIF file."""
    code, out, err = run('--config-file', conf_path, '--offline',
                         '--format', 'json', '--waivers',
                         waiver_file(entry(expires=PAST) + entry('GC504')))
    assert code == 1 and json.loads(out)['waivers']['stale']
    assert [line.split(': ')[1] for line in err.splitlines()] == [
        'warning', 'warning']


def test_a_malformed_waiver_file_is_exit_2_with_the_line(conf_path,
                                                         waiver_file):
    path = waiver_file(entry() + '  host: compute-1\n')
    code, out, err = run('--config-file', conf_path, '--waivers', path)
    assert code == 2 and out == ''
    assert err == ('glance-conf-audit: error: waivers %s: line 5: waiver 1: '
                   'unknown field host (expected one of: id, reason, owner, '
                   'expires, option, hosts, files, severity)\n' % path)


def test_a_missing_waiver_file_is_exit_2(conf_path, tmp_path):
    code, _, err = run('--config-file', conf_path, '--waivers',
                       str(tmp_path / 'none.yaml'))
    assert code == 2 and err.endswith('none.yaml: no such file\n')


def test_fleet_waivers_scope_by_host_and_file_glob(tmp_path, waiver_file):
    paths = []
    for name in ('compute-1', 'compute-2', 'edge-1'):
        path = tmp_path / ('%s.conf' % name)
        path.write_text(INSECURE)
        paths.append(str(path))
    by_host = waiver_file(entry(hosts='compute-*'))
    code, out, _ = run('--format', 'json', '--waivers', by_host, *paths)
    doc = json.loads(out)
    assert code == 1 and [f['file'] for f in doc['findings']
                          if f['id'] == 'GC101'] == [paths[2]]
    by_file = waiver_file(entry(files='edge-*.conf'))
    code, out, _ = run('--format', 'json', '--waivers', by_file, *paths)
    doc = json.loads(out)
    assert [f['file'] for f in doc['suppressed']] == [paths[2]]


@pytest.fixture
def conf_path(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text(INSECURE)
    return str(path)
