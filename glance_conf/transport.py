"""A keystoneauth session and adapter for the Image API that keep the
promises the ``[glance]`` options make.

``load_session(conf)`` and ``load_adapter(conf)`` read the hardened
``[glance]`` options and return ordinary keystoneauth1 objects, with these
guarantees (each proven against real local TLS servers in the tests):

TLS
    Certificates are verified unless ``insecure = True``, which is logged
    at WARNING. ``cafile``, ``certfile`` and ``keyfile`` must exist when
    the session is built, or loading fails naming the option.
    ``tls_min_version`` and ``tls_ciphers`` apply to every connection.

Retries
    ``connect_retries`` and ``status_code_retries`` default to
    ``num_retries``. A request is sent at most ``1 + retries`` times, and
    only idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE) are retried:
    a POST or PATCH is sent once. Every delay, including a server's
    ``Retry-After``, is at most :data:`MAX_RETRY_AFTER` seconds; a negative
    or unparsable ``Retry-After`` is ignored.

Time
    Without ``timeout``, :data:`DEFAULT_TIMEOUT` applies. It bounds the
    connection, each read of the response headers, and the whole body of a
    request that is not streamed, so a stalled or trickling server cannot
    hold the caller. (A streamed body, such as an image download, is
    bounded per read only; its size is the caller's to bound.)

Redirects
    Only same-origin redirects are followed (same scheme, host and port),
    at most :data:`MAX_REDIRECTS` times. A redirect to another origin, or
    from https to http, raises :class:`RedirectRefused`: the token is
    never sent anywhere but the configured endpoint.

Secrets
    URL passwords and query strings are masked in every exception and log
    line that this session raises or keystoneauth writes.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import urllib.parse
from typing import Any

import requests
from keystoneauth1 import adapter as ks_adapter
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from oslo_config import cfg
from oslo_log import log as oslo_logging
from urllib3.util.ssl_ import create_urllib3_context

from glance_conf import _files
from glance_conf import exception
from glance_conf import glance
from glance_conf import redact

LOG = oslo_logging.getLogger(__name__)

#: Seconds allowed when ``[glance] timeout`` is unset.
DEFAULT_TIMEOUT = 60.0
#: Longest wait between two tries, whatever ``Retry-After`` says.
MAX_RETRY_AFTER = 60.0
#: Same-origin redirects followed for one request.
MAX_REDIRECTS = 5
#: Methods that may be sent again after a failure.
IDEMPOTENT_METHODS = frozenset({'GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'})

_REDIRECT_STATUSES = frozenset({301, 302, 303, 305, 307, 308})
_KSA_LOGGERS = ('keystoneauth.session', 'keystoneauth.session.request',
                'keystoneauth.session.response', 'keystoneauth.session.body',
                'keystoneauth.session.request-id', 'keystoneauth.adapter')


class RedirectRefused(ks_exc.ClientException):
    """The server redirected to another origin, or from https to http."""


class _RedactFilter(logging.Filter):
    """Rewrites keystoneauth's log records with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact.redact_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = _RedactFilter()


def _install_log_filter() -> None:
    for name in _KSA_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {'http': 80, 'https': 443}.get(scheme)
    return scheme, (parts.hostname or '').lower(), port


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
    """Shuts a response's socket down if its body outlives ``seconds``."""

    def __init__(self, response: requests.Response, seconds: float) -> None:
        self.fired = False
        self._sock = _socket_of(response)
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


_TLS_VERSIONS = {'1.2': ssl.TLSVersion.TLSv1_2, '1.3': ssl.TLSVersion.TLSv1_3}


class GuardedHTTPAdapter(ks_session.TCPKeepAliveAdapter):
    """keystoneauth's transport adapter (TCP keep-alive), plus the TLS
    floor and ciphers, a body deadline and a sane ``Retry-After``.

    The TLS settings are applied here rather than by keystoneauth, which
    learnt them only in 5.15 (Python 3.10 stops at 5.14). The context
    comes from urllib3, as requests' own does, so ``cafile`` is the only
    trust anchor when it is set, and the system store only when it is not.
    """

    def __init__(self, *, body_timeout: float = DEFAULT_TIMEOUT,
                 max_retry_after: float = MAX_RETRY_AFTER,
                 tls_ciphers: str | None = None,
                 tls_min_version: str | None = None) -> None:
        self.body_timeout = body_timeout
        self.max_retry_after = max_retry_after
        self.glance_tls = (tls_ciphers, tls_min_version)
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        ciphers, min_version = self.glance_tls
        if ciphers or min_version:
            context = create_urllib3_context()
            # urllib3 matches the host name itself when the context does
            # not; left on, ``insecure`` could not turn verification off.
            context.check_hostname = False
            if min_version:
                context.minimum_version = _TLS_VERSIONS[min_version]
            if ciphers:
                context.set_ciphers(ciphers)
            kwargs['ssl_context'] = context
        super().init_poolmanager(*args, **kwargs)

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: dict[str, str] | None = None) -> requests.Response:
        response = super().send(request, stream=True, timeout=timeout,
                                verify=verify, cert=cert, proxies=proxies)
        self._clean_retry_after(response)
        if stream:
            return response
        with _Deadline(response, self.body_timeout) as deadline:
            try:
                response.content  # noqa: B018 - read the body now
            except requests.RequestException:
                if deadline.fired:
                    raise requests.exceptions.ReadTimeout(
                        'response body not received within %gs'
                        % self.body_timeout, request=request) from None
                raise
        if deadline.fired:
            raise requests.exceptions.ReadTimeout(
                'response body not received within %gs' % self.body_timeout,
                request=request)
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
            # keystoneauth would sleep a negative time (an error) or parse
            # an HTTP date as garbage: fall back to its own back-off.
            del response.headers['Retry-After']
        elif seconds > self.max_retry_after:
            response.headers['Retry-After'] = str(int(self.max_retry_after))


class HardenedSession(ks_session.Session):
    """A keystoneauth ``Session`` with the guarantees of this module."""

    def __init__(self, *args: Any, body_timeout: float = DEFAULT_TIMEOUT,
                 max_retry_after: float = MAX_RETRY_AFTER,
                 tls_ciphers: str | None = None,
                 tls_min_version: str | None = None,
                 **kwargs: Any) -> None:
        kwargs['redirect'] = False  # followed here, same origin only
        super().__init__(*args, **kwargs)
        guarded = GuardedHTTPAdapter(body_timeout=body_timeout,
                                     max_retry_after=max_retry_after,
                                     tls_ciphers=tls_ciphers,
                                     tls_min_version=tls_min_version)
        for scheme in ('https://', 'http://'):
            self.session.mount(scheme, guarded)
        _install_log_filter()

    def request(self, url: str, method: str,  # type: ignore[override]
                **kwargs: Any) -> requests.Response:
        if method.upper() not in IDEMPOTENT_METHODS:
            kwargs['connect_retries'] = 0
            kwargs['status_code_retries'] = 0
        kwargs['redirect'] = False
        try:
            response = super().request(url, method, **kwargs)
            for _ in range(MAX_REDIRECTS):
                location = response.headers.get('Location')
                if response.status_code not in _REDIRECT_STATUSES \
                        or not location:
                    return response
                current = response.url or url
                target = urllib.parse.urljoin(current, location)
                if _origin(target) != _origin(current):
                    raise RedirectRefused(
                        'refused a redirect from %s to another origin, %s'
                        % (redact.redact_url(current),
                           redact.redact_url(target)))
                kwargs.pop('endpoint_filter', None)
                kwargs.pop('endpoint_override', None)
                response = super().request(target, method, **kwargs)
            raise RedirectRefused('more than %d redirects' % MAX_REDIRECTS)
        except ks_exc.ClientException as exc:
            _scrub(exc)
            raise


def _scrub(exc: BaseException) -> None:
    """Mask secrets in an exception's text, keeping its class."""
    cleaned = tuple(redact.redact_text(a) if isinstance(a, str) else a
                    for a in exc.args)
    exc.args = cleaned
    message = getattr(exc, 'message', None)
    if isinstance(message, str):
        exc.message = redact.redact_text(message)  # type: ignore[attr-defined]


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
        max_retry_after=min(max_retry_after, MAX_RETRY_AFTER),
        **kwargs)


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
    retries = group.num_retries
    kwargs: dict[str, Any] = {
        'service_type': group.service_type,
        'service_name': group.service_name,
        'interface': group.valid_interfaces,
        'region_name': group.region_name,
        'endpoint_override': group.endpoint_override,
        'connect_retries': (retries if group.connect_retries is None
                            else group.connect_retries),
        'status_code_retries': (retries if group.status_code_retries is None
                                else group.status_code_retries),
        'connect_retry_delay': group.connect_retry_delay,
        'status_code_retry_delay': group.status_code_retry_delay,
        'retriable_status_codes': group.retriable_status_codes,
    }
    kwargs.update(overrides)
    return ks_adapter.Adapter(session, auth=auth, **kwargs)


def total_time_bound(conf: cfg.ConfigOpts) -> float:
    """Upper bound, in seconds, of one non-streamed call's duration.

    keystoneauth counts connection retries and status-code retries
    separately, so a call makes at most ``1 + connect_retries +
    status_code_retries`` attempts. Each takes at most a connect, a header
    read and the body deadline (``3 × timeout``), and each wait between
    attempts at most :data:`MAX_RETRY_AFTER`. (A server that sends its
    headers one byte at a time is bounded per read, not by this figure.)
    """
    group = conf[glance.GROUP_NAME]
    timeout = float(group.timeout or DEFAULT_TIMEOUT)
    num = int(group.num_retries)
    retries = ((num if group.connect_retries is None
                else group.connect_retries)
               + (num if group.status_code_retries is None
                  else group.status_code_retries))
    return (1 + retries) * 3 * timeout + retries * MAX_RETRY_AFTER


