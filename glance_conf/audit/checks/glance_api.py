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


"""GC850-GC899: glance-api's exposure (``--service glance-api``).

glance-api decides what nova and cinder are handed: image locations,
image data of any format, images fetched from any URL. The options,
types and defaults are glance's own
(:mod:`glance_conf.audit.services.glance_api` names the commits read);
each check cites the glance code that gives its setting its meaning,
and the advisory it comes from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from glance_conf.audit import base
from glance_conf.audit import references as refs
from glance_conf.audit.cwe import IMPROPER_INPUT_VALIDATION
from glance_conf.audit.cwe import INSECURE_DEFAULT
from glance_conf.audit.cwe import PROTECTION_MECHANISM_FAILURE
from glance_conf.audit.cwe import WRONG_SPHERE
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.services import glance_api
from glance_conf.audit.target import AuditedConf

SERVICES = (glance_api.NAME,)
DEFAULT = 'DEFAULT'
IMAGE_FORMAT = 'image_format'
FILTERS = 'import_filtering_opts'
#: The VMDK create-types glance's help recommends: "single-file-with-
#: sparse-header variants" (its default).
SINGLE_FILE_VMDK = ('streamOptimized', 'monolithicSparse')


class GlanceRefusedValue(base.RefusedValueCheck):
    """glance's own type refuses a value of an option judged here.

    oslo.config raises when glance-api reads it (an import method or a
    store type outside glance's choices, a port outside 1-65535), and
    the audit cannot judge it either.

    Fix: correct the value; the message names the type it must meet.
    """

    id = 'GC850'
    services = SERVICES
    severity = Severity.MEDIUM
    cwe = IMPROPER_INPUT_VALIDATION
    title = 'glance-api refuses a value of its options'
    references = (refs.CM_6,)
    remediation = 'Correct the value so that glance\'s type accepts it.'


class LocationsShownAndEditable(base.ValueCheck):
    """glance-api shows image locations and lets users change them.

    With ``show_multiple_locations = True`` every image shows its
    ``locations``, and the image's owner may add, replace and remove
    them (``glance/api/v2/images.py``: ``_do_add_locations``,
    ``_do_replace_locations`` and ``_do_remove_locations`` refuse only
    while it is off). OSSN-0065: a user can then point an active image
    at other data; nova and cinder fetch whatever the location now
    names, and only signature verification (off in nova by default,
    GC201; never for unsigned images in cinder, GC810) would notice. The
    option is deprecated for removal, and glance's help calls it a
    "GRAVE SECURITY RISK"; since Image API 2.17 (glance 2023.2) the
    service-to-service location calls replace it (glance's
    ``doc/source/admin/new-location-apis.rst``, which names OSSN-0065
    and OSSN-0090).

    Fix: set ``show_multiple_locations = False`` (the default) on every
    glance-api users can reach.
    """

    id = 'GC851'
    services = SERVICES
    severity = Severity.HIGH
    cwe = WRONG_SPHERE
    title = 'glance-api shows image locations and lets users edit them'
    references = (refs.OSSN_0065, refs.OSSN_0090, refs.AC_6)
    remediation = 'Set [DEFAULT] show_multiple_locations = False.'
    option = 'show_multiple_locations'
    group = DEFAULT
    message = ('Image locations are shown, and image owners can change '
               'them: nova and cinder then fetch whatever a location '
               'names (OSSN-0065).')

    def unsafe(self, value: Any) -> bool:
        return value is True


def cow_stores(conf: AuditedConf) -> list[str]:
    """The copy-on-write (Ceph RBD) stores images may be in.

    With ``enabled_backends`` (``name:type``) glance runs many stores
    (``glance/common/wsgi_app.py``), and any of type ``rbd`` counts;
    without it, glance_store's single store is ``[glance_store]
    default_store``, among the enabled ``stores``
    (``glance_store/backend.py``).
    """
    backends = conf.value('enabled_backends', DEFAULT)
    if isinstance(backends, dict) and backends:
        return sorted(name for name, kind in backends.items()
                      if kind.strip().lower() == glance_api.RBD)
    stores = conf.value('stores', 'glance_store')
    single = conf.value('default_store', 'glance_store')
    if single == glance_api.RBD or (isinstance(stores, list)
                                    and glance_api.RBD in stores):
        return [glance_api.RBD]
    return []


class DirectUrlOnCopyOnWrite(base.Check):
    """glance-api shows ``direct_url`` and keeps images in Ceph RBD.

    With ``show_image_direct_url = True`` each image shows the location
    of its data (``glance/api/v2/images.py``, the image view); on a
    copy-on-write store that is the RBD pool, image and snapshot that
    nova (libvirt ``images_type = rbd``, ``[glance] enable_rbd_download``)
    and cinder's RBD driver clone from, which is why deployments turn it
    on. OSSN-0090 is about this setting on copy-on-write backends: shown
    to users, these locations let an image be made to share another's
    data. Its advice, as glance's location docs reflect: users reach a
    glance-api that shows no locations, and only the services' own
    glance-api (internal, for nova and cinder) shows them, or the
    consumers use the location API of Image API 2.17.

    Fix: set ``show_image_direct_url = False`` on the glance-api users
    reach, and give nova and cinder an internal one that shows it.
    """

    id = 'GC852'
    services = SERVICES
    severity = Severity.MEDIUM
    cwe = WRONG_SPHERE
    title = 'direct_url shown with a copy-on-write (RBD) store'
    references = (refs.OSSN_0090, refs.AC_6)
    remediation = ('Set [DEFAULT] show_image_direct_url = False where users '
                   'reach glance-api; show it on an internal glance-api '
                   'for nova and cinder only.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if conf.value('show_image_direct_url', DEFAULT) is not True:
            return
        stores = cow_stores(conf)
        if stores:
            yield self.finding('DEFAULT.show_image_direct_url', 'Images '
                               'show their direct_url, and the RBD '
                               'store(s) %s are copy-on-write (OSSN-0090).'
                               % ', '.join(stores))


class DirectUrlShown(base.Check):
    """glance-api shows ``direct_url`` (no copy-on-write store).

    Each image then shows the location of its data in the backend
    (``glance/api/v2/images.py``, the image view). glance's help calls
    it a "GRAVE SECURITY RISK": "image locations can sometimes include
    credentials" (a Swift or S3 URL), and a file store's paths tell
    where the data lies. With an RBD store GC852 reports it instead.

    Fix: set ``show_image_direct_url = False`` (the default).
    """

    id = 'GC853'
    services = SERVICES
    severity = Severity.LOW
    cwe = WRONG_SPHERE
    title = 'direct_url shown to users'
    references = (refs.AC_6,)
    remediation = 'Set [DEFAULT] show_image_direct_url = False.'

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if conf.value('show_image_direct_url', DEFAULT) is True \
                and not cow_stores(conf):
            yield self.finding('DEFAULT.show_image_direct_url', 'Images '
                               'show their direct_url: the backend '
                               'location of their data.')


class WebDownloadUnfiltered(base.Check):
    """``web-download`` is enabled without limits on what it fetches.

    ``web-download`` (enabled by default: ``enabled_import_methods`` in
    ``glance/common/config.py``) makes glance-api fetch a URL a user
    names and store the answer as the image that nova boots and cinder
    writes into volumes. ``glance/common/utils.py``
    ``validate_import_uri`` applies ``[import_filtering_opts]``; by
    default it allows the ``http`` and ``https`` schemes on ports 80 and
    443 to *any* host. So, unless ``allowed_hosts`` lists the hosts
    meant, any user can have glance-api fetch from the networks only it
    reaches (its own management network, a cloud's metadata service)
    and read the answer back as image data: the network scan OSSN-0078
    describes for the v1 ``copy_from``, which glance's import docs cite.
    A deny list cannot enumerate an internal network. Reported, each
    once: no host allow list, schemes beyond ``http`` and ``https``
    (with no scheme allow list, any scheme not denied, ``file``
    included: ``glance/common/scripts/utils.py``
    ``get_image_data_iter`` opens ``file://`` URLs itself), and no port
    allow list.

    Fix: list the hosts users may import from in ``allowed_hosts`` (and
    keep the scheme and port allow lists), or remove ``web-download``
    from ``enabled_import_methods``.
    """

    id = 'GC854'
    services = SERVICES
    severity = Severity.MEDIUM
    cwe = INSECURE_DEFAULT
    title = 'web-download enabled without an allow list'
    references = (refs.OSSN_0078, refs.SC_7)
    remediation = ('Set [import_filtering_opts] allowed_hosts, or remove '
                   'web-download from [DEFAULT] enabled_import_methods.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        methods = conf.value('enabled_import_methods', DEFAULT)
        if not isinstance(methods, list) \
                or glance_api.WEB_DOWNLOAD not in methods:
            return
        option = 'DEFAULT.enabled_import_methods'
        if conf.value('allowed_hosts', FILTERS) == []:
            yield self.finding(option, 'web-download may fetch from any '
                               'host glance-api reaches: [%s] allowed_hosts '
                               'is empty.' % FILTERS, key='hosts')
        schemes = conf.value('allowed_schemes', FILTERS)
        if schemes == [] or (isinstance(schemes, list) and
                             set(schemes) - {'http', 'https'}):
            yield self.finding(option, 'web-download may fetch with other '
                               'schemes than http and https: [%s] '
                               'allowed_schemes is %s.' % (
                                   FILTERS, 'empty' if schemes == []
                                   else ', '.join(sorted(schemes))),
                               key='schemes')
        if conf.value('allowed_ports', FILTERS) == []:
            yield self.finding(option, 'web-download may fetch from any '
                               'port: [%s] allowed_ports is empty.'
                               % FILTERS, key='ports')


class FormatMatchNotRequired(base.ValueCheck):
    """glance-api stores image data that does not match its
    ``disk_format``.

    With ``require_image_format_match = False`` glance logs a mismatch
    and keeps the upload (``glance/location.py``, the format inspection
    of uploaded data, which otherwise raises ``InvalidImageData``).
    glance's help: enabling it "improves security and consistency by
    ensuring that images claiming to be a given format have content
    matching that format". Without it an image that says ``raw`` can be
    a QCOW2 file naming a backing or data file on the host that opens
    it: the kind of image OSSA-2024-001 (CVE-2024-32498) showed nova,
    cinder and glance reading host files through. nova and cinder then
    depend on their own checks alone.

    Fix: set ``require_image_format_match = True`` (the default), and
    file the false matches as glance bugs.
    """

    id = 'GC855'
    services = SERVICES
    severity = Severity.MEDIUM
    cwe = IMPROPER_INPUT_VALIDATION
    title = 'glance-api does not require image data to match disk_format'
    references = (refs.SI_7,)
    remediation = 'Set [image_format] require_image_format_match = True.'
    option = 'require_image_format_match'
    group = IMAGE_FORMAT
    message = ('glance-api keeps uploads whose data does not match their '
               'disk_format; nova and cinder get them as declared.')

    def unsafe(self, value: Any) -> bool:
        return value is False


class VmdkMultiFileTypes(base.ValueCheck):
    """glance converts VMDK create-types that name other files.

    ``vmdk_allowed_types`` limits the VMDK images glance's image
    conversion reads (``glance/async_/flows/plugins/image_conversion.py``).
    glance's help recommends "only include single-file-with-sparse-
    header variants to avoid potential host file exposure due to
    processing named extents": a type whose extents are other files can
    make the conversion read the glance-api host's files into an image.
    Only the image conversion plugin applies it.

    Fix: keep ``streamOptimized`` and ``monolithicSparse`` only (the
    default).
    """

    id = 'GC856'
    services = SERVICES
    severity = Severity.LOW
    cwe = PROTECTION_MECHANISM_FAILURE
    title = 'VMDK create-types with named extents allowed'
    references = (refs.CM_6,)
    remediation = ('Set [image_format] vmdk_allowed_types = '
                   'streamOptimized,monolithicSparse.')
    option = 'vmdk_allowed_types'
    group = IMAGE_FORMAT

    def unsafe(self, value: Any) -> bool:
        return isinstance(value, list) and \
            bool(set(value) - set(SINGLE_FILE_VMDK))

    def describe(self, value: Any) -> str:
        # Counted, not quoted: the list holds whatever the file says.
        return ('%d VMDK create-type(s) beyond the single-file ones are '
                'converted; their extents may name host files.'
                % len(set(value) - set(SINGLE_FILE_VMDK)))


class GptChecksNonFatal(base.ValueCheck):
    """Some of glance's GPT safety checks are made non-fatal.

    ``gpt_safety_checks_nonfatal`` lists the checks of a GPT disk image
    whose failure glance only logs (``glance/location.py``); glance's
    help: it "makes glance relax its definition of what a valid GPT disk
    image looks like". nova and cinder then receive images glance's
    format inspector would have refused.

    Fix: leave ``gpt_safety_checks_nonfatal`` empty (the default).
    """

    id = 'GC857'
    services = SERVICES
    severity = Severity.LOW
    cwe = PROTECTION_MECHANISM_FAILURE
    title = 'GPT safety checks made non-fatal'
    references = (refs.CM_6,)
    remediation = 'Empty [image_format] gpt_safety_checks_nonfatal.'
    option = 'gpt_safety_checks_nonfatal'
    group = IMAGE_FORMAT
    message = ('Some GPT safety checks only log their failure: malformed '
               'GPT images are kept.')

    def unsafe(self, value: Any) -> bool:
        return isinstance(value, list) and bool(value)
