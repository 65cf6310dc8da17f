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

"""GC2xx: whether the service checks the images it boots."""

from __future__ import annotations

from collections.abc import Iterator

from glance_conf import definitions
from glance_conf.audit import base
from glance_conf.audit import compliance as refs
from glance_conf.audit.cwe import IMPROPER_CERTIFICATE_VALIDATION
from glance_conf.audit.cwe import IMPROPER_SIGNATURE_VERIFICATION
from glance_conf.audit.cwe import PROTECTION_MECHANISM_FAILURE
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import AuditedConf


def _verifies(conf: AuditedConf) -> bool:
    """Whether nova verifies a download that names no trusted certificate.

    nova 34 ``nova/image/glance.py`` ``GlanceImageServiceV2._get_verifier``
    (lines 467-474): the default trusted certificates stand in when
    ``enable_certificate_validation`` is on, and a verifier is built when
    there are trusted certificates or ``verify_glance_signatures`` is on.
    """
    return (conf.value('verify_glance_signatures') is True
            or (conf.value('enable_certificate_validation') is True
                and bool(conf.value('default_trusted_certificate_ids'))))


def _silent(conf: AuditedConf) -> bool:
    """Whether no loaded file sets ``verify_glance_signatures``."""
    return conf.where('verify_glance_signatures')[0] is None


class SignatureVerificationDisabled(base.Check):
    """Image signature verification is off.

    Without it the service boots whatever bytes it downloads. A
    compromised Image store, or anyone between the service and the store,
    can swap an image for a backdoored one.

    This judges the effective setting: nova 34 builds a signature verifier
    only when ``verify_glance_signatures`` is on or trusted certificates
    apply (``nova/image/glance.py``, ``_get_verifier``, lines 467-474), and
    its default is off (``nova/conf/glance.py``). A file that does not set
    the option is therefore reported under nova's defaults (the audit's
    default, ``--defaults nova``); under ``--defaults glance-conf`` the
    drop-in's default (on) applies and GC207 says what that changes.

    Fix: set ``verify_glance_signatures = True``, sign images, and
    configure the key manager.
    """

    id = 'GC201'
    severity = Severity.HIGH
    cwe = IMPROPER_SIGNATURE_VERIFICATION
    title = 'Image signature verification disabled'
    references = (refs.SI_7,)
    remediation = ('Set [glance] verify_glance_signatures = True and sign '
                   'your images.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if conf.value('verify_glance_signatures') is not False \
                or _verifies(conf):
            return
        why = (' The file does not set it, and nova\'s default is off.'
               if _silent(conf) else '')
        yield self.finding('verify_glance_signatures',
                           definitions.SIGNATURES_OFF.message + why)


class CertificateValidationOff(base.Check):
    """Signatures are verified but signing certificates are not validated.

    Any certificate, even a revoked or self-made one, can then sign an
    image that passes verification: the signature proves only that the
    bytes match the certificate the image itself names. nova validates
    the certificate only when trusted certificates apply or
    ``enable_certificate_validation`` is on (``nova/image/glance.py``,
    ``_get_verifier``, lines 506-513). Reported only where verification
    is effectively on.

    Fix: set ``enable_certificate_validation = True`` and list trusted
    certificates in ``default_trusted_certificate_ids`` (or have users
    pass them).
    """

    id = 'GC202'
    severity = Severity.MEDIUM
    cwe = IMPROPER_CERTIFICATE_VALIDATION
    title = 'Signature verification on, certificate validation off'
    references = (refs.SI_7,)
    remediation = ('Set [glance] enable_certificate_validation = True and '
                   'default_trusted_certificate_ids.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if (_verifies(conf)
                and conf.value('enable_certificate_validation') is False):
            yield self.finding('enable_certificate_validation',
                               'Signatures are verified, but the signing '
                               'certificate is not validated.')


class CertificateValidationWithoutSignatures(base.Check):
    """Certificate validation is on, signature verification is not.

    ``enable_certificate_validation`` acts during signature verification.
    With ``verify_glance_signatures`` off and no
    ``default_trusted_certificate_ids``, nova verifies only the downloads
    of instances whose request named trusted certificates
    (``nova/image/glance.py``, ``_get_verifier``, lines 467-474); every
    other image is used unchecked, although the file reads as if images
    were being checked.

    Fix: turn on ``verify_glance_signatures``; or, if that is not
    possible yet, remove ``enable_certificate_validation`` so the config
    says what really happens.
    """

    id = 'GC203'
    severity = Severity.LOW
    cwe = PROTECTION_MECHANISM_FAILURE
    title = 'Certificate validation on while signature verification off'
    references = (refs.SI_7, refs.CM_6)
    remediation = 'Set [glance] verify_glance_signatures = True.'

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if (conf.value('enable_certificate_validation') is True
                and conf.value('verify_glance_signatures') is False
                and not _verifies(conf)):
            yield self.finding('enable_certificate_validation',
                               'Certificate validation is on, but signature '
                               'verification is off: only instances whose '
                               'request names trusted certificates have '
                               'their image checked.')


class VerificationTurnsOn(base.Check):
    """With the drop-in's defaults, signature verification turns on.

    The file does not set ``verify_glance_signatures``. nova's default is
    off; ``glance_conf``'s is on. A host that swaps ``nova.conf.glance``
    for ``glance_conf.glance`` with this file starts verifying every image
    download: unsigned images stop booting (the instance goes to ERROR),
    and the key manager must be able to serve the signing certificates
    (``nova/image/glance.py``, ``_get_verifier``). Reported when the audit
    judges by the drop-in's defaults (``--defaults glance-conf``, or a
    service that registered them).

    Fix: say what you mean: set ``verify_glance_signatures = True`` once
    images are signed and the key manager serves certificates, or
    ``False`` (reported as GC201) until then.
    """

    id = 'GC207'
    severity = Severity.LOW
    cwe = PROTECTION_MECHANISM_FAILURE
    title = 'Signature verification turns on with the drop-in defaults'
    references = (refs.SI_7, refs.CM_6)
    remediation = ('Set [glance] verify_glance_signatures explicitly, after '
                   'signing images and configuring the key manager.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        nova_default = definitions.get('verify_glance_signatures').default_for(
            definitions.NOVA)
        if (_silent(conf) and nova_default is False
                and conf.value('verify_glance_signatures') is True):
            yield self.finding('verify_glance_signatures', 'The file does not '
                               'set verify_glance_signatures: with the '
                               'drop-in\'s defaults signature verification '
                               'turns on, so unsigned images stop booting '
                               'and the key manager must serve signing '
                               'certificates.')
