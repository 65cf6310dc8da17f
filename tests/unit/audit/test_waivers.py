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

"""Waivers: what they match, when they stop, and how every report shows
them."""

from __future__ import annotations

import datetime
import io
import json

import pytest

from glance_conf.audit import baseline
from glance_conf.audit import manager
from glance_conf.audit import result as result_mod
from glance_conf.audit import runner
from glance_conf.audit import waivers
from glance_conf.audit.exception import LoadError
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.report import json_report
from glance_conf.audit.report import sarif
from glance_conf.audit.report import text

TODAY = datetime.date(2025, 6, 1)
INSECURE = '[glance]\ninsecure = true\nendpoint_override = https://g:9292\n'


def _finding(check_id='GC101', option='glance.insecure',
             file='/etc/nova/nova.conf', line=3):
    return Finding(check_id, Severity.HIGH, 295, option, 'Off.', 'Fix it.',
                   file, line)


def _waiver(**fields):
    values = {'check_id': 'GC101', 'reason': 'lab', 'owner': 'alice',
              'expires': datetime.date(2025, 12, 31), 'line': 1}
    values.update(fields)
    return waivers.Waiver(**values)


def _load(tmp_path, body, today=TODAY, hostname='compute-1.example.org'):
    path = tmp_path / 'waivers.yaml'
    path.write_text(body)
    return waivers.load(str(path), today, hostname)


ENTRY = ('- id: gc101\n  reason: lab CA\n  owner: alice\n'
         '  expires: 2025-12-31\n')


# -- Reading --------------------------------------------------------------


@pytest.mark.parametrize('body', [ENTRY, 'waivers:\n' + ENTRY.replace(
    '\n', '\n  ').replace('- id', '  - id')])
def test_both_shapes_are_read(tmp_path, body):
    """A bare list and ``waivers:`` holding one mean the same."""
    [waiver] = _load(tmp_path, body).entries
    assert waiver == waivers.Waiver('GC101', 'lab CA', 'alice',
                                    datetime.date(2025, 12, 31), line=1
                                    if body == ENTRY else 2)


@pytest.mark.parametrize('body', ['', 'waivers:\n', 'waivers: []\n'])
def test_an_empty_file_waives_nothing(tmp_path, body):
    assert _load(tmp_path, body).entries == []


def test_scopes_take_one_glob_or_a_list(tmp_path):
    [waiver] = _load(tmp_path, ENTRY + '  hosts: [c-1*, c-2*]\n'
                     '  files: "*.conf"\n  option: insecure\n').entries
    assert waiver.hosts == ('c-1*', 'c-2*') and waiver.files == ('*.conf',)
    assert waiver.option == 'insecure'


@pytest.mark.parametrize('body, reason', [
    ('- id: GC101\n  reason: r\n  owner: o\n',
     'line 1: waiver 1: missing required field expires'),
    (ENTRY + '- id: GC101\n  owner: o\n  expires: 2025-01-01\n',
     'line 5: waiver 2: missing required field reason'),
    (ENTRY + '  host: compute-1\n',
     'line 5: waiver 1: unknown field host (expected one of: id, reason, '
     'owner, expires, option, hosts, files, severity)'),
    (ENTRY + '  owner: bob\n', 'line 5: waiver 1: field owner given twice'),
    (ENTRY.replace('2025-12-31', '2025-02-30'),
     'line 4: expires: expected a date, YYYY-MM-DD'),
    (ENTRY.replace('2025-12-31', 'next year'),
     'line 4: expires: expected a date, YYYY-MM-DD'),
    (ENTRY.replace('lab CA', '""'), 'line 2: reason: expected a non-empty '
     'text'),
    (ENTRY + '  hosts: []\n', 'line 5: hosts: expected a glob or a list of '
     '1 to 100 globs'),
    (ENTRY + '  files: {a: b}\n', 'line 5: files: expected a non-empty '
     'text'),
    ('- GC101\n', 'line 1: waiver 1: expected a mapping of fields (id, '
     'reason, owner, expires, option, hosts, files, severity)'),
    (ENTRY + '  severity: worst\n', 'line 5: severity: expected one of '
     'info, low, medium, high'),
    ('id: GC101\n', 'line 1: expected a list of waivers, or a mapping whose '
     'only key is waivers'),
    ('waivers: GC101\n', 'line 1: expected a list of waivers'),
    ('- id: [GC101\n', 'line 2: not valid YAML'),
])
def test_malformed_files_name_the_line(tmp_path, body, reason):
    """The audit stops (exit 2) rather than guess at a waiver; a typo in a
    scope field would otherwise waive more than meant."""
    with pytest.raises(LoadError) as caught:
        _load(tmp_path, body)
    assert caught.value.reason == reason


def test_severity_is_read_in_any_case(tmp_path):
    [waiver] = _load(tmp_path, ENTRY + '  severity: Medium\n').entries
    assert waiver.severity is Severity.MEDIUM
    assert waiver.to_dict()['severity'] == 'medium'


def test_errors_never_echo_values(tmp_path):
    """Errors name fields, never what was in them."""
    body = ENTRY.replace('2025-12-31', 's3cr3t-value') + '  hosts: {}\n'
    entries, problems = waivers.parse('w.yaml', body)
    assert entries == [] and len(problems) == 2
    assert not any('s3cr3t' in str(p) for p in problems)


def test_yaml_tags_construct_nothing(tmp_path):
    """Only nodes are composed: a Python tag builds no object, the
    scalar is read as its text."""
    body = ENTRY.replace('lab CA', '!!python/object/new:str lab')
    [waiver] = _load(tmp_path, body).entries
    assert waiver.reason == 'lab'
    body = ENTRY.replace('lab CA', '!!python/object/apply:os.system [id]')
    with pytest.raises(LoadError, match='line 2: reason: expected'):
        _load(tmp_path, body)


def test_too_many_waivers_is_an_error(tmp_path):
    with pytest.raises(LoadError, match='more than 1000 waivers'):
        _load(tmp_path, ENTRY * (waivers.MAX_WAIVERS + 1))


# -- Matching -------------------------------------------------------------


@pytest.mark.parametrize('waiver, found, expected', [
    (_waiver(), _finding(), True),
    (_waiver(check_id='GC102'), _finding(), False),
    (_waiver(option='insecure'), _finding(), True),
    (_waiver(option='glance.insecure'), _finding(), True),
    (_waiver(option='ssl.insecure'), _finding(), False),
    (_waiver(option='cafile'), _finding(), False),
    (_waiver(option='insecure'), _finding(option=None), False),
    (_waiver(files=('nova.conf',)), _finding(), True),
    (_waiver(files=('*.conf',)), _finding(), True),
    (_waiver(files=('/etc/nova/*',)), _finding(), True),
    (_waiver(files=('/srv/*',)), _finding(), False),
    (_waiver(files=('nova.conf.d/*.conf',)),
     _finding(file='/etc/nova/nova.conf.d/10.conf'), False),
    (_waiver(files=('*/nova.conf.d/*.conf',)),
     _finding(file='/etc/nova/nova.conf.d/10.conf'), True),
    (_waiver(files=('*.conf',)), _finding(file=None), False),
    (_waiver(severity=Severity.HIGH), _finding(), True),
    (_waiver(severity=Severity.MEDIUM), _finding(), False),
])
def test_what_a_waiver_matches(waiver, found, expected):
    """``id`` exactly; ``option`` by ``group.name`` or by name in any
    group; ``files`` by path, or by file name when the glob has no
    slash."""
    assert waiver.matches(found, (), waivers.files_of(found, 'service')) \
        is expected


@pytest.mark.parametrize('hosts, path, expected', [
    (('compute-1',), 'site/compute-1.conf', True),
    (('compute-1.conf',), 'site/compute-1.conf', True),
    (('compute-*',), 'site/compute-2.conf', True),
    (('compute-1',), 'site/compute-10.conf', False),
    (('edge-*', 'compute-1'), 'compute-1.conf', True),
    (('compute-*',), None, False),
])
def test_hosts_in_fleet_mode_are_file_names_and_stems(hosts, path,
                                                      expected):
    host = baseline.host_of(path) if path else None
    found = _finding(file=path)
    names = waivers.fleet_host_names(host, path)
    assert _waiver(hosts=hosts).matches(found, names, ()) is expected


@pytest.mark.parametrize('hosts, expected', [
    (('compute-01',), True),
    (('compute-0*',), True),
    (('nova',), False),       # the file's stem, not a host
    (('nova.conf',), False),
    (('*.conf',), False),
    (('n*',), False),
    (('compute-01:*',), False),
])
def test_hosts_in_bundles_mode_are_the_bundles_host(hosts, expected):
    """A bundle's file is ``host:/etc/nova/nova.conf``: its name says
    nothing of the host."""
    found = _finding(file='compute-01:/etc/nova/nova.conf')
    names = waivers.fleet_host_names('compute-01', found.file)
    assert names == ('compute-01',)
    assert _waiver(hosts=hosts).matches(found, names, ()) is expected


def test_a_finding_about_the_whole_fleet_has_no_host():
    assert waivers.fleet_host_names(None, 'compute-1.conf') == ()


LAB = ('site/lab-1.conf', 'site/lab-2.conf')


@pytest.mark.parametrize('blamed, expected', [
    (LAB, True),
    (LAB + ('site/prod-1.conf',), False),
    # The check counted more hosts than it kept: it points at a lab host,
    # but who else is blamed is not known.
    ((), False),
])
def test_files_cover_a_fleet_finding_only_if_they_cover_every_host(
        blamed, expected):
    """A fleet finding points at one blamed host; before, a ``files``
    scope matching that one waived the drift of every other."""
    found = Finding('GC601', Severity.MEDIUM, 1, 'glance.insecure', 'Drift.',
                    'Fix it.', LAB[0], None, blamed=blamed)
    files = waivers.files_of(found, 'fleet')
    assert files == blamed
    assert _waiver(check_id='GC601', files=('lab-*',)).matches(
        found, (), files) is expected
    # A finding on one host is its own file, in either mode.
    on_host = Finding('GC101', Severity.HIGH, 1, None, 'Off.', 'Fix it.',
                      'site/prod-1.conf', host='prod-1')
    assert waivers.files_of(on_host, 'fleet') == ('site/prod-1.conf',)
    assert waivers.files_of(found, 'service') == (LAB[0],)


def test_hosts_in_service_mode_are_this_machines_names(tmp_path):
    """A per-host run matches ``hosts`` on the host name, whole or its
    first label, never on the config's file name."""
    active = _load(tmp_path, ENTRY + '  hosts: compute-1\n',
                   hostname='compute-1.example.org')
    assert active.apply(_finding(file='/etc/nova/nova.conf'), 'service')
    other = _load(tmp_path, ENTRY + '  hosts: compute-1\n',
                  hostname='compute-2.example.org')
    assert other.apply(_finding(file='/etc/compute-1.conf'),
                       'service') is None


# -- Expiry and stale waivers -----------------------------------------------


@pytest.mark.parametrize('today, applies', [
    (datetime.date(2025, 12, 30), True),
    (datetime.date(2025, 12, 31), True),  # the last day it applies
    (datetime.date(2026, 1, 1), False),
])
def test_a_waiver_applies_through_its_date(tmp_path, today, applies):
    active = _load(tmp_path, ENTRY, today=today)
    assert (active.apply(_finding(), 'service') is not None) is applies
    assert (active.expired() == []) is applies


def test_an_expired_waiver_is_named_with_what_it_would_cover(tmp_path):
    active = _load(tmp_path, ENTRY, today=datetime.date(2026, 1, 1))
    for _ in range(2):
        assert active.apply(_finding(), 'service') is None
    [(waiver, count)] = active.expired()
    assert waiver.line == 1 and count == 2
    assert active.stale() == []  # expired, not stale as well
    assert active.notices() == [waivers.EXPIRED % (
        '%s:1' % active.path, 'GC101', 'alice', '2025-12-31', 2)]


def test_a_later_waiver_still_applies_when_an_earlier_expired(tmp_path):
    """Renewing a waiver by adding an entry works without deleting the
    old one."""
    active = _load(tmp_path, ENTRY + ENTRY.replace('2025', '2026'),
                   today=datetime.date(2026, 1, 1))
    assert active.apply(_finding(), 'service').line == 5
    assert [w.line for w, _ in active.expired()] == [1]


def test_a_waiver_that_matched_nothing_is_stale(tmp_path):
    active = _load(tmp_path, ENTRY + ENTRY.replace('gc101', 'GC201'))
    active.apply(_finding(), 'service')
    assert [w.check_id for w in active.stale()] == ['GC201']
    assert active.notices() == [waivers.STALE % ('%s:5' % active.path,
                                                 'GC201', 'alice')]


def test_a_waiver_outgrown_by_a_worse_finding_says_so(tmp_path):
    """Not "stale, remove it": the finding it was meant for is there,
    worse than was accepted, and counts."""
    active = _load(tmp_path, ENTRY + '  severity: medium\n')
    assert active.apply(_finding(), 'service') is None  # high > medium
    assert active.stale() == []
    assert active.notices() == [waivers.OUTGROWN % (
        '%s:1' % active.path, 'GC101', 'alice', 'medium', 1)]


# -- Lint -----------------------------------------------------------------


def test_lint_names_unknown_ids_and_dates_out_of_range():
    entries = [_waiver(check_id='GC999', line=1),
               _waiver(expires=datetime.date(2025, 5, 31), line=5),
               _waiver(expires=datetime.date(2026, 6, 3), line=9),
               _waiver(expires=datetime.date(2026, 6, 2), line=13)]
    problems = waivers.lint(entries, ['GC101'], TODAY)
    assert [(p.line, p.reason.split(':')[0]) for p in problems] == [
        (1, 'id'), (5, 'expires'), (9, 'expires')]
    assert 'past' in problems[1].reason
    assert 'more than 366 days' in problems[2].reason
    assert waivers.lint(entries[2:], ['GC101'], TODAY, max_days=367) == []


# -- Through the runner and every writer ------------------------------------


@pytest.fixture
def fleet(write_conf, tmp_path):
    """Two hosts with GC101; a waiver for one of them, one expired and
    one stale."""
    paths = [str(write_conf(INSECURE, 'compute-%d.conf' % i))
             for i in (1, 2)]
    body = (ENTRY.replace('alice', 'alice') + '  hosts: compute-1\n'
            '- id: GC301\n  reason: old\n  owner: bob\n'
            '  expires: 2025-01-01\n'
            '- id: GC504\n  reason: debug\n  owner: carol\n'
            '  expires: 2025-12-31\n')
    active = _load(tmp_path, body)
    checks = [c for c in manager.load_checks()
              if c.id in ('GC101', 'GC301', 'GC504')]
    result = runner.audit_fleet(paths, checks, waivers=active)
    yield result
    result.close()


def test_a_waived_finding_is_kept_apart_and_does_not_count(fleet):
    assert len(fleet.suppressed) == 1
    [waived] = list(fleet.suppressed)
    assert waived.check_id == 'GC101' and \
        waived.file.endswith('compute-1.conf')
    assert fleet.decide(waived, True).waiver.owner == 'alice'
    ids = sorted((f.check_id, f.file.rsplit('/', 1)[1])
                 for f in fleet.findings)
    assert ids == [('GC101', 'compute-2.conf'), ('GC301', 'compute-1.conf'),
                   ('GC301', 'compute-2.conf')]
    assert fleet.findings.counts[Severity.HIGH] == 1


@pytest.mark.parametrize('weak, waived', [
    (('lab-1', 'lab-2'), True),
    (('lab-1', 'prod-1'), False),
])
def test_a_files_waiver_on_drift_covers_each_blamed_host(write_conf,
                                                         tmp_path, weak,
                                                         waived):
    """``files: lab-*`` accepts the lab hosts' drift, not a production
    host's that drifts the same way, although the finding points at a
    lab host: the waiver is looked up again from the spool, as every
    writer does."""
    names = list(weak) + ['safe-%d' % i for i in (1, 2, 3)]
    paths = [str(write_conf(INSECURE if name in weak else
                            INSECURE.replace('true', 'false'),
                            '%s.conf' % name)) for name in names]
    active = _load(tmp_path, ENTRY.replace('gc101', 'GC601')
                   + '  files: "lab-*"\n')
    checks = [c for c in manager.load_checks() if c.id == 'GC601']
    result = runner.audit_fleet(paths, checks, waivers=active)
    try:
        [found] = list(result.suppressed if waived else result.findings)
        assert found.file == paths[0] and found.host is None
        assert sorted(found.blamed) == sorted(paths[:2])
        decision = result.decide(found, waived)
        assert (decision.waiver is not None) is waived
        assert decision.state.value == ('waived' if waived else 'open')
        # Not stale: the drift spread beyond what it accepts, and it says so.
        assert active.stale() == []
        assert active.notices() == ([] if waived else [
            'waiver %s:1 (GC601, owner alice) does not cover every host '
            'that 1 finding(s) about the whole fleet blame (its files miss '
            'some, or a finding blames more than the 100 it lists), and '
            'they count: fix those hosts, name them in its files, or '
            'compare them in a group of their own'
            % (tmp_path / 'waivers.yaml')])
    finally:
        result.close()


def test_a_fleet_finding_that_lists_no_one_is_partial_not_stale():
    """It blames more hosts than it lists: whether a ``files`` scope
    covers them is not known, so the waiver neither applies nor is
    called stale ("remove it" would be wrong advice)."""
    found = Finding('GC601', Severity.MEDIUM, 1, 'glance.insecure', 'Drift.',
                    'Fix it.', 'site/lab-1.conf', None)
    active = waivers.Waivers('w.yaml', [
        _waiver(check_id='GC601', files=('lab-*',), line=1),
        _waiver(check_id='GC601', files=('lab-*',), option='debug',
                line=5)], TODAY)
    assert active.apply(found, 'fleet') is None
    assert [(w.line, n) for w, n in active.partial_by()] == [(1, 1)]
    assert [w.line for w in active.stale()] == [5]
    # On one host, in either mode, a file is a file: no partial.
    other = waivers.Waivers('w.yaml', [_waiver(check_id='GC601',
                                               files=('prod-*',))], TODAY)
    assert other.apply(found, 'service') is None
    assert other.partial_by() == [] and len(other.stale()) == 1


def test_a_files_waiver_not_covering_a_fleet_finding_is_stale(write_conf,
                                                              tmp_path):
    """Its files cover none of the blamed hosts: stale, as before."""
    paths = [str(write_conf(INSECURE.replace('true', value), name))
             for value, name in (('true', 'prod-1.conf'),
                                 ('false', 'safe-1.conf'),
                                 ('false', 'safe-2.conf'))]
    active = _load(tmp_path, ENTRY.replace('gc101', 'GC601')
                   + '  files: "lab-*"\n')
    checks = [c for c in manager.load_checks() if c.id == 'GC601']
    result = runner.audit_fleet(paths, checks, waivers=active)
    try:
        assert len(result.findings) == 1
        assert active.partial_by() == [] and len(active.stale()) == 1
    finally:
        result.close()


def test_every_high_finding_waived_leaves_no_high(write_conf, tmp_path):
    """The gate sees only what no waiver covers."""
    path = str(write_conf(INSECURE, 'compute-1.conf'))
    active = _load(tmp_path, ENTRY)
    result = runner.audit_fleet([path], manager.select(
        manager.load_checks(), ['GC201']), waivers=active)
    assert result.worst() < Severity.HIGH
    assert len(result.suppressed) == 1
    result.close()


def test_text_shows_a_count_and_the_waivers_state(fleet):
    out = io.StringIO()
    text.render(fleet, out)
    report = out.getvalue()
    assert 'Waived: 1 finding(s) suppressed by' in report
    assert '(list them with --show-suppressed)' in report
    assert 'SUPPRESSED' not in report and 'owner bob) expired' in report
    assert 'GC504, owner carol) matched no finding' in report
    fleet.show_suppressed = True
    out = io.StringIO()
    text.render(fleet, out)
    report = out.getvalue()
    assert 'SUPPRESSED (1)' in report
    assert 'Waived until 2025-12-31 by alice' in report and 'lab CA' in \
        report


def test_text_without_waivers_is_unchanged(write_conf):
    result = runner.audit_fleet([str(write_conf(INSECURE))],
                                manager.load_checks())
    out = io.StringIO()
    text.render(result, out)
    assert 'Waived' not in out.getvalue()
    result.close()


def test_json_lists_suppressed_with_their_waiver(fleet):
    out = io.StringIO()
    json_report.render(fleet, out)
    doc = json.loads(out.getvalue())
    [waived] = doc['suppressed']
    assert waived['id'] == 'GC101' and waived['waiver']['owner'] == 'alice'
    assert waived['waiver']['expires'] == '2025-12-31'
    assert doc['waivers']['suppressed'] == 1
    assert [(w['id'], w['findings']) for w in doc['waivers']['expired']] \
        == [('GC301', 2)]
    assert [w['id'] for w in doc['waivers']['stale']] == ['GC504']
    assert doc['summary']['high'] == 1 and len(doc['findings']) == 3


def test_sarif_marks_waived_results_as_externally_suppressed(fleet):
    """Left out by default (GitHub ignores suppressions and would show
    an open alert); asked for, in the form SARIF tools read:
    ``suppressions`` with kind ``external`` and the waiver's reason."""
    out = io.StringIO()
    sarif.render(fleet, out)
    run = json.loads(out.getvalue())['runs'][0]
    assert len(run['results']) == 3
    assert not [r for r in run['results'] if 'suppressions' in r]
    assert run['properties']['waivedNotWritten'] == 1
    fleet.rendering = result_mod.Rendering(sarif_include_waived=True)
    out = io.StringIO()
    sarif.render(fleet, out)
    run = json.loads(out.getvalue())['runs'][0]
    waived = [r for r in run['results'] if 'suppressions' in r]
    assert len(run['results']) == 4 and len(waived) == 1
    [suppression] = waived[0]['suppressions']
    assert suppression['kind'] == 'external'
    assert suppression['status'] == 'accepted'
    assert suppression['justification'] == 'lab CA'
    assert suppression['properties']['owner'] == 'alice'
    assert suppression['properties']['expires'] == '2025-12-31'
    assert suppression['properties']['waiver'].endswith(':1')
    notes = [n['message']['text'] for n in
             run['invocations'][0]['toolExecutionNotifications']]
    assert any('expired on 2025-01-01' in n for n in notes)
    assert any('stale' in n for n in notes)


# -- Hosts of the run (issue 20, item 6) --------------------------------------


def _bundles(tmp_path, hosts_field):
    """compute-01 and compute-02, each with GC101, audited from real
    bundles with a waiver scoped by ``hosts_field``."""
    from tests import bundles as make
    insecure = make.NOVA_CONF.replace('[glance]\n',
                                      '[glance]\ninsecure = true\n')
    assert insecure != make.NOVA_CONF
    active = _load(tmp_path, ENTRY + '  hosts: %s\n' % hosts_field)
    return make.audit(tmp_path / 'bundles', *[
        make.bundle(host, files=[make.config('/etc/nova/nova.conf',
                                             insecure)])
        for host in ('compute-01', 'compute-02')],
        ids=('GC101',), waivers=active)


def test_in_bundles_mode_a_waiver_applies_to_its_host_only(tmp_path):
    result = _bundles(tmp_path, '[compute-01]')
    try:
        assert [f.host for f in result.suppressed] == ['compute-01']
        assert [f.host for f in result.findings] == ['compute-02']
        assert result.waivers.notices() == []
    finally:
        result.close()


@pytest.mark.parametrize('hosts_field', ['[nova]', 'n*', '"*.conf"'])
def test_in_bundles_mode_the_file_name_waives_no_host(tmp_path,
                                                      hosts_field):
    """Before, the file's name was taken for the host: these waived
    GC101 on every host."""
    result = _bundles(tmp_path, hosts_field)
    try:
        assert len(result.suppressed) == 0
        assert sorted(f.host for f in result.findings) == [
            'compute-01', 'compute-02']
        [line] = result.waivers.notices()
        assert line == ('waiver %s:1 (GC101, owner alice) matched no '
                        'finding: its hosts match none of the 2 host(s) '
                        'audited; check the names'
                        % (tmp_path / 'waivers.yaml'))
        assert result.waivers.stale() == []
    finally:
        result.close()


def test_a_waiver_for_another_host_says_so_in_service_mode(tmp_path,
                                                           write_conf):
    """On compute-1, a waiver for compute-9 matches no host of the run:
    said so, apart from a stale waiver (its host was audited, its
    finding is gone)."""
    active = _load(tmp_path, ENTRY + '  hosts: compute-9\n'
                   + ENTRY.replace('gc101', 'GC504') + '  hosts: compute-1\n')
    checks = [c for c in manager.load_checks() if c.id in ('GC101', 'GC504')]
    result = runner.audit_service(
        [('--config-file', str(write_conf(INSECURE)))], checks,
        offline=True, waivers=active)
    try:
        assert [w.check_id for w in active.no_host()] == ['GC101']
        assert [w.check_id for w in active.stale()] == ['GC504']
        out = io.StringIO()
        json_report.render(result, out)
        doc = json.loads(out.getvalue())['waivers']
        assert [w['id'] for w in doc['no_host']] == ['GC101']
        assert [w['id'] for w in doc['stale']] == ['GC504']
        out = io.StringIO()
        text.render(result, out)
        assert 'its hosts match none of the 1 host(s) audited' \
            in out.getvalue()
    finally:
        result.close()
