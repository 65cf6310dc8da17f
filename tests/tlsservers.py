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

"""Loopback glance-api look-alikes with trustme certificates, for the probe.

Each server counts the connections it accepts and records the headers of
every request (and the client certificate it came with, if any), and
stops by itself like :class:`tests.servers.
FaultServer` (it is one); :func:`tests.servers.started` runs them for a
block, and the ``make_server`` fixture of ``tests/conftest.py`` for a
test.
"""

from __future__ import annotations

import datetime
import json
import socket
import ssl
import warnings
from typing import Any

import trustme

from tests import servers


def _version(id_: str, status: str, href: str, **more: str) -> dict[str, Any]:
    return {'id': id_, 'status': status, **more,
            'links': [{'rel': 'self', 'href': href}]}


#: glance-api's answer to ``GET /`` (``300 Multiple Choices``): its
#: version document as glance/api/versions.py ``build_version_object``
#: builds it (openstack/glance c76abb08): ``v2.x`` ids, a status, and a
#: ``self`` link to ``<url>/v2/`` for every one.
VERSIONS = json.dumps({'versions': [
    _version('v2.%d' % minor, 'CURRENT' if minor == 17 else 'SUPPORTED',
             'https://glance.example:9292/v2/')
    for minor in (17, 16, 15, 9, 7, 6, 5, 4, 3, 2, 1, 0)]}).encode()
#: nova-api's ``GET /`` (nova/api/openstack/compute/versions.py
#: ``VERSIONS``, openstack/nova 00a03040; the views builder adds the self
#: links): ``v2.0``/``v2.1`` with the microversion fields.
NOVA_VERSIONS = {'versions': [
    _version('v2.0', 'SUPPORTED', 'https://nova.example:8774/v2/',
             version='', min_version='', updated='2011-01-21T11:33:21Z'),
    _version('v2.1', 'CURRENT', 'https://nova.example:8774/v2.1/',
             version='2.96', min_version='2.1',
             updated='2013-07-23T11:33:21Z')]}
#: neutron-server's ``GET /`` (neutron/api/versions.py, the views
#: builder's link ``<url>/v2.0/``).
NEUTRON_VERSIONS = {'versions': [
    _version('v2.0', 'CURRENT', 'https://neutron.example:9696/v2.0/')]}
#: The Unix epoch's notion of a day, for certificate dates.
DAY = datetime.timedelta(days=1)


def glance() -> servers.Fault:
    return servers.ok(VERSIONS, 300)


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class ProbeServer(servers.FaultServer):
    """A FaultServer that counts connections and keeps request headers.

    :param context: the server's TLS context; ``None`` for plain HTTP.
    :param mixed: answer plain HTTP on the TLS port too (a listener that
        reads the first byte and speaks TLS only to a ClientHello).
    """

    class _Server(servers.FaultServer._Server):
        def get_request(self) -> Any:
            sock, address = self.socket.accept()
            self.owner.connections += 1
            context = self.owner.tls
            if context is not None:
                first = b''
                if self.owner.mixed:
                    sock.settimeout(2.0)
                    try:
                        first = sock.recv(1, socket.MSG_PEEK)
                    except OSError:
                        first = b''
                    sock.settimeout(None)
                if not self.owner.mixed or first == b'\x16':
                    sock = context.wrap_socket(
                        sock, server_side=True,
                        do_handshake_on_connect=False)
            return sock, address

    def __init__(self, context: ssl.SSLContext | None = None,
                 mixed: bool = False, lifetime: float = 30.0) -> None:
        self.connections = 0
        self.tls = context
        self.mixed = mixed
        self.headers: list[dict[str, str]] = []
        #: The subject of the client certificate of each request; ``None``
        #: for a request that came without one.
        self.client_certs: list[Any] = []
        super().__init__(None, lifetime)
        self.scheme = 'https' if context else 'http'
        self.fault = self._recording(glance())

    def _recording(self, then: servers.Fault) -> servers.Fault:
        def answer(h: Any) -> None:
            peer = h.connection.getpeercert() \
                if isinstance(h.connection, ssl.SSLSocket) else None
            with self.lock:
                self.headers.append(dict(h.headers.items()))
                self.client_certs.append(peer.get('subject')
                                         if peer else None)
            then(h)
        return answer

    def answer(self, fault: servers.Fault) -> ProbeServer:
        self.fault = self._recording(fault)
        return self


class Pki:
    """A CA, its trust bundle on disk, and server contexts it signs."""

    def __init__(self, tmp: Any) -> None:
        self.ca = trustme.CA()
        self.dir = tmp
        self.cafile = str(tmp / 'ca.pem')
        self.ca.cert_pem.write_to_path(self.cafile)

    def context(self, *names: str, not_after: datetime.datetime | None = None,
                legacy: bool = False, ciphers: str | None = None,
                client_ca: trustme.CA | None = None,
                client_optional: bool = False) -> ssl.SSLContext:
        """A server context for ``names`` (127.0.0.1 by default); with
        ``client_ca``, one that asks for a client certificate signed by
        it, and requires one unless ``client_optional``."""
        cert = self.ca.issue_cert(*(names or ('127.0.0.1', 'localhost')),
                                  not_after=not_after)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(context)
        if legacy:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore', DeprecationWarning)
                context.minimum_version = ssl.TLSVersion.TLSv1
            # Debian's OpenSSL allows TLS 1.0/1.1 only at level 0.
            context.set_ciphers('DEFAULT:@SECLEVEL=0')
        if ciphers:
            context.maximum_version = ssl.TLSVersion.TLSv1_2
            context.set_ciphers(ciphers)
        if client_ca is not None:
            context.verify_mode = ssl.CERT_OPTIONAL if client_optional \
                else ssl.CERT_REQUIRED
            client_ca.configure_trust(context)
        return context

    def client_files(self, name: str = 'nova') -> tuple[str, str]:
        """A client certificate and key signed by this CA, on disk."""
        cert = self.ca.issue_cert('%s.example' % name)
        certfile = str(self.dir / ('%s-cert.pem' % name))
        keyfile = str(self.dir / ('%s-key.pem' % name))
        cert.cert_chain_pems[0].write_to_path(certfile)
        cert.private_key_pem.write_to_path(keyfile)
        return certfile, keyfile


def config(tmp: Any, name: str, servers_: list[str],
           **glance: str) -> str:
    """A host's nova.conf naming ``servers_`` in ``api_servers``."""
    lines = ['[glance]', 'api_servers = %s' % ','.join(servers_)]
    lines += ['%s = %s' % item for item in glance.items()]
    path = tmp / ('%s.conf' % name)
    path.write_text('\n'.join(lines) + '\n')
    return str(path)

