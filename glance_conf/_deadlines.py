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

"""Deadlines below the transport adapter: a socket shut down when a
block outlives its time, and connection pools whose response headers,
interim (1xx) responses included, are read within the timeout in total.

:class:`glance_conf.transport.GuardedHTTPAdapter` mounts
:data:`POOL_CLASSES` and bounds a non-streamed body with
:class:`Deadline`.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Any

import requests
from urllib3 import connection as u3_connection
from urllib3 import connectionpool as u3_pool

_HEADERS_LATE = 'response headers not received within %gs'


def socket_of(response: requests.Response) -> socket.socket | None:
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


class Deadline:
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

    def __enter__(self) -> Deadline:
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
    with Deadline(conn.sock, float(seconds)) as deadline:
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


POOL_CLASSES: dict[str, type[u3_pool.HTTPConnectionPool]] = {
    'http': _HTTPPool, 'https': _HTTPSPool}
