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

"""GC4xx: direct image downloads from Ceph RBD."""

from __future__ import annotations

from collections.abc import Iterator

from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit import references as refs
from glance_conf.audit import source
from glance_conf.audit.cwe import IMPROPER_INITIALIZATION
from glance_conf.audit.cwe import IMPROPER_INTERACTION_BETWEEN_ENTITIES
from glance_conf.audit.cwe import INSECURE_DEFAULT
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import INVALID
from glance_conf.audit.target import AuditedConf


def _rbd_on(conf: AuditedConf) -> bool:
    return conf.value('enable_rbd_download') is True


def _libvirt(conf: AuditedConf, name: str) -> source.Hit | None:
    """``[libvirt] name`` when set to something, as nova's fallback reads
    it (``[libvirt]`` is nova's, never registered here)."""
    hit = conf.raw('libvirt', name)
    return hit if hit is not None and hit.value.strip() else None


class RbdIdentityMissing(base.Check):
    """RBD download is on and no Ceph client is named.

    nova builds the download's ``RBDDriver`` from ``[glance] rbd_user``,
    and ``RBDDriver.__init__`` takes ``user or CONF.libvirt.rbd_user``
    (nova 34, ``nova/storage/rbd_utils.py``); ``ceph_args`` passes
    ``--id`` only when that is set. With both empty, ``rbd export`` runs
    as Ceph's default client (often ``client.admin``, with rights over
    the whole cluster). ``[libvirt] rbd_user`` set is a named client, and
    no finding.

    ``rbd_pool`` is not asked for: ``GlanceImageServiceV2.rbd_download``
    (``nova/image/glance.py``) reads the pool from the image's location
    URL and passes it to ``export_image``, so neither ``[glance]
    rbd_pool`` nor its fallback ``[libvirt] images_rbd_pool`` is used by
    a download.

    Fix: create a read-only Ceph client for the images pool and name it
    in ``[glance] rbd_user``.
    """

    id = 'GC401'
    severity = Severity.MEDIUM
    cwe = INSECURE_DEFAULT
    title = 'RBD download enabled without a Ceph client name'
    references = (refs.OSSN_0090, refs.AC_6, refs.CM_6)
    remediation = 'Set [glance] rbd_user to a read-only Ceph client.'

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if not _rbd_on(conf) or conf.value('rbd_user') != '':
            return
        if _libvirt(conf, 'rbd_user') is None:
            yield self.finding('rbd_user', 'RBD download is on but neither '
                               '[glance] rbd_user nor [libvirt] rbd_user is '
                               'set: rbd export runs as Ceph\'s default '
                               'client.')


class CephConfUnusable(base.Check):
    """The Ceph configuration RBD downloads read is missing or unreadable.

    The RBD download then fails at the first image, or Ceph silently
    picks up another configuration from its search path. The path is
    ``[glance] rbd_ceph_conf``, else, when RBD download is on,
    ``[libvirt] images_rbd_ceph_conf``: ``RBDDriver.__init__`` takes
    ``ceph_conf or CONF.libvirt.images_rbd_ceph_conf`` (nova 34,
    ``nova/storage/rbd_utils.py``). With both empty, librados searches
    its default places, which are not judged; nor is a ``[libvirt]``
    value with a ``$`` reference. The path is looked up on
    the service's host (or under ``--root``) and judged readable as the
    service account would find it. Not run offline.

    Fix: correct the path, or make the file readable by the service user.
    """

    id = 'GC402'
    severity = Severity.MEDIUM
    cwe = IMPROPER_INITIALIZATION
    title = 'Ceph configuration of RBD downloads missing or unreadable'
    references = (refs.CM_6,)
    remediation = ('Point [glance] rbd_ceph_conf at a readable Ceph '
                   'configuration file.')
    needs_host = True

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        value = conf.value('rbd_ceph_conf')
        if value is INVALID:
            return
        if value:
            problem = self.host.problem_reading(value)
            if problem:
                yield self.finding('rbd_ceph_conf', 'rbd_ceph_conf %s %s.'
                                   % (redact.redact_url(value), problem))
            return
        hit = _libvirt(conf, 'images_rbd_ceph_conf') if _rbd_on(conf) \
            else None
        if hit is None or '$' in hit.value:
            return  # unset, or a $ reference nova resolves: not judged
        path = hit.value.strip()
        problem = self.host.problem_reading(path)
        if problem:
            yield self.finding(
                'libvirt.images_rbd_ceph_conf', '[glance] rbd_ceph_conf is '
                'unset, so RBD downloads read [libvirt] images_rbd_ceph_conf: '
                '%s %s.' % (redact.redact_url(path), problem),
                file=hit.path, line=hit.line)


class RbdDownloadOnRbdCompute(base.Check):
    """RBD download is on while the libvirt driver stores disks in RBD.

    When ``images_type = rbd`` in the libvirt section, the driver already
    clones images inside Ceph; downloading them through this path instead
    copies every image out of Ceph and back, wasting bandwidth and disk.

    Fix: turn ``enable_rbd_download`` off on computes whose libvirt
    ``images_type`` is ``rbd``.
    """

    id = 'GC403'
    severity = Severity.LOW
    cwe = IMPROPER_INTERACTION_BETWEEN_ENTITIES
    title = 'RBD download enabled while libvirt images_type = rbd'
    references = (refs.OSSN_0090, refs.CM_6)
    remediation = 'Set [glance] enable_rbd_download = False on this host.'

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if not _rbd_on(conf):
            return
        hit = conf.raw('libvirt', 'images_type')
        if hit and hit.value.strip().lower() == 'rbd':
            yield self.finding('enable_rbd_download', 'RBD download is on, '
                               'but libvirt already keeps instance disks in '
                               'RBD (%s line %d).' % (hit.path, hit.line))
