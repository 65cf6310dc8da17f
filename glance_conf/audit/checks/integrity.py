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

from oslo_config import types

from glance_conf import definitions
from glance_conf.audit import base
from glance_conf.audit import references as refs
from glance_conf.audit import remedy
from glance_conf.audit import source
from glance_conf.audit.cwe import IMPROPER_CERTIFICATE_VALIDATION
from glance_conf.audit.cwe import IMPROPER_INITIALIZATION
from glance_conf.audit.cwe import IMPROPER_SIGNATURE_VERIFICATION
from glance_conf.audit.cwe import PROTECTION_MECHANISM_FAILURE
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import AuditedConf

#: castellan's default ``[key_manager] backend`` (castellan 5.8.0,
#: ``castellan/key_manager/__init__.py``, ``key_manager_opts``, line 32).
#: nova 34 keeps it: ``nova/conf/key_manager.py`` ``register_opts`` calls
#: ``castellan_opts.set_defaults(conf)`` with no backend, and
#: ``castellan/options.py`` ``set_defaults`` changes the default only when
#: one is given.
CASTELLAN_DEFAULT_BACKEND = 'barbican'

#: The castellan drivers ``[key_manager] backend`` can name without a
#: class path: the ``castellan.drivers`` entry points of castellan 5.8.0
#: (``setup.cfg``: ``barbican`` and ``vault``), matched as stevedore
#: matches names, case-sensitively. Any other name that has no ``.`` is
#: neither a driver nor a class path: ``castellan/key_manager/__init__.py``
#: ``API`` (lines 43-69) falls back to ``importutils.import_class``, which
#: raises ``ValueError`` for it.
CASTELLAN_BACKENDS = ('barbican', 'vault')

#: The ``[DEFAULT] compute_driver`` values that load the libvirt driver:
#: nova 34 ``nova/virt/driver.py`` ``load_compute_driver`` (lines
#: 2082-2117) imports ``'nova.virt.%s' % compute_driver``, and
#: ``nova/virt/libvirt/__init__.py`` exports ``LibvirtDriver`` from
#: ``nova.virt.libvirt.driver``.
LIBVIRT_DRIVERS = ('libvirt.LibvirtDriver', 'libvirt.driver.LibvirtDriver')

#: What ends the class path of a fixed-key backend: nova's
#: ``nova.keymgr.conf_key_mgr.ConfKeyManager`` (and its copies in other
#: services). castellan tells it apart the same way
#: (``castellan/key_manager/migration.py``, ``handle_migration``, line 40).
FIXED_KEY_SUFFIX = 'ConfKeyManager'

#: What the swap does to a file that does not set
#: ``verify_glance_signatures``: said once, for GC207 and the upgrade
#: check.
VERIFICATION_TURNS_ON = (
    'The file does not set verify_glance_signatures: nova\'s default is '
    'off and the drop-in\'s is on, so the swap turns signature '
    'verification on: unsigned images the compute host downloads stop '
    'booting (the instance goes to ERROR), and the key manager must be '
    'able to serve the signing certificates.')

#: What happens to every image nova downloads when it cannot verify: said
#: once, for GC204 and the upgrade check. Not "every boot": a disk cloned
#: in Ceph (GC206) or a boot from volume downloads nothing.
EVERY_DOWNLOAD_FAILS = (
    'every image the compute host downloads then fails to boot, signed or '
    'not: an unsigned image for lack of a signature, a signed one because '
    'its certificate cannot be fetched')

#: What GC205 means for the images nova downloads.
NO_TRUSTED_CERTIFICATES = (
    'Certificate validation is on and default_trusted_certificate_ids is '
    'empty: every image the compute host downloads for a request that '
    'names no trusted certificates fails to boot. Valid if your users '
    'must name them; otherwise list the certificates you trust.')

#: Added to GC204, GC205 and GC207 when GC206's condition holds.
RBD_CLONES_UNCHECKED = (' (raw images cloned in Ceph boot unchecked '
                        'instead: GC206)')

#: GC206: which images skip verification, and when they do not.
RBD_CLONE_SKIPS = (
    'Signature verification is on, but libvirt images_type is rbd: a raw '
    'image that Glance exposes at a location in this Ceph cluster (or '
    'copies there, with images_rbd_glance_store_name) is cloned, not '
    'downloaded, and its signature is silently never checked.')


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


def _plain(hit: source.Hit | None) -> str:
    """A raw value as oslo.config reads it: stripped, and unquoted
    (``oslo_config/iniparser.py``, ``BaseParser._split_key_value``)."""
    if hit is None:
        return ''
    value = hit.value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in '"\'':
        value = value[1:-1]
    return value


def _true(hit: source.Hit | None) -> bool:
    """Whether a raw boolean reads as true, as oslo.config reads it."""
    try:
        return hit is not None and types.Boolean()(_plain(hit)) is True
    except ValueError:
        return False


def _silent(conf: AuditedConf) -> bool:
    """Whether no loaded file sets ``verify_glance_signatures``."""
    return conf.where('verify_glance_signatures')[0] is None


def _rbd_clone(conf: AuditedConf) -> source.Hit | None:
    """Where ``[libvirt] images_type = rbd`` is set, when verification is
    on and the libvirt driver clones raw images in Ceph (GC206); or None.

    A ``[DEFAULT] compute_driver`` other than libvirt never reads
    ``[libvirt]``; an unset one is judged as libvirt (a layer may leave
    it to another file).
    """
    if not _verifies(conf):
        return None
    driver = conf.raw('DEFAULT', 'compute_driver')
    if driver is not None and _plain(driver) not in LIBVIRT_DRIVERS:
        return None
    hit = conf.raw('libvirt', 'images_type')
    return hit if hit is not None and _plain(hit) == 'rbd' else None


def _but_rbd(conf: AuditedConf, message: str) -> str:
    """``message`` about downloaded images, with GC206's exception."""
    if _rbd_clone(conf) is None:
        return message
    return message[:-1] + RBD_CLONES_UNCHECKED + '.'


#: The fix of GC201 and GC207, and what someone must do after it.
SIGN_IMAGES = remedy.SetOption(
    'verify_glance_signatures', 'True',
    'verify_glance_signatures is now on: sign every image, and make sure '
    'the key manager ([key_manager]) serves the signing certificates, or '
    'unsigned images the compute host downloads stop booting; then turn '
    'on enable_certificate_validation with default_trusted_certificate_ids '
    '(GC202).', order=1)


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
    fix = SIGN_IMAGES

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
    download: unsigned images it downloads stop booting (the instance goes
    to ERROR), and the key manager must be able to serve the signing
    certificates (``nova/image/glance.py``, ``_get_verifier``). Disks
    cloned in Ceph (GC206, said in the message when it applies) and
    boots from volume download nothing and are not affected. Reported
    when the audit
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
    fix = SIGN_IMAGES

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        nova_default = definitions.get('verify_glance_signatures').default_for(
            definitions.NOVA)
        if (_silent(conf) and nova_default is False
                and conf.value('verify_glance_signatures') is True):
            yield self.finding('verify_glance_signatures',
                               _but_rbd(conf, VERIFICATION_TURNS_ON))


def _key_manager_problem(conf: AuditedConf
                         ) -> tuple[str, str, source.Hit | None] | None:
    """Why the key manager cannot serve certificates, the setting that
    says so (``section.key``) and where it is set; or None.

    Only what the config alone proves is judged: a backend castellan
    cannot load, the fixed-key backend, and Barbican with a service-user
    token and no service user.
    """
    hit = conf.raw('key_manager', 'backend', 'api_class')
    backend = _plain(hit) if hit is not None else CASTELLAN_DEFAULT_BACKEND
    if '.' not in backend and backend not in CASTELLAN_BACKENDS:
        return ('[key_manager] backend is neither a castellan driver (%s) '
                'nor a class path, so castellan cannot load a key manager'
                % ', '.join(CASTELLAN_BACKENDS),
                'key_manager.%s' % hit.key if hit else '', hit)
    if backend.endswith(FIXED_KEY_SUFFIX):
        return ('[key_manager] backend is the fixed-key ConfKeyManager, '
                'which holds one symmetric key and cannot return a '
                'certificate', 'key_manager.%s' % hit.key if hit else '', hit)
    if backend != 'barbican' and not backend.endswith('.BarbicanKeyManager'):
        return None
    send = conf.raw('barbican', 'send_service_user_token')
    if not _true(send):
        return None
    section = _plain(conf.raw('barbican_service_user', 'auth_section')) \
        or 'barbican_service_user'
    if _plain(conf.raw(section, 'auth_type', 'auth_plugin')):
        return None
    return ('the key manager is Barbican with [barbican] '
            'send_service_user_token on, but [%s] names no auth_type, so '
            'castellan refuses every request' % section,
            'barbican.send_service_user_token', send)


class KeyManagerCannotServeCertificates(base.Check):
    """Signature verification is on, but the key manager cannot serve
    certificates.

    nova fetches the signing certificate (and each trusted certificate)
    from the castellan key manager: ``nova/image/glance.py``
    ``GlanceImageServiceV2._get_verifier`` (lines 474-495) calls cursive's
    ``signature_utils.get_verifier``, whose ``get_certificate`` (cursive
    0.3.1 ``cursive/signature_utils.py`` lines 341-385) does
    ``key_manager.API().get(context, uuid)``; castellan loads
    ``[key_manager] backend`` (castellan 5.8.0
    ``castellan/key_manager/__init__.py`` ``API``, lines 43-69). Unsigned
    images fail earlier: ``get_verifier`` requires the four
    ``img_signature*`` properties (lines 244-256). So when the key manager
    cannot return a certificate, every image the compute host downloads
    fails to boot, signed or not. (Not every boot: a boot from volume
    downloads no image, and a raw image cloned in Ceph is never verified,
    which GC206 reports and the message then says.) Reported where
    verification is effectively on (as GC201/GC202 judge it), under
    either ``--defaults``: a file that does not set
    ``verify_glance_signatures`` is reported only under the drop-in's
    defaults, where the swap turns verification on.

    What the config alone proves cannot work:

    * a ``backend`` castellan cannot load at all: a name without a ``.``
      that is not one of its drivers, ``barbican`` or ``vault``
      (``castellan.drivers`` in castellan 5.8.0's ``setup.cfg``; stevedore
      matches them case-sensitively, so ``Barbican`` is not one).
      ``API`` then calls ``importutils.import_class`` on the name, which
      raises ``ValueError``; cursive's ``get_certificate`` catches only
      ``ManagedObjectNotFoundError`` and ``KeyManagerError``, so every
      verification fails. An empty ``backend =`` is such a name.
    * the fixed-key backend, ``nova.keymgr.conf_key_mgr.ConfKeyManager``
      (any class path ending in ``ConfKeyManager``, as castellan's
      ``migration.handle_migration`` tells it apart). Its ``get``
      (``nova/keymgr/conf_key_mgr.py`` lines 102-115) raises ``KeyError``
      for every ID but the all-zero one, and that one is a symmetric key,
      which cursive refuses as a certificate ("Invalid certificate
      format"). DevStack writes this backend.
    * Barbican (castellan's default, which nova 34 keeps: an unset
      ``backend`` means Barbican) with ``[barbican]
      send_service_user_token`` on and no ``auth_type`` in
      ``[barbican_service_user]`` (or in the section its ``auth_section``
      names): castellan 5.8.0 ``barbican_key_manager.py``
      ``_get_keystone_auth`` (lines 272-279) raises ``Forbidden`` ("missing
      configuration for service user") for every request, which
      ``_get_barbican_client`` turns into ``KeyManagerError``.

    Not reported: an unset ``backend`` or Barbican without
    ``[barbican] barbican_endpoint``. castellan then takes Barbican's
    endpoint from the catalog of the request's own token
    (``_get_barbican_endpoint``, lines 288-307): nova's context carries
    that catalog, with ``key-manager`` kept in it (``nova/context.py``
    ``RequestContext.__init__`` and ``_ContextAuthPlugin``), so nova.conf
    alone cannot tell whether Barbican is there. Vault can store and
    serve certificates, but whether it holds them and nova may read them
    is not in nova.conf: it is not judged, nor is any other class path.

    Fix: run Barbican (or Vault) and set ``[key_manager] backend`` to it;
    give ``[barbican_service_user]`` credentials when the service-user
    token is on; or leave signature verification off until then.
    """

    id = 'GC204'
    severity = Severity.HIGH
    cwe = IMPROPER_INITIALIZATION
    title = 'Signature verification on, key manager cannot serve certificates'
    references = (refs.SI_7, refs.SC_12, refs.SC_17)
    remediation = ('Configure a key manager that stores certificates '
                   '([key_manager] backend = barbican, reachable), or turn '
                   '[glance] verify_glance_signatures off until then.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if not _verifies(conf):
            return
        problem = _key_manager_problem(conf)
        if problem is None:
            return
        why, option, hit = problem
        message = _but_rbd(conf, 'Signature verification is on, but %s: '
                                 '%s.' % (why, EVERY_DOWNLOAD_FAILS))
        if hit is None:
            yield self.finding('verify_glance_signatures', message)
        else:
            # About the key manager's setting: placed there.
            yield self.finding(option, message, hit.path, hit.line)


class TrustedCertificatesRequired(base.Check):
    """Certificate validation is on with no default trusted certificates.

    With ``verify_glance_signatures`` and ``enable_certificate_validation``
    on and ``default_trusted_certificate_ids`` empty, nova refuses every
    image whose boot request names no trusted certificates:
    ``nova/image/glance.py`` ``GlanceImageServiceV2._get_verifier`` (lines
    467-470 fill in the defaults only when there are some; lines 508-514
    raise ``CertificateValidationFailed``, "no trusted certificate IDs were
    provided"). The API does not fill them in either
    (``nova/compute/api.py`` ``_retrieve_trusted_certs_object``, lines
    1647-1656). Every image the compute host downloads for a request that
    does not pass ``trusted_image_certificates`` (API microversion 2.63)
    fails to boot (raw images cloned in Ceph are not checked at all:
    GC206, said in the message when it applies).

    That is a valid choice for a cloud whose users must name the
    certificates they trust; record it with a waiver. Medium: the service
    fails closed (no image is booted unchecked), but it stops booting for
    every user who does not know to pass certificates.

    Fix: list the certificates your cloud trusts in
    ``default_trusted_certificate_ids``, or make sure every request names
    its own.
    """

    id = 'GC205'
    severity = Severity.MEDIUM
    cwe = IMPROPER_INITIALIZATION
    title = 'Certificate validation on, no default trusted certificates'
    references = (refs.SI_7, refs.SC_17)
    remediation = ('Set [glance] default_trusted_certificate_ids, or waive '
                   'this if every request must name its certificates.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if (conf.value('verify_glance_signatures') is True
                and conf.value('enable_certificate_validation') is True
                and conf.value('default_trusted_certificate_ids') == []):
            yield self.finding('default_trusted_certificate_ids',
                               _but_rbd(conf, NO_TRUSTED_CERTIFICATES))


class VerificationSkippedOnRbdClone(base.Check):
    """Signature verification is on, but RBD-backed disks are cloned
    without it.

    With ``[libvirt] images_type = rbd`` the libvirt driver first tries to
    clone the image inside Ceph: ``nova/virt/libvirt/driver.py``
    ``_create_and_inject_local_root`` (lines 5527-5552) builds
    ``clone_fallback_to_fetch``, which calls ``backend.clone`` and only on
    ``ImageUnacceptable`` falls back to ``libvirt_utils.fetch_image``, the
    path that downloads and verifies. ``imagebackend.Rbd.clone``
    (``nova/virt/libvirt/imagebackend.py`` lines 1105-1130) reads the
    image's locations and clones a raw image in the same Ceph cluster
    (``nova/storage/rbd_utils.py`` ``is_cloneable``): no download, no
    verifier, ``trusted_certs`` unused. With ``[libvirt]
    images_rbd_glance_store_name`` set, an image not yet in this cluster
    is first copied there by Glance and then cloned too (lines 1122-1126).
    Cloning needs Glance to expose the image's locations (``show_image_
    direct_url`` or ``show_multiple_locations`` in glance-api.conf, not
    visible here); without them ``clone`` raises ``ImageUnacceptable`` and
    the driver downloads the image, which verifies. So, where Glance
    exposes locations, for exactly the images Ceph deployments use (raw,
    in Glance's RBD store) verification is silently skipped: no error, no
    log line. nova's documentation says so ("not supported ... when
    using the rbd image backend ... and RAW formatted images",
    ``doc/source/user/certificate-validation.rst``).

    Not reported: a ``[DEFAULT] compute_driver`` other than libvirt
    (``libvirt.LibvirtDriver`` or ``libvirt.driver.LibvirtDriver``: nova
    34 ``nova/virt/driver.py`` ``load_compute_driver`` imports
    ``nova.virt.<value>``), which never reads ``[libvirt]``; an unset one
    is judged as libvirt. Nor ``[glance] enable_rbd_download``. That
    direct RBD read *does* verify: ``_try_special_handlers``
    (``nova/image/glance.py`` lines 338-353) runs the downloaded file through
    ``_verify_and_write`` with the verifier ``download`` built first. (It
    doubles the copy on an RBD compute: GC403.)

    Fix: treat the Ceph images pool as the trust boundary (who can write
    to it can change what boots), or use ``images_type`` other than ``rbd``
    (or non-raw images) where signatures must be checked.
    """

    id = 'GC206'
    severity = Severity.MEDIUM
    cwe = IMPROPER_SIGNATURE_VERIFICATION
    title = 'Signature verification skipped for RBD-cloned disks'
    references = (refs.SI_7,)
    remediation = ('Know that raw images cloned in Ceph are not verified; '
                   'restrict writes to the images pool, or do not rely on '
                   'signatures for rbd-backed disks.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        hit = _rbd_clone(conf)
        if hit is not None:
            yield self.finding('libvirt.images_type', RBD_CLONE_SKIPS,
                               hit.path, hit.line)
