"""A keystoneauth session and adapter for the Image API that keep the
promises the ``[glance]`` options make.

``load_session(conf)`` and ``load_adapter(conf)`` read the hardened
``[glance]`` options and return ordinary keystoneauth1 objects, with these
guarantees (each proven against real local TLS servers in the tests):

TLS
    Certificates are verified unless ``insecure = True``, which is logged
    at WARNING. ``cafile``, ``certfile`` and ``keyfile`` must exist when
    the session is built, or loading fails naming the option.
    ``tls_min_version`` and ``tls_ciphers`` apply to every connection,
    including those tunnelled through an HTTP(S) proxy.

Retries
    ``connect_retries`` and ``status_code_retries`` default to
    ``num_retries``. They are one budget for the whole call, redirects
    included: a call waits and retries at most ``connect_retries +
    status_code_retries`` times. Only idempotent methods (GET, HEAD,
    OPTIONS, PUT, DELETE) are retried: a POST or PATCH is sent once. Every
    delay, including a server's ``Retry-After``, is at most
    :data:`MAX_RETRY_AFTER` seconds; a negative or unparsable
    ``Retry-After`` is ignored.

Time
    Without ``timeout``, :data:`DEFAULT_TIMEOUT` applies. It bounds the
    connection, the whole of the response headers (interim ``100
    Continue`` responses included), and the whole body of a request that
    is not streamed, so a stalled or trickling server cannot hold the
    caller. :func:`total_time_bound` gives the bound of a whole call.
    (A streamed body, such as an image download, is bounded per read
    only; its size is the caller's to bound.)

Redirects
    Only same-origin redirects are followed (same scheme, host and port,
    as the connection is really made), at most :data:`MAX_REDIRECTS`
    times. A redirect to another origin, from https to http, or to a
    ``Location`` that is malformed, holds user-info or a backslash, or
    that two URL parsers read differently, raises
    :class:`RedirectRefused`: the token is never sent anywhere but the
    configured endpoint. A 303 is followed with a GET and no body.

Secrets
    URL passwords and query strings are masked in every exception this
    session raises (its text, its chained causes and its ``url``,
    ``request`` and ``response`` attributes) and in every log line that
    keystoneauth, urllib3 and requests write.
"""

from __future__ import annotations

import logging
import re
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import requests
from keystoneauth1 import adapter as ks_adapter
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from oslo_config import cfg
from oslo_log import log as oslo_logging
from urllib3 import connection as u3_connection
from urllib3 import connectionpool as u3_pool
from urllib3.util import parse_url
from urllib3.util.ssl_ import create_urllib3_context

from glance_conf import _files
from glance_conf import exception
from glance_conf import glance
from glance_conf import redact
from glance_conf.exception import RedirectRefused

LOG = oslo_logging.getLogger(__name__)

#: Seconds allowed when ``[glance] timeout`` is unset.
DEFAULT_TIMEOUT = 60.0
#: Longest wait between two tries, whatever ``Retry-After`` says.
MAX_RETRY_AFTER = 60.0
#: First wait of the doubling back-off used without ``*_retry_delay``.
BACKOFF_START = 0.5
#: Same-origin redirects followed for one call.
MAX_REDIRECTS = 5
#: Requests sent again after a 401, once the token is renewed.
MAX_REAUTH = 1
#: Methods that may be sent again after a failure.
IDEMPOTENT_METHODS = frozenset({'GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'})
#: Status codes retried when the caller names none (keystoneauth's).
DEFAULT_RETRIABLE_STATUS_CODES = frozenset({503})

_REDIRECT_STATUSES = frozenset({301, 302, 303, 305, 307, 308})
_BODY_HEADERS = ('Content-Type', 'Content-Length', 'Content-Encoding',
                 'Transfer-Encoding')
#: A Location holding any of these is refused before it is parsed.
_UNSAFE_LOCATION_RE = re.compile(r'[\\\s\x00-\x1f\x7f]')

_REFUSED_ORIGIN = 'refused a redirect from %s to another origin, %s'
_REFUSED_LOCATION = 'refused a redirect from %s to a location that %s: %s'
_UNSAFE_CHARACTERS = 'holds a backslash, a space or a control character'
_HOLDS_USERINFO = 'holds user-info'
_PARSERS_DISAGREE = 'two URL parsers read differently'
_MALFORMED = 'is malformed'
_TOO_MANY_REDIRECTS = 'more than %d redirects'
_BODY_LATE = 'response body not received within %gs'
_HEADERS_LATE = 'response headers not received within %gs'

#: Loggers whose lines are masked. Those of keystoneauth, urllib3 and
#: requests that exist when a session is built are masked too.
_LOGGERS = ('keystoneauth', 'keystoneauth.session',
            'keystoneauth.session.request', 'keystoneauth.session.response',
            'keystoneauth.session.body', 'keystoneauth.session.request-id',
            'keystoneauth.adapter', 'urllib3', 'urllib3.connection',
            'urllib3.connectionpool', 'urllib3.poolmanager',
            'urllib3.response', 'urllib3.util.retry', 'requests', __name__)
_LOGGER_PREFIXES = ('keystoneauth', 'urllib3', 'requests')


class _RedactFilter(logging.Filter):
    """Rewrites log records with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact.redact_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            _scrub(record.exc_info[1])
            record.exc_text = None
        return True


_FILTER = _RedactFilter()


def _filter_logger(logger: logging.Logger | logging.LoggerAdapter[Any]
                   ) -> None:
    if isinstance(logger, logging.LoggerAdapter):
        logger = logger.logger
    if isinstance(logger, logging.Logger) and _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def _install_log_filter() -> None:
    # A filter on a logger sees only the records logged through that very
    # logger, not those of its children: each one needs it.
    names = set(_LOGGERS)
    names.update(name for name in list(logging.root.manager.loggerDict)
                 if name.startswith(_LOGGER_PREFIXES))
    for name in names:
        _filter_logger(logging.getLogger(name))


# -- redirects ------------------------------------------------------------

class _BadLocation(ValueError):
    """A redirect target that cannot be trusted to mean one origin."""


def _origin(url: str) -> tuple[str, str, int | None]:
    """The origin of ``url``, as every parser on the way reads it.

    urllib.parse (keystoneauth), urllib3's ``parse_url`` and requests'
    prepared URL (from which requests picks the host to connect to) must
    all agree, and the URL may hold no user-info.

    :raises ValueError: if the URL is malformed, or is one of these.
    """
    prepared = requests.PreparedRequest()
    prepared.prepare_url(url, None)
    readings = set()
    for parts in (urllib.parse.urlsplit(url),
                  urllib.parse.urlsplit(prepared.url or '')):
        if '@' in parts.netloc:
            raise _BadLocation(_HOLDS_USERINFO)
        readings.add((parts.scheme, parts.hostname or '', parts.port))
    u3 = parse_url(url)
    if u3.auth is not None:
        raise _BadLocation(_HOLDS_USERINFO)
    readings.add((u3.scheme or '', u3.host or '', u3.port))
    origins = set()
    for scheme, host, port in readings:
        scheme = scheme.lower()
        port = port or {'http': 80, 'https': 443}.get(scheme)
        origins.add((scheme, host.strip('[]').lower(), port))
    if len(origins) != 1:
        raise _BadLocation(_PARSERS_DISAGREE)
    return origins.pop()


def _redirect_target(response: requests.Response) -> str:
    """The URL to follow ``response``'s redirect to, if it is safe.

    :raises RedirectRefused: unless the target has the origin of the URL
        the response came from, read the same way by every parser.
    """
    current = response.request.url or response.url
    location = response.headers['Location']
    reason = None
    if _UNSAFE_LOCATION_RE.search(location):
        reason = _UNSAFE_CHARACTERS
    else:
        try:
            target = urllib.parse.urljoin(current, location)
            same = _origin(target) == _origin(current)
        except _BadLocation as exc:
            reason = str(exc)
        except ValueError:
            reason = _MALFORMED
    if reason is not None:
        raise RedirectRefused(_REFUSED_LOCATION % (
            redact.redact_url(current), reason, redact.redact_url(location)))
    if not same:
        raise RedirectRefused(_REFUSED_ORIGIN % (
            redact.redact_url(current), redact.redact_url(target)))
    return target


# -- deadlines --------------------------------------------------------------

def _socket_of(response: requests.Response) -> socket.socket | None:
    """The socket a response body is read from, if it can be found.

    urllib3 keeps it on the connection, except when the server closes
    after the response (HTTP/1.0, ``Connection: close``): http.client
    then hands the socket to the response object alone.
    """
    raw = response.raw
    sock = getattr(getattr(raw, 'connection', None), 'sock', None)
    if sock is None:
        reader = getattr(getattr(raw, '_fp', None), 'fp', None)
        sock = getattr(getattr(reader, 'raw', None), '_sock', None)
    return sock if isinstance(sock, socket.socket) else None


class _Deadline:
    """Shuts a socket down if the block outlives ``seconds``."""

    def __init__(self, sock: socket.socket | None, seconds: float) -> None:
        self.fired = False
        self._sock = sock
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        if self._sock is not None:
            try:
                # The plain socket call: it unblocks a read in progress in
                # another thread, TLS or not.
                socket.socket.shutdown(self._sock, socket.SHUT_RDWR)
            except OSError:
                pass  # already closed: nothing left to unblock

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _bounded_headers(conn: u3_connection.HTTPConnection,
                     getresponse: Callable[[], Any]) -> Any:
    """Read a response's headers within the read timeout in total.

    http.client skips any number of interim (1xx) responses, each read
    within the timeout: a server streaming them would hold the caller
    forever. A timeout raised here becomes urllib3's ReadTimeoutError.
    """
    seconds = conn.timeout
    if not isinstance(seconds, (int, float)) or conn.sock is None:
        return getresponse()
    with _Deadline(conn.sock, float(seconds)) as deadline:
        try:
            return getresponse()
        except Exception:
            if deadline.fired:
                raise TimeoutError(_HEADERS_LATE % seconds) from None
            raise


class _HTTPConnection(u3_connection.HTTPConnection):
    def getresponse(self) -> Any:
        return _bounded_headers(self, super().getresponse)


class _HTTPSConnection(u3_connection.HTTPSConnection):
    def getresponse(self) -> Any:
        return _bounded_headers(self, super().getresponse)


class _HTTPPool(u3_pool.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(u3_pool.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOL_CLASSES: dict[str, type[u3_pool.HTTPConnectionPool]] = {
    'http': _HTTPPool, 'https': _HTTPSPool}


# -- the transport adapter ------------------------------------------------

_TLS_VERSIONS = {'1.2': ssl.TLSVersion.TLSv1_2, '1.3': ssl.TLSVersion.TLSv1_3}


class GuardedHTTPAdapter(ks_session.TCPKeepAliveAdapter):
    """keystoneauth's transport adapter (TCP keep-alive), plus the TLS
    floor and ciphers, deadlines on the headers and the body, and a sane
    ``Retry-After``.

    The TLS settings are applied here rather than by keystoneauth, which
    learnt them only in 5.15 (Python 3.10 stops at 5.14), and to proxied
    connections too, which requests builds apart (``proxy_manager_for``).
    The context comes from urllib3, as requests' own does, so ``cafile``
    is the only trust anchor when it is set, and the system store only
    when it is not.
    """

    def __init__(self, *, body_timeout: float = DEFAULT_TIMEOUT,
                 max_retry_after: float = MAX_RETRY_AFTER,
                 tls_ciphers: str | None = None,
                 tls_min_version: str | None = None) -> None:
        self.body_timeout = body_timeout
        self.max_retry_after = max_retry_after
        self.glance_tls = (tls_ciphers, tls_min_version)
        super().__init__()

    def _tls_context(self) -> ssl.SSLContext | None:
        ciphers, min_version = self.glance_tls
        if not (ciphers or min_version):
            return None
        context = create_urllib3_context()
        # urllib3 matches the host name itself when the context does
        # not; left on, ``insecure`` could not turn verification off.
        context.check_hostname = False
        if min_version:
            context.minimum_version = _TLS_VERSIONS[min_version]
        if ciphers:
            context.set_ciphers(ciphers)
        return context

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        context = self._tls_context()
        if context is not None:
            kwargs['ssl_context'] = context
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOL_CLASSES

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        if proxy in self.proxy_manager:
            return super().proxy_manager_for(proxy, **proxy_kwargs)
        context = self._tls_context()
        if context is not None:
            proxy_kwargs['ssl_context'] = context
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith('socks'):
            manager.pool_classes_by_scheme = _POOL_CLASSES
        return manager

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: dict[str, str] | None = None) -> requests.Response:
        response = super().send(request, stream=True, timeout=timeout,
                                verify=verify, cert=cert, proxies=proxies)
        self._clean_retry_after(response)
        if stream:
            return response
        with _Deadline(_socket_of(response), self.body_timeout) as deadline:
            try:
                response.content  # noqa: B018 - read the body now
            except requests.RequestException:
                if deadline.fired:
                    raise requests.exceptions.ReadTimeout(
                        _BODY_LATE % self.body_timeout,
                        request=request) from None
                raise
        if deadline.fired:
            raise requests.exceptions.ReadTimeout(
                _BODY_LATE % self.body_timeout, request=request)
        return response

    def _clean_retry_after(self, response: requests.Response) -> None:
        value = response.headers.get('Retry-After')
        if value is None:
            return
        try:
            seconds = int(value.strip())
        except ValueError:
            seconds = -1
        if seconds < 0:
            # An HTTP date, garbage or a negative time: the caller's
            # back-off applies instead.
            del response.headers['Retry-After']
        elif seconds > self.max_retry_after:
            response.headers['Retry-After'] = str(int(self.max_retry_after))


# -- the session ----------------------------------------------------------

class _Backoff:
    """Fixed waits, or waits doubling from :data:`BACKOFF_START`."""

    def __init__(self, fixed: float | None, cap: float) -> None:
        self._fixed = fixed
        self._next = BACKOFF_START
        self._cap = cap

    def __next__(self) -> float:
        if self._fixed:
            return min(self._fixed, self._cap)
        value = min(self._next, self._cap)
        self._next = value * 2
        return value


class HardenedSession(ks_session.Session):
    """A keystoneauth ``Session`` with the guarantees of this module.

    Retries, redirects and re-authentication are done here, around one
    keystoneauth request per attempt, so that one budget covers the whole
    call however many redirects it follows.
    """

    def __init__(self, *args: Any, body_timeout: float = DEFAULT_TIMEOUT,
                 max_retry_after: float = MAX_RETRY_AFTER,
                 tls_ciphers: str | None = None,
                 tls_min_version: str | None = None,
                 **kwargs: Any) -> None:
        kwargs['redirect'] = False  # followed here, same origin only
        super().__init__(*args, **kwargs)
        self.max_retry_after = min(max_retry_after, MAX_RETRY_AFTER)
        guarded = GuardedHTTPAdapter(body_timeout=body_timeout,
                                     max_retry_after=self.max_retry_after,
                                     tls_ciphers=tls_ciphers,
                                     tls_min_version=tls_min_version)
        for scheme in ('https://', 'http://'):
            self.session.mount(scheme, guarded)
        # Even with allow_redirects=False, requests parses the Location of
        # every redirect (for Response.next): a malformed one would raise
        # a bare ValueError before this session could refuse it.
        self.session.get_redirect_target = (  # type: ignore[method-assign]
            _no_redirect_target)  # type: ignore[assignment]
        _install_log_filter()

    def request(self, url: str, method: str,  # type: ignore[override]
                **kwargs: Any) -> requests.Response:
        # Loggers made since the last call (a plugin imported late) too.
        _install_log_filter()
        if kwargs.get('logger') is not None:
            _filter_logger(kwargs['logger'])
        try:
            return self._call(url, method.upper(), kwargs)
        except Exception as exc:
            _scrub(exc)
            raise

    def _call(self, url: str, method: str,
              kwargs: dict[str, Any]) -> requests.Response:
        connect_left = kwargs.pop('connect_retries', None)
        if connect_left is None:
            connect_left = self._connect_retries
        status_left = kwargs.pop('status_code_retries', None) or 0
        if method not in IDEMPOTENT_METHODS:
            connect_left = status_left = 0
        connect_waits = _Backoff(kwargs.pop('connect_retry_delay', None),
                                 self.max_retry_after)
        status_waits = _Backoff(kwargs.pop('status_code_retry_delay', None),
                                self.max_retry_after)
        retriable = frozenset(kwargs.pop('retriable_status_codes', None)
                              or DEFAULT_RETRIABLE_STATUS_CODES)
        raise_exc = kwargs.pop('raise_exc', True)
        reauth_left = MAX_REAUTH if kwargs.pop('allow_reauth', True) else 0
        follow = kwargs.pop('redirect', True) is not False
        redirects = 0
        while True:
            try:
                response = super().request(
                    url, method, redirect=False, raise_exc=False,
                    connect_retries=0, status_code_retries=0,
                    allow_reauth=False, **kwargs)
            except ks_exc.RetriableConnectionFailure as exc:
                if connect_left <= 0:
                    raise
                connect_left -= 1
                self._wait(next(connect_waits), exc, connect_left)
                continue
            status = response.status_code
            if (follow and status in _REDIRECT_STATUSES
                    and response.headers.get('Location')):
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise RedirectRefused(_TOO_MANY_REDIRECTS % MAX_REDIRECTS)
                url = _redirect_target(response)
                response.close()
                if status == 303 and method != 'HEAD':
                    # RFC 9110 15.4.4: the follow-up is a GET, no body.
                    method = 'GET'
                    kwargs = _without_body(kwargs)
                for name in ('endpoint_filter', 'endpoint_override',
                             'params'):
                    kwargs.pop(name, None)
                continue
            if status == 401 and reauth_left and self._renew(kwargs):
                reauth_left -= 1
                response.close()
                continue
            if status in retriable and status_left > 0:
                status_left -= 1
                after = response.headers.get('Retry-After')
                delay = int(after) if after else next(status_waits)
                response.close()
                self._wait(min(delay, self.max_retry_after),
                           'status code %d' % status, status_left)
                continue
            break
        if raise_exc and status >= 400:
            raise ks_exc.from_response(response, method, url)
        return response

    def _renew(self, kwargs: dict[str, Any]) -> bool:
        """Drop a rejected token, as keystoneauth does after a 401."""
        auth = kwargs.get('auth')
        authenticated = kwargs.get('authenticated')
        if authenticated is None:
            authenticated = bool(auth or self.auth)
        return bool(authenticated) and self.invalidate(auth)

    @staticmethod
    def _wait(delay: float, reason: object, left: int) -> None:
        LOG.warning('%s. Retrying in %.1fs. %d retries left',
                    redact.redact_text(str(reason)), delay, left)
        time.sleep(delay)


def _no_redirect_target(response: requests.Response) -> None:
    return None



def _without_body(kwargs: dict[str, Any]) -> dict[str, Any]:
    kwargs = {k: v for k, v in kwargs.items()
              if k not in ('data', 'json', 'files')}
    headers = requests.structures.CaseInsensitiveDict(
        kwargs.get('headers') or {})
    for name in _BODY_HEADERS:
        headers.pop(name, None)
    kwargs['headers'] = headers
    return kwargs


# -- secrets in exceptions ------------------------------------------------

def _scrub_url_holder(holder: Any) -> None:
    """Mask the URL of a requests request or response, and its history."""
    if isinstance(holder, requests.Response):
        for past in holder.history:
            _scrub_url_holder(past)
        _scrub_url_holder(holder.request)
    if isinstance(holder, (requests.Response, requests.PreparedRequest,
                           requests.Request)):
        if isinstance(holder.url, str):
            holder.url = redact.redact_url(holder.url,
                                           redact.MAX_TEXT_SCANNED)


def _scrub(exc: BaseException) -> None:
    """Mask secrets in an exception and all it carries, keeping classes.

    Its text, its chained causes and contexts, the exceptions it wraps
    (urllib3's ``MaxRetryError`` inside requests' ``ConnectionError``),
    and its ``url``, ``request`` and ``response`` attributes.
    """
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        args = []
        for arg in current.args:
            if isinstance(arg, BaseException):
                stack.append(arg)
            elif isinstance(arg, str):
                arg = redact.redact_text(arg)
            args.append(arg)
        current.args = tuple(args)
        for name in ('message', 'details'):
            value = getattr(current, name, None)
            if isinstance(value, str):
                setattr(current, name, redact.redact_text(value))
        url = getattr(current, 'url', None)
        if isinstance(url, str):
            current.url = redact.redact_url(  # type: ignore[attr-defined]
                url, redact.MAX_TEXT_SCANNED)
        for name in ('request', 'response'):
            _scrub_url_holder(getattr(current, name, None))
        for link in (getattr(current, 'reason', None), current.__cause__,
                     current.__context__):
            if isinstance(link, BaseException):
                stack.append(link)


# -- loading --------------------------------------------------------------

def _check_files(group: Any) -> None:
    problems = []
    for name in ('cafile', 'certfile', 'keyfile'):
        path = getattr(group, name)
        if path:
            problem = _files.problem_reading(path)
            if problem:
                problems.append(('[glance] %s' % name, '%s %s'
                                 % (redact.redact_url(path), problem)))
    if problems:
        raise exception.InvalidOptionError(problems)


def load_session(conf: cfg.ConfigOpts, *,
                 max_retry_after: float = MAX_RETRY_AFTER,
                 **kwargs: Any) -> HardenedSession:
    """A :class:`HardenedSession` configured from ``[glance]``.

    :param max_retry_after: a lower cap on retry waits than the default
        60 s, for callers that cannot wait that long.
    :param kwargs: passed to the session (``auth``, ``user_agent``...).
    :raises InvalidOptionError: if a TLS file is missing or unreadable.
    """
    group = conf[glance.GROUP_NAME]
    _check_files(group)
    if group.insecure:
        LOG.warning('[glance] insecure is True: the TLS certificate of the '
                    'Image service will not be verified.')
        verify: bool | str = False
    else:
        verify = group.cafile or True
    cert: str | tuple[str, str] | None = group.certfile
    if group.certfile and group.keyfile:
        cert = (group.certfile, group.keyfile)
    timeout = group.timeout or DEFAULT_TIMEOUT
    return HardenedSession(
        verify=verify, cert=cert, timeout=timeout,
        collect_timing=group.collect_timing,
        split_loggers=group.split_loggers,
        tls_ciphers=group.tls_ciphers,
        tls_min_version=group.tls_min_version,
        body_timeout=timeout,
        max_retry_after=max_retry_after,
        **kwargs)


def _num_retries(conf: cfg.ConfigOpts) -> int:
    """``num_retries``, or its registered default when it reads as None."""
    value = conf[glance.GROUP_NAME].num_retries
    if value is None:
        # oslo.config has no public way to look up a registered Opt; read
        # the group's table as glance_conf.glance does.
        opts = conf._groups[glance.GROUP_NAME]._opts
        value = opts['num_retries']['opt'].default
    return int(value)


def _retries(conf: cfg.ConfigOpts) -> tuple[int, int]:
    """``connect_retries`` and ``status_code_retries``, defaulted."""
    group = conf[glance.GROUP_NAME]
    num = _num_retries(conf)
    return ((num if group.connect_retries is None
             else group.connect_retries),
            (num if group.status_code_retries is None
             else group.status_code_retries))


def load_adapter(conf: cfg.ConfigOpts,
                 session: ks_session.Session | None = None,
                 auth: Any = None, **overrides: Any) -> ks_adapter.Adapter:
    """A keystoneauth ``Adapter`` for the Image API, from ``[glance]``.

    :param session: defaults to :func:`load_session` (conf).
    :param overrides: adapter arguments that win over the config.
    """
    group = conf[glance.GROUP_NAME]
    if session is None:
        session = load_session(conf)
    connect_retries, status_code_retries = _retries(conf)
    kwargs: dict[str, Any] = {
        'service_type': group.service_type,
        'service_name': group.service_name,
        'interface': group.valid_interfaces,
        'region_name': group.region_name,
        'endpoint_override': group.endpoint_override,
        'connect_retries': connect_retries,
        'status_code_retries': status_code_retries,
        'connect_retry_delay': group.connect_retry_delay,
        'status_code_retry_delay': group.status_code_retry_delay,
        'retriable_status_codes': group.retriable_status_codes,
    }
    kwargs.update(overrides)
    return ks_adapter.Adapter(session, auth=auth, **kwargs)


def total_time_bound(conf: cfg.ConfigOpts) -> float:
    """Upper bound, in seconds, of one non-streamed call's duration.

    A call makes at most ``1 + connect_retries + status_code_retries``
    attempts, plus one per redirect followed (:data:`MAX_REDIRECTS`) and
    :data:`MAX_REAUTH` after a 401. Each takes at most a connect, the
    header read and the body deadline (``3 × timeout``), and each of the
    ``connect_retries + status_code_retries`` waits at most
    :data:`MAX_RETRY_AFTER`. Name resolution, a host with several
    addresses (each gets its own connect timeout), and the TLS handshake
    and request body (bounded per read and write) are outside it.
    """
    group = conf[glance.GROUP_NAME]
    timeout = float(group.timeout or DEFAULT_TIMEOUT)
    retries = sum(_retries(conf))
    attempts = 1 + retries + MAX_REDIRECTS + MAX_REAUTH
    return attempts * 3 * timeout + retries * MAX_RETRY_AFTER
