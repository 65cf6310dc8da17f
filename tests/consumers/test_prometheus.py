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

"""Prometheus's own tools read what we write.

The audit's and the probe's textfiles of one fleet go into one
directory, as the docs tell operators to do; a real node_exporter
(Debian's ``prometheus-node-exporter``) serves them on a loopback port,
and Debian's ``promtool`` lints each file, what node_exporter serves
from both (the two files cannot simply be concatenated: each carries
the ``# HELP`` of the families both write, and node_exporter merges
them), and the shipped alert rules. ``.ci/run`` installs both packages;
a machine without them fails these tests, it never skips them.
"""

from __future__ import annotations

import io
import os
import pathlib
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from glance_conf.cmd import audit as cli
from tests import servers
from tests import tlsservers as T

PROMTOOL = '/usr/bin/promtool'
NODE_EXPORTER = '/usr/bin/prometheus-node-exporter'
ROOT = pathlib.Path(__file__).resolve().parents[2]
ALERTS = ROOT / 'doc' / 'source' / 'examples' / 'prometheus-alerts.yaml'
#: The files, as metrics.rst names them.
AUDIT_FILE = 'glance-conf.prom'
PROBE_FILE = 'glance-conf-probe.prom'
#: node_exporter stops by itself after this many seconds, whatever
#: happens to the test.
LIFETIME = 60
#: Seconds node_exporter has to answer its first scrape.
STARTUP = 15.0
#: Seconds any promtool run may take.
TOOL_TIMEOUT = 60


def installed(path: str) -> str:
    if not os.access(path, os.X_OK):
        raise RuntimeError('%s is missing: apt-get install prometheus '
                           'prometheus-node-exporter' % path)
    return path


def promtool(*args: str, stdin: str | None = None
             ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([installed(PROMTOOL), *args], input=stdin,
                          capture_output=True, text=True,
                          timeout=TOOL_TIMEOUT, check=False)


@pytest.fixture(scope='module')
def textfiles(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A textfile directory holding the audit's and the probe's files
    for the same two hosts, one of which left the fleet's posture
    (``insecure``: GC101 on it, GC601 drift for the fleet)."""
    tmp = tmp_path_factory.mktemp('fleet')
    pki = T.Pki(tmp)
    server = T.ProbeServer(pki.context(not_after=T.now() + 20 * T.DAY))
    paths = [T.config(tmp, 'compute-1', [server.url], cafile=pki.cafile),
             T.config(tmp, 'compute-2', [server.url], cafile=pki.cafile,
                      insecure='True')]
    directory = tmp / 'textfile'
    directory.mkdir()
    with servers.started(server):
        for argv, name in ((['--fail-on', 'medium'], AUDIT_FILE),
                           (['probe'], PROBE_FILE)):
            out, err = io.StringIO(), io.StringIO()
            code = cli.run([*argv, '--format', 'prometheus', '--output',
                            str(directory / name), *paths], out, err)
            assert code in (0, 1), err.getvalue()
    return directory


def _samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text)
            for s in family.samples}


def _get(port: int, process: subprocess.Popen[str]) -> str | None:
    """``/metrics`` once node_exporter answers; ``None`` if it exits or
    does not answer in time."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with opener.open('http://127.0.0.1:%d/metrics' % port,
                             timeout=5) as answer:
                return str(answer.read().decode('utf-8'))
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    return None


@pytest.fixture(scope='module')
def scraped(textfiles: pathlib.Path) -> tuple[str, str]:
    """One scrape of a node_exporter that runs the textfile collector
    alone on ``textfiles``, and everything it logged."""
    return _scrape(textfiles)


def _scrape(textfiles: pathlib.Path) -> tuple[str, str]:
    log = ''
    for _ in range(3):  # another process may take the free port first
        port = servers.closed_port()
        process = subprocess.Popen(
            ['timeout', str(LIFETIME), installed(NODE_EXPORTER),
             '--collector.disable-defaults', '--collector.textfile',
             '--collector.textfile.directory=%s' % textfiles,
             '--web.listen-address=127.0.0.1:%d' % port],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            body = _get(port, process)
        finally:
            process.terminate()
            log = process.communicate(timeout=10)[0]
        if body is not None:
            return body, log
        if 'address already in use' not in log:
            break
    raise AssertionError('node_exporter did not serve /metrics:\n' + log)


@pytest.mark.parametrize('name', [AUDIT_FILE, PROBE_FILE])
def test_promtool_accepts_each_file(textfiles, name):
    checked = promtool('check', 'metrics',
                       stdin=(textfiles / name).read_text())
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, '')


def test_node_exporter_serves_every_sample_of_both_files(textfiles,
                                                         scraped):
    """No "collected before with the same name and label values": every
    sample of both files reaches the scrape, the probe's included."""
    body, log = scraped
    assert 'collected before' not in log and 'level=error' not in log, log
    served = _samples(body)
    assert served[('node_textfile_scrape_error', frozenset())] == 0
    for name in (AUDIT_FILE, PROBE_FILE):
        written = _samples((textfiles / name).read_text())
        assert written and written.items() <= served.items(), name
    last_runs = {dict(labels)['tool'] for name, labels in served
                 if name == 'glance_conf_audit_last_run_timestamp_seconds'}
    assert last_runs == {'audit', 'probe'}


def test_the_fleets_drift_is_no_host(scraped):
    served = _samples(scraped[0])
    hosts = {dict(labels).get('host') for _, labels in served} - {None}
    assert hosts == {'compute-1', 'compute-2'}
    assert {dict(labels)['check'] for name, labels in served
            if name == 'glance_conf_audit_fleet_findings'} == {'GC601'}


DEPLOYMENTS = ROOT / 'tests' / 'functional' / 'deployments'


def test_a_mixed_fleets_findings_are_served_beside_the_probes(
        textfiles, tmp_path):
    """The audit of a fleet of nova, cinder and glance-api beside the
    probe of nova's endpoints: the findings family has the same label
    names in both files, ``service`` included (node_exporter drops a
    family whose files disagree, both files' samples), and each of the
    audit's findings says its service."""
    directory = tmp_path / 'textfile'
    directory.mkdir()
    (directory / PROBE_FILE).write_text(
        (textfiles / PROBE_FILE).read_text())
    out, err = io.StringIO(), io.StringIO()
    code = cli.run([
        '--format', 'prometheus', '--offline', '--fail-on', 'never',
        '--output', str(directory / AUDIT_FILE),
        str(DEPLOYMENTS / 'kolla-ansible-compute.conf'),
        str(DEPLOYMENTS / 'cinder' / 'kolla-ansible' / 'cinder.conf'),
        str(DEPLOYMENTS / 'glance-api' / 'kolla-ansible' /
            'glance-api.conf')], out, err)
    assert code == 0, err.getvalue()
    body, log = _scrape(directory)
    assert 'level=error' not in log, log
    served = _samples(body)
    for name in (AUDIT_FILE, PROBE_FILE):
        written = _samples((directory / name).read_text())
        assert written.items() <= served.items(), name
    findings = [dict(labels) for name, labels in served
                if name == 'glance_conf_audit_findings']
    assert {(f['tool'], f['host'], f['service']) for f in findings} >= {
        ('audit', 'kolla-ansible-compute', 'nova'),
        ('audit', 'cinder', 'cinder'),
        ('audit', 'glance-api', 'glance-api')}
    assert {f['service'] for f in findings if f['tool'] == 'probe'} == {
        'nova'}


def test_promtool_accepts_what_node_exporter_serves(scraped):
    checked = promtool('check', 'metrics', stdin=scraped[0])
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, '')


def test_promtool_checks_the_shipped_rules():
    checked = promtool('check', 'rules', str(ALERTS))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert 'SUCCESS' in checked.stdout


#: Where the series of the rule test come from, as the scrape labels them.
NODE = {'instance': 'compute-1:9100'}


def _series(name: str, values: str, **labels: str) -> dict[str, str]:
    text = ','.join('%s="%s"' % item for item in {**labels, **NODE}.items())
    return {'series': '%s{%s}' % (name, text), 'values': values}


def _rule_test() -> dict:
    """One compute node, scraped every minute for three days: its probe
    timer died at time 0 while the audit kept writing its file, and the
    audit's file says compute-2 fails the gate."""
    last_run = 'glance_conf_audit_last_run_timestamp_seconds'
    gate = 'glance_conf_audit_host_gate_failing'
    return {'rule_files': [str(ALERTS)], 'evaluation_interval': '1m',
            'tests': [{'interval': '1m', 'input_series': [
                _series(last_run, '0+60x4320', tool='audit'),
                _series(last_run, '0x4320', tool='probe'),
                _series(gate, '1x4320', tool='audit', host='compute-2'),
                _series(gate, '0x4320', tool='probe', host='compute-2'),
            ], 'alert_rule_test': [
                {'eval_time': '3d', 'alertname': 'GlanceConfAuditStale',
                 'exp_alerts': [{
                     'exp_labels': {'severity': 'warning', 'tool': 'probe',
                                    **NODE},
                     'exp_annotations': {'summary': (
                         'glance-conf-audit probe has not written its '
                         'file on compute-1:9100 for two days')}}]},
                {'eval_time': '3d', 'alertname': 'GlanceConfGateFailing',
                 'exp_alerts': [{
                     'exp_labels': {'severity': 'warning', 'tool': 'audit',
                                    'host': 'compute-2', **NODE},
                     'exp_annotations': {'summary': (
                         'compute-2 fails the glance-conf-audit gate '
                         '(audit)')}}]},
            ]}]}


def test_the_alerts_tell_the_audit_from_the_probe(tmp_path):
    """A dead probe timer is seen although the audit's file is fresh,
    and the gate alert says whose gate failed."""
    tests = tmp_path / 'alerts-test.yaml'
    tests.write_text(yaml.safe_dump(_rule_test()))
    checked = promtool('test', 'rules', str(tests))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert 'SUCCESS' in checked.stdout
