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

"""Prometheus text format: parsed by prometheus_client and held to the
naming rules; the shipped dashboard and alerts query only what we export."""

from __future__ import annotations

import datetime
import io
import json
import pathlib
import re
import time

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from glance_conf.audit import manager
from glance_conf.audit import result as result_mod
from glance_conf.audit import runner
from glance_conf.audit import waivers
from glance_conf.audit.checks import fleet
from glance_conf.audit.finding import Severity
from glance_conf.audit.report import prometheus
from glance_conf.audit.report.text import shown
from tests import bundles

ROOT = pathlib.Path(__file__).parents[4]
EXAMPLES = ROOT / 'doc' / 'source' / 'examples'
DCN = ROOT / 'tests' / 'functional' / 'deployments' / 'dcn'
NAME_RE = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*\Z')
LABEL_RE = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*\Z')
FAMILIES = {f.name: f for f in prometheus.FAMILIES}
TODAY = datetime.date(2030, 6, 1)


def validated(text: str, tool: str = 'audit'
              ) -> dict[str, dict[tuple, float]]:
    """The samples of each family, by labels after ``tool``, once the
    text parses and keeps the rules: HELP and TYPE once per family and
    before its samples, families not split, names with our prefix and no
    ``_total`` (these are gauges), the label names each family declares,
    ``tool`` first and equal to ``tool``, no series twice, and one line
    per sample."""
    parsed = {f.name: f for f in text_string_to_metric_families(text)}
    seen: dict[str, dict[tuple, float]] = {}
    helped: set[str] = set()
    typed: set[str] = set()
    current = None
    for line in text.splitlines():
        if line.startswith('# HELP ') or line.startswith('# TYPE '):
            kind, name = line.split(' ', 3)[1:3]
            done = helped if kind == 'HELP' else typed
            assert name not in done, 'second %s for %s' % (kind, name)
            assert name not in seen or name == current, 'split: ' + name
            done.add(name)
            if kind == 'TYPE':
                assert line == '# TYPE %s gauge' % name
            current = name
            continue
        assert not line.startswith('#'), line
        name = re.match(r'[^{ ]+', line).group(0)
        assert name == current and name in helped and name in typed, line
        assert NAME_RE.match(name) and name.startswith(prometheus.PREFIX)
        assert not name.endswith('_total')
        seen.setdefault(name, {})
    for name, family in parsed.items():
        assert family.type == 'gauge'
        declared = FAMILIES[name].labels
        for sample in family.samples:
            assert tuple(sample.labels) == declared, (name, sample.labels)
            assert all(LABEL_RE.match(label) for label in sample.labels)
            assert sample.labels['tool'] == tool, (name, sample.labels)
            key = tuple(sample.labels.values())[1:]
            assert key not in seen[name], 'duplicate %s%s' % (name, key)
            seen[name][key] = sample.value
    assert sum(len(s) for s in seen.values()) == sum(
        1 for line in text.splitlines() if not line.startswith('#'))
    return seen


def render_text(res) -> str:
    out = io.StringIO()
    prometheus.render(res, out)
    return out.getvalue()


def render(res) -> dict[str, dict[tuple, float]]:
    return validated(render_text(res))


AUDIT_RUN = '{tool="audit"}'


@pytest.mark.parametrize('bad', [
    'glance_conf_audit_files%s 1\n' % AUDIT_RUN,  # no HELP, no TYPE
    '# HELP glance_conf_audit_files x\n# TYPE glance_conf_audit_files '
    'gauge\nglance_conf_audit_files%s 1\nglance_conf_audit_files%s 2\n'
    % (AUDIT_RUN, AUDIT_RUN),
    '# HELP glance_conf_audit_files_total x\n# TYPE '
    'glance_conf_audit_files_total gauge\nglance_conf_audit_files_total%s '
    '1\n' % AUDIT_RUN,
    '# HELP other_files x\n# TYPE other_files gauge\nother_files%s 1\n'
    % AUDIT_RUN,
    '# HELP glance_conf_audit_host_gate_failing x\n# TYPE '
    'glance_conf_audit_host_gate_failing gauge\n'
    'glance_conf_audit_host_gate_failing{tool="audit",hots="a"} 1\n',
    '# HELP glance_conf_audit_files x\n# TYPE glance_conf_audit_files '
    'gauge\nglance_conf_audit_files 1\n',  # no tool
    '# HELP glance_conf_audit_files x\n# TYPE glance_conf_audit_files '
    'gauge\nglance_conf_audit_files{tool="probe"} 1\n',  # not this run's
    '# HELP glance_conf_audit_files x\n# TYPE glance_conf_audit_files '
    'counter\nglance_conf_audit_files%s 1\n' % AUDIT_RUN,
])
def test_the_validator_can_fail(bad):
    """Each rule the validator checks really refuses its breach."""
    with pytest.raises((AssertionError, ValueError, KeyError)):
        validated(bad)


def test_findings_by_check_severity_and_host(result):
    metrics = render(result)
    findings = metrics['glance_conf_audit_findings']
    assert findings == {
        ('GC201', 'high', '/etc/nova/nova.conf', 'nova', 'false',
         'false'): 1,
        ('GC301', 'low', 'nova.conf', 'nova', 'false', 'false'): 1,
        ('GC502', 'medium', 'nova dir/nova.conf', 'nova', 'false',
         'false'): 1}
    assert metrics['glance_conf_audit_host_gate_failing'] == {
        ('/etc/nova/nova.conf',): 1, ('nova.conf',): 0,
        ('nova dir/nova.conf',): 1}
    assert metrics['glance_conf_audit_gate_failing'] == {(): 1}
    assert metrics['glance_conf_audit_files'] == {(): 1}
    assert metrics['glance_conf_audit_load_problems'] == {(): 0}


def test_findings_say_the_service_whose_file_holds_them(result):
    """A run of one service: the run's, on every series, so that the
    family's labels never change; a fleet of several (``mixed``): the
    service of each finding's file (issue #24)."""
    result.service = 'mixed'
    result.note_service('cinder', ['nova dir/nova.conf'])
    metrics = render(result)
    assert {(check, host, service) for check, _, host, service, _, _
            in metrics['glance_conf_audit_findings']} == {
        ('GC201', '/etc/nova/nova.conf', 'nova'),
        ('GC301', 'nova.conf', 'nova'),
        ('GC502', 'nova dir/nova.conf', 'cinder')}
    [info] = metrics['glance_conf_audit_info']
    assert info[3] == 'mixed'


def test_info_and_last_run(result):
    before = time.time()
    metrics = render(result)
    [(version, defaults, mode, service, project)] = metrics[
        'glance_conf_audit_info']
    assert (defaults, mode, service, project) == (
        'nova', 'service', 'nova', '') and version
    [[written]] = [metrics['glance_conf_audit_last_run_timestamp_seconds']
                   .values()]
    assert int(before) <= written <= time.time()


def test_known_findings_are_labelled_and_do_not_fail(compared):
    metrics = render(compared)
    assert metrics['glance_conf_audit_findings'][
        ('GC201', 'high', '/etc/nova/nova.conf', 'nova', 'false',
         'true')] == 1
    assert metrics['glance_conf_audit_host_gate_failing'][
        ('/etc/nova/nova.conf',)] == 0


@pytest.mark.parametrize('fail_on,failing', [
    (None, set()), (Severity.HIGH, {'/etc/nova/nova.conf'}),
    (Severity.LOW, {'/etc/nova/nova.conf', 'nova.conf',
                    'nova dir/nova.conf'})])
def test_the_gate_follows_fail_on(result, fail_on, failing):
    result.fail_on = fail_on
    metrics = render(result)
    assert {h for (h,), v in metrics['glance_conf_audit_host_gate_failing']
            .items() if v} == failing
    assert metrics['glance_conf_audit_gate_failing'] == {(): int(
        bool(failing))}


def test_hostile_file_names_are_escaped_label_values(result):
    """A quote, a backslash or a newline in a file name stays inside its
    label value: no forged sample, the value reads back as shown."""
    by_id = {c.id: c for c in result.checks}
    name = 'x"} 1\nglance_conf_audit_gate_failing 0\n\\y.conf'
    result.findings.add(by_id['GC504']().finding('glance.debug', 'Debug.',
                                                  name))
    out = io.StringIO()
    prometheus.render(result, out)
    metrics = validated(out.getvalue())
    assert metrics['glance_conf_audit_gate_failing'] == {(): 1}
    assert ('GC504', 'low', shown(name), 'nova', 'false', 'false') in \
        metrics['glance_conf_audit_findings']
    assert prometheus.escape('a\\b"c\nd') == 'a\\\\b\\"c\\nd'


def test_a_finding_without_a_file_is_the_services(result):
    by_id = {c.id: c for c in result.checks}
    result.findings.add(by_id['GC301']().finding('glance.timeout', 'Unset.'))
    assert ('(service)',) in render(result)[
        'glance_conf_audit_host_gate_failing']


def _fleet(tmp_path, hosts: dict[str, str], insecure=()) -> list[str]:
    paths = []
    for host, site in hosts.items():
        text = (DCN / ('%s.conf' % site)).read_text()
        if host in insecure:
            text = text.replace('[glance]\n', '[glance]\ninsecure=True\n')
        path = tmp_path / ('%s.conf' % host)
        path.write_text(text)
        paths.append(str(path))
    return paths


def test_fleet_hosts_and_drift_per_group(tmp_path):
    paths = _fleet(tmp_path, {'a-0': 'dcn0', 'a-1': 'dcn0', 'b-0': 'dcn1',
                              'b-1': 'dcn1', 'b-2': 'dcn1'},
                   insecure=('b-2',))
    res = runner.audit_fleet(paths, manager.load_checks(),
                             group_of=fleet.group_by_regex(r'/(\w)-\d'))
    try:
        metrics = render(res)
    finally:
        res.close()
    assert metrics['glance_conf_audit_drift_settings'] == {('a',): 0,
                                                           ('b',): 1}
    hosts = {h for (h,) in metrics['glance_conf_audit_host_gate_failing']}
    assert hosts == {'a-0', 'a-1', 'b-0', 'b-1', 'b-2'}
    # The drift is the fleet's: its own family, by group, never a host.
    assert metrics['glance_conf_audit_fleet_findings'] == {
        ('GC601', 'medium', 'b', 'false', 'false'): 1}
    assert {host for _, _, host, _, _, _ in metrics[
        'glance_conf_audit_findings']} <= hosts
    assert metrics['glance_conf_audit_findings'][
        ('GC101', 'high', 'b-2', 'nova', 'false', 'false')] == 1
    assert metrics['glance_conf_audit_info'][
        (next(iter(metrics['glance_conf_audit_info']))[0], 'nova',
         'fleet', 'nova', '')] == 1


def test_drift_per_group_of_overlapping_groups(tmp_path):
    """A host in ``compute`` and ``az1`` drifts in both; ``az2``,
    which does not hold it, has none."""
    paths = _fleet(tmp_path, {'c0': 'dcn0', 'c1': 'dcn0', 'c2': 'dcn0',
                              'c3': 'dcn0'}, insecure=('c0', 'c1', 'c2'))
    inventory = tmp_path / 'inventory.yaml'
    inventory.write_text('compute: [c0, c1, c2, c3]\naz1: [c0, c3]\n'
                         'az2: [c1, c2]\n')
    res = runner.audit_fleet(paths, manager.load_checks(),
                             group_of=fleet.groups_from_file(str(inventory)))
    try:
        metrics = render(res)
    finally:
        res.close()
    assert metrics['glance_conf_audit_drift_settings'] == {
        ('az1',): 1, ('az2',): 0, ('compute',): 1}


def test_bundle_hosts_are_the_bundles_hosts(tmp_path):
    """Every bundle's file is /etc/nova/nova.conf: the host is the
    bundle's, never the file's name."""
    for host in ('compute-01', 'compute-02'):
        bundles.write(tmp_path, bundles.bundle(host, paths={}))
    res = runner.audit_bundles(
        sorted(str(p) for p in tmp_path.glob('*.json')),
        manager.load_checks())
    try:
        metrics = render(res)
    finally:
        res.close()
    hosts = {h for (h,) in metrics['glance_conf_audit_host_gate_failing']}
    assert {'compute-01', 'compute-02'} <= hosts
    assert 'nova' not in hosts


def test_without_groups_the_fleet_is_ungrouped(tmp_path):
    paths = _fleet(tmp_path, {'h0': 'dcn0', 'h1': 'dcn0', 'h2': 'dcn1'})
    res = runner.audit_fleet(paths, manager.load_checks())
    try:
        metrics = render(res)
    finally:
        res.close()
    # dcn0 and dcn1 differ only in site values: no drift, but the series.
    assert metrics['glance_conf_audit_drift_settings'] == {
        ('(ungrouped)',): 0}


def test_one_file_has_no_drift_family(result):
    assert 'glance_conf_audit_drift_settings' not in render(result)
    assert 'glance_conf_audit_fleet_findings' not in render(result)


def _probe_result(tmp_path):
    """What ``glance-conf-audit probe`` hands the writer for one host:
    the live checks only, here without any endpoint probed."""
    live = [c for c in manager.load_checks() if c.live]
    path = tmp_path / 'nova.conf'
    path.write_text('[glance]\napi_servers = https://glance.example:9292\n')
    return runner.audit_fleet([str(path)], live)


def test_the_probes_file_says_probe(tmp_path):
    """The probe's run is told apart by its checks, even when it
    probed nothing: every sample carries tool="probe"."""
    res = _probe_result(tmp_path)
    try:
        metrics = render_text(res)
    finally:
        res.close()
    assert prometheus.tool(res) == 'probe'
    validated(metrics, tool='probe')
    with pytest.raises(AssertionError):
        validated(metrics, tool='audit')


def _series(text: str) -> list[tuple[str, tuple]]:
    return [(s.name, tuple(sorted(s.labels.items())))
            for f in text_string_to_metric_families(text) for s in f.samples]


def test_the_audits_and_the_probes_files_share_no_series(result, tmp_path):
    """node_exporter reads both files of its textfile directory into
    one scrape: no series of one may be a series of the other, and a
    family both write has one help text."""
    probed = _probe_result(tmp_path)
    try:
        audit_text, probe_text = render_text(result), render_text(probed)
    finally:
        probed.close()
    audit_series, probe_series = _series(audit_text), _series(probe_text)
    assert len(set(audit_series + probe_series)) == \
        len(audit_series) + len(probe_series)
    assert {name for name, _ in audit_series} & {
        name for name, _ in probe_series} >= {
        prometheus.LAST_RUN.name, prometheus.GATE.name,
        prometheus.HOST_GATE.name}
    helps = {}
    for line in (audit_text + probe_text).splitlines():
        if line.startswith('# HELP '):
            name, text = line[7:].split(' ', 1)
            assert helps.setdefault(name, text) == text, name


def _waiver(check_id, expires, line, owner='ops@example.org'):
    return waivers.Waiver(check_id, 'accepted', owner, expires, line)


def test_waived_findings_and_waivers_about_to_expire():
    checks = manager.load_checks()
    by_id = {c.id: c for c in checks}
    res = result_mod.Result('service', checks, waivers=waivers.Waivers(
        'waivers.yaml', [
            _waiver('GC201', TODAY + datetime.timedelta(days=3), 2),
            _waiver('GC301', TODAY + datetime.timedelta(days=15), 8),
            _waiver('GC502', TODAY - datetime.timedelta(days=1), 14,
                    owner='a"b\n'),
        ], today=TODAY))
    try:
        res.add(by_id['GC201']().finding('glance.verify_glance_signatures',
                                         'Off.', 'nova.conf', 7))
        metrics = render(res)
    finally:
        res.close()
    assert metrics['glance_conf_audit_findings'] == {
        ('GC201', 'high', 'nova.conf', 'nova', 'true', 'false'): 1}
    assert metrics['glance_conf_audit_host_gate_failing'] == {
        ('nova.conf',): 0}
    end_of = {day: datetime.datetime.combine(
        day, datetime.time()).timestamp() for day in (
        TODAY + datetime.timedelta(days=4), TODAY)}
    assert metrics['glance_conf_audit_waiver_expiry_timestamp_seconds'] == {
        ('GC201', 'ops@example.org', 'waivers.yaml:2'):
            end_of[TODAY + datetime.timedelta(days=4)],
        ('GC502', 'a"b\\n', 'waivers.yaml:14'): end_of[TODAY]}
    assert metrics['glance_conf_audit_waivers_expiring'] == {(): 2}


def test_no_waiver_expiring_is_a_zero_not_a_gap(result):
    metrics = render(result)
    assert metrics['glance_conf_audit_waivers_expiring'] == {(): 0}
    assert 'glance_conf_audit_waiver_expiry_timestamp_seconds' not in metrics


def test_certificate_expiry_waits_for_the_probe(result):
    """No probe, no data: the family is absent, never a made-up value;
    its writing is ready for the probe, endpoints without secrets."""
    assert prometheus.certificate_expiries(result) == ()
    assert prometheus.CERTIFICATE_EXPIRY.name not in render(result)
    out = io.StringIO()
    prometheus.write_family(out, prometheus.CERTIFICATE_EXPIRY, 'audit', [(
        (('endpoint', prometheus.endpoint_label(
            'HTTPS://user:pw@[::1]:9292/v2?token=s3cret')),), 1.9e9)])
    assert validated(out.getvalue())[
        prometheus.CERTIFICATE_EXPIRY.name] == {('https://[::1]:9292',):
                                                1.9e9}
    assert 's3cret' not in out.getvalue() and 'pw' not in out.getvalue()


# -- the shipped dashboard and alert rules ------------------------------------

#: PromQL words that are not metric names.
KEYWORDS = {'by', 'without', 'on', 'ignoring', 'group_left', 'group_right',
            'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan'}


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects: identifiers, less
    strings, label matchers, ranges, grouping clauses, Grafana
    variables, functions and keywords."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expr)
    expr = re.sub(r'\$\{?\w+\}?', '', expr)
    expr = re.sub(r'\{[^}]*\}|\[[^\]]*\]', ' ', expr)
    expr = re.sub(r'\b(?:by|without|on|ignoring|group_left|group_right)'
                  r'\s*\([^)]*\)', ' ', expr)
    names = set()
    for match in re.finditer(r'[a-zA-Z_:][a-zA-Z0-9_:]*', expr):
        rest = expr[match.end():].lstrip()
        if rest.startswith('(') or match.group(0).lower() in KEYWORDS:
            continue
        if re.match(r'\d', expr[match.start() - 1:match.start()] or ' '):
            continue  # a unit of a number: 1e3, 5m
        names.add(match.group(0))
    return names


def test_the_extractor_finds_names_and_only_names():
    assert metric_names(
        'sum by (host) (glance_conf_audit_findings{severity="high",'
        'host=~"$host"}) > 0 and on(group) rate(x_y[5m]) offset 1h'
    ) == {'glance_conf_audit_findings', 'x_y'}
    assert metric_names('(a_b - time()) / 86400 < 14') == {'a_b'}


def _dashboard_exprs() -> list[str]:
    dashboard = json.loads((EXAMPLES / 'grafana-dashboard.json').read_text())
    assert 36 <= dashboard['schemaVersion'] <= 41
    exprs = [target['expr'] for panel in dashboard['panels']
             for target in panel.get('targets', ())]
    assert len(exprs) >= 5
    return exprs


def _alert_rules() -> list[dict]:
    rules = yaml.safe_load((EXAMPLES / 'prometheus-alerts.yaml')
                           .read_text())
    found = [rule for group in rules['groups'] for rule in group['rules']]
    for rule in found:
        assert set(rule) >= {'alert', 'expr', 'labels', 'annotations'}
    return found


def test_the_dashboard_queries_only_our_metrics():
    for expr in _dashboard_exprs():
        names = metric_names(expr)
        assert names and names <= set(FAMILIES), (expr, names)


def test_the_alerts_query_only_our_metrics():
    rules = _alert_rules()
    for rule in rules:
        names = metric_names(rule['expr'])
        assert names and names <= set(FAMILIES), (rule['alert'], names)
    used = set().union(*(metric_names(r['expr']) for r in rules))
    assert {prometheus.CERTIFICATE_EXPIRY.name,
            prometheus.DRIFT.name} <= used


def selectors(expr: str) -> list[tuple[str, str]]:
    """Each of our metrics an expression selects, with its label
    matchers (``''`` for none)."""
    return [(m.group(1), m.group(2) or '') for m in re.finditer(
        r'(%s\w+)\s*(\{[^}]*\})?' % prometheus.PREFIX, expr)]


def test_the_selector_reader_sees_missing_matchers():
    assert selectors('sum(glance_conf_audit_files) + glance_conf_audit_'
                     'findings{host=~"$host"}') == [
        ('glance_conf_audit_files', ''),
        ('glance_conf_audit_findings', '{host=~"$host"}')]


def test_the_dashboard_honours_the_host_variable():
    """Every query of a family with a host label keeps to the hosts the
    Host variable selects."""
    hosted = {f.name for f in prometheus.FAMILIES if 'host' in f.labels}
    checked = 0
    for expr in _dashboard_exprs():
        for name, matchers in selectors(expr):
            if name in hosted:
                assert 'host=~"$host"' in matchers, expr
                checked += 1
    assert checked >= 7


def test_the_docs_alert_on_certificates_as_the_shipped_rule_does():
    """metrics.rst quotes the certificate rule's threshold; it is the
    shipped rule's."""
    [rule] = [r for r in _alert_rules()
              if prometheus.CERTIFICATE_EXPIRY.name in r['expr']]
    [days] = re.findall(r'/ 86400 < (\d+)\Z', rule['expr'])
    page = (ROOT / 'doc' / 'source' / 'audit' / 'metrics.rst').read_text()
    quoted = re.findall(r'certificate_expiry_timestamp_seconds - time\(\)\)'
                        r'\s+/ 86400 < (\d+)', page)
    assert quoted and set(quoted) == {days}
