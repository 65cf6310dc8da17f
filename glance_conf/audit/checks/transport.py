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

"""GC1xx: how the service reaches the Image API."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from typing import Any

from glance_conf import _files
from glance_conf import definitions
from glance_conf import redact
from glance_conf import types
from glance_conf.audit import base
from glance_conf.audit import references as refs
from glance_conf.audit import remedy
from glance_conf.audit.cwe import BROKEN_OR_RISKY_CRYPTO
from glance_conf.audit.cwe import CLEARTEXT_TRANSMISSION
from glance_conf.audit.cwe import IMPROPER_CERTIFICATE_VALIDATION
from glance_conf.audit.cwe import INADEQUATE_ENCRYPTION_STRENGTH
from glance_conf.audit.cwe import INCORRECT_PERMISSION_ASSIGNMENT
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import GROUP
from glance_conf.audit.target import INVALID
from glance_conf.audit.target import AuditedConf

_TLS_FILES = ('cafile', 'certfile', 'keyfile')


class _TlsFiles:
    """Where a service names its TLS files: nova's ``[glance]`` options
    here; a subclass names another service's (cinder's ``[DEFAULT]
    glance_*`` options), and the rule stays the one below."""

    #: The CA bundle, client certificate and key options, in that order.
    tls_files: tuple[str, str, str] = _TLS_FILES
    tls_group = GROUP

    def tls_value(self, conf: AuditedConf, index: int) -> Any:
        return conf.value(self.tls_files[index], self.tls_group)

    def tls_option(self, index: int) -> str:
        return '%s.%s' % (self.tls_group, self.tls_files[index])

def _endpoints(conf: AuditedConf) -> list[tuple[str, str]]:
    """The Image API URLs nova uses, with the option that names them.

    nova 34 takes ``api_servers`` when it is set, else
    ``endpoint_override``, else the catalog (``nova/image/glance.py``,
    ``get_api_servers``): an empty list means the catalog.
    """
    servers = conf.value('api_servers')
    if isinstance(servers, list) and servers:
        return [('api_servers', url) for url in servers]
    if servers is INVALID:
        # Refused by the drop-in's types (GC302), but nova's own accept
        # the list and use it: judge its entries as written.
        hit = conf.raw('glance', 'api_servers')
        entries = hit.value.split(',') if hit else []
        return [('api_servers', url.strip()) for url in entries
                if url.strip()]
    override = conf.value('endpoint_override')
    if isinstance(override, str) and override:
        return [('endpoint_override', override)]
    return []


class TlsVerificationDisabled(base.ValueCheck):
    """TLS certificate verification of the Image API is disabled.

    With ``[glance] insecure = True`` (or the deprecated
    ``[glance] api_insecure``), the service accepts any certificate from
    whoever answers at the Image endpoint. Anyone on the network path can
    then impersonate glance and serve tampered images or steal the tokens
    sent with each request.

    Fix: set ``insecure = False`` (the default) and remove
    ``api_insecure``. If the Image API uses a private CA, name its bundle
    in ``cafile``.
    """

    id = 'GC101'
    severity = Severity.HIGH
    cwe = IMPROPER_CERTIFICATE_VALIDATION
    title = 'TLS certificate verification disabled'
    references = (refs.CHECK_COMPUTE_05, refs.SC_8, refs.SC_13)
    remediation = ('Set [glance] insecure = False, remove the deprecated '
                   'api_insecure, and trust a private CA with '
                   '[glance] cafile.')
    option = 'insecure'
    message = definitions.TLS_UNVERIFIED.message
    fix = remedy.Reset(('insecure', 'api_insecure'), False)

    def unsafe(self, value: Any) -> bool:
        return value is True


class PlainHttpEndpoint(base.Check):
    """An Image API endpoint uses plain HTTP.

    Image data, and the Keystone token sent with each request, cross the
    network unencrypted and unauthenticated. Signature verification
    protects the image bytes but not the token. Only the endpoints nova
    uses are judged: ``api_servers`` when set, which wins over
    ``endpoint_override`` (``nova/image/glance.py``, ``get_api_servers``).

    Fix: serve the Image API over HTTPS and use ``https://`` in
    ``endpoint_override`` (or ``api_servers``).
    """

    id = 'GC102'
    severity = Severity.MEDIUM
    cwe = CLEARTEXT_TRANSMISSION
    title = 'Plain-HTTP image endpoint'
    references = (refs.CHECK_COMPUTE_05, refs.SC_8, refs.SC_13)
    remediation = 'Use an https:// URL for the Image API endpoint.'

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        for name, url in _endpoints(conf):
            if url.lower().startswith('http://'):
                yield self.finding(name, 'Image endpoint %s uses plain '
                                   'HTTP.' % redact.redact_url(url),
                                   key='http')


class TlsFileUnusable(_TlsFiles, base.Check):
    """A TLS file named in ``[glance]`` is missing or unreadable.

    keystoneauth reads ``cafile``, ``certfile`` and ``keyfile`` only when
    the first request is made, so a wrong path passes start-up and breaks
    every image download later, or, for ``cafile``, tempts an operator to
    switch verification off. The path is a path of the service's file
    system: it is looked up on the host the service runs on (or under
    ``--root``), and judged readable as the service account would find
    it, not as the auditing user does. Not run offline.

    Fix: correct the path, or install the file readable by the service
    user.
    """

    id = 'GC103'
    severity = Severity.HIGH
    cwe = IMPROPER_CERTIFICATE_VALIDATION
    title = 'cafile, certfile or keyfile missing or unreadable'
    references = (refs.SC_8, refs.SC_13)
    remediation = ('Point the option at an existing file that the service '
                   'user can read.')
    needs_host = True

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        for index, name in enumerate(self.tls_files):
            value = self.tls_value(conf, index)
            if not value or value is INVALID:
                continue
            problem = self.host.problem_reading(value)
            if problem:
                yield self.finding(self.tls_option(index), '%s %s %s.' % (
                    name, redact.redact_url(value), problem), key=problem)


class KeyFileExposed(_TlsFiles, base.Check):
    """The client private key is readable or writable by others.

    Others are every user, or a group that is neither ``root`` nor the
    service's (the key may be ``0600`` owned by the service, or ``0640``
    with the service's group, as the Security Guide asks of nova's own
    files, Check-Compute-01/02). Whoever else can read ``keyfile`` can
    present the service's client certificate to the Image API; whoever
    can write it can replace it. The file is found as GC103 finds it.
    Not run offline.

    Fix: ``chmod 0600`` the key, owned by the service user (or ``0640``,
    ``root:nova``).
    """

    id = 'GC104'
    severity = Severity.HIGH
    cwe = INCORRECT_PERMISSION_ASSIGNMENT
    title = 'keyfile readable or writable by others'
    references = (refs.AC_6, refs.SC_12)
    remediation = ('chmod 0600 the key file, owned by the service user, '
                   'or 0640 with owner root and the service\'s group.')
    needs_host = True

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        value = self.tls_value(conf, 2)
        if not value or value is INVALID:
            return
        try:
            path = self.host.path(value)
        except OSError:
            return  # GC103 says why the file cannot be found
        info = self.host.examine(path)
        if info is None:
            return
        rights = [(verb, who) for verb, who in (
            ('readable', _files.strangers(self.host.account, info,
                                          _files.READ)),
            ('writable', _files.strangers(self.host.account, info,
                                          _files.WRITE)))
            if who]
        exposed = ['%s by %s' % (verb, ' and '.join(who))
                   for verb, who in rights]
        if exposed:
            yield self.finding(self.tls_option(2), '%s %s has mode %04o: '
                               '%s.' % (self.tls_files[2],
                                        redact.redact_url(value),
                                        stat.S_IMODE(info.st_mode),
                                        '; '.join(exposed)),
                               key='; '.join(base.permission_class(*right)
                                             for right in rights))


class KeyWithoutCertificate(_TlsFiles, base.Check):
    """``keyfile`` is set but ``certfile`` is not.

    A key alone presents no client certificate: mutual TLS that the
    operator meant to configure is silently not in effect.

    Fix: set ``certfile`` to the matching certificate, or drop
    ``keyfile``.
    """

    id = 'GC105'
    severity = Severity.MEDIUM
    cwe = IMPROPER_CERTIFICATE_VALIDATION
    title = 'keyfile set without certfile'
    references = (refs.SC_8, refs.CM_6)
    remediation = 'Set [glance] certfile to the matching certificate.'

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if self.tls_value(conf, 2) and not self.tls_value(conf, 1):
            yield self.finding(self.tls_option(2), '%s is set but %s is '
                               'not: no client certificate is presented.'
                               % (self.tls_files[2], self.tls_files[1]))


class TlsVersionNotPinned(base.Check):
    """``tls_min_version`` is not pinned to TLS 1.2 or later.

    Left unset, the oldest protocol version is the TLS library's default.
    nova 34 reaches glance through keystoneauth, requests and urllib3 2,
    whose contexts refuse anything below TLS 1.2 unless told otherwise
    (urllib3 ``util/ssl_.py``, ``create_urllib3_context``); a host with an
    older urllib3 (1.26) falls back to what OpenSSL allows, TLS 1.0 on
    some distributions. Pinning the floor makes it a property of the
    configuration rather than of the installed libraries, so this is
    reported for information, and only where TLS is in play: an
    ``https`` endpoint, or the catalog (whose scheme the file does not
    say). An all-``http`` endpoint list is GC102's business.

    Fix: set ``tls_min_version = 1.2`` (or ``1.3``).
    """

    id = 'GC106'
    severity = Severity.INFO
    cwe = INADEQUATE_ENCRYPTION_STRENGTH
    title = 'tls_min_version not pinned to 1.2 or later'
    references = (refs.SC_8, refs.SC_13)
    remediation = 'Set [glance] tls_min_version = 1.2 or 1.3.'
    fix = remedy.SetOption('tls_min_version', '1.2', order=2)

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        value = conf.value('tls_min_version')
        if value is INVALID or value in definitions.TLS_VERSIONS:
            return
        urls = _endpoints(conf)
        if urls and all(url.lower().startswith('http://')
                        for _, url in urls):
            return
        yield self.finding('tls_min_version', 'tls_min_version is not set; '
                           'the TLS floor is the TLS library\'s default '
                           '(1.2 with urllib3 2).')


class WeakTlsCiphers(base.Check):
    """``tls_ciphers`` enables weak ciphers or lowers the security level.

    A cipher string replaces the safe Python default. Keywords such as
    ``aNULL``, ``eNULL``, ``NULL``, ``EXPORT``, ``RC4``, ``DES``, ``3DES``
    or ``MD5`` (alone, combined with ``+`` or inside a cipher name such as
    ``RC4-SHA``) ask for ciphers without authentication, without
    encryption, or long broken; ``@SECLEVEL=0`` or ``@SECLEVEL=1`` lower
    OpenSSL's floor below 112-bit security. At level 0 a server that picks
    an anonymous cipher completes the handshake with no certificate at all,
    so ``cafile`` and certificate verification protect nothing. Keywords
    are matched case-sensitively, as OpenSSL matches them; the security
    level is the one the local OpenSSL ends up with.

    Fix: remove ``tls_ciphers`` (the defaults are sound), or list only
    AEAD ciphers with forward secrecy, such as ``ECDHE+AESGCM:ECDHE+CHACHA20``,
    without a ``@SECLEVEL`` below 2.
    """

    id = 'GC107'
    severity = Severity.HIGH
    cwe = BROKEN_OR_RISKY_CRYPTO
    title = 'tls_ciphers enables weak ciphers or a low security level'
    references = (refs.SC_8, refs.SC_13)
    remediation = ('Remove [glance] tls_ciphers, or list only strong '
                   'ciphers such as ECDHE+AESGCM:ECDHE+CHACHA20, without '
                   '@SECLEVEL below 2.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        value = conf.value('tls_ciphers')
        if not value or value is INVALID:
            return
        reasons = types.cipher_weaknesses(value)
        if reasons:
            # What is turned on and the level: the class of the string.
            yield self.finding('tls_ciphers', 'tls_ciphers %s.'
                               % '; '.join(reasons),
                               key='\x1f'.join(reasons))
