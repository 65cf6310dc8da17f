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

"""The probe's mechanism: endpoints, address classes, nova's TLS context,
and the bounds of one endpoint's probe."""

from __future__ import annotations

import os
import pathlib
import socket
import ssl
import threading
from typing import Any

import pytest

from glance_conf.audit import probe
from tests import servers
from tests import tlsservers as T

TLS = probe.TlsSettings(cafile='/ca.pem')


@pytest.mark.parametrize('url, expected', [
    ('https://glance:9292/v2', 'https://glance:9292/'),
    ('https://lb/image/v2.1/', 'https://lb:443/image/'),
    ('https://user:pw@Glance.Example/?q=s3cret', 'https://glance.example:443/'),
    ('http://[::1]:9292', 'http://[::1]:9292/'),
    ('http://glance', 'http://glance:80/'),
])
def test_endpoint_url_drops_secrets(url, expected):
    assert probe.endpoint(url, TLS).url == expected


@pytest.mark.parametrize('url', ['ftp://glance', 'glance:9292', 'https://',
                                 'https://glance:99999'])
def test_endpoint_refuses_what_nova_cannot_reach(url):
    assert probe.endpoint(url, TLS) is None


def test_http_endpoints_share_no_tls():
    """Two hosts that differ only in cafile share an http endpoint."""
    a = probe.endpoint('http://glance:9292', TLS)
    b = probe.endpoint('http://glance:9292', probe.TlsSettings())
    assert a == b
    assert probe.endpoint('https://glance', TLS) != probe.endpoint(
        'https://glance', probe.TlsSettings())


@pytest.mark.parametrize('address, public', [
    ('8.8.8.8', True), ('2001:4860:4860::8888', True),
    ('10.0.0.1', False), ('172.16.0.1', False), ('192.168.1.1', False),
    ('127.0.0.1', False), ('169.254.1.1', False), ('100.64.0.1', False),
    ('::1', False), ('fe80::1%eth0', False), ('fd00::1', False),
    ('::ffff:10.0.0.1', False), ('::ffff:8.8.8.8', True),
    ('203.0.113.9', False),  # documentation range: never routed
])
def test_is_public(address, public):
    assert probe.is_public(address) is public


def test_nova_context_applies_the_config(tmp_path):
    pki = T.Pki(tmp_path)
    context = probe.nova_context(probe.TlsSettings(
        cafile=pki.cafile, min_version='1.3'))
    assert context.minimum_version is ssl.TLSVersion.TLSv1_3
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert len(context.get_ca_certs()) == 1
    insecure = probe.nova_context(probe.TlsSettings(insecure=True))
    assert insecure.verify_mode is ssl.CERT_NONE


def test_nova_context_refuses_a_missing_cafile(tmp_path):
    with pytest.raises(probe.TlsFileRefused, match='^cafile .*/no: No such'):
        probe.nova_context(probe.TlsSettings(cafile=str(tmp_path / 'no')))


def test_missing_cafile_is_reported_not_raised(tmp_path):
    pki = T.Pki(tmp_path)
    server = T.ProbeServer(pki.context())
    for _ in T.started(server):
        seen = probe.probe_endpoint(probe.endpoint(
            server.url, probe.TlsSettings(cafile=str(tmp_path / 'no'))))
    assert 'cannot be loaded here' in seen.failure
    assert server.hits == 0


def test_refused_connection_is_a_failure():
    seen = probe.probe_endpoint(probe.endpoint(
        'https://127.0.0.1:%d' % servers.closed_port(), TLS), 2.0)
    assert seen.failure and not seen.connected
    assert seen.address == '127.0.0.1'


def test_a_silent_server_is_bounded_by_the_timeout(tmp_path):
    """A server that never answers the GET: the whole probe (the GET
    and the handshakes after it) ends within its budget."""
    silent = T.ProbeServer(T.Pki(tmp_path).context()).answer(
        servers.stall(30))
    for _ in T.started(silent):
        with servers.Clock() as clock:
            seen = probe.probe_endpoint(probe.endpoint(
                silent.url, probe.TlsSettings(insecure=True)), 1.0)
    assert clock.elapsed < 3
    assert seen.discovery_failure == 'timed out'


def test_trickling_server_is_bounded(tmp_path):
    plain = T.ProbeServer().answer(servers.trickle(10_000, 0.05))
    for _ in T.started(plain):
        with servers.Clock() as clock:
            seen = probe.probe_endpoint(probe.endpoint(plain.url, TLS), 1.0)
    assert clock.elapsed < 3
    assert seen.discovery_failure is not None


def test_prober_probes_each_endpoint_once(tmp_path):
    plain = T.ProbeServer()
    prober = probe.Prober(timeout=2.0)
    for _ in T.started(plain):
        point = probe.endpoint(plain.url, TLS)
        prober.want([point, point])
        prober.want([probe.endpoint(plain.url + '/v2', TLS)])
        assert len(prober.run()) == 1
        assert prober.run() == []
    assert plain.hits == 1
    assert prober.seen(point).versions[:2] == ('v2.17', 'v2.16')


def test_jobs_are_bounded():
    assert probe.Prober(jobs=10_000).jobs == probe.MAX_JOBS
    assert probe.Prober(jobs=0).jobs == 1


def test_a_listener_that_never_answers_the_handshake_is_bounded():
    """The kernel accepts the connection; nobody ever reads the
    ClientHello. Every connection of the probe shares the one budget."""
    with socket.create_server(('127.0.0.1', 0)) as mute:
        port = mute.getsockname()[1]
        with servers.Clock() as clock:
            seen = probe.probe_endpoint(probe.endpoint(
                'https://127.0.0.1:%d' % port,
                probe.TlsSettings(insecure=True)), 1.0)
    assert clock.elapsed < 3
    assert seen.failure == 'timed out'


@pytest.mark.parametrize('url', ['https://a..b:9292',
                                 'https://%s.invalid:9292' % ('a' * 64)])
def test_a_malformed_host_name_is_a_failure_not_a_crash(url):
    """IDNA refuses the name (a ValueError from getaddrinfo) before any
    lookup: GC701's words, never a traceback that ends the run."""
    seen = probe.probe_endpoint(probe.endpoint(url, TLS), 1.0)
    assert seen.failure == probe.BAD_HOST
    assert not seen.connected


def test_one_broken_endpoint_never_ends_the_run(monkeypatch):
    """Whatever one endpoint's probe raises becomes its failure, by the
    exception's class only (its text may quote a value)."""
    plain = T.ProbeServer()
    real = probe.probe_endpoint

    def breaks_on_port_1(point, *args):
        if point.port == 1:
            raise RuntimeError('s3cret')
        return real(point, *args)
    monkeypatch.setattr(probe, 'probe_endpoint', breaks_on_port_1)
    prober = probe.Prober(timeout=2.0)
    for _ in T.started(plain):
        prober.want([probe.endpoint('http://127.0.0.1:1', TLS),
                     probe.endpoint(plain.url, TLS)])
        broken, fine = prober.run()
    assert broken.failure == probe.PROBE_BROKE % 'RuntimeError'
    assert fine.versions


def test_an_encrypted_key_fails_at_once(tmp_path):
    """OpenSSL would prompt on the terminal for the passphrase, and wait
    past any deadline; the probe says why instead, sending nothing."""
    from cryptography.hazmat.primitives import serialization
    pki = T.Pki(tmp_path)
    certfile, keyfile = pki.client_files()
    key = serialization.load_pem_private_key(
        pathlib.Path(keyfile).read_bytes(), None)
    pathlib.Path(keyfile).write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b'passphrase')))
    server = T.ProbeServer(pki.context())
    tls = probe.TlsSettings(cafile=pki.cafile, certfile=certfile,
                            keyfile=keyfile)
    for _ in T.started(server):
        with servers.Clock() as clock:
            seen = probe.probe_endpoint(probe.endpoint(server.url, tls), 5)
    assert clock.elapsed < 2
    assert seen.failure == probe.NOT_LOADED % probe.ENCRYPTED_KEY
    assert server.connections == 0


def test_a_refused_http_endpoint_is_a_failure():
    """No connection is a failure (GC701) over http as over https; only
    what fails after the request was sent is discovery's."""
    seen = probe.probe_endpoint(probe.endpoint(
        'http://127.0.0.1:%d' % servers.closed_port(), TLS), 2.0)
    assert seen.failure and seen.discovery_failure is None


def test_contexts_are_built_once_per_settings_and_never_changed(tmp_path):
    """One CA load per distinct TLS settings, before any budget; the
    name-mismatch retry uses the relaxed copy, not nova's context."""
    pki = T.Pki(tmp_path)
    wrong = [T.ProbeServer(pki.context('glance.example')) for _ in range(3)]
    tls = probe.TlsSettings(cafile=pki.cafile)
    prober = probe.Prober(timeout=5.0)
    for _ in T.started(*wrong):
        prober.want(probe.endpoint(s.url, tls) for s in wrong)
        assert all(s.name_mismatch for s in prober.run())
    [contexts] = prober.contexts.values()
    assert contexts.nova.check_hostname
    assert not contexts.nova.verify_flags & probe._NO_CHECK_TIME


def test_each_resolved_address_is_tried_until_one_connects():
    """urllib3 tries each address in turn; so does the probe."""
    plain = T.ProbeServer()
    seen = probe.Observation(probe.endpoint(plain.url, TLS))
    dead = ('127.0.0.1', servers.closed_port())
    infos = [(socket.AF_INET, socket.SOCK_STREAM, 6, '', dead),
             (socket.AF_INET, socket.SOCK_STREAM, 6, '',
              ('127.0.0.1', plain.port))]
    for _ in T.started(plain):
        sock, address = probe._connect_any(seen, infos,
                                           probe._Budget(2.0))
        sock.close()
    assert address[1] == plain.port
    assert seen.address == '127.0.0.1'
    with pytest.raises(ConnectionRefusedError):
        probe._connect_any(seen, infos[:1], probe._Budget(2.0))


def test_an_ipv6_zone_id_is_decoded_as_urllib3_does():
    point = probe.endpoint('https://[fe80::1%25lo]:1/', TLS)
    assert point.host == 'fe80::1%lo'
    assert point.url == 'https://[fe80::1%lo]:1/'


def _loaded_within(tls: probe.TlsSettings, seconds: float = 10.0) -> Any:
    """:func:`probe.load_contexts` of ``tls``, run in a daemon thread so
    that a load that blocks (as OpenSSL does on a FIFO) fails the test
    instead of hanging it."""
    done: list[Any] = []
    worker = threading.Thread(target=lambda: done.append(
        probe.load_contexts(tls)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert done, 'loading the TLS settings blocked'
    return done[0]


def _fifo(tmp_path: pathlib.Path) -> str:
    path = tmp_path / 'fifo'
    os.mkfifo(path)
    return str(path)


#: TLS files OpenSSL would block on or cannot load: a FIFO with no
#: writer, a pseudo-terminal master, a link to the FIFO, a directory.
BLOCKING = {
    'fifo': _fifo,
    'ptmx': lambda tmp: '/dev/ptmx',
    'link to a fifo': lambda tmp: os.symlink(_fifo(tmp), tmp / 'l') or str(
        tmp / 'l'),
    'directory': lambda tmp: str(tmp),
}


@pytest.mark.parametrize('option', ['cafile', 'certfile', 'keyfile'])
@pytest.mark.parametrize('kind', sorted(BLOCKING))
def test_a_tls_file_that_is_not_a_regular_file_is_refused(tmp_path, kind,
                                                          option):
    """Issue 20 item 4: whatever the option, the load never blocks; the
    refusal names the option and the path."""
    if kind == 'ptmx' and not os.path.exists('/dev/ptmx'):
        pytest.skip('no /dev/ptmx on this machine')
    path = BLOCKING[kind](tmp_path)
    pki = T.Pki(tmp_path)
    certfile, keyfile = pki.client_files()
    files = {'cafile': pki.cafile, 'certfile': certfile, 'keyfile': keyfile,
             option: path}
    loaded = _loaded_within(probe.TlsSettings(**files))
    assert loaded == probe.NOT_LOADED % ('%s %s: is not a regular file'
                                         % (option, path))


def test_a_linked_cafile_is_followed(tmp_path):
    """/etc/ssl/certs is links: a link to a regular file is a TLS file."""
    pki = T.Pki(tmp_path)
    os.symlink(pki.cafile, tmp_path / 'linked.pem')
    context = probe.nova_context(probe.TlsSettings(
        cafile=str(tmp_path / 'linked.pem')))
    assert len(context.get_ca_certs()) == 1


def test_an_oversized_tls_file_is_refused(tmp_path):
    huge = tmp_path / 'huge.pem'
    with open(huge, 'wb') as stream:
        stream.truncate(probe.MAX_TLS_FILE + 1)
    assert _loaded_within(probe.TlsSettings(cafile=str(huge))) == \
        probe.NOT_LOADED % ('cafile %s: is larger than %d bytes'
                            % (huge, probe.MAX_TLS_FILE))


def test_a_fifo_cafile_is_one_endpoints_failure_within_the_deadline(
        tmp_path):
    """The contexts are built inside the run: the endpoint whose cafile
    is a FIFO fails, and the other is probed."""
    pki = T.Pki(tmp_path)
    server = T.ProbeServer(pki.context())
    prober = probe.Prober(timeout=2.0, deadline=10.0)
    fifo = probe.endpoint(server.url, probe.TlsSettings(
        cafile=_fifo(tmp_path)))
    good = probe.endpoint(server.url, probe.TlsSettings(cafile=pki.cafile))
    done: list[Any] = []
    for _ in T.started(server):
        prober.want([fifo, good])
        worker = threading.Thread(target=lambda: done.append(prober.run()),
                                  daemon=True)
        worker.start()
        worker.join(30)
    assert done, 'the run blocked'
    assert 'is not a regular file' in prober.seen(fifo).failure
    assert prober.seen(good).connected and prober.seen(good).versions


def test_a_deeply_nested_version_document_keeps_the_tls_observation(
        tmp_path):
    """Issue 20 item 11: a body nested 100k deep is no version document,
    and the certificate's dates are still read."""
    pki = T.Pki(tmp_path)
    server = T.ProbeServer(pki.context(not_after=T.now() + 5 * T.DAY)
                           ).answer(servers.ok(b'[' * 100_000, 300))
    for _ in T.started(server):
        seen = probe.probe_endpoint(probe.endpoint(
            server.url, probe.TlsSettings(cafile=pki.cafile)), 5.0)
    assert seen.connected and seen.failure is None
    assert seen.days_left() in (4, 5)
    assert seen.status == 300 and seen.versions == ()


@pytest.mark.parametrize('body, versions', [
    (T.VERSIONS, ('v2.17',)),
    (b'[' * (probe.MAX_DEPTH + 1) + b']' * (probe.MAX_DEPTH + 1), ()),
    (b'{"note": "' + b'[' * 1000 + b'", ' + T.VERSIONS[1:], ('v2.17',)),
    (b'{"note": "\\"' + b'{' * 1000 + b'", ' + T.VERSIONS[1:],
     ('v2.17',)),
])
def test_the_depth_limit_counts_brackets_outside_strings(body, versions):
    """Brackets inside a string do not nest; those outside do."""
    seen = probe.Observation(probe.endpoint('http://glance', TLS))
    probe._discover(seen, probe._Answer(300, body))
    assert seen.versions[:1] == versions


def test_a_probe_that_never_returns_is_left_at_the_deadline(monkeypatch):
    """Whatever holds one endpoint's probe (a resolver that never
    answers), the run returns at the deadline: that endpoint unfinished,
    the others probed."""
    plain = T.ProbeServer()
    release = threading.Event()
    real = probe.probe_endpoint

    def hangs_on_port_1(point, *args):
        if point.port == 1:
            release.wait(60)
        return real(point, *args)
    monkeypatch.setattr(probe, 'probe_endpoint', hangs_on_port_1)
    prober = probe.Prober(timeout=2.0, deadline=1.0)
    hung = probe.endpoint('http://127.0.0.1:1', TLS)
    done: list[Any] = []
    try:
        for _ in T.started(plain):
            prober.want([hung, probe.endpoint(plain.url, TLS)])
            worker = threading.Thread(
                target=lambda: done.append(prober.run()), daemon=True)
            worker.start()
            worker.join(30)
    finally:
        release.set()
    assert done, 'the run waited past its deadline'
    stuck, fine = done[0]
    assert (stuck.probed, stuck.discovery_failure) == (False,
                                                       probe.NOT_FINISHED)
    assert fine.versions
