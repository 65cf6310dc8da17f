"""GC2xx: whether the service checks the images it boots."""

from __future__ import annotations

from collections.abc import Iterator

from glance_conf.audit import base
from glance_conf.audit.cwe import IMPROPER_CERTIFICATE_VALIDATION
from glance_conf.audit.cwe import IMPROPER_SIGNATURE_VERIFICATION
from glance_conf.audit.cwe import PROTECTION_MECHANISM_FAILURE
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import AuditedConf


class SignatureVerificationDisabled(base.Check):
    """Image signature verification is disabled.

    With ``verify_glance_signatures = False`` the service boots whatever
    bytes it downloads. A compromised Image store, or anyone between the
    service and the store, can swap an image for a backdoored one.

    Fix: set ``verify_glance_signatures = True`` (this library's default),
    sign images, and configure the key manager.
    """

    id = 'GC201'
    severity = Severity.HIGH
    cwe = IMPROPER_SIGNATURE_VERIFICATION
    title = 'Image signature verification disabled'
    remediation = ('Set [glance] verify_glance_signatures = True and sign '
                   'your images.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if conf.value('verify_glance_signatures') is False:
            yield self.finding('verify_glance_signatures', 'Image signature '
                               'verification is off: tampered images can '
                               'boot.')


class CertificateValidationOff(base.Check):
    """Signatures are verified but signing certificates are not validated.

    Any certificate, even a revoked or self-made one, can then sign an
    image that passes verification: the signature proves only that the
    bytes match the certificate the image itself names.

    Fix: set ``enable_certificate_validation = True`` and list trusted
    certificates in ``default_trusted_certificate_ids`` (or have users
    pass them).
    """

    id = 'GC202'
    severity = Severity.MEDIUM
    cwe = IMPROPER_CERTIFICATE_VALIDATION
    title = 'Signature verification on, certificate validation off'
    remediation = ('Set [glance] enable_certificate_validation = True and '
                   'default_trusted_certificate_ids.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if (conf.value('verify_glance_signatures') is True
                and conf.value('enable_certificate_validation') is False):
            yield self.finding('enable_certificate_validation',
                               'Signatures are verified, but the signing '
                               'certificate is not validated.')


class CertificateValidationWithoutSignatures(base.Check):
    """Certificate validation is on while signature verification is off.

    ``enable_certificate_validation`` only acts during signature
    verification. With verification off it does nothing, yet reads as if
    images were being checked.

    Fix: turn on ``verify_glance_signatures``; or, if that is not
    possible yet, remove ``enable_certificate_validation`` so the config
    says what really happens.
    """

    id = 'GC203'
    severity = Severity.LOW
    cwe = PROTECTION_MECHANISM_FAILURE
    title = 'Certificate validation on while signature verification off'
    remediation = 'Set [glance] verify_glance_signatures = True.'

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if (conf.value('enable_certificate_validation') is True
                and conf.value('verify_glance_signatures') is False):
            yield self.finding('enable_certificate_validation',
                               'Certificate validation is on but has no '
                               'effect: signature verification is off.')
