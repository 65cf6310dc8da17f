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

"""GC7xx: what nova would see on the wire (``glance-conf-audit probe``).

These checks judge what :mod:`glance_conf.audit.probe` observed at the
endpoints a config names. A check judges the run it is bound to
(:func:`judging`: the probe command hands the engine the GC7xx classes
bound to its prober, as the engine hands a host check its host); a
class as loaded is bound to none and finds nothing, and the plain audit
leaves them out (:func:`is_probe_check`). Nothing else reaches the
prober: no global, no context variable.

A probe run reads each host's config twice through the usual modes:
first with no check and :class:`Planner` observing (an
:class:`~glance_conf.audit.engine.Observer`, not a check), which notes
the endpoints to probe, then, once each distinct endpoint has been
probed, with these checks bound to the same prober.
"""

from __future__ import annotations

import dataclasses
import time
import types
from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any
from typing import ClassVar
from typing import TypeVar
from typing import cast

from glance_conf import _files
from glance_conf.audit import base
from glance_conf.audit import probe
from glance_conf.audit import references as refs
from glance_conf.audit import services
from glance_conf.audit.checks import transport as transport_checks
from glance_conf.audit.cwe import BROKEN_OR_RISKY_CRYPTO
from glance_conf.audit.cwe import CERTIFICATE_EXPIRATION
from glance_conf.audit.cwe import CLEARTEXT_TRANSMISSION
from glance_conf.audit.cwe import IMPROPER_CERTIFICATE_VALIDATION
from glance_conf.audit.cwe import IMPROPER_INTERACTION_BETWEEN_ENTITIES
from glance_conf.audit.cwe import WRONG_SPHERE
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import INVALID
from glance_conf.audit.target import AuditedConf

#: A check class, of whichever kind the caller holds.
_Class = TypeVar('_Class', bound=type)

#: The option a catalog endpoint is reported on.
CATALOG_OPTION = 'valid_interfaces'
#: What the Ansible collection puts in place of a password in a bundle
#: (``ansible/plugins/modules/collect.py``: ``MASK``): no credential.
BUNDLE_MASK = '********'
#: Why a masked password is never sent: a failed login may lock the
#: service user out.
MASKED_CREDENTIAL = ('the password is masked (bundles hold no secret): '
                     'give --os-cloud')
#: Said of an endpoint probed without the client certificate the config
#: names, because the config came from a bundle.
WITHHELD = ('probed without a client certificate: certfile/keyfile are '
            'paths on the host, and --bundles never loads a key named by a '
            'bundle (run the probe on the host to try them)')
#: ``[keystone_authtoken]`` and ``[glance]`` keys a catalog lookup reads.
_AUTH_KEYS = ('auth_url', 'username', 'password', 'project_name',
              'user_domain_name', 'project_domain_name')


def is_probe_check(check: Any) -> bool:
    """Whether a check class judges the probe's observations."""
    return bool(check.live)


def _text(conf: AuditedConf, name: str, group: str = 'glance') -> Any:
    value = conf.value(name, group) if group == 'glance' else None
    return None if value is INVALID else value


def tls_settings(conf: AuditedConf) -> probe.TlsSettings:
    """The ``[glance]`` TLS settings nova connects with."""
    return probe.TlsSettings(
        cafile=_text(conf, 'cafile') or None,
        certfile=_text(conf, 'certfile') or None,
        keyfile=_text(conf, 'keyfile') or None,
        insecure=bool(_text(conf, 'insecure')),
        min_version=_text(conf, 'tls_min_version') or None,
        ciphers=_text(conf, 'tls_ciphers') or None)


def interfaces(conf: AuditedConf) -> tuple[str, ...]:
    value = _text(conf, CATALOG_OPTION)
    return tuple(value) if isinstance(value, list) else ()


def _raw(conf: AuditedConf, section: str, name: str) -> str | None:
    hit = conf.raw(section, name)
    return hit.assignment.value if hit is not None else None


def catalog_query(conf: AuditedConf,
                  cloud: dict[str, Any] | None = None
                  ) -> probe.CatalogQuery | None:
    """Who would ask Keystone for the catalog: ``cloud`` (a clouds.yaml
    entry) if given, else password credentials in ``[glance]``, else in
    ``[keystone_authtoken]``; ``None`` without any."""
    found: dict[str, Any] = {}
    if cloud is not None:
        auth = cloud.get('auth') or {}
        found = {k: auth.get(k) for k in _AUTH_KEYS}
        found['cafile'] = cloud.get('cacert')
        found['insecure'] = cloud.get('verify') is False
        found['option'] = 'clouds.yaml auth_url'
    else:
        for section in ('glance', 'keystone_authtoken'):
            found = {k: _raw(conf, section, k) for k in _AUTH_KEYS}
            found['cafile'] = _raw(conf, section, 'cafile')
            found['insecure'] = (_raw(conf, section, 'insecure') or ''
                                 ).strip().lower() == 'true'
            found['option'] = '[%s] auth_url' % section
            if found['auth_url'] and found['username']:
                break
    if not (found.get('auth_url') and found.get('username')
            and found.get('password')):
        return None
    region = _text(conf, 'region_name') or (cloud or {}).get('region_name')
    return probe.CatalogQuery(
        auth_url=str(found['auth_url']), username=str(found['username']),
        password=str(found['password']),
        project_name=found.get('project_name'),
        user_domain_name=found.get('user_domain_name') or 'Default',
        project_domain_name=found.get('project_domain_name') or 'Default',
        cafile=found.get('cafile'), insecure=bool(found.get('insecure')),
        option=found['option'],
        service_type=_text(conf, 'service_type') or 'image',
        interfaces=interfaces(conf) or ('internal', 'public'),
        region_name=region or None)


@dataclasses.dataclass(frozen=True)
class Use:
    """One endpoint as a host uses it: the URL and the option naming it."""

    option: str
    url: str
    endpoint: probe.Endpoint


def uses(conf: AuditedConf, prober: probe.Prober) -> list[Use]:
    """The endpoints nova would use with ``conf``: ``api_servers``, else
    ``endpoint_override`` (as :mod:`~glance_conf.audit.checks.transport`
    reads them), else, when the run looks the catalog up, the catalog's.
    A client certificate is dropped when the run loads none (bundles:
    the paths are the host's, and this machine's key must not answer)."""
    tls = tls_settings(conf)
    if not prober.client_certificates and (tls.certfile or tls.keyfile):
        tls = dataclasses.replace(tls, certfile=None, keyfile=None,
                                  withheld=True)
    named = transport_checks._endpoints(conf)
    if not named and prober.use_catalog:
        ask = catalog_query(conf, prober.cloud)
        if ask is not None and ask.password.strip() == BUNDLE_MASK:
            prober.skip(ask, MASKED_CREDENTIAL)
        elif ask is not None:
            named = [(CATALOG_OPTION, url) for url in prober.lookup(ask)]
    found = []
    for option, url in named:
        point = probe.endpoint(url, tls)
        if point is not None:
            found.append(Use(option, url, point))
    return found


class Planner:
    """Notes the endpoints each nova config uses, for ``prober`` to probe.

    An observer of the engine, given to the planning pass: it finds
    nothing, so it is no check and appears in no list of checks.
    """

    def __init__(self, prober: probe.Prober) -> None:
        self.prober = prober

    def observe(self, conf: AuditedConf,
                host: _files.Host | None = None) -> None:
        if conf.service == services.NOVA:
            self.prober.want(use.endpoint
                             for use in uses(conf, self.prober))


class _ProbeCheck(base.Check):
    """Judges one observation of each endpoint a host uses."""

    #: Marks the checks of ``glance-conf-audit probe``: they look at the
    #: live endpoint, not at the config's text.
    live: ClassVar[bool] = True
    #: The run whose observations this check judges: ``None`` on the
    #: class as loaded (it finds nothing), the probe's own on the classes
    #: :func:`judging` makes for it.
    prober: ClassVar[probe.Prober | None] = None

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        prober = self.prober
        if prober is None:
            return
        every = uses(conf, prober)
        for use in every:
            seen = prober.seen(use.endpoint)
            if seen is not None:
                yield from self.judge(conf, use, seen, every, prober)

    def judge(self, conf: AuditedConf, use: Use, seen: probe.Observation,
              every: list[Use], prober: probe.Prober) -> Iterator[Finding]:
        raise NotImplementedError

    def found(self, use: Use, seen: probe.Observation, message: str,
              severity: Severity | None = None,
              kind: str | None = None) -> Finding:
        """A finding about ``use``'s endpoint, with what was seen;
        ``kind`` tells apart findings of one check that a baseline must
        not confuse (an expired certificate and one expiring)."""
        found = self.finding(use.option, '%s: %s' % (
            use.endpoint.url, message), key=use.endpoint.url + (
                ' ' + kind if kind else ''))
        # INFO is 0: ``severity or ...`` would lose it.
        return dataclasses.replace(found, evidence=seen.evidence(),
                                   severity=self.severity if severity is None
                                   else severity)


def judging(checks: Iterable[_Class], prober: probe.Prober) -> list[_Class]:
    """``checks`` (the GC7xx classes loaded) bound to ``prober``: what
    the probe's second pass runs.

    Each is a subclass that only sets :attr:`_ProbeCheck.prober`, with
    the loaded class's name and documentation, so every report names and
    describes it as the loaded one; the loaded classes are left unbound.
    The engine makes and runs them as any check: the prober travels in
    the list of checks the probe hands the run modes, and in nothing a
    check could read from elsewhere.
    """
    def bound(check: _Class) -> _Class:
        fields = {'prober': prober, '__doc__': check.__doc__,
                  '__module__': check.__module__,
                  '__qualname__': check.__qualname__}
        return cast(_Class, types.new_class(
            check.__name__, (check,), exec_body=lambda ns: ns.update(fields)))
    return [bound(check) for check in checks]


class HandshakeFails(_ProbeCheck):
    """The TLS handshake fails, or the chain does not verify, with the
    config's trust settings.

    The probe connects as nova's transport would: the ``cafile`` alone as
    the trust anchor (or requests' bundle without one), the client
    certificate of ``certfile``/``keyfile``, the floor of
    ``tls_min_version`` and the ``tls_ciphers``. When that handshake
    fails for any reason but the certificate's dates (GC702) or names
    (GC703), every request nova sends to this endpoint fails the same way:
    no image can be downloaded. The reason is OpenSSL's (an unknown
    issuer, a client certificate the server requires, no shared cipher or
    protocol) or the network's (no route, refused, timed out).

    With ``--bundles`` a client certificate is never loaded (the paths
    are the host's); the probe says so, as info, and a handshake the
    server refuses is then reported in that note, not as high: the
    missing certificate may be why.
    """

    id = 'GC701'
    severity = Severity.HIGH
    cwe = IMPROPER_CERTIFICATE_VALIDATION
    title = 'Live: the TLS handshake fails with the configured settings'
    references = (refs.SC_8,)
    remediation = ('Make cafile name the CA bundle that signs the '
                   'server\'s chain, give certfile/keyfile if the server '
                   'asks for a client certificate, and check that the '
                   'endpoint is up and reachable from the compute hosts.')

    def judge(self, conf: AuditedConf, use: Use, seen: probe.Observation,
              every: list[Use], prober: probe.Prober) -> Iterator[Finding]:
        if not seen.probed:
            return
        if use.endpoint.tls.withheld:
            refused = '; the server refused the handshake without it: ' \
                '%s' % seen.failure if seen.tls_refused else ''
            yield self.found(use, seen, '%s%s.' % (WITHHELD, refused),
                             Severity.INFO, 'without-client-certificate')
            if seen.tls_refused:
                return
        if seen.failure is not None:
            yield self.found(use, seen, 'nova cannot connect: %s.'
                             % seen.failure)


class CertificateExpiry(_ProbeCheck):
    """The server's certificate has expired, or expires within
    ``--expiry-days`` days (30 by default).

    An expired certificate (or one not valid yet) fails every handshake
    nova makes: high. One that expires soon is medium, with the days left,
    so that it is renewed before the night every boot fails. The days are
    whole days, counted from the certificate the server presents (read
    with a second handshake when the first one fails on the dates or the
    name), toward zero: "expired 2 days ago" is ``days_to_expiry`` -2.
    The two have different fingerprints: a baseline of one never hides
    the other. With ``insecure = true`` the certificate is not read: no
    expiry is reported.
    """

    id = 'GC702'
    severity = Severity.MEDIUM
    cwe = CERTIFICATE_EXPIRATION
    title = 'Live: the certificate has expired or expires soon'
    references = (refs.SC_12, refs.SC_8)
    remediation = ('Renew the Image API\'s certificate (and any expired '
                   'certificate of its chain), and deploy it before the '
                   'old one expires.')

    def judge(self, conf: AuditedConf, use: Use, seen: probe.Observation,
              every: list[Use], prober: probe.Prober) -> Iterator[Finding]:
        days = seen.days_left()
        if seen.date_invalid:
            expired = seen.not_after is not None \
                and seen.not_after < time.time()
            yield self.found(use, seen, '%s: nova\'s handshake fails.' % (
                'the certificate expired %d days ago' % -(days or 0)
                if expired else 'the certificate has expired or is not '
                'valid yet'), Severity.HIGH, 'expired')
        elif days is not None and days < prober.expiry_days:
            yield self.found(use, seen, 'the certificate expires in %d '
                             'days (within %d).' % (days,
                                                    prober.expiry_days),
                             kind='expiring')


class NameMismatch(_ProbeCheck):
    """The endpoint's host name does not match the server's certificate.

    nova checks the name in its URL against the certificate's subject
    alternative names; a mismatch fails every handshake. The names the
    certificate holds are reported, so the URL or the certificate can be
    corrected.
    """

    id = 'GC703'
    severity = Severity.HIGH
    cwe = IMPROPER_CERTIFICATE_VALIDATION
    title = 'Live: the host name does not match the certificate'
    references = (refs.SC_8,)
    remediation = ('Name the endpoint by a name the certificate holds, '
                   'or reissue the certificate with the name nova uses.')

    def judge(self, conf: AuditedConf, use: Use, seen: probe.Observation,
              every: list[Use], prober: probe.Prober) -> Iterator[Finding]:
        if seen.name_mismatch:
            yield self.found(use, seen, 'the certificate is for %s, not '
                             'for %s.' % (', '.join(seen.names) or
                                          'no name', use.endpoint.host))


class WeakTlsAccepted(_ProbeCheck):
    """The server accepts a TLS version below 1.2, or a weak cipher, that
    the config's own settings would refuse for nova.

    nova is safe on this link, but the server is not: any other client of
    the Image API (or an attacker able to downgrade one) can use the weak
    protocol. The probe offers TLS 1.0/1.1 only when the config's floor
    refuses them, and the weak ciphers (those the option types call weak)
    only when the config's cipher list refuses them.
    """

    id = 'GC704'
    severity = Severity.MEDIUM
    cwe = BROKEN_OR_RISKY_CRYPTO
    title = 'Live: the server accepts old TLS or weak ciphers'
    references = (refs.SC_8, refs.SC_13)
    remediation = ('Configure the Image API\'s TLS terminator to accept '
                   'TLS 1.2 or later only, with strong ciphers.')

    def judge(self, conf: AuditedConf, use: Use, seen: probe.Observation,
              every: list[Use], prober: probe.Prober) -> Iterator[Finding]:
        weak = []
        if seen.legacy_protocol:
            weak.append('%s (below TLS 1.2)' % seen.legacy_protocol)
        if seen.weak_cipher:
            weak.append('the weak cipher %s' % seen.weak_cipher)
        if weak:
            yield self.found(use, seen, 'the server accepts %s, which the '
                             'config would refuse for nova.'
                             % ' and '.join(weak))


class PlainHttpAnswers(_ProbeCheck):
    """A plain-HTTP listener answers on an endpoint the config reaches
    over https.

    Either the https port itself answers a plain HTTP request, or an
    ``http`` URL of the same host in the config's list answers. The Image
    API is then reachable in the clear: one mistyped URL, on any client,
    sends its token and images unencrypted.

    On the https port, a redirect or an error status does not count: a
    client that sends its request there is turned away. An ``http`` URL
    *in the config* counts even when it only redirects: nova sends its
    request, with its token, in the clear before it sees the redirect.
    """

    id = 'GC705'
    severity = Severity.MEDIUM
    cwe = CLEARTEXT_TRANSMISSION
    title = 'Live: plain HTTP answers next to https'
    references = (refs.SC_8,)
    remediation = ('Remove http URLs of the Image API from the config; '
                   'close its plain-HTTP listener, or make it only '
                   'redirect to https.')

    def judge(self, conf: AuditedConf, use: Use, seen: probe.Observation,
              every: list[Use], prober: probe.Prober) -> Iterator[Finding]:
        point = use.endpoint
        if point.scheme == 'https' and seen.plain_http is not None:
            yield self.found(use, seen, 'plain HTTP answers on the same '
                             'port (status %d).' % seen.plain_http)
        elif point.scheme == 'http' and seen.status is not None \
                and seen.status < 400 and any(
                    u.endpoint.scheme == 'https'
                    and u.endpoint.host == point.host for u in every):
            yield self.found(use, seen, 'this http URL answers (status %d)'
                             ' for a host the config reaches over https.'
                             % seen.status)


class NotImageApi(_ProbeCheck):
    """Version discovery fails, or the endpoint is not an Image API.

    Once connected, the probe sends one ``GET`` of the endpoint's base
    path, without any credential, as a client's version discovery does.
    glance answers (``300 Multiple Choices``) with a ``versions`` list of
    ``v2.x`` IDs, each with a status and a ``self`` link to ``.../v2/``;
    nova's (``version``/``min_version`` fields) and neutron's (``/v2.0/``
    links) documents are not the Image API's. A redirect is reported
    with where it points, redacted, and is not followed. No
    answer (a timeout, a dropped connection) is info: the endpoint may be
    busy. An answer without Image API versions (another service, a load
    balancer's page) is medium: nova would send its requests, and its
    token, to the wrong service.
    """

    id = 'GC706'
    severity = Severity.INFO
    cwe = IMPROPER_INTERACTION_BETWEEN_ENTITIES
    title = 'Live: version discovery fails or finds no Image API'
    references = (refs.CM_6,)
    remediation = ('Point the config at glance-api itself (its version '
                   'document lists v2 versions), and check that it '
                   'answers in time.')

    def judge(self, conf: AuditedConf, use: Use, seen: probe.Observation,
              every: list[Use], prober: probe.Prober) -> Iterator[Finding]:
        if not seen.probed:
            yield self.found(use, seen, '%s.' % seen.discovery_failure)
        elif seen.discovery_failure is not None and seen.connected:
            yield self.found(use, seen, 'version discovery got no answer: '
                             '%s.' % seen.discovery_failure)
        elif seen.location is not None:
            yield self.found(use, seen, 'the answer (status %d) is a '
                             'redirect to %s, not followed.' % (
                                 seen.status or 0, seen.location or '?'),
                             Severity.MEDIUM)
        elif seen.status is not None and not seen.versions:
            yield self.found(use, seen, 'the answer (status %d) lists no '
                             'Image API version: this is not glance-api.'
                             % seen.status, Severity.MEDIUM)


class PublicAddress(_ProbeCheck):
    """A catalog endpoint resolves to a public address, while
    ``valid_interfaces`` asks for ``internal``.

    OSSN-0090: nova should talk to an internal-only glance-api; the
    public one may expose image locations and direct-URL features meant
    for trusted services. Every address the name resolves to is judged,
    as this machine resolves it; run the probe where nova runs, so that
    it resolves the same. Only catalog endpoints are judged: with
    ``api_servers`` or ``endpoint_override`` nova uses that URL and never
    reads ``valid_interfaces`` (nova/image/glance.py ``get_api_servers``;
    keystoneauth's ``Adapter.get_endpoint`` returns
    ``endpoint_override`` as is).
    """

    id = 'GC707'
    severity = Severity.MEDIUM
    cwe = WRONG_SPHERE
    title = 'Live: the internal endpoint has a public address'
    references = (refs.OSSN_0090, refs.SC_8)
    remediation = ('Give nova the internal glance-api endpoint (a private '
                   'address), in api_servers or in the catalog\'s '
                   'internal interface.')

    def judge(self, conf: AuditedConf, use: Use, seen: probe.Observation,
              every: list[Use], prober: probe.Prober) -> Iterator[Finding]:
        public = [a for a in seen.addresses or (seen.address or '',)
                  if a and probe.is_public(a)]
        if use.option == CATALOG_OPTION and 'internal' in interfaces(conf) \
                and public:
            yield self.found(use, seen, 'it resolves to the public address '
                             '%s, but valid_interfaces asks for internal.'
                             % public[0])
