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

"""The same-origin redirect guard of the transport.

Which statuses redirect, whether a ``Location`` leads to the very origin
the response came from (as every URL parser on the way reads it), and
the follow-up of a 303 without its body.
:class:`glance_conf.transport.HardenedSession` follows a redirect only
through :func:`redirect_target`, within the call's budget.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

import requests
from urllib3.util import parse_url

from glance_conf import redact
from glance_conf.exception import RedirectRefused

#: The statuses whose ``Location`` the session may follow.
REDIRECT_STATUSES = frozenset({301, 302, 303, 305, 307, 308})
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


def redirect_target(response: requests.Response) -> str:
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


def no_redirect_target(response: requests.Response) -> None:
    """requests' ``get_redirect_target`` for a session that follows no
    redirect itself: requests then never parses a ``Location``."""
    return None


def without_body(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A request's arguments with its body and the headers that
    describe it dropped, for the ``GET`` that follows a 303."""
    kwargs = {k: v for k, v in kwargs.items()
              if k not in ('data', 'json', 'files')}
    headers = requests.structures.CaseInsensitiveDict(
        kwargs.get('headers') or {})
    for name in _BODY_HEADERS:
        headers.pop(name, None)
    kwargs['headers'] = headers
    return kwargs
