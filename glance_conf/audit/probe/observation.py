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

"""What the probe saw at one endpoint, in words that are safe to show.

The one record every part of the probe fills in and the GC7xx checks
judge; :func:`reason` is the one way an exception becomes such words.
"""

from __future__ import annotations

import dataclasses
import socket
import ssl
import time

from glance_conf import redact
from glance_conf.audit.probe.endpoints import Endpoint

#: What a probe that ran out of time says (:func:`reason`).
TIMED_OUT = 'timed out'

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



def reason(exc: BaseException) -> str:
    """An exception as safe words: its class and OpenSSL's reason."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return 'certificate verify failed: %s' % redact.printable(
            str(exc.verify_message))
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return 'TLS error: %s' % redact.printable(str(exc.reason))
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return TIMED_OUT
    if isinstance(exc, OSError) and exc.strerror:
        return redact.printable(exc.strerror)
    return type(exc).__name__
