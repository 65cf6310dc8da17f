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

"""GC610-GC612: the image trust path across services, in fleet and
bundles mode: one service undoes another's protection.

Each check observes nova, cinder and glance-api files (one instance per
group of hosts) and reports once per group and kind of weakness, naming
every file involved with its line (:data:`MAX_FILES_NAMED` of each
kind, the rest counted). The weaker service's files are the finding's
blamed hosts, which a waiver's ``files`` must each cover. Nothing is
reported when the protection a weaker service would undo is absent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit import references as refs
from glance_conf.audit import services
from glance_conf.audit.checks import cinder as cinder_checks
from glance_conf.audit.checks import glance_api as glance_checks
from glance_conf.audit.checks.integrity import LIBVIRT_DRIVERS
from glance_conf.audit.checks.integrity import _plain
from glance_conf.audit.checks.integrity import _verifies
from glance_conf.audit.checks.transport import _endpoints
from glance_conf.audit.cwe import CLEARTEXT_TRANSMISSION
from glance_conf.audit.cwe import IMPROPER_SIGNATURE_VERIFICATION
from glance_conf.audit.cwe import WRONG_SPHERE
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.services import cinder
from glance_conf.audit.target import AuditedConf

#: Files named in one finding's message; more are counted.
MAX_FILES_NAMED = 5


@dataclasses.dataclass
class _Side:
    """The files of one kind on one side of the path, bounded."""

    count: int = 0
    named: list[tuple[str, int | None]] = dataclasses.field(
        default_factory=list)

    def add(self, path: str, line: int | None) -> None:
        self.count += 1
        base.keep_blamed(self.named, (path, line), self.count,
                         MAX_FILES_NAMED)

    @property
    def blamed(self) -> tuple[int, list[str]]:
        """This side as a finding blames it: ``(count, files kept)``."""
        return self.count, [path for path, _ in self.named]

    def __str__(self) -> str:
        shown = [redact.printable('%s:%d' % (p, n) if n else p, 1024)
                 for p, n in self.named[:MAX_FILES_NAMED]]
        more = self.count - len(shown)
        return ', '.join(shown) + (' and %d more' % more if more > 0
                                   else '')


class SignatureBypassThroughVolumes(base.FleetCheck):
    """nova refuses unsigned images, but cinder turns them into volumes.

    With ``verify_glance_signatures = True`` nova refuses to boot an
    image whose signature it cannot verify, unsigned ones included
    (nova 34 ``nova/image/glance.py``, ``GlanceImageServiceV2.download``
    and ``_get_verifier``). cinder creates volumes from the same images
    with its own client and its own ``[DEFAULT]
    verify_glance_signatures``: ``enabled`` (its default) verifies only
    images that carry signature metadata, so an unsigned or stripped
    image becomes a volume unchecked (``cinder/image/image_utils.py``,
    ``verify_glance_image_signature``), and ``disabled`` verifies
    nothing (``cinder/volume/flows/manager/create_volume.py``). A server
    booted from that volume never goes through nova's download, so
    nova's protection is bypassed: the path is as strong as its weakest
    consumer. High when cinder's verification is disabled, medium with
    cinder's default. Judged within each group of hosts (``--groups``),
    and only where nova does verify: with nova's verification off there
    is nothing to bypass (GC201 reports nova itself). The finding names
    every file involved, with the line that sets the value.

    Fix: sign every image and keep unsigned images out of the catalog
    (cinder cannot refuse them); never run cinder with
    ``verify_glance_signatures = disabled``.
    """

    id = 'GC610'
    services = services.SERVICES
    severity = Severity.MEDIUM
    cwe = IMPROPER_SIGNATURE_VERIFICATION
    title = ('Image trust path: nova verifies signatures, cinder lets '
             'unsigned images become bootable volumes')
    references = (refs.SI_7, refs.CM_6)
    remediation = ('Sign every image and keep unsigned ones out of the '
                   'catalog; set cinder [DEFAULT] verify_glance_signatures '
                   '= enabled, never disabled.')

    def __init__(self) -> None:
        self.nova = _Side()
        self.cinder = {cinder.ENABLED: _Side(), cinder.DISABLED: _Side()}

    def observe(self, conf: AuditedConf) -> None:
        path = conf.files[-1].path if conf.files else '?'
        if conf.service == services.NOVA:
            if _verifies(conf):
                self.nova.add(path, conf.where('verify_glance_signatures')[1])
        elif conf.service == services.CINDER:
            value = conf.value('verify_glance_signatures', 'DEFAULT')
            if value in self.cinder:
                where, line = conf.where('verify_glance_signatures',
                                         'DEFAULT')
                self.cinder[value].add(where or path, line)

    def finish(self) -> Iterator[Finding]:
        if not self.nova.count:
            return
        for value, side in self.cinder.items():
            if not side.count:
                continue
            weak = 'verifies nothing' if value == cinder.DISABLED else \
                'verifies only images that carry signature metadata'
            message = (
                'nova refuses unsigned images (verify_glance_signatures on '
                'in %s), but cinder (verify_glance_signatures = %s in %s) %s: '
                'an unsigned or tampered image becomes a volume, and '
                'boot-from-volume boots it without nova downloading it.'
                % (self.nova, value, side, weak))
            path, line = side.named[0]
            found = self.finding('DEFAULT.verify_glance_signatures', message,
                                 file=path, line=line,
                                 key='cinder %s' % value,
                                 blamed=[side.blamed])
            if value == cinder.DISABLED:
                found = dataclasses.replace(found, severity=Severity.HIGH)
            yield found


def _path(conf: AuditedConf) -> str:
    """The file a host's finding names when no value pins a line."""
    return conf.files[-1].path if conf.files else '?'


def _nova_tls(conf: AuditedConf) -> tuple[str, int | None] | None:
    """Where nova reaches the Image API over verified https, or None.

    nova 34 uses ``api_servers`` when set, else ``endpoint_override``,
    else the catalog (``nova/image/glance.py`` ``get_api_servers``), and
    its keystoneauth session, loaded from ``[glance]``
    (``_session_and_auth``, ``nova/service_auth.py``
    ``get_service_auth_session``), verifies the certificate unless
    ``[glance] insecure``. Only
    endpoints written in the file count: a catalog URL's scheme is not
    in it, so nova's side is then unknown and nothing is claimed.
    """
    if conf.value('insecure') is not False:
        return None
    urls = _endpoints(conf)
    if not urls or not all(url.lower().startswith('https://')
                           for _, url in urls):
        return None
    path, line = conf.where(urls[0][0])
    return path or _path(conf), line


class TransportWeakerThroughCinder(base.FleetCheck):
    """nova reaches the Image API over verified TLS, cinder does not.

    Where nova names only ``https://`` Image API endpoints and verifies
    their certificate (``[glance] insecure`` off: nova 34
    ``nova/image/glance.py`` ``get_api_servers`` and ``_session_and_auth``,
    whose session ``nova/service_auth.py`` ``get_service_auth_session``
    loads from ``[glance]``), whoever sits on the network cannot hand nova
    other image bytes. cinder fetches the same images with its own
    client: a ``glance_api_servers`` entry that is not ``https`` (no
    scheme means http, ``cinder/image/glance.py`` ``get_api_servers``)
    or ``glance_api_insecure = True`` (passed to keystoneauth as
    ``insecure``, ``_create_glance_client``) lets that same attacker
    write their bytes into a volume, which boot-from-volume boots
    without nova downloading anything. Unsigned images are not checked
    by cinder at all (GC610), so transport is then the only protection.
    The path is only as strong as cinder's half.

    Medium: cinder's own GC801 and GC802 already report the weakness at
    its own severity; this finding adds that nova's hardened transport
    is moot for volume-backed servers. Not reported when nova itself
    uses plain HTTP or skips verification (GC101, GC102: there is
    nothing for cinder to weaken), nor when nova's endpoints come from
    the catalog (their scheme is not in the file).

    Fix: name ``https://`` servers in cinder's ``glance_api_servers``
    and keep ``glance_api_insecure = False``.
    """

    id = 'GC611'
    services = services.SERVICES
    severity = Severity.MEDIUM
    cwe = CLEARTEXT_TRANSMISSION
    title = ('Image trust path: nova reaches the Image API over verified '
             'TLS, cinder over plain HTTP or unverified TLS')
    references = (refs.SC_8, refs.SC_13)
    remediation = ('Use https:// URLs in cinder [DEFAULT] glance_api_servers '
                   'and keep glance_api_insecure = False.')

    #: What each weakness of cinder's is called in the finding.
    WEAK = {'http': 'reaches the Image API over plain HTTP '
                    '(glance_api_servers without https)',
            'insecure': 'does not verify the Image API certificate '
                        '(glance_api_insecure = True)'}

    def __init__(self) -> None:
        self.nova = _Side()
        self.cinder = {kind: _Side() for kind in self.WEAK}

    def observe(self, conf: AuditedConf) -> None:
        if conf.service == services.NOVA:
            where = _nova_tls(conf)
            if where is not None:
                self.nova.add(*where)
        elif conf.service == services.CINDER:
            if any(cinder_checks.plain_http(s)
                   for s in cinder_checks.servers(conf)):
                path, line = conf.where('glance_api_servers', 'DEFAULT')
                self.cinder['http'].add(path or _path(conf), line)
            if conf.value('glance_api_insecure', 'DEFAULT') is True:
                path, line = conf.where('glance_api_insecure', 'DEFAULT')
                self.cinder['insecure'].add(path or _path(conf), line)

    def finish(self) -> Iterator[Finding]:
        if not self.nova.count:
            return
        for kind, side in self.cinder.items():
            if not side.count:
                continue
            path, line = side.named[0]
            option = 'DEFAULT.glance_api_servers' if kind == 'http' \
                else 'DEFAULT.glance_api_insecure'
            yield self.finding(option, (
                'nova reaches the Image API over verified https (%s), but '
                'cinder (%s) %s: whoever is on that path can write other '
                'image bytes into a volume, and boot-from-volume boots it.'
                % (self.nova, side, self.WEAK[kind])),
                file=path, line=line, key=kind, blamed=[side.blamed])


Trust = tuple[str, str, int | None]


def _nova_trusts(conf: AuditedConf) -> Iterator[Trust]:
    """How a nova file trusts image locations: ``(how, file, line)``.

    ``[glance] enable_rbd_download``: ``_try_special_handlers``
    (``nova/image/glance.py``) reads the image's locations and
    ``rbd_download`` exports the RBD image an ``rbd://`` location
    names, from the pool the URL names, with nova's Ceph client.
    ``[libvirt] images_type = rbd`` under the libvirt driver:
    ``imagebackend.Rbd.clone`` (``nova/virt/libvirt/imagebackend.py``)
    clones the first location ``is_cloneable`` in the same Ceph cluster,
    without downloading or verifying (GC206).
    """
    if conf.value('enable_rbd_download') is True:
        path, line = conf.where('enable_rbd_download')
        yield 'nova-rbd-download', path or _path(conf), line
    driver = conf.raw('DEFAULT', 'compute_driver')
    if driver is not None and _plain(driver) not in LIBVIRT_DRIVERS:
        return
    hit = conf.raw('libvirt', 'images_type')
    if hit is not None and _plain(hit) == 'rbd':
        yield 'nova-rbd-clone', hit.path, hit.line


#: The name of cinder's RBD driver, as ``volume_driver`` gives it.
CINDER_RBD_DRIVER = 'cinder.volume.drivers.rbd.RBDDriver'


def _cinder_trusts(conf: AuditedConf) -> Iterator[Trust]:
    """How a cinder file trusts image locations: ``(how, file, line)``.

    ``cinder/volume/flows/manager/create_volume.py``
    ``_create_from_image`` first asks the driver's ``clone_image``: the
    RBD driver (``cinder/volume/drivers/rbd.py`` ``clone_image`` and
    ``_is_cloneable``) clones any raw image's location in its own Ceph
    cluster that it can open. With ``cinder`` in
    ``allowed_direct_url_schemes`` it then clones the cinder volume a
    ``cinder://`` location names (``_clone_image_volume``); with
    ``file``, ``cinder/image/glance.py`` ``download`` copies the local
    file a ``file://`` location names. None of these goes through the
    image's data in glance, nor a signature check. The backends counted
    are those of ``[DEFAULT] enabled_backends`` (or ``[DEFAULT]``
    itself without it).
    """
    schemes = conf.value('allowed_direct_url_schemes', 'DEFAULT')
    if isinstance(schemes, list):
        hit = conf.raw('DEFAULT', 'allowed_direct_url_schemes')
        for scheme in ('cinder', 'file'):
            if scheme in schemes and hit is not None:
                yield 'cinder-%s-scheme' % scheme, hit.path, hit.line
    backends = conf.raw('DEFAULT', 'enabled_backends')
    sections = [b.strip() for b in _plain(backends).split(',')
                if b.strip()] if backends is not None else ['DEFAULT']
    for section in sections:
        driver = conf.raw(section, 'volume_driver')
        if driver is not None and _plain(driver) == CINDER_RBD_DRIVER:
            yield 'cinder-rbd-clone', driver.path, driver.line
            return


class LocationsTrustedByConsumers(base.FleetCheck):
    """glance-api exposes image locations that nova or cinder then use.

    glance-api hands out locations with ``show_multiple_locations``
    (every location, and image owners may add and replace them:
    OSSN-0065, GC851) or ``show_image_direct_url`` with a copy-on-write
    RBD store (the pool, image and snapshot: OSSN-0090, GC852). The
    consumers act on what a location names, without reading the image's
    data through glance:

    * nova, ``[glance] enable_rbd_download``: exports the RBD image a
      location names (``nova/image/glance.py`` ``_try_special_handlers``
      and ``rbd_download``); the signature is still verified when nova
      verifies;
    * nova, ``[libvirt] images_type = rbd``: clones it in Ceph
      (``nova/virt/libvirt/imagebackend.py`` ``Rbd.clone``), never
      verified (GC206);
    * cinder, an RBD backend: ``clone_image`` (``cinder/volume/drivers/
      rbd.py``, called first by ``create_volume.py``
      ``_create_from_image``) clones it, never verified;
    * cinder, ``allowed_direct_url_schemes`` with ``cinder`` or
      ``file``: clones the volume a ``cinder://`` location names, or
      copies the ``file://`` path from its own disk (GC808).

    High with ``show_multiple_locations``: a user who edits a location
    chooses what those consumers clone or copy. Medium with
    ``direct_url`` on RBD alone: users cannot edit it, but OSSN-0090's
    copy-on-write exposure reaches every consumer that clones. Nothing
    when glance-api exposes no location, or no consumer in the group
    uses one (the exposure alone is GC851/GC852).

    Fix: give nova and cinder an internal glance-api that shows
    locations (or the location API of Image API 2.17) and keep them off
    the glance-api users reach.
    """

    id = 'GC612'
    services = services.SERVICES
    severity = Severity.MEDIUM
    cwe = WRONG_SPHERE
    title = ('Image trust path: glance-api exposes image locations that '
             'nova or cinder clone or read directly')
    references = (refs.OSSN_0065, refs.OSSN_0090, refs.AC_6)
    remediation = ('Show image locations only on an internal glance-api for '
                   'nova and cinder (or use the Image API 2.17 location '
                   'calls); keep show_multiple_locations and '
                   'show_image_direct_url off where users reach glance-api.')

    #: What each consumer does with a location, in the finding.
    TRUST = {'nova-rbd-download': 'nova exports the RBD image it names',
             'nova-rbd-clone': 'nova clones it in Ceph unverified',
             'cinder-rbd-clone': 'cinder\'s RBD backend clones it '
                                 'unverified',
             'cinder-cinder-scheme': 'cinder clones the volume a '
                                     'cinder:// location names',
             'cinder-file-scheme': 'cinder copies the file a file:// '
                                   'location names from its own disk'}
    EXPOSED = {'show_multiple_locations': 'shows every image location and '
                                          'lets image owners edit them',
               'show_image_direct_url': 'shows each image\'s direct_url '
                                        'in a copy-on-write RBD store'}

    def __init__(self) -> None:
        self.glance = {option: _Side() for option in self.EXPOSED}
        self.consumers = {trust: _Side() for trust in self.TRUST}

    def observe(self, conf: AuditedConf) -> None:
        if conf.service == services.GLANCE_API:
            for option in self.EXPOSED:
                if conf.value(option, 'DEFAULT') is not True:
                    continue
                if option == 'show_image_direct_url' and \
                        not glance_checks.cow_stores(conf):
                    continue
                path, line = conf.where(option, 'DEFAULT')
                self.glance[option].add(path or _path(conf), line)
        else:
            trusts = _nova_trusts(conf) if conf.service == services.NOVA \
                else _cinder_trusts(conf)
            for trust, path, line in trusts:
                self.consumers[trust].add(path, line)

    def finish(self) -> Iterator[Finding]:
        used = ['%s (%s)' % (self.TRUST[trust], side)
                for trust, side in self.consumers.items() if side.count]
        if not used:
            return
        for option, side in self.glance.items():
            if not side.count:
                continue
            path, line = side.named[0]
            found = self.finding('DEFAULT.%s' % option, (
                'glance-api %s (%s in %s), and the consumers act on what a '
                'location names without reading the image through glance: '
                '%s.' % (self.EXPOSED[option], option, side,
                         '; '.join(used))),
                file=path, line=line, key=option, blamed=[side.blamed])
            if option == 'show_multiple_locations':
                found = dataclasses.replace(found, severity=Severity.HIGH)
            yield found

