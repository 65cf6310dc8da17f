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

"""The version document of an endpoint: whether what answered ``GET /``
is glance's Image API, read without trusting the body's size or shape.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from glance_conf import redact
from glance_conf.audit.probe.observation import Observation

#: Nesting of a version document parsed: glance's is four deep, and
#: ``json`` recurses once per level (a deep body raises RecursionError).
MAX_DEPTH = 32
#: The statuses of a redirect: discovery notes where it points, and
#: never follows it.
REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: A version id of the Image API, as glance's version document lists it
#: (glance/api/versions.py: ``'v%s' % version``, ``2.0`` to ``2.x``).
_IMAGE_VERSION_RE = re.compile(r'v2(\.[0-9]+)?')
#: The path of glance's ``self`` link for every v2.x entry (its
#: ``build_version_object(..., 'v2', ...)``); neutron's says ``/v2.0/``.
_IMAGE_LINK_RE = re.compile(r'.*/v2/')
#: Fields of a microversioned API's entries (nova's ``version`` and
#: ``min_version``); glance's entries never carry them.
_MICROVERSION_FIELDS = ('version', 'min_version')


@dataclasses.dataclass(frozen=True)
class Answer:
    """One HTTP answer as the probe read it: at most
    :data:`~glance_conf.audit.probe.wire.MAX_BODY` bytes of body, and
    the ``Location`` redacted."""

    status: int
    body: bytes = b''
    location: str | None = None


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


def discover(seen: Observation, answer: Answer) -> None:
    seen.status = answer.status
    if answer.status in REDIRECTS:
        seen.location = answer.location or ''
        return
    document = _document(answer.body)
    versions = document.get('versions') if isinstance(document, dict) \
        else None
    if not isinstance(versions, list):
        return
    seen.versions = tuple(redact.printable(v['id'], 16) for v in versions
                          if _is_image_api(v))
