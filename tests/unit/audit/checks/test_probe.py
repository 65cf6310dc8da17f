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

"""GC701-GC707 against real loopback servers: each case gives exactly its
finding, and a healthy glance-api gives none."""

from __future__ import annotations

import dataclasses
import io
import json
import pathlib
import socket
from typing import Any

import pytest

from glance_conf.audit import manager
from glance_conf.audit import probe
from glance_conf.audit.checks import probe as probe_checks
from glance_conf.audit.finding import Severity
from glance_conf.audit.runner import audit_fleet
from glance_conf.cmd import probe as probe_cmd
from tests import servers
from tests import tlsservers as T


@pytest.fixture
def pki(tmp_path: pathlib.Path) -> T.Pki:
    return T.Pki(tmp_path)


def probe_checks_installed() -> list[Any]:
    return [c for c in manager.load_checks() if probe_checks.is_probe_check(c)]


def findings(paths: list[str], **options: Any) -> list[Any]:
    """Run the probe over host configs; its findings."""
    prober = probe.Prober(**{'timeout': 5.0, **options})
    args = probe_cmd.build_parser(io.StringIO(), io.StringIO(),
                                  ['text']).parse_args(paths)
    result = probe_cmd.probe_run(args, probe_checks_installed(), prober)
    try:
        return list(result.findings)
    finally:
        result.close()


def ids(found: list[Any]) -> list[str]:
    return sorted(f.check_id for f in found)


def host(tmp: pathlib.Path, pki: T.Pki, server: servers.FaultServer,
         **glance: str) -> str:
    glance.setdefault('cafile', pki.cafile)
    return T.config(tmp, 'compute-%d' % server.port, [server.url], **glance)


def test_healthy_server_gives_no_finding(tmp_path, pki):
    """A valid certificate, TLS 1.2+ only, glance's version document."""
    server = T.ProbeServer(pki.context())
    with servers.started(server):
        assert findings([host(tmp_path, pki, server)]) == []
    assert server.hits == 1  # one GET /, nothing else reached HTTP


def test_no_credential_is_sent(tmp_path, pki):
    """The one request carries no token, cookie or authorization, even
    when the config holds credentials."""
    server = T.ProbeServer(pki.context())
    path = host(tmp_path, pki, server, password='s3cret',
                username='nova', auth_type='password')
    with servers.started(server):
        findings([path])
    assert len(server.headers) == 1
    sent = {k.lower() for k in server.headers[0]}
    assert sent == {'host', 'accept', 'user-agent', 'connection'}
    assert server.requests == [('GET', '/')]


def test_expired_certificate_is_high_with_days(tmp_path, pki):
    server = T.ProbeServer(pki.context(not_after=T.now() - 2 * T.DAY))
    with servers.started(server):
        found = findings([host(tmp_path, pki, server)])
    assert ids(found) == ['GC702']
    assert found[0].severity is Severity.HIGH
    # Whole days toward zero, the same in the message and the evidence.
    assert dict(found[0].evidence)['days_to_expiry'] == -2
    assert 'expired 2 days ago' in found[0].message


def test_expired_and_wrong_name_gives_both(tmp_path, pki):
    """OpenSSL reports the name first; the dates are read from the
    certificate the relaxed handshake gets, so GC702 is not lost and
    GC703 names the certificate's names."""
    server = T.ProbeServer(pki.context('glance.example',
                                       not_after=T.now() - 2 * T.DAY))
    with servers.started(server):
        found = findings([host(tmp_path, pki, server)])
    assert ids(found) == ['GC702', 'GC703']
    assert all(f.severity is Severity.HIGH for f in found)
    assert 'glance.example' in [f for f in found
                                if f.check_id == 'GC703'][0].message


def test_expired_and_expiring_have_different_fingerprints(tmp_path, pki):
    """A baseline that holds an expiring certificate never hides the
    same certificate once expired."""
    soon = T.ProbeServer(pki.context(not_after=T.now() + 5 * T.DAY))
    gone = T.ProbeServer(pki.context(not_after=T.now() - 2 * T.DAY))
    with servers.started(soon, gone):
        [expiring] = findings([host(tmp_path, pki, soon)])
        [expired] = findings([host(tmp_path, pki, gone)])
    # The same endpoint and host, once expiring, once expired.
    moved = dataclasses.replace(expired, host=expiring.host, key=(
        expired.key or '').replace(str(gone.port), str(soon.port)))
    assert moved.fingerprint != expiring.fingerprint


def test_certificate_expiring_in_5_days_is_medium(tmp_path, pki):
    server = T.ProbeServer(pki.context(not_after=T.now() + 5 * T.DAY))
    with servers.started(server):
        found = findings([host(tmp_path, pki, server)])
    assert ids(found) == ['GC702']
    assert found[0].severity is Severity.MEDIUM
    evidence = dict(found[0].evidence)
    assert evidence['days_to_expiry'] in (4, 5)
    assert evidence['address'] == '127.0.0.1'
    assert evidence['protocol'].startswith('TLSv1.')
    assert evidence['cipher']


def test_expiry_days_moves_the_horizon(tmp_path, pki):
    server = T.ProbeServer(pki.context(not_after=T.now() + 5 * T.DAY))
    with servers.started(server):
        assert findings([host(tmp_path, pki, server)], expiry_days=3) == []


def test_wrong_name(tmp_path, pki):
    server = T.ProbeServer(pki.context('glance.example'))
    with servers.started(server):
        found = findings([host(tmp_path, pki, server)])
    assert ids(found) == ['GC703']
    assert 'glance.example' in found[0].message


def test_untrusted_ca(tmp_path, pki):
    (tmp_path / 'other').mkdir()
    other = T.Pki(tmp_path / 'other')
    server = T.ProbeServer(other.context())
    with servers.started(server):
        found = findings([host(tmp_path, pki, server)])
    assert ids(found) == ['GC701']
    assert 'certificate verify failed' in found[0].message


def test_client_certificate_required(tmp_path, pki):
    """Without certfile/keyfile the handshake fails (GC701); with them,
    nothing is found."""
    server = T.ProbeServer(pki.context(client_ca=pki.ca))
    certfile, keyfile = pki.client_files()
    with servers.started(server):
        assert ids(findings([host(tmp_path, pki, server)])) == ['GC701']
        with_cert = T.config(tmp_path, 'with-cert', [server.url],
                             cafile=pki.cafile, certfile=certfile,
                             keyfile=keyfile)
        assert findings([with_cert]) == []


def test_tls_1_1_accepted(tmp_path, pki):
    server = T.ProbeServer(pki.context(legacy=True))
    with servers.started(server):
        found = findings([host(tmp_path, pki, server)])
    assert ids(found) == ['GC704']
    assert 'TLSv1' in found[0].message


def test_weak_cipher_accepted(tmp_path, pki):
    """A server that also takes anonymous ciphers (at level 0)."""
    server = T.ProbeServer(pki.context(
        ciphers='ALL:@SECLEVEL=0'))
    with servers.started(server):
        found = findings([host(tmp_path, pki, server)])
    assert ids(found) == ['GC704']
    assert 'weak cipher' in found[0].message


def test_plain_http_on_the_same_port(tmp_path, pki):
    server = T.ProbeServer(pki.context(), mixed=True)
    with servers.started(server):
        found = findings([host(tmp_path, pki, server)])
    assert ids(found) == ['GC705']


def test_http_url_of_the_same_host_in_the_list(tmp_path, pki):
    secure = T.ProbeServer(pki.context())
    plain = T.ProbeServer()
    with servers.started(secure, plain):
        path = T.config(tmp_path, 'both', [secure.url, plain.url],
                        cafile=pki.cafile)
        found = findings([path])
    assert ids(found) == ['GC705']
    assert found[0].message.startswith(plain.url)


def test_http_endpoints_never_take_an_https_endpoints_tls(tmp_path):
    """An http endpoint has the default TLS settings, as has an https
    one with no cafile: the http one is still spoken to in plain HTTP."""
    with socket.socket() as closed:
        closed.bind(('127.0.0.1', 0))
        port = closed.getsockname()[1]
    plain = T.ProbeServer()
    with servers.started(plain):
        secure = T.config(tmp_path, 'a', ['https://127.0.0.1:%d' % port])
        healthy = T.config(tmp_path, 'b', [plain.url])
        found = findings([secure, healthy])
    assert [(f.check_id, f.file) for f in found] == [('GC701', secure)]
    assert plain.hits == 1


def test_not_an_image_api(tmp_path, pki):
    server = T.ProbeServer(pki.context()).answer(
        servers.ok(b'<html>welcome</html>', 200, 'text/html'))
    with servers.started(server):
        found = findings([host(tmp_path, pki, server)])
    assert ids(found) == ['GC706']
    assert found[0].severity is Severity.MEDIUM


def test_discovery_without_answer_is_info(tmp_path, pki):
    """A server that never answers the GET: bounded by the timeout."""
    server = T.ProbeServer(pki.context()).answer(servers.stall(30))
    with servers.started(server), servers.Clock() as clock:
        found = findings([host(tmp_path, pki, server)], timeout=1.0)
    assert ids(found) == ['GC706']
    assert found[0].severity is Severity.INFO
    assert clock.elapsed < 5


def test_deadline_bounds_the_run(tmp_path, pki):
    """Endpoints that never answer: the run stops near the deadline, and
    the endpoints it did not reach are reported as not probed."""
    stalled = [T.ProbeServer(pki.context()).answer(servers.stall(30))
               for _ in range(4)]
    paths = [host(tmp_path, pki, s) for s in stalled]
    with servers.started(*stalled), servers.Clock() as clock:
        found = findings(paths, timeout=1.0, deadline=1.5, jobs=1)
    assert clock.elapsed < 5
    assert ids(found) == ['GC706'] * 4
    assert sum('not probed' in f.message for f in found) >= 2


def test_fleet_probes_each_endpoint_once(tmp_path, pki):
    """200 hosts over 20 endpoints: 20 endpoints probed, each once."""
    endpoints = [T.ProbeServer(pki.context()) for _ in range(20)]
    paths = [T.config(tmp_path, 'compute-%03d' % n,
                      [endpoints[n % 20].url], cafile=pki.cafile)
             for n in range(200)]
    prober = probe.Prober(timeout=5.0, jobs=8)
    args = probe_cmd.build_parser(io.StringIO(), io.StringIO(),
                                  ['text']).parse_args(paths)
    with servers.started(*endpoints):
        result = probe_cmd.probe_run(args, probe_checks_installed(), prober)
        result.close()
    assert len(result.probes) == 20
    assert [s.hits for s in endpoints] == [1] * 20
    # The nova handshake and GET, TLS 1.1, weak ciphers, plain HTTP.
    assert {s.connections for s in endpoints} == {4}


def test_gc707_public_address_with_internal(tmp_path, pki):
    """No public address can be bound here: the check is judged on an
    observation that saw one, with the real classification. Every
    resolved address counts, not only the one that connected."""
    point = probe.Endpoint('https', 'glance.example', 9292)
    seen = probe.Observation(point, address='203.0.113.9', status=300,
                             versions=('v2.16',))
    public = probe.Observation(point, address='10.0.0.5', status=300,
                               versions=('v2.16',),
                               addresses=('10.0.0.5', '8.8.8.8'))
    check = probe_checks.PublicAddress()
    use = probe_checks.Use(probe_checks.CATALOG_OPTION, point.url, point)

    class Conf:
        def value(self, name: str, group: str = 'glance') -> Any:
            return ['internal', 'public']

    prober = probe.Prober()
    assert list(check.judge(Conf(), use, seen, [use], prober)) == []
    found = list(check.judge(Conf(), use, public, [use], prober))
    assert [f.check_id for f in found] == ['GC707']
    assert '8.8.8.8' in found[0].message


def test_gc707_ignores_api_servers_and_endpoint_override():
    """With api_servers or endpoint_override nova uses the URL and never
    reads valid_interfaces (nova/image/glance.py get_api_servers): the
    default valid_interfaces says nothing about it."""
    point = probe.Endpoint('https', 'glance.example', 9292)
    public = probe.Observation(point, address='8.8.8.8', addresses=(
        '8.8.8.8',), status=300, versions=('v2.16',))

    class Conf:
        def value(self, name: str, group: str = 'glance') -> Any:
            return ['internal', 'public']

    for option in ('api_servers', 'endpoint_override'):
        use = probe_checks.Use(option, point.url, point)
        assert list(probe_checks.PublicAddress().judge(
            Conf(), use, public, [use], probe.Prober())) == []


def test_probe_checks_find_nothing_outside_a_probe(tmp_path, pki):
    """In a normal audit the GC7xx checks never run the network."""
    server = T.ProbeServer(pki.context('glance.example'))
    with servers.started(server):
        result = audit_fleet([host(tmp_path, pki, server)],
                             probe_checks_installed())
        assert len(result.findings) == 0
        result.close()
    assert server.connections == 0


def test_evidence_is_not_in_the_fingerprint(tmp_path, pki):
    server = T.ProbeServer(pki.context(not_after=T.now() + 5 * T.DAY))
    with servers.started(server):
        first = findings([host(tmp_path, pki, server)])[0]
    later = first.__class__(**{**first.__dict__, 'evidence': (
        ('days_to_expiry', 1),)})
    assert later.fingerprint == first.fingerprint


def test_catalog_lookup_against_a_keystone_stub(tmp_path, pki):
    """With --catalog, a host without api_servers finds glance in the
    catalog (valid_interfaces, region_name) and that endpoint is probed;
    the password goes to Keystone only."""
    glance_api = T.ProbeServer(pki.context())
    keystone = servers.FaultServer()
    catalog = [{'type': 'image', 'name': 'glance', 'endpoints': [
        {'interface': 'public', 'region': 'RegionOne', 'region_id':
         'RegionOne', 'url': 'https://glance.public.example:9292',
         'id': '1'},
        {'interface': 'internal', 'region': 'RegionOne', 'region_id':
         'RegionOne', 'url': 'PLACEHOLDER', 'id': '2'}]}]

    def token(h: Any) -> None:
        catalog[0]['endpoints'][1]['url'] = glance_api.url
        body = json.dumps({'token': {
            'catalog': catalog, 'methods': ['password'],
            'expires_at': (T.now() + T.DAY).strftime(
                '%Y-%m-%dT%H:%M:%S.000000Z'),
            'user': {'id': 'u', 'name': 'nova', 'domain': {
                'id': 'default', 'name': 'Default'}},
            'project': {'id': 'p', 'name': 'service', 'domain': {
                'id': 'default', 'name': 'Default'}}}}).encode()
        length = int(h.headers.get('Content-Length', 0))
        h.rfile.read(length)
        h.send_response(201)
        h.send_header('X-Subject-Token', 'tok')
        h.send_header('Content-Type', 'application/json')
        h.send_header('Content-Length', str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    keystone.routes['/v3/auth/tokens'] = token
    path = tmp_path / 'catalog.conf'
    path.write_text(
        '[glance]\ncafile = %s\nvalid_interfaces = internal\n'
        'region_name = RegionOne\n[keystone_authtoken]\nauth_url = %s/v3\n'
        'username = nova\npassword = s3cret\nproject_name = service\n'
        % (pki.cafile, keystone.url))
    with servers.started(glance_api, keystone):
        found = findings([str(path)], use_catalog=True,
                         allow_http_auth=True)
    assert found == []
    assert keystone.requests == [('POST', '/v3/auth/tokens')]
    assert glance_api.hits == 1
    assert 's3cret' not in json.dumps(glance_api.headers)


def test_finding_placed_at_api_servers(tmp_path, pki):
    server = T.ProbeServer(pki.context('glance.example'))
    path = host(tmp_path, pki, server)
    with servers.started(server):
        found = findings([path])
    assert (found[0].option, found[0].file, found[0].line) == (
        'glance.api_servers', path, 2)
    assert found[0].host == pathlib.Path(path).stem


def test_days_left_counts_whole_days():
    seen = probe.Observation(probe.Endpoint('https', 'h', 1),
                             not_after=10 * 86400.0)
    assert seen.days_left(now=0.0) == 10
    assert seen.days_left(now=10 * 86400.0 + 1) == 0
    assert seen.days_left(now=12.5 * 86400.0) == -2  # toward zero
    assert probe.Observation(probe.Endpoint('https', 'h', 1)).days_left() \
        is None


def test_catalogue_documents_every_probe_check():
    assert [c.id for c in probe_checks_installed()] == [
        'GC701', 'GC702', 'GC703', 'GC704', 'GC705', 'GC706', 'GC707']
    assert all(c.doc() for c in probe_checks_installed())



@pytest.mark.parametrize('document', [T.NOVA_VERSIONS, T.NEUTRON_VERSIONS],
                         ids=['nova-api', 'neutron-server'])
def test_other_services_version_documents_are_not_glance(
        tmp_path, pki, document):
    """nova's v2.0/v2.1 (with microversion fields) and neutron's v2.0
    (a /v2.0/ link) are not the Image API: GC706, medium."""
    server = T.ProbeServer(pki.context()).answer(
        servers.json_status(200, document))
    with servers.started(server):
        found = findings([host(tmp_path, pki, server)])
    assert ids(found) == ['GC706']
    assert found[0].severity is Severity.MEDIUM


def test_glance_300_document_is_the_image_api(tmp_path, pki):
    """glance answers GET / with 300 Multiple Choices and its document."""
    server = T.ProbeServer(pki.context()).answer(
        servers.ok(T.VERSIONS, 300))
    with servers.started(server):
        assert findings([host(tmp_path, pki, server)]) == []


def test_a_redirect_is_reported_not_followed(tmp_path, pki):
    server = T.ProbeServer(pki.context()).answer(servers.redirect(
        'https://nova:s3cret@elsewhere.example/v2/?token=t0ken', 302))
    with servers.started(server):
        found = findings([host(tmp_path, pki, server)])
    assert ids(found) == ['GC706']
    assert 'redirect to https://' in found[0].message
    assert 'not followed' in found[0].message
    assert 'not glance-api' not in found[0].message
    assert 's3cret' not in found[0].message
    assert 't0ken' not in found[0].message
    assert server.hits == 1


def test_a_refused_http_endpoint_is_gc701(tmp_path):
    """The same dead port is high over http as over https."""
    url = 'http://127.0.0.1:%d' % servers.closed_port()
    found = findings([T.config(tmp_path, 'dead', [url])])
    assert ids(found) == ['GC701']


def test_a_malformed_host_name_is_gc701(tmp_path):
    found = findings([T.config(tmp_path, 'bad', ['https://a..b:9292'])])
    assert ids(found) == ['GC701']
    assert probe.BAD_HOST in found[0].message


def _keystone_conf(tmp: pathlib.Path, auth_url: str, password: str = 's3',  # noqa: S107
                   cafile: str = '') -> str:
    path = tmp / ('catalog-%d.conf' % len(list(tmp.iterdir())))
    path.write_text(
        '[glance]\nvalid_interfaces = internal\n[keystone_authtoken]\n'
        'auth_url = %s/v3\nusername = nova\npassword = %s\n'
        'project_name = service\n%s' % (
            auth_url, password, 'cafile = %s\n' % cafile if cafile else ''))
    return str(path)


def test_catalog_lookup_never_follows_a_redirect(tmp_path, pki):
    """An https Keystone that redirects (307 and 308 keep the body) to a
    plain http server: the password never reaches the second server."""
    second = servers.FaultServer()
    keystones = [servers.FaultServer(pki.context()) for _ in range(3)]
    for code, keystone in zip((302, 307, 308), keystones, strict=True):
        keystone.fault = servers.redirect(
            'http://127.0.0.1:%d/v3/auth/tokens' % second.port, code)
    paths = [_keystone_conf(tmp_path, k.url, cafile=pki.cafile)
             for k in keystones]
    with servers.started(second, *keystones):
        assert findings(paths, use_catalog=True) == []
    assert [k.requests for k in keystones] == [
        [('POST', '/v3/auth/tokens')]] * 3
    assert second.requests == []


def test_a_deeply_nested_document_hides_no_expiring_certificate(tmp_path,
                                                                pki):
    """Issue 20 item 11: a version document nested 100k deep is not
    glance's (GC706), and the certificate expiring in 5 days is still
    found; nothing says nova cannot connect."""
    server = T.ProbeServer(pki.context(not_after=T.now() + 5 * T.DAY)
                           ).answer(servers.ok(b'[' * 100_000, 300))
    with servers.started(server):
        found = findings([host(tmp_path, pki, server)])
    assert ids(found) == ['GC702', 'GC706']


def test_a_withheld_client_certificate_is_said_not_high(tmp_path, pki):
    """Issue 20 item 12: a run that loads no client certificate (bundles)
    says so; a server that then refuses the handshake is that note's
    reason, not a high GC701."""
    server = T.ProbeServer(pki.context(client_ca=pki.ca))
    certfile, keyfile = pki.client_files()
    with servers.started(server):
        path = T.config(tmp_path, 'with-cert', [server.url],
                        cafile=pki.cafile, certfile=certfile,
                        keyfile=keyfile)
        assert findings([path]) == []
        found = findings([path], client_certificates=False)
    [note] = found
    assert (note.check_id, note.severity) == ('GC701', Severity.INFO)
    assert probe_checks.WITHHELD in note.message
    assert 'refused the handshake without it' in note.message


def test_planning_is_an_observer_of_nova_configs(tmp_path):
    """The planning pass runs no check: ``Planner`` watches each config
    through the engine and notes its endpoints, once each; a cinder file
    is not nova's, and names none to probe."""
    nova = [tmp_path / ('compute-%d.conf' % i) for i in range(2)]
    for path in nova:
        path.write_text('[glance]\napi_servers = https://glance.example:9292'
                        '\n')
    cinder = tmp_path / 'cinder.conf'
    # Read as nova's, its [glance] section would name an endpoint.
    cinder.write_text('[DEFAULT]\nglance_api_servers = https://other:9292\n'
                      '[glance]\napi_servers = https://other:9292\n')
    prober = probe.Prober()
    result = audit_fleet([str(p) for p in [*nova, cinder]], [],
                         observers=[probe_checks.Planner(prober)])
    result.close()
    assert [p.url for p in prober.endpoints] == [
        'https://glance.example:9292/']
    assert result.checks == [] and list(prober.observations) == []


def test_checks_judge_the_prober_they_are_bound_to(tmp_path):
    """The prober reaches a GC7xx check only in the class ``judging``
    made for it: two runs bound one after the other each judge their own
    observations, with nothing opened around them, and the loaded classes
    stay bound to none. A prober passed by anything shared (a global, a
    context variable, a class attribute set at binding) would have one
    run judge the other's observations, or none."""
    path = tmp_path / 'compute.conf'
    path.write_text('[glance]\napi_servers = https://glance.example:9292\n')

    def prober(**seen: Any) -> probe.Prober:
        run = probe.Prober()
        audit_fleet([str(path)], [], observers=[probe_checks.Planner(run)]
                    ).close()
        [point] = run.endpoints
        run.observations[point] = probe.Observation(
            point, address='127.0.0.1', status=300, versions=('v2.16',),
            **seen)
        return run

    mismatch = prober(name_mismatch=True, names=('other.example',))
    healthy = prober()
    loaded = probe_checks_installed()
    bound = {run: probe_checks.judging(loaded, run)
             for run in (mismatch, healthy)}
    assert [c.prober for c in loaded] == [None] * len(loaded)
    for run, expected in ((mismatch, ['GC703']), (healthy, []),
                          (mismatch, ['GC703'])):
        result = audit_fleet([str(path)], bound[run])
        try:
            assert ids(list(result.findings)) == expected
        finally:
            result.close()
    assert [(c.id, c.__name__, c.doc()) for c in bound[healthy]] == [
        (c.id, c.__name__, c.doc()) for c in loaded]


def test_no_context_variable_reaches_the_checks():
    """The probe's run is an argument, never ambient state: no module of
    the auditor keeps a context variable or thread-local to pass it."""
    root = pathlib.Path(probe_checks.__file__).parents[1]
    ambient = [str(path.relative_to(root)) for path in root.rglob('*.py')
               if any(word in path.read_text(encoding='utf-8')
                      for word in ('contextvars', 'threading.local'))]
    assert ambient == []
