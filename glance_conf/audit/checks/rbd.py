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
from glance_conf.audit import compliance as refs
from glance_conf.audit.cwe import IMPROPER_INITIALIZATION
from glance_conf.audit.cwe import IMPROPER_INTERACTION_BETWEEN_ENTITIES
from glance_conf.audit.cwe import INSECURE_DEFAULT
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import INVALID
from glance_conf.audit.target import AuditedConf


def _rbd_on(conf: AuditedConf) -> bool:
    return conf.value('enable_rbd_download') is True


class RbdIdentityMissing(base.Check):
    """RBD download is on without ``rbd_user`` or ``rbd_pool``.

    Without an explicit client name, Ceph falls back to its default client
    (often ``client.admin``, with rights over the whole cluster); without
    a pool, downloads fail at the first image.

    Fix: create a read-only Ceph client for the images pool and set both
    ``rbd_user`` and ``rbd_pool``.
    """

    id = 'GC401'
    severity = Severity.MEDIUM
    cwe = INSECURE_DEFAULT
    title = 'RBD download enabled without rbd_user or rbd_pool'
    references = (refs.OSSN_0090, refs.AC_6, refs.CM_6)
    remediation = ('Set [glance] rbd_user to a read-only Ceph client and '
                   'rbd_pool to the images pool.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if not _rbd_on(conf):
            return
        for name in ('rbd_user', 'rbd_pool'):
            if conf.value(name) == '':
                yield self.finding(name, 'RBD download is on but %s is '
                                   'empty.' % name)


class CephConfUnusable(base.Check):
    """``rbd_ceph_conf`` names a file that is missing or unreadable.

    The RBD download then fails at the first image, or Ceph silently
    picks up another configuration from its search path. The path is
    looked up on the service's host (or under ``--root``) and judged
    readable as the service account would find it. Not run offline.

    Fix: correct the path, or make the file readable by the service user.
    """

    id = 'GC402'
    severity = Severity.MEDIUM
    cwe = IMPROPER_INITIALIZATION
    title = 'rbd_ceph_conf missing or unreadable'
    references = (refs.CM_6,)
    remediation = ('Point [glance] rbd_ceph_conf at a readable Ceph '
                   'configuration file.')
    needs_host = True

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        value = conf.value('rbd_ceph_conf')
        if not value or value is INVALID:
            return
        problem = self.host.problem_reading(value)
        if problem:
            yield self.finding('rbd_ceph_conf', 'rbd_ceph_conf %s %s.'
                               % (redact.redact_url(value), problem))


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
