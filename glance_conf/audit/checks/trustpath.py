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

"""GC610: the image trust path across services, in fleet and bundles
mode: one service undoes another's protection."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit import references as refs
from glance_conf.audit import services
from glance_conf.audit.checks.integrity import _verifies
from glance_conf.audit.cwe import IMPROPER_SIGNATURE_VERIFICATION
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.services import cinder
from glance_conf.audit.target import AuditedConf

#: Files named in one finding; more are counted.
MAX_FILES_NAMED = 5


@dataclasses.dataclass
class _Side:
    """The files of one kind on one side of the path, bounded."""

    count: int = 0
    named: list[tuple[str, int | None]] = dataclasses.field(
        default_factory=list)

    def add(self, path: str, line: int | None) -> None:
        self.count += 1
        if len(self.named) < MAX_FILES_NAMED:
            self.named.append((path, line))

    def __str__(self) -> str:
        shown = [redact.printable('%s:%d' % (p, n) if n else p, 1024)
                 for p, n in self.named]
        more = self.count - len(self.named)
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
                                 key='cinder %s' % value)
            if value == cinder.DISABLED:
                found = dataclasses.replace(found, severity=Severity.HIGH)
            yield found

