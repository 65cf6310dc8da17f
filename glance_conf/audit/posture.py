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

"""The security posture hosts are compared on, as data.

What GC601 (fleet drift) compares, how each setting is read from a host's
config and shown, which value is the safer, and which side a difference
blames. The check (:mod:`glance_conf.audit.checks.fleet`) tallies hosts
against this table; the writers draw the heat-map and count drift from
it, without importing the check.

Site-specific values (host names, ports, Ceph pools and users, Ceph
config paths, regions) are never here: a distributed deployment whose
edge sites each talk to their own Image API and Ceph cluster is
consistent.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from oslo_config import types

from glance_conf import definitions
from glance_conf import redact
from glance_conf.audit.target import INVALID
from glance_conf.audit.target import AuditedConf

#: The ID of the check that compares hosts on this posture (GC601).
CHECK_ID = 'GC601'
#: The group of the files a grouping does not name.
UNGROUPED = '(ungrouped)'
#: Longest value shown (and told apart) in a report.
MAX_VALUE_SHOWN = redact.MAX_SHOWN
#: How an unset, an empty and an invalid value are shown.
UNSET = '(unset)'
EMPTY = '(empty)'
SHOWN_INVALID = '(invalid)'

_BOOLEAN = types.Boolean()


def show(value: Any) -> str:
    """A value as the findings and the heat-map show it: bounded, with
    any URL's credentials and query masked."""
    if value is INVALID:
        return SHOWN_INVALID
    if value is None:
        return UNSET
    if isinstance(value, list):
        value = ','.join(str(v) for v in value)
    text = str(value)
    return redact.redact_url(text, MAX_VALUE_SHOWN) if text else EMPTY


def _option(dest: str) -> Callable[[AuditedConf], str | None]:
    def read(conf: AuditedConf) -> str | None:
        return show(conf.value(dest))
    return read


def _scheme(url: str) -> str:
    return urllib.parse.urlsplit(url).scheme.lower() or '(no scheme)'


def _endpoint_scheme(conf: AuditedConf) -> str | None:
    """The scheme(s) the Image API is reached by, as nova picks the
    endpoint: ``api_servers`` first, then ``endpoint_override``.

    ``None`` when neither is set: the scheme is the service catalog's,
    not this file's, and the host is left out of this comparison (a
    central site on the catalog and edge sites on their own Image API
    are both by design).
    """
    servers = conf.value('api_servers')
    if servers is INVALID:
        return SHOWN_INVALID
    if servers:
        return ','.join(sorted({_scheme(str(s)) for s in servers}))
    override = conf.value('endpoint_override')
    if override is INVALID:
        return SHOWN_INVALID
    return _scheme(str(override)) if override else None


def _tls_option(dest: str) -> Callable[[AuditedConf], str | None]:
    """A TLS setting, compared only between hosts that use TLS: one whose
    endpoints are all plain ``http`` has no TLS floor or ciphers to keep
    in step (GC102 is its business)."""
    def read(conf: AuditedConf) -> str | None:
        scheme = _endpoint_scheme(conf)
        if scheme is not None and set(scheme.split(',')) == {'http'}:
            return None
        return show(conf.value(dest))
    return read


def _timeout_set(conf: AuditedConf) -> str:
    value = conf.value('timeout')
    if value is INVALID:
        return SHOWN_INVALID
    return UNSET if value is None else 'set'


def _service_debug(conf: AuditedConf) -> str:
    """``[DEFAULT] debug`` as oslo.log reads it (default ``False``)."""
    hit = conf.raw('DEFAULT', 'debug')
    if hit is None:
        return str(False)
    try:
        return str(_BOOLEAN(hit.value))
    except ValueError:
        return SHOWN_INVALID


def _ordered(*weak_to_safe: str) -> Callable[[str], int | None]:
    """A strength: a value's place in ``weak_to_safe``, ``None`` for any
    other value (invalid, or not ordered)."""
    rank = {value: i for i, value in enumerate(weak_to_safe)}
    return rank.get


def _scheme_strength(shown: str) -> int | None:
    schemes = set(shown.split(','))
    if 'http' in schemes:
        return 0
    return 1 if schemes == {'https'} else None


def _unordered(shown: str) -> int | None:
    return None


@dataclasses.dataclass(frozen=True)
class Posture:
    """One setting hosts are compared on."""

    #: ``section.key`` the findings name.
    option: str
    #: The setting and what it means, for the message.
    label: str
    #: The host's value as shown; ``None`` leaves the host out.
    read: Callable[[AuditedConf], str | None]
    #: The safe direction, for the message; empty when no value is safer.
    safe: str = ''
    #: A shown value's strength, higher the safer; ``None``: not ordered.
    strength: Callable[[str], int | None] = _unordered


#: What hosts are compared on. The cipher string itself is compared: it
#: says what a host accepts and names nothing of its site; no cipher
#: string is judged safer than another.
POSTURE = (
    Posture('glance.verify_glance_signatures',
            '[glance] verify_glance_signatures (image signature '
            'verification)', _option('verify_glance_signatures'),
            'verification on', _ordered('False', 'True')),
    Posture('glance.enable_certificate_validation',
            '[glance] enable_certificate_validation (signing certificate '
            'validation)', _option('enable_certificate_validation'),
            'certificate validation on', _ordered('False', 'True')),
    Posture('glance.insecure', '[glance] insecure (TLS verification '
            'skipped)', _option('insecure'), 'TLS verified',
            _ordered('True', 'False')),
    Posture('glance.endpoint_override', 'The Image API endpoint scheme '
            '([glance] api_servers, else endpoint_override)',
            _endpoint_scheme, 'https only', _scheme_strength),
    Posture('glance.tls_min_version', '[glance] tls_min_version (TLS '
            'floor)', _tls_option('tls_min_version'),
            'the higher TLS floor; unset leaves it to the TLS library',
            _ordered(UNSET, *definitions.TLS_VERSIONS)),
    Posture('glance.tls_ciphers', '[glance] tls_ciphers',
            _tls_option('tls_ciphers')),
    Posture('glance.debug', '[glance] debug (Image client debug logging)',
            _option('debug'), 'debug off', _ordered('True', 'False')),
    Posture('DEFAULT.debug', '[DEFAULT] debug (service debug logging)',
            _service_debug, 'debug off', _ordered('True', 'False')),
    Posture('glance.timeout', '[glance] timeout (set or not)',
            _timeout_set, 'a timeout set', _ordered(UNSET, 'set')),
)

#: Why a drift blames the hosts it blames (:func:`blame`).
WEAKER, MINORITY, TIE = 'weaker', 'minority', 'tie'
#: The values beyond those a tally remembers, counted together.
OTHER = '(other)'


def blame(posture: Posture, counts: Mapping[str, int]
          ) -> tuple[list[str], str]:
    """The values a difference blames, and why (:data:`WEAKER`,
    :data:`MINORITY` or :data:`TIE`).

    The weaker side, whatever the counts: every value less safe than the
    safest one seen. Where no value is safer than another (or one cannot
    be ordered), the values held by fewer hosts than the most common
    one; when every value has as many hosts, all of them. The one rule
    for GC601 and the HTML heat-map.
    """
    strengths = {value: posture.strength(value) for value in counts}
    known = [s for s in strengths.values() if s is not None]
    if len(known) == len(strengths) and len(set(known)) > 1:
        best = max(known)
        return sorted(v for v, s in strengths.items()
                      if s is not None and s < best), WEAKER
    most = max(counts.values())
    fewer = sorted(v for v, n in counts.items() if n < most)
    return (fewer, MINORITY) if fewer else (sorted(counts), TIE)
