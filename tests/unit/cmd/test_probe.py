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

"""``glance-conf-audit probe``: exit codes, one-line errors, and the
probe's evidence in every report format."""

from __future__ import annotations

import io
import json
import os
import pathlib

import pytest
from lxml import etree

from glance_conf.cmd import audit as cli
from tests import bundles
from tests import servers
from tests import tlsservers as T


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(['probe', *argv], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def expiring(tmp_path: pathlib.Path):
    """A glance-api whose certificate expires in 5 days, and a host
    config naming it with a password in the URL's user-info."""
    pki = T.Pki(tmp_path)
    server = T.ProbeServer(pki.context(not_after=T.now() + 5 * T.DAY))
    url = server.url.replace('https://', 'https://nova:s3cret@') + '/v2'
    path = T.config(tmp_path, 'compute-1', [url], cafile=pki.cafile)
    with servers.started(server):
        yield path, server


EVIDENCE = ('address', 'protocol', 'cipher', 'days_to_expiry')


def test_text_shows_the_evidence(expiring):
    path, server = expiring
    code, out, err = run(path)
    assert code == 1, err
    assert 'GC702' in out
    seen = [line for line in out.splitlines() if 'Seen:' in line]
    assert len(seen) == 1
    for name in EVIDENCE:
        assert name + '=' in seen[0]
    assert 's3cret' not in out + err


def test_json_carries_the_evidence(expiring):
    path, _ = expiring
    code, out, _ = run('--format', 'json', path)
    document = json.loads(out)
    [found] = document['findings']
    assert found['id'] == 'GC702'
    assert set(EVIDENCE) <= set(found['evidence'])
    assert found['evidence']['days_to_expiry'] in (4, 5)
    assert 's3cret' not in out


def test_sarif_result_properties_carry_the_evidence(expiring):
    path, _ = expiring
    _, out, _ = run('--format', 'sarif', path)
    [result] = json.loads(out)['runs'][0]['results']
    assert result['ruleId'] == 'GC702'
    assert set(EVIDENCE) <= set(result['properties']['evidence'])
    rules = json.loads(out)['runs'][0]['tool']['driver']['rules']
    assert [r['id'] for r in rules] == ['GC701', 'GC702', 'GC703', 'GC704',
                                        'GC705', 'GC706', 'GC707']


def test_junit_failure_quotes_the_evidence(expiring):
    path, _ = expiring
    _, out, _ = run('--format', 'junit', path)
    failures = etree.fromstring(out.encode('utf-8')).findall('.//failure')
    assert len(failures) == 1
    for name in EVIDENCE:
        assert name + '=' in (failures[0].text or '')


def test_prometheus_exports_the_expiry_per_endpoint(expiring):
    path, server = expiring
    _, out, _ = run('--format', 'prometheus', path)
    [sample] = [line for line in out.splitlines() if line.startswith(
        'glance_conf_audit_certificate_expiry_timestamp_seconds{')]
    assert 'endpoint="https://127.0.0.1:%d"' % server.port in sample
    days = (float(sample.rsplit(' ', 1)[1]) - T.now().timestamp()) / 86400
    assert 4 < days <= 5
    assert 's3cret' not in out


def test_html_shows_the_days_left(expiring):
    path, server = expiring
    _, out, _ = run('--format', 'html', path)
    assert '<section id="probe">' in out
    assert '127.0.0.1:%d' % server.port in out
    assert 's3cret' not in out


def test_service_mode(expiring):
    path, _ = expiring
    code, out, _ = run('--config-file', path, '--fail-on', 'high')
    assert code == 0
    assert 'GC702' in out and 'service mode' in out


def test_the_plain_audit_leaves_the_probe_checks_out(expiring):
    """The normal audit never touches the network, and lists no GC7xx
    results."""
    path, server = expiring
    out, err = io.StringIO(), io.StringIO()
    cli.run(['--format', 'json', path], out, err)
    document = json.loads(out.getvalue())
    assert not [c for c in document['checks'] if c['id'] >= 'GC700']
    assert server.connections == 0


@pytest.mark.parametrize('argv, words', [
    (['--jobs', '0', 'x.conf'], '--jobs'),
    (['--timeout', 'soon', 'x.conf'], '--timeout'),
    (['--deadline', '-1', 'x.conf'], '--deadline'),
    (['--expiry-days', '0', 'x.conf'], '--expiry-days'),
])
def test_bad_usage_is_one_line(argv, words):
    code, out, err = run(*argv)
    assert code == 2
    assert err.count('\n') == 1 and words in err


def test_both_modes_refused(tmp_path):
    code, _, err = run(str(tmp_path / 'a.conf'), '--config-file',
                       str(tmp_path / 'b.conf'))
    assert code == 2 and 'give one of' in err


def test_unknown_cloud_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'clouds.yaml').write_text(
        'clouds:\n  lab:\n    auth:\n      password: s3cret\n')
    code, _, err = run('--os-cloud', 'prod', 'x.conf')
    assert code == 2
    assert 'no cloud named prod' in err and 's3cret' not in err


def test_unreadable_file_is_an_error(tmp_path):
    code, _, err = run(str(tmp_path / 'missing.conf'))
    assert code == 2 and 'missing.conf' in err


def test_bundles_are_probed_like_files(tmp_path):
    """Hosts collected by the Ansible collection: each distinct endpoint
    is probed once, its finding attached to every host naming it."""
    pki = T.Pki(tmp_path)
    server = T.ProbeServer(pki.context(not_after=T.now() + 5 * T.DAY))
    text = '[glance]\napi_servers = %s\ncafile = %s\n' % (server.url,
                                                          pki.cafile)
    for host in ('compute-01', 'compute-02'):
        bundles.write(tmp_path / 'bundles', bundles.bundle(
            host, files=[bundles.config('/etc/nova/nova.conf', text)],
            paths={}))
    with servers.started(server):
        code, out, err = run('--format', 'json', '--bundles',
                             str(tmp_path / 'bundles'))
    assert code == 1, err
    found = json.loads(out)['findings']
    assert sorted((f['id'], f['host']) for f in found) == [
        ('GC702', 'compute-01'), ('GC702', 'compute-02')]
    assert {f['file'] for f in found} == {
        'compute-01:/etc/nova/nova.conf', 'compute-02:/etc/nova/nova.conf'}
    assert len(server.headers) == 1  # one GET for both hosts


def test_bundles_and_files_refused_together(tmp_path):
    code, _, err = run('--bundles', str(tmp_path), 'x.conf')
    assert code == 2 and '--bundles' in err and err.count('\n') == 1


def test_empty_bundle_directory_is_one_line(tmp_path):
    code, _, err = run('--bundles', str(tmp_path))
    assert code == 2 and 'no bundle' in err and err.count('\n') == 1


def _keystone_conf(tmp: pathlib.Path, auth_url: str,
                   password: str = 's3cret',  # noqa: S107
                   cafile: str = '') -> str:
    path = tmp / 'catalog.conf'
    path.write_text(
        '[glance]\nvalid_interfaces = internal\n[keystone_authtoken]\n'
        'auth_url = %s/v3\nusername = nova\npassword = %s\n'
        'project_name = service\ncafile = %s\n' % (auth_url, password,
                                                  cafile))
    return str(path)


def _trickling_keystone(tmp: pathlib.Path) -> tuple[servers.FaultServer,
                                                    str]:
    """An https Keystone whose answer trickles (each byte well within
    requests' per-read timeout), and a config that trusts it."""
    pki = T.Pki(tmp)
    keystone = servers.FaultServer(pki.context(), lifetime=60)
    keystone.fault = servers.trickle(100, 0.3)
    return keystone, _keystone_conf(tmp, keystone.url, cafile=pki.cafile)


def test_a_plain_http_auth_url_is_refused(tmp_path):
    """The password would cross the network in the clear: nothing is
    sent, one line names the host and the option, exit 2."""
    keystone = servers.FaultServer()
    with servers.started(keystone):
        code, _, err = run('--catalog', _keystone_conf(tmp_path,
                                                       keystone.url))
    assert keystone.requests == []
    assert code == 2
    [line] = [x for x in err.splitlines() if 'catalog' in x]
    assert '127.0.0.1:%d' % keystone.port in line
    assert '[keystone_authtoken] auth_url' in line
    assert '--allow-http-auth' in line and 's3cret' not in err


def test_catalog_with_bundles_needs_a_cloud(tmp_path):
    """A bundle's passwords are masked: logging in with the mask could
    lock nova's service user out."""
    code, _, err = run('--catalog', '--bundles', str(tmp_path))
    assert code == 2 and '--os-cloud' in err and err.count('\n') == 1


def test_a_masked_password_is_never_sent(tmp_path):
    pki = T.Pki(tmp_path)
    keystone = servers.FaultServer(pki.context())
    with servers.started(keystone):
        code, _, err = run('--catalog', _keystone_conf(
            tmp_path, keystone.url, '********', pki.cafile))
    assert keystone.requests == []
    assert code == 2 and 'masked' in err


def test_a_catalog_lookup_is_bounded_by_the_timeout(tmp_path):
    """A Keystone that trickles its answer (each read within requests'
    per-read timeout) is cut off at --timeout; the run says so, exit 2."""
    keystone, path = _trickling_keystone(tmp_path)
    with servers.started(keystone):
        with servers.Clock() as clock:
            code, _, err = run('--catalog', '--timeout', '1', path)
    assert clock.elapsed < 5
    assert code == 2 and 'timed out' in err


def test_the_deadline_counts_the_catalog_lookups(tmp_path):
    """--deadline bounds the whole run: lookups made in planning too."""
    keystone, path = _trickling_keystone(tmp_path)
    with servers.started(keystone):
        with servers.Clock() as clock:
            code, _, err = run('--catalog', '--timeout', '30',
                               '--deadline', '1', path)
    assert clock.elapsed < 5
    assert code == 2


def test_nothing_to_probe_is_an_error(tmp_path):
    """A run that probed nothing checked nothing: not a green night."""
    path = tmp_path / 'empty.conf'
    path.write_text('[glance]\n')
    code, out, err = run(str(path))
    assert code == 2
    assert err.count('\n') == 1 and 'no endpoint was probed' in err


def test_waivers_and_baseline_apply_to_the_probe(expiring, tmp_path):
    """The page promises that a baseline or a waiver keeps matching as
    the days go by: both flags are the audit's."""
    path, _ = expiring
    code, out, _ = run('--format', 'json', path)
    assert code == 1
    report = tmp_path / 'known.json'
    report.write_text(out)
    assert run('--baseline', str(report), path)[0] == 0
    waivers = tmp_path / 'waivers.yaml'
    waivers.write_text('- id: GC702\n  reason: renewal booked\n'
                       '  owner: alice\n  expires: 2999-01-01\n')
    assert run('--waivers', str(waivers), path)[0] == 0
    code, _, err = run('--waivers', str(tmp_path / 'none.yaml'), path)
    assert code == 2 and '--waivers' in err


def test_a_bundle_never_makes_this_machine_present_its_key(tmp_path):
    """Issue 20 item 12: a bundle names certfile/keyfile that exist here
    and its own endpoint, which asks for a client certificate. Probing
    the same config as a file presents the certificate (so the server
    can tell); from a bundle, none is presented and the report says so."""
    pki = T.Pki(tmp_path)
    certfile, keyfile = pki.client_files()
    server = T.ProbeServer(pki.context(client_ca=pki.ca,
                                       client_optional=True))
    text = ('[glance]\napi_servers = %s\ncafile = %s\ncertfile = %s\n'
            'keyfile = %s\n' % (server.url, pki.cafile, certfile, keyfile))
    bundles.write(tmp_path / 'bundles', bundles.bundle(
        'compute-01', files=[bundles.config('/etc/nova/nova.conf', text)],
        paths={}))
    plain = tmp_path / 'nova.conf'
    plain.write_text(text)
    with servers.started(server):
        assert run(str(plain))[0] == 0
        assert server.client_certs[-1] is not None
        code, out, err = run('--format', 'json', '--bundles',
                             str(tmp_path / 'bundles'))
    assert code == 0, err
    assert server.client_certs[1:] == [None]
    [note] = json.loads(out)['findings']
    assert (note['id'], note['severity'], note['host']) == (
        'GC701', 'info', 'compute-01')
    assert 'without a client certificate' in note['message']


def test_a_catalog_cafile_that_would_block_is_refused(tmp_path):
    """The catalog lookup reads its cafile through the probe's one TLS
    file reader: a FIFO is refused by name, not waited on."""
    fifo = tmp_path / 'fifo'
    os.mkfifo(fifo)
    code, _, err = run('--catalog', '--timeout', '30', _keystone_conf(
        tmp_path, 'https://127.0.0.1:%d' % servers.closed_port(),
        cafile=str(fifo)))
    assert code == 2
    assert 'cafile %s: is not a regular file' % fifo in err
