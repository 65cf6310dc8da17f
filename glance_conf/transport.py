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

"""The mechanism of the Image API transport: a keystoneauth session and
adapter that keep the promises the ``[glance]`` options make.

This module knows nothing of oslo.config; :mod:`glance_conf.loading` maps
the options to the keyword arguments of :class:`HardenedSession` and
:class:`ImageAdapter`, as keystoneauth's ``loading/session.py`` does for
its ``session.py``. The guarantees (each proven against real loopback
servers in the tests):

Attempts
    A call through :class:`ImageAdapter` sends at most ``1 + num_retries``
    requests, whatever mix of server rotation, connection retries, status
    retries, same-origin redirects and re-authentication it needs.
    ``connect_retries`` and ``status_code_retries`` only lower that budget,
    each for its kind of failure. Only idempotent methods (GET, HEAD,
    OPTIONS, PUT, DELETE) are retried: a POST or PATCH is sent once. Every
    wait, including a server's ``Retry-After``, is at most
    :data:`MAX_RETRY_AFTER` seconds; a negative or unparsable
    ``Retry-After`` is ignored.

Servers
    With ``api_servers``, the adapter shuffles the list once, then each
    request of each call goes to the next server in that order (as nova's
    ``GlanceClientWrapper`` does): a failure moves the call on to the next
    server. ``api_servers`` wins over ``endpoint_override``, as in nova.

TLS
    ``tls_min_version`` and ``tls_ciphers`` apply to every connection,
    including those tunnelled through an HTTP(S) proxy.

Time
    ``timeout`` bounds the connection, the whole of the response headers
    (interim ``100 Continue`` responses included), and the whole body of a
    request that is not streamed, so a stalled or trickling server cannot
    hold the caller. :func:`time_bound` gives the bound of a whole call.
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

This module puts the pieces together; three of them are private modules
of their own: the same-origin redirect guard (``_redirects``), the
deadlines below the transport adapter (``_deadlines``) and the masking
of secrets in log lines and exceptions (``_scrub``).
"""

from __future__ import annotations

import itertools
import random
import ssl
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any

import requests
from keystoneauth1 import adapter as ks_adapter
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from oslo_log import log as oslo_logging
from urllib3.util.ssl_ import create_urllib3_context

from glance_conf import redact
from glance_conf._deadlines import POOL_CLASSES
from glance_conf._deadlines import Deadline
from glance_conf._deadlines import socket_of
from glance_conf._redirects import REDIRECT_STATUSES
from glance_conf._redirects import no_redirect_target
from glance_conf._redirects import redirect_target
from glance_conf._redirects import without_body
from glance_conf._scrub import filter_logger
from glance_conf._scrub import install_log_filter
from glance_conf._scrub import scrub
from glance_conf.exception import RedirectRefused
from glance_conf.limits import BACKOFF_START
from glance_conf.limits import DEFAULT_RETRIABLE_STATUS_CODES
from glance_conf.limits import DEFAULT_TIMEOUT
from glance_conf.limits import MAX_RETRY_AFTER
from glance_conf.limits import TLS_VERSIONS

LOG = oslo_logging.getLogger(__name__)

#: Deadlines one request can spend in full: the connection, the response
#: headers and a non-streamed body, each ``timeout`` long.
DEADLINES_PER_REQUEST = 3
#: Same-origin redirects followed for one call, within its attempt budget.
MAX_REDIRECTS = 5
#: Requests sent again after a 401, once the token is renewed, per call
#: and within its attempt budget.
MAX_REAUTH = 1
#: Methods that may be sent again after a failure.
IDEMPOTENT_METHODS = frozenset({'GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'})

#: Logged once per adapter given both ``api_servers`` and
#: ``endpoint_override``.
API_SERVERS_WIN = ('api_servers and endpoint_override are both set: '
                   'api_servers is used, as nova does, and '
                   'endpoint_override is ignored')

_TOO_MANY_REDIRECTS = 'more than %d redirects'
_BUDGET_SPENT = ('refused a redirect from %s: the %d attempts of this call '
                 'are spent')
_BODY_LATE = 'response body not received within %gs'


# -- the transport adapter ------------------------------------------------

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

    def tls_context(self) -> ssl.SSLContext | None:
        """The context for the pinned floor and ciphers, or ``None`` for
        urllib3's own; the probe handshakes with it, as nova would."""
        ciphers, min_version = self.glance_tls
        if not (ciphers or min_version):
            return None
        context = create_urllib3_context()
        # urllib3 matches the host name itself when the context does
        # not; left on, ``insecure`` could not turn verification off.
        context.check_hostname = False
        if min_version:
            context.minimum_version = TLS_VERSIONS[min_version]
        if ciphers:
            context.set_ciphers(ciphers)
        return context

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        context = self.tls_context()
        if context is not None:
            kwargs['ssl_context'] = context
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = POOL_CLASSES

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        if proxy in self.proxy_manager:
            return super().proxy_manager_for(proxy, **proxy_kwargs)
        context = self.tls_context()
        if context is not None:
            proxy_kwargs['ssl_context'] = context
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith('socks'):
            manager.pool_classes_by_scheme = POOL_CLASSES
        return manager

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: dict[str, str] | None = None) -> requests.Response:
        response = super().send(request, stream=True, timeout=timeout,
                                verify=verify, cert=cert, proxies=proxies)
        self._clean_retry_after(response)
        if stream:
            return response
        with Deadline(socket_of(response), self.body_timeout) as deadline:
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


class _Call:
    """One call across its attempts: where the next attempt goes, and
    what the call may still spend of each kind and in all.

    The attempt budget of the whole call, and the server of each
    attempt, come from :class:`ImageAdapter`; without them (the session
    used alone) the per-kind budgets, :data:`MAX_REDIRECTS` and
    :data:`MAX_REAUTH` bound the call.
    """

    def __init__(self, url: str, method: str, kwargs: dict[str, Any],
                 connect_retries: int, max_retry_after: float) -> None:
        self.budget: int | None = kwargs.pop('max_attempts', None)
        self.next_server: Callable[[], str] | None = kwargs.pop(
            'next_server', None)
        connect_left = kwargs.pop('connect_retries', None)
        self.connect_left: int = connect_retries if connect_left is None \
            else connect_left
        self.status_left: int = kwargs.pop('status_code_retries', None) or 0
        if method not in IDEMPOTENT_METHODS:
            self.connect_left = self.status_left = 0
        self.connect_waits = _Backoff(kwargs.pop('connect_retry_delay',
                                                 None), max_retry_after)
        self.status_waits = _Backoff(kwargs.pop('status_code_retry_delay',
                                                None), max_retry_after)
        self.retriable = frozenset(kwargs.pop('retriable_status_codes', None)
                                   or DEFAULT_RETRIABLE_STATUS_CODES)
        self.raise_exc = kwargs.pop('raise_exc', True)
        self.reauth_left = MAX_REAUTH if kwargs.pop('allow_reauth', True) \
            else 0
        self.follow = kwargs.pop('redirect', True) is not False
        self.url, self.method, self.kwargs = url, method, kwargs
        self._first = (url, method, dict(kwargs))
        self.redirects = self.sent = 0
        #: Whether the next attempt starts the call over.
        self.fresh = True
        #: Whether another attempt may follow the one being sent.
        self.spare = True

    def next_attempt(self) -> None:
        """Count an attempt. Each attempt of a rotation is the call anew
        on the next server (its path, method and body, not a
        redirect's), as nova's ``GlanceClientWrapper`` retries."""
        if self.fresh and self.next_server is not None:
            self.url, self.method = self._first[0], self._first[1]
            self.kwargs = dict(self._first[2])
            self.kwargs['endpoint_override'] = self.next_server()
        self.fresh = False
        self.spare = self.budget is None or self.sent + 1 < self.budget
        self.sent += 1


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
            no_redirect_target)  # type: ignore[assignment]
        install_log_filter()

    def request(self, url: str, method: str,  # type: ignore[override]
                **kwargs: Any) -> requests.Response:
        # Loggers made since the last call (a plugin imported late) too.
        install_log_filter()
        if kwargs.get('logger') is not None:
            filter_logger(kwargs['logger'])
        try:
            return self._call(url, method.upper(), kwargs)
        except Exception as exc:
            scrub(exc)
            raise

    def _call(self, url: str, method: str,
              kwargs: dict[str, Any]) -> requests.Response:
        """Attempts until one is final, every step within one budget:
        a retried connection, a followed redirect, a renewed token or a
        retried status each spends an attempt of the same call."""
        call = _Call(url, method, kwargs, self._connect_retries,
                     self.max_retry_after)
        while True:
            response = self._send(call)
            if response is None or self._follow(call, response) \
                    or self._reauthenticate(call, response) \
                    or self._retry_status(call, response):
                continue
            if call.raise_exc and response.status_code >= 400:
                raise ks_exc.from_response(response, call.method, call.url)
            return response

    def _send(self, call: _Call) -> requests.Response | None:
        """One attempt: keystoneauth's request with its own retries,
        redirects and re-authentication off, since each of them would
        spend attempts outside the call's budget. ``None`` after a
        connection failure that is tried again."""
        call.next_attempt()
        try:
            return super().request(
                call.url, call.method, redirect=False, raise_exc=False,
                connect_retries=0, status_code_retries=0,
                allow_reauth=False, **call.kwargs)
        except ks_exc.RetriableConnectionFailure as exc:
            if call.connect_left <= 0 or not call.spare:
                raise
            call.connect_left -= 1
            self._wait(next(call.connect_waits), exc, call.connect_left)
            call.fresh = True
            return None

    @staticmethod
    def _follow(call: _Call, response: requests.Response) -> bool:
        """Follow a redirect on the same origin only, at most
        :data:`MAX_REDIRECTS` times and within the attempt budget, so
        that the token never leaves the configured endpoint."""
        status = response.status_code
        if not (call.follow and status in REDIRECT_STATUSES
                and response.headers.get('Location')):
            return False
        call.redirects += 1
        if call.redirects > MAX_REDIRECTS:
            raise RedirectRefused(_TOO_MANY_REDIRECTS % MAX_REDIRECTS)
        target = redirect_target(response)
        if not call.spare:
            raise RedirectRefused(_BUDGET_SPENT % (
                redact.redact_url(response.request.url or call.url),
                call.budget))
        call.url = target
        response.close()
        if status == 303 and call.method != 'HEAD':
            # RFC 9110 15.4.4: the follow-up is a GET, no body.
            call.method = 'GET'
            call.kwargs = without_body(call.kwargs)
        for name in ('endpoint_filter', 'endpoint_override', 'params'):
            call.kwargs.pop(name, None)
        return True

    def _reauthenticate(self, call: _Call,
                        response: requests.Response) -> bool:
        """Send a call refused with 401 again once its token is dropped,
        as keystoneauth would, but at most :data:`MAX_REAUTH` times and
        within the attempt budget."""
        if not (response.status_code == 401 and call.reauth_left
                and call.spare and self._renew(call.kwargs)):
            return False
        call.reauth_left -= 1
        response.close()
        return True

    def _retry_status(self, call: _Call,
                      response: requests.Response) -> bool:
        """Try a retriable status again after the server's
        ``Retry-After`` or the back-off, never waiting longer than
        ``max_retry_after``: a server cannot hold the caller."""
        status = response.status_code
        if not (status in call.retriable and call.status_left > 0
                and call.spare):
            return False
        call.status_left -= 1
        after = response.headers.get('Retry-After')
        delay = int(after) if after else next(call.status_waits)
        response.close()
        self._wait(min(delay, self.max_retry_after),
                   'status code %d' % status, call.status_left)
        call.fresh = True
        return True

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


# -- the adapter ------------------------------------------------------------

class _Rotation:
    """Servers shuffled once, then cycled: nova's ``get_api_servers``."""

    def __init__(self, servers: Sequence[str], rng: random.Random) -> None:
        order = list(servers)
        rng.shuffle(order)
        self.order = tuple(order)
        self.last = order[0]
        self._cycle: Iterator[str] = itertools.cycle(order)
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:  # an adapter may be shared between threads
            self.last = next(self._cycle)
            return self.last


class ImageAdapter(ks_adapter.Adapter):
    """A keystoneauth ``Adapter`` with one attempt budget per call and
    nova's ``api_servers`` rotation.

    :param api_servers: Image API URLs. When given, they win over
        ``endpoint_override`` and the catalog (logged once, as
        :data:`API_SERVERS_WIN`, if ``endpoint_override`` is given too);
        they are shuffled once, with ``rng``, and every request of every
        call goes to the next one in that order.
    :param num_retries: the call's budget is ``1 + num_retries``
        requests in all; ``connect_retries`` and ``status_code_retries``
        default to it and are cut down to it. ``None``: no budget beyond
        the per-kind ones.
    :param rng: the shuffle's source: ``random.SystemRandom`` by default,
        a seeded ``random.Random`` for a repeatable order.
    :param kwargs: any keystoneauth ``Adapter`` argument.
    """

    def __init__(self, session: ks_session.Session, *,
                 api_servers: Sequence[str] | None = None,
                 num_retries: int | None = None,
                 rng: random.Random | None = None,
                 **kwargs: Any) -> None:
        if num_retries is not None:
            for kind in ('connect_retries', 'status_code_retries'):
                value = kwargs.get(kind)
                kwargs[kind] = (num_retries if value is None
                                else min(value, num_retries))
        super().__init__(session, **kwargs)
        self.num_retries = num_retries
        self.rotation: _Rotation | None = None
        if api_servers:
            if self.endpoint_override:
                LOG.warning(API_SERVERS_WIN)
                self.endpoint_override = None
            self.rotation = _Rotation(api_servers,
                                      rng or random.SystemRandom())

    def request(self, url: str, method: str,
                **kwargs: Any) -> requests.Response:
        if self.num_retries is not None:
            kwargs.setdefault('max_attempts', 1 + self.num_retries)
        if self.rotation is not None:
            kwargs.setdefault('next_server', self.rotation)
        return super().request(url, method, **kwargs)

    def get_endpoint(self, auth: Any = None,
                     **kwargs: Any) -> str | None:
        """The server of the latest request (the first in rotation order
        before any), like nova's ``GlanceClientWrapper.api_server``."""
        if self.rotation is not None:
            return self.rotation.last
        return super().get_endpoint(auth, **kwargs)


def time_bound(*, timeout: float, num_retries: int, connect_retries: int,
               status_code_retries: int,
               max_wait: float = MAX_RETRY_AFTER) -> float:
    """Upper bound, in seconds, of one non-streamed call's duration.

    A call through :class:`ImageAdapter` sends at most ``1 +
    num_retries`` requests (redirects and re-authentication included);
    each spends at most :data:`DEADLINES_PER_REQUEST` deadlines of
    ``timeout`` (the connection, the headers, the body). It waits only
    before a connection or status retry: at most ``min(num_retries,
    connect_retries + status_code_retries)`` times, each at most
    ``min(max_wait, MAX_RETRY_AFTER)``. Outside the bound: name
    resolution, the extra addresses of a host name that has several (each
    gets its own connect timeout), and the TLS handshake and request body
    (bounded per read and write).
    """
    connect = min(connect_retries, num_retries)
    status = min(status_code_retries, num_retries)
    waits = min(num_retries, connect + status)
    return ((1 + num_retries) * DEADLINES_PER_REQUEST * timeout
            + waits * min(max_wait, MAX_RETRY_AFTER))
