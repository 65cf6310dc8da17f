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

"""The probe of one endpoint: what it reports, and its one budget."""

from __future__ import annotations

import socket

import pytest

from glance_conf.audit.probe import endpoints
from glance_conf.audit.probe import observation
from glance_conf.audit.probe import wire
from tests import servers
from tests import tlsservers as T

TLS = endpoints.TlsSettings(cafile='/ca.pem')


def test_missing_cafile_is_reported_not_raised(tmp_path):
    pki = T.Pki(tmp_path)
    server = T.ProbeServer(pki.context())
    with servers.started(server):
        seen = wire.probe_endpoint(endpoints.endpoint(
            server.url, endpoints.TlsSettings(cafile=str(tmp_path / 'no'))))
    assert 'cannot be loaded here' in seen.failure
    assert server.hits == 0


def test_refused_connection_is_a_failure():
    seen = wire.probe_endpoint(endpoints.endpoint(
        'https://127.0.0.1:%d' % servers.closed_port(), TLS), 2.0)
    assert seen.failure and not seen.connected
    assert seen.address == '127.0.0.1'


def test_a_silent_server_is_bounded_by_the_timeout(tmp_path):
    """A server that never answers the GET: the whole probe (the GET
    and the handshakes after it) ends within its budget."""
    silent = T.ProbeServer(T.Pki(tmp_path).context()).answer(
        servers.stall(30))
    with servers.started(silent):
        with servers.Clock() as clock:
            seen = wire.probe_endpoint(endpoints.endpoint(
                silent.url, endpoints.TlsSettings(insecure=True)), 1.0)
    assert clock.elapsed < 3
    assert seen.discovery_failure == 'timed out'


def test_trickling_server_is_bounded(tmp_path):
    plain = T.ProbeServer().answer(servers.trickle(10_000, 0.05))
    with servers.started(plain):
        with servers.Clock() as clock:
            seen = wire.probe_endpoint(endpoints.endpoint(plain.url, TLS), 1.0)
    assert clock.elapsed < 3
    assert seen.discovery_failure is not None


def test_a_listener_that_never_answers_the_handshake_is_bounded():
    """The kernel accepts the connection; nobody ever reads the
    ClientHello. Every connection of the probe shares the one budget."""
    with socket.create_server(('127.0.0.1', 0)) as mute:
        port = mute.getsockname()[1]
        with servers.Clock() as clock:
            seen = wire.probe_endpoint(endpoints.endpoint(
                'https://127.0.0.1:%d' % port,
                endpoints.TlsSettings(insecure=True)), 1.0)
    assert clock.elapsed < 3
    assert seen.failure == 'timed out'


@pytest.mark.parametrize('url', ['https://a..b:9292',
                                 'https://%s.invalid:9292' % ('a' * 64)])
def test_a_malformed_host_name_is_a_failure_not_a_crash(url):
    """IDNA refuses the name (a ValueError from getaddrinfo) before any
    lookup: GC701's words, never a traceback that ends the run."""
    seen = wire.probe_endpoint(endpoints.endpoint(url, TLS), 1.0)
    assert seen.failure == wire.BAD_HOST
    assert not seen.connected


def test_a_refused_http_endpoint_is_a_failure():
    """No connection is a failure (GC701) over http as over https; only
    what fails after the request was sent is discovery's."""
    seen = wire.probe_endpoint(endpoints.endpoint(
        'http://127.0.0.1:%d' % servers.closed_port(), TLS), 2.0)
    assert seen.failure and seen.discovery_failure is None


def test_each_resolved_address_is_tried_until_one_connects():
    """urllib3 tries each address in turn; so does the probe."""
    plain = T.ProbeServer()
    seen = observation.Observation(endpoints.endpoint(plain.url, TLS))
    dead = ('127.0.0.1', servers.closed_port())
    infos = [(socket.AF_INET, socket.SOCK_STREAM, 6, '', dead),
             (socket.AF_INET, socket.SOCK_STREAM, 6, '',
              ('127.0.0.1', plain.port))]
    with servers.started(plain):
        sock, address = wire._connect_any(seen, infos,
                                           wire._Budget(2.0))
        sock.close()
    assert address[1] == plain.port
    assert seen.address == '127.0.0.1'
    with pytest.raises(ConnectionRefusedError):
        wire._connect_any(seen, infos[:1], wire._Budget(2.0))


def test_a_deeply_nested_version_document_keeps_the_tls_observation(
        tmp_path):
    """Issue 20 item 11: a body nested 100k deep is no version document,
    and the certificate's dates are still read."""
    pki = T.Pki(tmp_path)
    server = T.ProbeServer(pki.context(not_after=T.now() + 5 * T.DAY)
                           ).answer(servers.ok(b'[' * 100_000, 300))
    with servers.started(server):
        seen = wire.probe_endpoint(endpoints.endpoint(
            server.url, endpoints.TlsSettings(cafile=pki.cafile)), 5.0)
    assert seen.connected and seen.failure is None
    assert seen.days_left() in (4, 5)
    assert seen.status == 300 and seen.versions == ()
