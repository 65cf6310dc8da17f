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

"""The probe of one endpoint: everything it sends, within one budget.

DNS, then TCP to each address in turn; for ``https`` one handshake as
nova makes it (a second, relaxed one only to read a certificate nova
refuses), at most one ``GET`` of the base path, then the downgrade
handshakes and one plain ``HEAD``. Every block on a socket is cut short
when the endpoint's budget ends.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any

from glance_conf import redact
from glance_conf.audit.probe import discovery
from glance_conf.audit.probe import tls as tls_mod
from glance_conf.audit.probe.endpoints import Endpoint
from glance_conf.audit.probe.observation import Observation
from glance_conf.audit.probe.observation import reason

#: Seconds all the connections of one endpoint may take together.
DEFAULT_TIMEOUT = 10.0
#: Bytes of a version document read; the rest is never read.
MAX_BODY = 64 * 1024
#: OpenSSL verify results: a certificate not yet valid, or expired.
_DATE_ERRORS = frozenset({9, 10})
#: OpenSSL verify results: host name, or IP address, mismatch.
_NAME_ERRORS = frozenset({62, 64})
#: Said of a host name that no resolver can take (an empty or overlong
#: label: IDNA refuses it before any lookup).
BAD_HOST = 'the host name is not valid'
_USER_AGENT = 'glance-conf-audit-probe'


class _Budget:
    """The time left of one endpoint's probe."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + max(seconds, 0.0)

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError('the probe\'s time for this endpoint ran '
                               'out')
        return left


@contextlib.contextmanager
def _bounded(sock: socket.socket, budget: _Budget) -> Iterator[None]:
    """Shut ``sock`` down when the budget ends, whatever blocks on it (a
    per-read timeout alone lets a trickling server go on); a block cut
    short raises ``TimeoutError``, even if what it read looked whole."""
    fired = threading.Event()

    def shutdown() -> None:
        fired.set()
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)

    timer = threading.Timer(budget.left(), shutdown)
    timer.daemon = True
    timer.start()
    try:
        yield
    except (OSError, ValueError, http.client.HTTPException):
        if fired.is_set():
            raise TimeoutError('timed out') from None
        raise
    finally:
        timer.cancel()
    if fired.is_set():
        raise TimeoutError('timed out')


def _connect(address: tuple[Any, ...], budget: _Budget) -> socket.socket:
    family = socket.AF_INET6 if ':' in address[0] else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(budget.left())
        sock.connect(address)
    except BaseException:
        sock.close()
        raise
    return sock


def _connect_any(seen: Observation, infos: list[Any], budget: _Budget
                 ) -> tuple[socket.socket, tuple[Any, ...]]:
    """Connect to each resolved address in turn, as urllib3 does, until
    one accepts; the last error if none does."""
    error: OSError = TimeoutError('timed out')
    for info in infos:
        try:
            sock = _connect(info[4], budget)
        except TimeoutError:
            raise
        except OSError as exc:
            error = exc
            continue
        seen.address = str(info[4][0])
        return sock, info[4]
    raise error


def _handshake(context: ssl.SSLContext, address: tuple[Any, ...],
               host: str, budget: _Budget,
               sock: socket.socket | None = None) -> ssl.SSLSocket:
    sock = sock or _connect(address, budget)
    try:
        with _bounded(sock, budget):
            return context.wrap_socket(sock, server_hostname=host)
    except BaseException:
        sock.close()
        raise


def _request(sock: socket.socket, method: str, endpoint: Endpoint,
             budget: _Budget) -> discovery.Answer:
    """Send one request, without any credential, and read the answer
    (at most :data:`MAX_BODY` bytes of it)."""
    host = '[%s]' % endpoint.host if ':' in endpoint.host else endpoint.host
    sock.settimeout(budget.left())
    with _bounded(sock, budget):
        sock.sendall(('%s %s HTTP/1.1\r\nHost: %s:%d\r\nAccept: '
                      'application/json\r\nUser-Agent: %s\r\nConnection: '
                      'close\r\n\r\n' % (method, endpoint.path, host,
                                         endpoint.port, _USER_AGENT)
                      ).encode('ascii', 'replace'))
        response = http.client.HTTPResponse(sock, method=method)
        try:
            response.begin()
            body = b'' if method == 'HEAD' else response.read(MAX_BODY)
        finally:
            response.close()
    location = response.getheader('Location')
    return discovery.Answer(response.status, body,
                            redact.redact_url(location)
                            if location is not None else None)


def _cert_facts(sock: ssl.SSLSocket, seen: Observation) -> None:
    seen.protocol = sock.version()
    cipher = sock.cipher()
    seen.cipher = cipher[0] if cipher else None
    cert: Any = sock.getpeercert()
    if not cert:
        return
    for field, attribute in (('notAfter', 'not_after'),
                             ('notBefore', 'not_before')):
        if isinstance(cert.get(field), str):
            setattr(seen, attribute,
                    float(ssl.cert_time_to_seconds(cert[field])))
    names = [value for rdn in cert.get('subject', ()) for key, value in rdn
             if key == 'commonName']
    names += [value for kind, value in cert.get('subjectAltName', ())
              if kind in ('DNS', 'IP Address')]
    seen.names = tuple(redact.printable(str(n)) for n in names)




#: What a request on a connected socket may raise.
_AFTER_CONNECT = (OSError, ValueError, http.client.HTTPException)


def _attempt(context: ssl.SSLContext, address: tuple[Any, ...],
             host: str, budget: _Budget) -> ssl.SSLSocket | None:
    """A handshake that may fail: the socket if it passed."""
    try:
        return _handshake(context, address, host, budget)
    except (OSError, ValueError):
        return None


def _tls(seen: Observation, sock: socket.socket, address: tuple[Any, ...],
         budget: _Budget, contexts: tls_mod.Contexts) -> None:
    point = seen.endpoint
    tls: ssl.SSLSocket | None = None
    try:
        tls = _handshake(contexts.nova, address, point.host, budget, sock)
    except ssl.SSLCertVerificationError as exc:
        if exc.verify_code in _DATE_ERRORS:
            seen.date_invalid = True
        elif exc.verify_code in _NAME_ERRORS:
            # OpenSSL checks the name before the dates: these are read
            # from the certificate below.
            seen.name_mismatch = True
        else:
            seen.failure = reason(exc)
    except ssl.SSLError as exc:
        seen.failure, seen.tls_refused = reason(exc), True
    except (OSError, ValueError) as exc:
        seen.failure = reason(exc)
    if tls is None and seen.failure is None:
        # Why nova fails is known; a second handshake, with the copy that
        # checks neither names nor dates, reads what the server presents.
        tls = _attempt(contexts.relaxed, address, point.host, budget)
    if tls is not None:
        with tls:
            _cert_facts(tls, seen)
            now = time.time()
            if (seen.not_after is not None and seen.not_after < now) or \
                    (seen.not_before is not None and seen.not_before > now):
                seen.date_invalid = True
            if seen.connected:
                try:
                    discovery.discover(seen, _request(tls, 'GET', point,
                                                      budget))
                except ssl.SSLError as exc:
                    # TLS 1.3 reports a refused client certificate on the
                    # first read, after the handshake.
                    seen.failure, seen.tls_refused = reason(exc), True
                except _AFTER_CONNECT as exc:
                    seen.discovery_failure = reason(exc)
    _downgrades(seen, contexts.nova, address, budget)


def _downgrades(seen: Observation, context: ssl.SSLContext,
                address: tuple[Any, ...], budget: _Budget) -> None:
    """What the server accepts that nova's settings would refuse, and
    whether plain HTTP answers on its port."""
    host = seen.endpoint.host
    with contextlib.suppress(TimeoutError):
        if tls_mod.refuses_legacy(context):
            legacy = _attempt(tls_mod.unverified(
                maximum=ssl.TLSVersion.TLSv1_1,
                minimum=ssl.TLSVersion.MINIMUM_SUPPORTED,
                ciphers=tls_mod.LEGACY_CIPHERS), address, host, budget)
            if legacy is not None:
                with legacy:
                    seen.legacy_protocol = legacy.version()
        offer = tls_mod.weak_offer(context)
        if offer is not None:
            weak = _attempt(tls_mod.unverified(maximum=ssl.TLSVersion.TLSv1_2,
                                        ciphers=offer), address, host,
                            budget)
            if weak is not None:
                with weak:
                    cipher = weak.cipher()
                    seen.weak_cipher = cipher[0] if cipher else '?'
        try:
            with _connect(address, budget) as plain:
                status = _request(plain, 'HEAD', seen.endpoint,
                                  budget).status
        except (OSError, http.client.HTTPException):
            return
        if status < 400 and status not in discovery.REDIRECTS:
            seen.plain_http = status


def probe_endpoint(point: Endpoint, timeout: float = DEFAULT_TIMEOUT,
                   contexts: tls_mod.Contexts | str | None = None
                   ) -> Observation:
    """Probe one endpoint within ``timeout`` seconds in all.

    ``contexts`` are ``point``'s (:func:`.tls.load_contexts`), built before
    the budget starts; built here if not given.
    """
    seen = Observation(point)
    start = time.monotonic()
    if point.scheme != 'https':
        # An http endpoint has no TLS settings of its own: its key may
        # equal an https endpoint's with the defaults, never its contexts.
        contexts = None
    elif contexts is None:
        contexts = tls_mod.load_contexts(point.tls)
    budget = _Budget(timeout)
    try:
        infos = socket.getaddrinfo(point.host, point.port,
                                   type=socket.SOCK_STREAM)
    except ValueError:  # IDNA refuses an empty or overlong label
        infos, seen.failure = [], BAD_HOST
    except OSError as exc:
        infos, seen.failure = [], reason(exc)
    seen.addresses = tuple(dict.fromkeys(str(i[4][0]) for i in infos))
    # The first, until another is the one that connects.
    seen.address = seen.addresses[0] if seen.addresses else None
    if isinstance(contexts, str):
        seen.failure = seen.failure or contexts  # nothing is sent
    if seen.failure is None:
        try:
            sock, address = _connect_any(seen, infos, budget)
        except OSError as exc:  # refused, unreachable, timed out
            seen.failure = reason(exc)
        else:
            if isinstance(contexts, tls_mod.Contexts):
                _tls(seen, sock, address, budget, contexts)
            else:
                with sock:
                    try:  # connected: what fails now is discovery's
                        discovery.discover(seen, _request(
                            sock, 'GET', point, budget))
                    except _AFTER_CONNECT as exc:
                        seen.discovery_failure = reason(exc)
    seen.seconds = time.monotonic() - start
    return seen
