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

"""What is probed: an endpoint (origin, base path, TLS settings), made
from an Image API URL as nova would reach it.

Two hosts that would reach the same endpoint with the same settings get
equal :class:`Endpoint` objects, so the run probes it once.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import urllib.parse

from glance_conf import loading


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
