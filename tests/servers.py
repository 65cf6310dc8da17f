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

"""Loopback HTTP(S) servers with scripted faults, for the transport tests.

Each server binds 127.0.0.1 on a free port, counts the requests it
receives (a TLS handshake that fails never reaches the count), and stops
by itself after ``lifetime`` seconds if a test forgets to stop it. Every
fault loop is bounded in count and time. The one home of the tests'
servers: :func:`started` runs some for a block, the ``make_server``
fixture (``tests/conftest.py``) for a test, and ``tests/tlsservers.py``
adds the probe's glance-api look-alike and its certificates.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import select
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from typing import TypeVar

Fault = Callable[[http.server.BaseHTTPRequestHandler], None]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: FaultServer._Server

    def _handle(self) -> None:
        owner = self.server.owner
        with owner.lock:
            owner.hits += 1
            owner.requests.append((self.command, self.path))
        fault = owner.routes.get(self.path.split('?')[0], owner.fault)
        fault(self)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet


class FaultServer:
    """One loopback server; ``fault`` decides how it answers."""

    class _Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        owner: FaultServer

        def handle_error(self, request: object, client_address: object
                         ) -> None:
            pass  # failed handshakes and dropped clients are expected

    def __init__(self, ssl_context: ssl.SSLContext | None = None,
                 lifetime: float = 30.0) -> None:
        self.hits = 0
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.fault: Fault = ok()
        self.routes: dict[str, Fault] = {}
        self._server = self._Server(('127.0.0.1', 0), _Handler)
        self._server.owner = self
        if ssl_context is not None:
            self._server.socket = ssl_context.wrap_socket(
                self._server.socket, server_side=True,
                do_handshake_on_connect=False)
        self.scheme = 'https' if ssl_context else 'http'
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={'poll_interval': 0.05},
                                        daemon=True)
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True

    @property
    def url(self) -> str:
        return '%s://127.0.0.1:%d' % (self.scheme, self.port)

    def start(self) -> FaultServer:
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._timer.cancel()
        self._server.shutdown()
        self._server.server_close()


# -- faults -----------------------------------------------------------------

def ok(body: bytes = b'{"images": []}', code: int = 200,
       content_type: str = 'application/json') -> Fault:
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(code)
        h.send_header('Content-Type', content_type)
        h.send_header('Content-Length', str(len(body)))
        h.end_headers()
        if h.command != 'HEAD':
            h.wfile.write(body)
    return answer


def status(code: int, retry_after: str | None = None) -> Fault:
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(code)
        if retry_after is not None:
            h.send_header('Retry-After', retry_after)
        h.send_header('Content-Length', '0')
        h.end_headers()
    return answer


def redirect(location: str, code: int = 302) -> Fault:
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(code)
        h.send_header('Location', location)
        h.send_header('Content-Length', '0')
        h.end_headers()
    return answer


def drop_mid_body() -> Fault:
    """Promise 1000 bytes, send 10, hang up."""
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header('Content-Length', '1000')
        h.end_headers()
        h.wfile.write(b'0123456789')
        h.wfile.flush()
        h.connection.shutdown(socket.SHUT_RDWR)
        h.close_connection = True
    return answer


def reset() -> Fault:
    """Close with a TCP RST before answering."""
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                struct.pack('ii', 1, 0))
        h.connection.close()
        h.close_connection = True
    return answer


def stall(seconds: float) -> Fault:
    """Say nothing for ``seconds`` (or until the server stops)."""
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.server.owner.release.wait(seconds)  # type: ignore[attr-defined]
        h.close_connection = True
    return answer


def trickle(size: int, interval: float) -> Fault:
    """Send the body one byte every ``interval`` seconds."""
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header('Content-Length', str(size))
        h.end_headers()
        release = h.server.owner.release  # type: ignore[attr-defined]
        for _ in range(size):
            if release.wait(interval):
                break
            try:
                h.wfile.write(b'x')
                h.wfile.flush()
            except OSError:
                break
        h.close_connection = True
    return answer


def flaky(times: int, then: Fault, code: int = 503) -> Fault:
    """Answer ``code`` the first ``times`` requests for a path, then
    ``then``."""
    seen: dict[str, int] = {}

    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        path = h.path.split('?')[0]
        with h.server.owner.lock:  # type: ignore[attr-defined]
            seen[path] = seen.get(path, 0) + 1
            count = seen[path]
        (status(code) if count <= times else then)(h)
    return answer


def json_status(code: int, document: object) -> Fault:
    """Answer ``code`` with a JSON body."""
    return ok(json.dumps(document).encode(), code)


def echo() -> Fault:
    """Answer 200 with the method and the length of the body received."""
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        length = h.headers.get('Content-Length')
        if length:
            h.rfile.read(int(length))
        ok(json.dumps({'method': h.command, 'length': length}).encode())(h)
    return answer


def interim_flood(seconds: float, interval: float = 0.001) -> Fault:
    """Send ``100 Continue`` interim responses, fast, for ``seconds``."""
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        release = h.server.owner.release  # type: ignore[attr-defined]
        end = time.monotonic() + seconds
        while time.monotonic() < end and not release.wait(interval):
            try:
                h.wfile.write(b'HTTP/1.1 100 Continue\r\n\r\n')
                h.wfile.flush()
            except OSError:
                break
        h.close_connection = True
    return answer


def hang_up() -> Fault:
    """Close the connection without answering (a FIN, no response)."""
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.close_connection = True
    return answer


def sequence(*faults: Fault) -> Fault:
    """The n-th request to the server (whatever its path) gets the n-th
    fault; the last one repeats."""
    count = iter(range(10_000))

    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        with h.server.owner.lock:  # type: ignore[attr-defined]
            n = next(count)
        faults[min(n, len(faults) - 1)](h)
    return answer


_Listener = TypeVar('_Listener', bound='_LoopbackListener')


class _LoopbackListener:
    """A listening loopback socket served by a thread that stops by
    itself after ``lifetime`` seconds; subclasses write ``_serve``."""

    def __init__(self, lifetime: float = 30.0) -> None:
        self._stop = threading.Event()
        self._listener = socket.create_server(('127.0.0.1', 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._lifetime = lifetime
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return 'http://127.0.0.1:%d' % self.port

    def start(self: _Listener) -> _Listener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()

    def _serve(self) -> None:
        raise NotImplementedError


class Refuser(_LoopbackListener):
    """A loopback port that refuses every connection: it accepts, counts
    and resets each one before reading a byte (a closed port refuses
    too, but cannot count). Stops by itself after ``lifetime`` seconds.
    """

    def __init__(self, lifetime: float = 30.0) -> None:
        super().__init__(lifetime)
        self.hits = 0

    def _serve(self) -> None:
        end = time.monotonic() + self._lifetime
        while not self._stop.is_set() and time.monotonic() < end:
            try:
                client, _ = self._listener.accept()
            except OSError:
                continue
            self.hits += 1
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                              struct.pack('ii', 1, 0))
            client.close()


def closed_port() -> int:
    """A loopback port that nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


class ConnectProxy(_LoopbackListener):
    """A loopback HTTP proxy that only tunnels (CONNECT) to 127.0.0.1.

    It counts the CONNECTs it receives, relays at most ``lifetime``
    seconds, and stops by itself like :class:`FaultServer`.
    """

    def __init__(self, lifetime: float = 30.0) -> None:
        self.connects: list[str] = []
        super().__init__(lifetime)

    def _serve(self) -> None:
        end = time.monotonic() + self._lifetime
        while not self._stop.is_set() and time.monotonic() < end:
            try:
                client, _ = self._listener.accept()
            except OSError:
                continue
            threading.Thread(target=self._tunnel, args=(client, end),
                             daemon=True).start()

    def _tunnel(self, client: socket.socket, end: float) -> None:
        with client:
            client.settimeout(2.0)
            head = b''
            while b'\r\n\r\n' not in head and len(head) < 8192:
                chunk = client.recv(1024)
                if not chunk:
                    return
                head += chunk
            method, target = head.split(b' ', 2)[:2]
            host, _, port = target.decode('ascii').rpartition(':')
            self.connects.append(target.decode('ascii'))
            if method != b'CONNECT' or host != '127.0.0.1':
                client.sendall(b'HTTP/1.1 403 Forbidden\r\n\r\n')
                return
            with socket.create_connection((host, int(port)), 2.0) as up:
                client.sendall(b'HTTP/1.1 200 Connection established'
                               b'\r\n\r\n')
                self._relay(client, up, end)

    def _relay(self, a: socket.socket, b: socket.socket, end: float) -> None:
        peers = {a: b, b: a}
        while not self._stop.is_set() and time.monotonic() < end:
            ready, _, _ = select.select(list(peers), [], [], 0.05)
            for sock in ready:
                try:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
                except OSError:
                    return


@contextlib.contextmanager
def started(*running: FaultServer | _LoopbackListener) -> Iterator[None]:
    """Start servers, and stop them when the block ends, however it
    ends: a failing test leaves no server behind."""
    for server in running:
        server.start()
    try:
        yield
    finally:
        for server in running:
            server.stop()


class Clock:
    """Wall-clock of a block, for bounds checks."""

    def __enter__(self) -> Clock:
        self.start = time.monotonic()
        self.elapsed = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.monotonic() - self.start
