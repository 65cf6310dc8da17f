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


"""GC800-GC849: cinder's image client (``--service cinder``).

cinder creates volumes from images with its own client, configured in
its ``[DEFAULT]`` section, and boot-from-volume then boots what cinder
wrote without nova ever downloading it: a weak setting here undoes
nova's protection. The options, types and defaults are cinder's own
(:mod:`glance_conf.audit.services.cinder` names the commit read); each
check cites the cinder code that gives its setting its meaning.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from glance_conf import definitions
from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit import references as refs
from glance_conf.audit.checks import options
from glance_conf.audit.checks import transport
from glance_conf.audit.cwe import CLEARTEXT_TRANSMISSION
from glance_conf.audit.cwe import IMPROPER_CERTIFICATE_VALIDATION
from glance_conf.audit.cwe import IMPROPER_INPUT_VALIDATION
from glance_conf.audit.cwe import IMPROPER_SIGNATURE_VERIFICATION
from glance_conf.audit.cwe import UNCONTROLLED_RESOURCE_CONSUMPTION
from glance_conf.audit.cwe import WRONG_SPHERE
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.services import cinder
from glance_conf.audit.target import AuditedConf

SERVICES = (cinder.NAME,)
DEFAULT = 'DEFAULT'
#: cinder's TLS file options for its image client, in the order of
#: ``transport._TlsFiles``: CA bundle, client certificate, key.
TLS_FILES = ('glance_ca_certificates_file', 'glance_certfile',
             'glance_keyfile')


class CinderRefusedValue(base.RefusedValueCheck):
    """cinder's own type refuses a value of its image client options.

    oslo.config raises when cinder reads the option, so every volume
    created from an image fails (``verify_glance_signatures`` is a
    choice of ``enabled`` and ``disabled``; ``glance_num_retries`` has a
    minimum of 0: ``cinder/image/glance.py`` and
    ``cinder/common/config.py``). The audit cannot judge such a value
    either.

    Fix: correct the value; the message names the type it must meet.
    """

    id = 'GC800'
    services = SERVICES
    severity = Severity.MEDIUM
    cwe = IMPROPER_INPUT_VALIDATION
    title = 'cinder refuses a value of its image client options'
    references = (refs.CM_6,)
    remediation = 'Correct the value so that cinder\'s type accepts it.'


def servers(conf: AuditedConf) -> list[str]:
    """The Image API servers cinder names, ``[]`` for the catalog.

    ``cinder/image/glance.py`` ``get_api_servers``: without
    ``glance_api_servers`` cinder takes the catalog entry of
    ``glance_catalog_info``; a server without ``//`` gets ``http://``.
    """
    value = conf.value('glance_api_servers', DEFAULT)
    return [s for s in value if s] if isinstance(value, list) else []


def plain_http(server: str) -> bool:
    """Whether cinder reaches ``server`` over plain HTTP: any scheme but
    ``https`` (``get_api_servers`` sets ``use_ssl`` only for it), and no
    scheme at all."""
    if '//' not in server:
        return True
    return server.split('//', 1)[0].lower() != 'https:'


class CinderPlainHttpServer(base.Check):
    """cinder reaches an Image API server over plain HTTP.

    ``glance_api_servers`` entries without a scheme are plain HTTP:
    cinder's help says so ("If protocol is not specified it defaults to
    http") and ``cinder/image/glance.py`` ``get_api_servers`` prefixes
    ``http://``; only an ``https`` scheme makes it use TLS. Image data
    and the Keystone tokens sent with each request then cross the
    network in the clear, and whoever is on the path can hand cinder
    other image bytes, which boot-from-volume later boots.

    Fix: serve the Image API over HTTPS and name its ``https://`` URLs.
    """

    id = 'GC801'
    services = SERVICES
    severity = Severity.MEDIUM
    cwe = CLEARTEXT_TRANSMISSION
    title = 'cinder reaches the Image API over plain HTTP'
    references = (refs.SC_8, refs.SC_13)
    remediation = ('Use https:// URLs in [DEFAULT] glance_api_servers.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        for server in servers(conf):
            if plain_http(server):
                how = 'uses plain HTTP' if '//' in server else \
                    'has no scheme, so cinder uses plain HTTP'
                yield self.finding('DEFAULT.glance_api_servers',
                                   'Image API server %s %s.'
                                   % (redact.redact_url(server), how),
                                   key='http')


class CinderTlsVerificationDisabled(base.ValueCheck):
    """cinder does not verify the Image API's certificate.

    ``glance_api_insecure = True`` is passed to keystoneauth as
    ``insecure`` (``cinder/image/glance.py`` ``_create_glance_client``):
    cinder accepts any certificate from whoever answers, who can then
    serve it other image bytes and take the tokens it sends.

    Fix: set ``glance_api_insecure = False`` (cinder's default) and name
    a private CA in ``glance_ca_certificates_file``.
    """

    id = 'GC802'
    services = SERVICES
    severity = Severity.HIGH
    cwe = IMPROPER_CERTIFICATE_VALIDATION
    title = 'cinder skips verifying the Image API certificate'
    references = (refs.SC_8, refs.SC_13)
    remediation = ('Set [DEFAULT] glance_api_insecure = False and trust a '
                   'private CA with glance_ca_certificates_file.')
    option = 'glance_api_insecure'
    group = DEFAULT
    message = ('cinder accepts any certificate from the Image API: whoever '
               'answers can serve it other images.')

    def unsafe(self, value: Any) -> bool:
        return value is True


class CinderTlsFileUnusable(transport.TlsFileUnusable):
    """A TLS file of cinder's image client is missing or unreadable.

    cinder hands ``glance_ca_certificates_file``, ``glance_certfile``
    and ``glance_keyfile`` to keystoneauth (``cinder/image/glance.py``
    ``_create_glance_client``), which reads them at the first request:
    a wrong path passes start-up and fails each volume created from an
    image. Judged as GC103 judges nova's files, on the service's host
    (or under ``--root``), as cinder's account would find them. Not run
    offline.

    Fix: correct the path, or install the file readable by cinder.
    """

    id = 'GC803'
    services = SERVICES
    title = 'cinder: Image API CA, certificate or key file unusable'
    tls_files = TLS_FILES
    tls_group = DEFAULT


class CinderKeyFileExposed(transport.KeyFileExposed):
    """cinder's client key for the Image API is readable or writable by
    others.

    Judged as GC104 judges nova's ``keyfile``: whoever else can read
    ``glance_keyfile`` can present cinder's client certificate to the
    Image API. Not run offline.

    Fix: ``chmod 0600`` the key, owned by cinder's user (or ``0640``,
    ``root:cinder``).
    """

    id = 'GC804'
    services = SERVICES
    title = 'cinder: glance_keyfile readable or writable by others'
    remediation = ('chmod 0600 the key file, owned by the service user, '
                   'or 0640 with owner root and the service\'s group.')
    tls_files = TLS_FILES
    tls_group = DEFAULT


class CinderKeyWithoutCertificate(transport.KeyWithoutCertificate):
    """``glance_keyfile`` is set but ``glance_certfile`` is not.

    cinder passes both to keystoneauth, which presents a client
    certificate only when the certificate is set: mutual TLS meant for
    the Image API is silently not in effect.

    Fix: set ``glance_certfile`` to the matching certificate.
    """

    id = 'GC805'
    services = SERVICES
    title = 'cinder: glance_keyfile set without glance_certfile'
    remediation = ('Set [DEFAULT] glance_certfile to the matching '
                   'certificate.')
    tls_files = TLS_FILES
    tls_group = DEFAULT


class CinderNoRequestTimeout(base.ValueCheck):
    """cinder's image client has no request timeout.

    ``glance_request_timeout`` has no default, and cinder passes it as
    is to keystoneauth (``cinder/image/glance.py``
    ``_create_glance_client``), which sets no timeout when it is
    ``None``: a stalled Image API holds the volume creation, and the
    worker making it, indefinitely.

    Fix: set ``glance_request_timeout``, in seconds.
    """

    id = 'GC806'
    services = SERVICES
    severity = Severity.LOW
    cwe = UNCONTROLLED_RESOURCE_CONSUMPTION
    title = 'cinder: no request timeout for the Image API'
    references = (refs.CM_6,)
    remediation = 'Set [DEFAULT] glance_request_timeout, for example 60.'
    option = 'glance_request_timeout'
    group = DEFAULT
    message = ('No glance_request_timeout is set, and cinder applies '
               'none: a stalled Image API can hang a volume creation.')

    def unsafe(self, value: Any) -> bool:
        return value is None


class CinderManyRetries(options.ManyRetries):
    """``glance_num_retries`` is above the recommended ceiling.

    cinder makes ``1 + glance_num_retries`` attempts per image call, one
    second apart (``cinder/image/glance.py`` ``GlanceClientWrapper.call``;
    its default is 3). The ceiling is the one GC307 holds nova to.

    Fix: use fewer retries, and fix the failing endpoints behind a load
    balancer instead.
    """

    id = 'GC807'
    services = SERVICES
    severity = Severity.LOW
    cwe = UNCONTROLLED_RESOURCE_CONSUMPTION
    title = 'cinder: glance_num_retries above the recommended ceiling'
    references = (refs.CM_6,)
    remediation = ('Set [DEFAULT] glance_num_retries to %d or fewer.'
                   % definitions.RECOMMENDED_NUM_RETRIES)
    option = 'glance_num_retries'
    group = DEFAULT


class CinderReadsFileLocations(base.ValueCheck):
    """``allowed_direct_url_schemes`` includes ``file``.

    cinder then reads an image's data from the cinder-volume host's own
    disk whenever the image's ``direct_url`` or one of its locations is
    a ``file://`` URL: ``cinder/image/glance.py``
    ``GlanceImageService.download`` opens the URL's path and copies it
    into the new volume. Whoever can give an image such a location (with
    glance's ``show_multiple_locations`` or the location API, GC851) can
    have any file cinder's user can read on that host (its own
    ``cinder.conf`` and the passwords in it) copied into a volume they
    own. The glance image data path, and its format checks, are skipped.

    Fix: remove ``file`` from ``allowed_direct_url_schemes``.
    """

    id = 'GC808'
    services = SERVICES
    severity = Severity.MEDIUM
    cwe = WRONG_SPHERE
    title = 'cinder reads file:// image locations from its own disk'
    references = (refs.OSSN_0065, refs.AC_6)
    remediation = 'Remove file from [DEFAULT] allowed_direct_url_schemes.'
    option = 'allowed_direct_url_schemes'
    group = DEFAULT
    message = ('cinder copies file:// image locations from its own host\'s '
               'disk into volumes: an image location can name any file '
               'cinder can read there.')

    def unsafe(self, value: Any) -> bool:
        return isinstance(value, list) and 'file' in value


class CinderSignatureVerificationDisabled(base.ValueCheck):
    """cinder's image signature verification is disabled.

    With ``verify_glance_signatures = disabled`` cinder writes any image
    into a volume without checking its signature, even a signed image
    whose data was swapped (``cinder/volume/flows/manager/
    create_volume.py`` ``_create_from_image_cache_or_download`` verifies
    only when the option is not ``disabled``). Boot-from-volume then boots
    those bytes, whatever nova's own ``verify_glance_signatures`` says:
    nova never downloads the image.

    Fix: set ``verify_glance_signatures = enabled`` (cinder's default).
    """

    id = 'GC809'
    services = SERVICES
    severity = Severity.HIGH
    cwe = IMPROPER_SIGNATURE_VERIFICATION
    title = 'cinder: image signature verification disabled'
    references = (refs.SI_7,)
    remediation = 'Set [DEFAULT] verify_glance_signatures = enabled.'
    option = 'verify_glance_signatures'
    group = DEFAULT
    message = ('cinder writes images into volumes without verifying their '
               'signatures, signed or not; boot-from-volume boots them.')

    def unsafe(self, value: Any) -> bool:
        return bool(value == cinder.DISABLED)


class CinderUnsignedImagesPass(base.ValueCheck):
    """cinder verifies signed images only: unsigned images pass.

    ``enabled``, cinder's default, means "verify when image has signature
    metadata": ``cinder/image/image_utils.py``
    ``verify_glance_image_signature`` returns without verifying an image
    that has none of the ``img_signature*`` properties, and the volume is
    created (only incomplete signature metadata is refused). cinder has
    no setting that refuses unsigned images, as nova's
    ``verify_glance_signatures = True`` does, so where nova refuses them,
    boot-from-volume still boots them. Volumes cloned inside the storage
    backend (a driver's ``clone_image``, or ``cinder`` in
    ``allowed_direct_url_schemes``) are not verified at all
    (``create_volume.py`` ``_create_from_image``).

    Reported once per file, as information: it is the best cinder can
    do.

    Fix: sign every image, and keep unsigned images out of the catalog
    (glance's image policies), since cinder will not refuse them.
    """

    id = 'GC810'
    services = SERVICES
    severity = Severity.INFO
    cwe = IMPROPER_SIGNATURE_VERIFICATION
    title = 'cinder verifies signed images only: unsigned images pass'
    references = (refs.SI_7,)
    remediation = ('Sign every image: cinder cannot refuse unsigned ones.')
    option = 'verify_glance_signatures'
    group = DEFAULT
    message = ('cinder verifies only images that carry signature metadata: '
               'unsigned images become volumes unchecked.')

    def unsafe(self, value: Any) -> bool:
        return bool(value == cinder.ENABLED)


