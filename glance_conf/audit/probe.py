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

"""The live probe: what nova would see if it connected now.

The mechanism only; it knows no config. :mod:`glance_conf.audit.checks.
probe` reads each host's config into :class:`Endpoint` objects and judges
the :class:`Observation` of each. An endpoint is probed once per run,
whatever the number of hosts that use it (:class:`Prober`).

What goes on the wire, and nothing else (doc/source/audit/probe.rst says
it for operators):

* an ``https`` endpoint: one TLS handshake with the config's own trust
  and client settings (as nova makes it) and, if it succeeds, one
  ``GET`` of the endpoint's base path (``/``) inside it, for version
  discovery; one handshake capped at TLS 1.1 and one offering only weak
  ciphers, each closed as soon as it ends, and only when the config's own
  settings refuse what they offer; one plain ``HEAD`` of the base path on
  the same port, to see whether plain HTTP answers there;
* an ``http`` endpoint: one ``GET`` of its base path.

No request carries a token, a password, a cookie or any credential, and
no request is anything but ``GET`` or ``HEAD``. Every connection of one
endpoint shares one budget (``timeout``); the whole run has a deadline.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import ipaddress
import json
import os
import re
import socket
import ssl
import stat
import threading
import time
import urllib.parse
import warnings
from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any

import requests.utils
from urllib3.util.ssl_ import create_urllib3_context

from glance_conf import loading
from glance_conf import redact
from glance_conf import transport

#: Seconds all the connections of one endpoint may take together.
DEFAULT_TIMEOUT = 10.0
#: Seconds the whole probe may take, every endpoint included.
DEFAULT_DEADLINE = 300.0
#: Endpoints probed at once.
DEFAULT_JOBS = 8
#: Most endpoints probed at once: each holds a thread and a socket.
MAX_JOBS = 64
#: Bytes of a version document read; the rest is never read.
MAX_BODY = 64 * 1024
#: Days before a certificate's ``notAfter`` that it is reported.
DEFAULT_EXPIRY_DAYS = 30
#: Bytes of one TLS file (CA bundle, certificate chain, key) loaded: a
#: system's whole CA bundle is a few hundred KiB.
MAX_TLS_FILE = 4 * 1024 * 1024
#: Nesting of a version document parsed: glance's is four deep, and
#: ``json`` recurses once per level (a deep body raises RecursionError).
MAX_DEPTH = 32
#: Seconds past the deadline the run waits for probes still going (each
#: endpoint's budget already stops at the deadline) before it gives up
#: on them and reports them unfinished.
DEADLINE_GRACE = 1.0

#: OpenSSL's ``X509_V_FLAG_NO_CHECK_TIME``: verify a chain without its
#: dates, to read an expired certificate that would verify otherwise.
_NO_CHECK_TIME = 0x200000
#: OpenSSL verify results: a certificate not yet valid, or expired.
_DATE_ERRORS = frozenset({9, 10})
#: OpenSSL verify results: host name, or IP address, mismatch.
_NAME_ERRORS = frozenset({62, 64})
#: What the legacy handshake offers: TLS 1.0 and 1.1, any cipher OpenSSL
#: still has (security level 0 is what lets it offer them at all).
_LEGACY_CIPHERS = 'ALL:@SECLEVEL=0'
#: What the weak-cipher handshake draws from: the keywords the option
#: types call weak (:data:`glance_conf.types.WEAK_CIPHER_KEYWORDS`).
_WEAK_CIPHERS = ('aNULL:eNULL:NULL:EXPORT:LOW:RC4:DES:3DES:MD5:'
                 '@SECLEVEL=0')
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: A version id of the Image API, as glance's version document lists it
#: (glance/api/versions.py: ``'v%s' % version``, ``2.0`` to ``2.x``).
_IMAGE_VERSION_RE = re.compile(r'v2(\.[0-9]+)?')
#: The path of glance's ``self`` link for every v2.x entry (its
#: ``build_version_object(..., 'v2', ...)``); neutron's says ``/v2.0/``.
_IMAGE_LINK_RE = re.compile(r'.*/v2/')
#: Fields of a microversioned API's entries (nova's ``version`` and
#: ``min_version``); glance's entries never carry them.
_MICROVERSION_FIELDS = ('version', 'min_version')
#: Said of an endpoint the deadline left unprobed.
NOT_PROBED = 'not probed: the deadline of the run passed first'
#: Said of an endpoint whose probe was still going at the deadline.
NOT_FINISHED = 'not probed to the end: the deadline of the run passed'
#: Said of a host name that no resolver can take (an empty or overlong
#: label: IDNA refuses it before any lookup).
BAD_HOST = 'the host name is not valid'
#: Said of TLS settings that cannot be used on this machine.
NOT_LOADED = 'the TLS settings cannot be loaded here (%s)'
#: Said of a key file that needs a passphrase: the probe never prompts.
ENCRYPTED_KEY = 'the key is encrypted'
#: Said of an endpoint whose probe broke on something unforeseen: the
#: exception's class only, never its text.
PROBE_BROKE = 'the probe of this endpoint failed (%s)'
#: Said of a catalog lookup the deadline left undone.
NOT_LOOKED_UP = 'not looked up: the deadline of the run passed first'
#: Said of a catalog lookup refused because ``auth_url`` is plain http.
HTTP_AUTH_REFUSED = ('auth_url is plain http: the password would cross '
                     'the network in the clear (--allow-http-auth '
                     'allows it)')
_USER_AGENT = 'glance-conf-audit-probe'


@dataclasses.dataclass(frozen=True)
class TlsSettings:
    """The ``[glance]`` TLS settings nova connects with."""

    cafile: str | None = None
    certfile: str | None = None
    keyfile: str | None = None
    insecure: bool = False
    min_version: str | None = None
    ciphers: str | None = None
    #: The config names a client certificate that is not loaded (a
    #: bundle's, read on another machine): the probe presents none.
    withheld: bool = False


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """One origin and base path, reached with one set of TLS settings:
    the unit that is probed once per run."""

    scheme: str
    host: str
    port: int
    path: str = '/'
    tls: TlsSettings = TlsSettings()

    @property
    def url(self) -> str:
        """``scheme://host:port/path``: never user-info or a query."""
        host = '[%s]' % self.host if ':' in self.host else self.host
        return '%s://%s:%d%s' % (self.scheme, host, self.port, self.path)

    @property
    def origin(self) -> str:
        return self.url[:-len(self.path)] if self.path else self.url


def endpoint(url: str, tls: TlsSettings) -> Endpoint | None:
    """The endpoint of an Image API URL, or ``None`` if it has no http(s)
    scheme or no host. User-info and queries are dropped, and so is the
    TLS of an ``http`` URL (it has none); a trailing ``/vN`` is removed,
    as nova removes it, so discovery asks the base path. An IPv6 zone id
    (``[fe80::1%25eth0]``) is decoded to ``fe80::1%eth0``."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ('http', 'https') or not parts.hostname:
        return None
    path = loading.strip_version(parts.path) or '/'
    if not path.endswith('/'):
        path += '/'
    host = parts.hostname.lower()
    address, _, zone = host.partition('%25')
    if ':' in address and zone:  # an IPv6 zone id, decoded as urllib3 does
        host = '%s%%%s' % (address, zone)
    return Endpoint(scheme, host,
                    port or (443 if scheme == 'https' else 80), path,
                    tls if scheme == 'https' else TlsSettings())


def is_public(address: str) -> bool:
    """Whether an IP address is reachable from the Internet: not private,
    loopback, link-local, shared (CGNAT) or otherwise reserved."""
    ip = ipaddress.ip_address(address.split('%')[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global


@dataclasses.dataclass
class Observation:
    """What the probe saw at one endpoint. Every text is safe to show:
    the probe's own words and the server's certificate, never a secret."""

    endpoint: Endpoint
    #: The address connected to, as resolved here.
    address: str | None = None
    #: Every address the host name resolves to here, in order.
    addresses: tuple[str, ...] = ()
    #: Why nova could not connect at all (DNS, TCP, TLS), if it could not.
    failure: str | None = None
    #: The handshake failed on the certificate's dates.
    date_invalid: bool = False
    #: The handshake failed on the certificate's names.
    name_mismatch: bool = False
    #: The handshake (or its first read) failed on a TLS error other
    #: than the server's certificate: the server refused what was offered.
    tls_refused: bool = False
    protocol: str | None = None
    cipher: str | None = None
    #: The certificate's ``notAfter``, as a Unix timestamp.
    not_after: float | None = None
    #: The certificate's ``notBefore``, as a Unix timestamp.
    not_before: float | None = None
    #: The certificate's subject common name and DNS/IP alternative names.
    names: tuple[str, ...] = ()
    #: A TLS version below 1.2 the server accepted, and a weak cipher.
    legacy_protocol: str | None = None
    weak_cipher: str | None = None
    #: A plain HTTP request on the port of this https endpoint got a
    #: non-error, non-redirect answer (its status).
    plain_http: int | None = None
    #: The status of the version discovery ``GET``, if it got one.
    status: int | None = None
    #: Where a redirect of that ``GET`` pointed, redacted; not followed.
    location: str | None = None
    #: The Image API versions the discovery document lists.
    versions: tuple[str, ...] = ()
    #: Why discovery did not get a document, if it did not.
    discovery_failure: str | None = None
    #: Seconds the probe of this endpoint took.
    seconds: float = 0.0
    #: False when the run's deadline passed before this endpoint's turn.
    probed: bool = True

    @property
    def connected(self) -> bool:
        """Whether nova could connect (the handshake it makes passed)."""
        return self.probed and self.failure is None \
            and not self.date_invalid and not self.name_mismatch

    def days_left(self, now: float | None = None) -> int | None:
        """Whole days until ``notAfter``, truncated toward zero: negative
        once expired (``-2``: expired two whole days ago)."""
        if self.not_after is None:
            return None
        seconds = self.not_after - (time.time() if now is None else now)
        return int(seconds / 86400)

    def evidence(self, now: float | None = None
                 ) -> tuple[tuple[str, str | int], ...]:
        """What was seen, for a finding: endpoint, address, protocol,
        cipher, days to expiry, in that order, those known."""
        found: list[tuple[str, str | int]] = [
            ('endpoint', self.endpoint.url)]
        if self.address:
            found.append(('address', self.address))
        if self.protocol:
            found.append(('protocol', self.protocol))
        if self.cipher:
            found.append(('cipher', self.cipher))
        days = self.days_left(now)
        if days is not None:
            found.append(('days_to_expiry', days))
        return tuple(found)


# -- TLS contexts -----------------------------------------------------------

class EncryptedKey(ValueError):
    """The key file needs a passphrase; the probe never asks for one."""


class TlsFileRefused(ValueError):
    """A TLS file that is not loaded; the message says which and why."""


def _no_passphrase() -> bytes:
    # Without a callback OpenSSL prompts on the terminal, and waits.
    raise EncryptedKey(ENCRYPTED_KEY)


@contextlib.contextmanager
def tls_file(path: str, option: str) -> Iterator[str]:
    """A name OpenSSL loads ``path`` by without ever blocking: the one
    reader of a TLS file.

    OpenSSL blocks for ever reading a FIFO, ``/dev/ptmx`` or a tty, and
    with ``--bundles`` a host chooses the path. So the path is opened
    ``O_PATH`` (links followed: ``/etc/ssl/certs`` is links; nothing is
    opened for reading, so no device's open runs), the object reached is
    checked by ``fstat`` (a regular file, at most :data:`MAX_TLS_FILE`
    bytes), and OpenSSL reads ``/proc/self/fd/N``: that opens the very
    inode checked, not the path again, so a rename after the check loads
    nothing else, and reading a regular file never blocks.

    :raises TlsFileRefused: naming ``option`` and the path.
    """
    where = '%s %s' % (option, redact.redact_url(path))
    try:
        handle = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError as exc:
        raise TlsFileRefused('%s: %s' % (where, _reason(exc))) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise TlsFileRefused('%s: is not a regular file' % where)
        if info.st_size > MAX_TLS_FILE:
            raise TlsFileRefused('%s: is larger than %d bytes'
                                 % (where, MAX_TLS_FILE))
        name = '/proc/self/fd/%d' % handle
        if not os.path.exists(name):
            raise TlsFileRefused('%s: /proc is not mounted' % where)
        yield name
    finally:
        os.close(handle)


def nova_context(tls: TlsSettings) -> ssl.SSLContext:
    """The client context nova's transport would use for ``tls``.

    The floor and ciphers are applied by :mod:`glance_conf.transport`
    itself; trust and the client certificate as requests applies
    ``verify`` and ``cert``: ``cafile`` alone, else requests' bundle. An
    encrypted key fails at once (:class:`EncryptedKey`), never prompts.
    Every file is read through :func:`tls_file`.

    :raises OSError: if a TLS file cannot be read.
    :raises ssl.SSLError: if it cannot be used.
    :raises TlsFileRefused: if a TLS file is not a regular file.
    """
    adapter = transport.GuardedHTTPAdapter(tls_ciphers=tls.ciphers,
                                           tls_min_version=tls.min_version)
    context = adapter.tls_context() or create_urllib3_context()
    adapter.close()
    if tls.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    else:
        context.verify_mode = ssl.CERT_REQUIRED
        context.check_hostname = True
        with tls_file(tls.cafile or requests.utils.DEFAULT_CA_BUNDLE_PATH,
                      'cafile') as cafile:
            context.load_verify_locations(cafile=cafile)
    if tls.certfile:
        with contextlib.ExitStack() as files:
            certfile = files.enter_context(tls_file(tls.certfile,
                                                    'certfile'))
            keyfile = files.enter_context(tls_file(
                tls.keyfile, 'keyfile')) if tls.keyfile else None
            context.load_cert_chain(certfile, keyfile,
                                    password=_no_passphrase)
    return context


@dataclasses.dataclass(frozen=True)
class Contexts:
    """The contexts of one :class:`TlsSettings`, built once per run and
    never changed after (threads share them): nova's, and a relaxed one
    (no name check, no dates) that reads a certificate nova refuses."""

    nova: ssl.SSLContext
    relaxed: ssl.SSLContext


def load_contexts(tls: TlsSettings) -> Contexts | str:
    """The contexts of ``tls``, or why they cannot be built here."""
    try:
        nova = nova_context(tls)
        relaxed = nova_context(tls)
    except (EncryptedKey, TlsFileRefused) as exc:
        return NOT_LOADED % exc
    except (OSError, ValueError) as exc:
        return NOT_LOADED % _reason(exc)
    relaxed.check_hostname = False
    relaxed.verify_flags |= _NO_CHECK_TIME
    return Contexts(nova, relaxed)


def _unverified(maximum: ssl.TLSVersion | None = None,
                ciphers: str | None = None,
                minimum: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    """A context that verifies nothing: to see what a server accepts."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        # TLS 1.0 and 1.1 are deprecated names: offering them is the point.
        warnings.simplefilter('ignore', DeprecationWarning)
        if minimum is not None:
            context.minimum_version = minimum
        if maximum is not None:
            context.maximum_version = maximum
    if ciphers:
        context.set_ciphers(ciphers)
    return context


def _refuses_legacy(context: ssl.SSLContext) -> bool:
    floor = context.minimum_version
    return floor != ssl.TLSVersion.MINIMUM_SUPPORTED \
        and floor >= ssl.TLSVersion.TLSv1_2


def _weak_offer(context: ssl.SSLContext) -> str | None:
    """The weak TLS 1.2 ciphers ``context`` refuses, as a cipher string;
    ``None`` if it refuses none that this OpenSSL has."""
    allowed = {c['name'] for c in context.get_ciphers()}
    weak = sorted(c['name'] for c in _unverified(
        ciphers=_WEAK_CIPHERS).get_ciphers()
        if c['protocol'] != 'TLSv1.3' and 'PSK' not in c['name']
        and c['name'] not in allowed)
    return ':'.join(weak) + ':@SECLEVEL=0' if weak else None


# -- the probe of one endpoint ----------------------------------------------

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


@dataclasses.dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes = b''
    location: str | None = None


def _request(sock: socket.socket, method: str, endpoint: Endpoint,
             budget: _Budget) -> _Answer:
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
    return _Answer(response.status, body, redact.redact_url(location)
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


def _reason(exc: BaseException) -> str:
    """An exception as safe words: its class and OpenSSL's reason."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return 'certificate verify failed: %s' % redact.printable(
            str(exc.verify_message))
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return 'TLS error: %s' % redact.printable(str(exc.reason))
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return 'timed out'
    if isinstance(exc, OSError) and exc.strerror:
        return redact.printable(exc.strerror)
    return type(exc).__name__


def _is_image_api(entry: Any) -> bool:
    """Whether a version entry has glance's shape: a ``v2.x`` id, a
    status, a ``self`` link to ``.../v2/``, and no microversion fields."""
    if not isinstance(entry, dict) or not isinstance(entry.get('id'), str) \
            or not _IMAGE_VERSION_RE.fullmatch(entry['id']) \
            or not isinstance(entry.get('status'), str) \
            or any(field in entry for field in _MICROVERSION_FIELDS):
        return False
    links = entry.get('links')
    return isinstance(links, list) and any(
        isinstance(link, dict) and link.get('rel') == 'self'
        and isinstance(link.get('href'), str)
        and _IMAGE_LINK_RE.fullmatch(link['href']) for link in links)


#: A JSON string, whose brackets do not nest.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r'[][{}]')


def _document(body: bytes) -> Any:
    """The JSON of a version document, or ``None`` if it is not JSON or
    nests deeper than :data:`MAX_DEPTH`: whatever the body holds, what
    the handshake saw is kept."""
    try:
        text = body.decode('utf-8')
    except ValueError:
        return None
    depth = 0
    for bracket in _BRACKET.finditer(_JSON_STRING.sub('', text)):
        depth += 1 if bracket.group() in '[{' else -1
        if depth > MAX_DEPTH:
            return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _discover(seen: Observation, answer: _Answer) -> None:
    seen.status = answer.status
    if answer.status in _REDIRECTS:
        seen.location = answer.location or ''
        return
    document = _document(answer.body)
    versions = document.get('versions') if isinstance(document, dict) \
        else None
    if not isinstance(versions, list):
        return
    seen.versions = tuple(redact.printable(v['id'], 16) for v in versions
                          if _is_image_api(v))


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
         budget: _Budget, contexts: Contexts) -> None:
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
            seen.failure = _reason(exc)
    except ssl.SSLError as exc:
        seen.failure, seen.tls_refused = _reason(exc), True
    except (OSError, ValueError) as exc:
        seen.failure = _reason(exc)
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
                    _discover(seen, _request(tls, 'GET', point, budget))
                except ssl.SSLError as exc:
                    # TLS 1.3 reports a refused client certificate on the
                    # first read, after the handshake.
                    seen.failure, seen.tls_refused = _reason(exc), True
                except _AFTER_CONNECT as exc:
                    seen.discovery_failure = _reason(exc)
    _downgrades(seen, contexts.nova, address, budget)


def _downgrades(seen: Observation, context: ssl.SSLContext,
                address: tuple[Any, ...], budget: _Budget) -> None:
    """What the server accepts that nova's settings would refuse, and
    whether plain HTTP answers on its port."""
    host = seen.endpoint.host
    with contextlib.suppress(TimeoutError):
        if _refuses_legacy(context):
            legacy = _attempt(_unverified(
                maximum=ssl.TLSVersion.TLSv1_1,
                minimum=ssl.TLSVersion.MINIMUM_SUPPORTED,
                ciphers=_LEGACY_CIPHERS), address, host, budget)
            if legacy is not None:
                with legacy:
                    seen.legacy_protocol = legacy.version()
        offer = _weak_offer(context)
        if offer is not None:
            weak = _attempt(_unverified(maximum=ssl.TLSVersion.TLSv1_2,
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
        if status < 400 and status not in _REDIRECTS:
            seen.plain_http = status


def probe_endpoint(point: Endpoint, timeout: float = DEFAULT_TIMEOUT,
                   contexts: Contexts | str | None = None) -> Observation:
    """Probe one endpoint within ``timeout`` seconds in all.

    ``contexts`` are ``point``'s (:func:`load_contexts`), built before
    the budget starts; built here if not given.
    """
    seen = Observation(point)
    start = time.monotonic()
    if point.scheme != 'https':
        # An http endpoint has no TLS settings of its own: its key may
        # equal an https endpoint's with the defaults, never its contexts.
        contexts = None
    elif contexts is None:
        contexts = load_contexts(point.tls)
    budget = _Budget(timeout)
    try:
        infos = socket.getaddrinfo(point.host, point.port,
                                   type=socket.SOCK_STREAM)
    except ValueError:  # IDNA refuses an empty or overlong label
        infos, seen.failure = [], BAD_HOST
    except OSError as exc:
        infos, seen.failure = [], _reason(exc)
    seen.addresses = tuple(dict.fromkeys(str(i[4][0]) for i in infos))
    # The first, until another is the one that connects.
    seen.address = seen.addresses[0] if seen.addresses else None
    if isinstance(contexts, str):
        seen.failure = seen.failure or contexts  # nothing is sent
    if seen.failure is None:
        try:
            sock, address = _connect_any(seen, infos, budget)
        except OSError as exc:  # refused, unreachable, timed out
            seen.failure = _reason(exc)
        else:
            if isinstance(contexts, Contexts):
                _tls(seen, sock, address, budget, contexts)
            else:
                with sock:
                    try:  # connected: what fails now is discovery's
                        _discover(seen, _request(sock, 'GET', point,
                                                 budget))
                    except _AFTER_CONNECT as exc:
                        seen.discovery_failure = _reason(exc)
    seen.seconds = time.monotonic() - start
    return seen


# -- a run ------------------------------------------------------------------

class Prober:
    """Each distinct endpoint probed once, ``jobs`` at a time, within a
    deadline; the observations kept by endpoint.

    The deadline runs from :meth:`start` (the command calls it before
    the planning pass, so that catalog lookups count) or else from the
    first :meth:`run`.
    """

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT,
                 deadline: float = DEFAULT_DEADLINE,
                 jobs: int = DEFAULT_JOBS,
                 expiry_days: int = DEFAULT_EXPIRY_DAYS,
                 use_catalog: bool = False,
                 cloud: dict[str, Any] | None = None,
                 allow_http_auth: bool = False,
                 client_certificates: bool = True) -> None:
        self.timeout = timeout
        self.deadline = deadline
        self.jobs = max(1, min(jobs, MAX_JOBS))
        self.expiry_days = expiry_days
        #: Whether a host without api_servers or endpoint_override has
        #: its catalog looked up, and the clouds.yaml entry to do it with.
        self.use_catalog = use_catalog
        self.cloud = cloud
        #: Whether a plain-http ``auth_url`` may carry the password.
        self.allow_http_auth = allow_http_auth
        #: Whether a client certificate the configs name is loaded; not
        #: when they come from bundles (another machine's paths: this
        #: machine's key must never answer for them).
        self.client_certificates = client_certificates
        self.endpoints: dict[Endpoint, None] = {}
        self.observations: dict[Endpoint, Observation] = {}
        #: The contexts of each distinct TLS settings, built once per run.
        self.contexts: dict[TlsSettings, Contexts | str] = {}
        #: Catalog answers, by what was asked: looked up once per run.
        self.catalog: dict[CatalogQuery, list[str]] = {}
        #: Why a catalog lookup failed or was not made, in safe words.
        self.catalog_failures: list[str] = []
        self._end: float | None = None
        self._lock = threading.Lock()
        self._building: dict[TlsSettings, threading.Lock] = {}

    def start(self) -> None:
        """Start the deadline's clock, if it has not started."""
        if self._end is None:
            self._end = time.monotonic() + self.deadline

    def _left(self) -> float:
        self.start()
        return (self._end or 0.0) - time.monotonic()

    def want(self, points: Iterable[Endpoint]) -> None:
        """Note endpoints to probe; each is probed once however often it
        is named."""
        for point in points:
            self.endpoints.setdefault(point)

    def run(self) -> list[Observation]:
        """Probe every endpoint noted and not yet probed; by the deadline
        (and :data:`DEADLINE_GRACE`) whatever the inputs: a probe still
        going then is left to its daemon thread and reported unfinished."""
        todo = [p for p in self.endpoints if p not in self.observations]
        self.start()
        queue = list(reversed(todo))
        done: dict[Endpoint, Observation] = {}
        lock = threading.Lock()

        def work() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    point = queue.pop()
                seen = self._one(point)
                with lock:
                    done[point] = seen

        # Daemon threads, not a pool: a pool's threads are joined at exit,
        # so one that never returns would hold the process past the
        # deadline.
        workers = [threading.Thread(target=work, daemon=True)
                   for _ in range(min(self.jobs, len(todo)))]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(max(self._left(), 0.0) + DEADLINE_GRACE)
        with lock:
            queue.clear()
            for point in todo:
                self.observations[point] = done.get(point) or Observation(
                    point, discovery_failure=NOT_FINISHED, probed=False)
        return [self.observations[p] for p in todo]

    def _one(self, point: Endpoint) -> Observation:
        """One endpoint's probe, its contexts built first (inside the
        deadline, before its budget: loading a CA bundle takes CPU time
        that is no endpoint's)."""
        if self._left() <= 0:
            return Observation(point, discovery_failure=NOT_PROBED,
                               probed=False)
        try:
            contexts = self._contexts(point.tls) \
                if point.scheme == 'https' else None
            left = self._left()
            if left <= 0:
                return Observation(point, discovery_failure=NOT_PROBED,
                                   probed=False)
            return probe_endpoint(point, min(self.timeout, left), contexts)
        except Exception as exc:  # one endpoint never ends the run
            return Observation(point, failure=PROBE_BROKE
                               % type(exc).__name__)

    def _contexts(self, tls: TlsSettings) -> Contexts | str:
        """The contexts of ``tls``, built once per run; another thread
        that needs them waits for that one build."""
        with self._lock:
            building = self._building.setdefault(tls, threading.Lock())
        with building:
            if tls not in self.contexts:
                self.contexts[tls] = load_contexts(tls)
            return self.contexts[tls]

    def seen(self, point: Endpoint) -> Observation | None:
        return self.observations.get(point)

    def lookup(self, ask: CatalogQuery) -> list[str]:
        """The Image API URLs the catalog gives ``ask``, asked once per
        run within the endpoint timeout and the run's deadline; ``[]``
        (and :attr:`catalog_failures`) if it cannot be asked, or Keystone
        does not answer."""
        if ask in self.catalog:
            return self.catalog[ask]
        left = self._left()
        if urllib.parse.urlsplit(ask.auth_url).scheme.lower() != 'https' \
                and not self.allow_http_auth:
            self.skip(ask, HTTP_AUTH_REFUSED)
        elif left <= 0:
            self.skip(ask, NOT_LOOKED_UP)
        else:
            try:
                self.catalog[ask] = _bounded_call(catalog_urls, ask,
                                                  min(self.timeout, left))
            except TimeoutError:
                self.skip(ask, 'timed out')
            except TlsFileRefused as exc:
                self.skip(ask, str(exc))
            except Exception as exc:  # keystoneauth's, requests'...
                self.skip(ask, type(exc).__name__)
        return self.catalog[ask]

    def skip(self, ask: CatalogQuery, why: str) -> None:
        """Note, once, that ``ask`` was not (or not well) answered."""
        if ask not in self.catalog:
            self.catalog[ask] = []
            self.catalog_failures.append('%s (%s): %s' % (
                redact.redact_url(ask.auth_url), ask.option, why))


def _bounded_call(call: Any, ask: CatalogQuery, seconds: float) -> Any:
    """``call(ask, seconds)`` given ``seconds`` in all, whatever its
    reads do (requests' timeout is per read: a trickling server would go
    on): past them the caller gets ``TimeoutError``, and the call, left
    in a daemon thread, ends when its own timeout does."""
    done: dict[str, Any] = {}

    def work() -> None:
        try:
            done['value'] = call(ask, seconds)
        except BaseException as exc:
            done['error'] = exc

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError('timed out')
    if 'error' in done:
        raise done['error']
    return done['value']


@dataclasses.dataclass(frozen=True)
class CatalogQuery:
    """Who asks Keystone for the catalog, and what for: a v3 password
    user, the Image service's type, interfaces and region."""

    auth_url: str
    username: str
    password: str = dataclasses.field(repr=False)
    project_name: str | None = None
    user_domain_name: str = 'Default'
    project_domain_name: str = 'Default'
    cafile: str | None = None
    insecure: bool = False
    service_type: str = 'image'
    interfaces: tuple[str, ...] = ('internal', 'public')
    region_name: str | None = None
    #: Where ``auth_url`` was read (``[keystone_authtoken] auth_url``,
    #: ``clouds.yaml lab``), for messages.
    option: str = 'auth_url'


def catalog_urls(ask: CatalogQuery, timeout: float = DEFAULT_TIMEOUT
                 ) -> list[str]:
    """The Image API URLs of the catalog, as keystoneauth picks them for
    ``ask``: the first of its interfaces that the service has.

    This authenticates to Keystone (``auth_url``) only; nothing is sent
    to the Image API.
    """
    # Imported here: only the catalog lookup needs them.
    from keystoneauth1 import session as ks_session
    from keystoneauth1.identity import v3

    url = ask.auth_url.rstrip('/')
    if not re.search(r'/v3$', url):
        url += '/v3'
    auth = v3.Password(auth_url=url, username=ask.username,
                       password=ask.password,
                       project_name=ask.project_name,
                       user_domain_name=ask.user_domain_name,
                       project_domain_name=ask.project_domain_name)
    with contextlib.ExitStack() as files:
        verify: bool | str = not ask.insecure
        if verify and ask.cafile:
            verify = files.enter_context(tls_file(ask.cafile, 'cafile'))
        # redirect=False: a redirect would carry the password elsewhere.
        session = ks_session.Session(auth=auth, timeout=timeout,
                                     redirect=False, verify=verify)
        found = session.get_endpoint(service_type=ask.service_type,
                                     interface=list(ask.interfaces),
                                     region_name=ask.region_name)
    return [found] if found else []
