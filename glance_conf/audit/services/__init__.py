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


"""Service profiles: which service a config file configures, and the
options the audit reads for it.

nova is not the only consumer of the Image service: cinder creates
volumes from images with its own image client, and glance-api decides
what its consumers are handed. A profile is the set of options one
service really reads, with that service's types and defaults, declared
as data in one module per service (:mod:`.cinder`, :mod:`.glance_api`);
nova's profile is the drop-in's own ``[glance]`` group
(:func:`glance_conf.glance.register_opts`), as before.

Which service a file configures is ``--service``, or else
:func:`recognise`: the file's name first (``nova.conf``,
``cinder.conf``, ``glance-api.conf``), then the sections and keys only
one service reads. When that is unsure, it is nova.

This module judges nothing and registers nothing at import time.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from collections.abc import Sequence

from oslo_config import cfg

from glance_conf import glance
from glance_conf.audit import source
from glance_conf.audit.services import cinder
from glance_conf.audit.services import glance_api

NOVA = 'nova'
CINDER = cinder.NAME
GLANCE_API = glance_api.NAME
#: Every service the audit knows, in the order ``--service`` lists them.
SERVICES = (NOVA, CINDER, GLANCE_API)
#: A fleet run whose files configure more than one service.
MIXED = 'mixed'
#: The check IDs kept for each service other than nova: a check with an
#: ID in a range judges that service's files only (nova's are the rest).
ID_RANGES = {
    CINDER: range(800, 850),
    GLANCE_API: range(850, 900),
}


@dataclasses.dataclass(frozen=True)
class Profile:
    """What the audit knows of one service's configuration."""

    name: str
    #: The oslo.config project: where the service looks for its files
    #: when none is named (``/etc/<project>/<project>.conf``...).
    project: str
    #: File names that say the service (the file's base name).
    file_names: tuple[str, ...]
    #: ``(section, key)`` pairs only this service reads; a section alone
    #: is ``(section, '')``.
    markers: tuple[tuple[str, str], ...]
    #: The options judged: ``(group, Opt)``, with the service's types
    #: and defaults. Empty for nova, whose options are the drop-in's.
    opts: tuple[tuple[str, cfg.Opt], ...] = ()

    def register(self, conf: cfg.ConfigOpts) -> None:
        """Register this profile's options on ``conf`` (not nova's:
        the runner registers the drop-in with the chosen defaults)."""
        for group, opt in self.opts:
            conf.register_opt(opt, group=None if group == 'DEFAULT'
                              else group)

    def judged(self) -> list[tuple[str, str]]:
        """``(group, dest)`` of every option this profile judges."""
        if not self.opts:
            return [(glance.GROUP_NAME, opt.dest)
                    for opt in glance.listed_opts()]
        return [(group, opt.dest) for group, opt in self.opts]

    def option(self, group: str, name: str) -> cfg.Opt | None:
        """This profile's option ``[group] name``, if it judges one."""
        for opt_group, opt in self.opts:
            if opt_group == group and opt.dest == name:
                return opt
        return None


#: nova's markers: its own sections, and the ``[glance]`` keys only
#: nova reads there (cinder's ``[glance]`` holds keystoneauth options).
_NOVA_MARKERS = (('libvirt', ''), ('placement', ''), ('vnc', ''),
                 ('api_database', ''), ('compute', ''), ('scheduler', ''),
                 ('glance', 'api_servers'),
                 ('glance', 'verify_glance_signatures'),
                 ('glance', 'enable_rbd_download'))

PROFILES = {
    NOVA: Profile(NOVA, 'nova', ('nova.conf', 'nova-compute.conf',
                                 'nova-cpu.conf'), _NOVA_MARKERS),
    CINDER: Profile(CINDER, 'cinder', cinder.FILE_NAMES, cinder.MARKERS,
                    cinder.opts()),
    GLANCE_API: Profile(GLANCE_API, 'glance', glance_api.FILE_NAMES,
                        glance_api.MARKERS, glance_api.opts()),
}


def profile(name: str) -> Profile:
    """The profile of service ``name`` (one of :data:`SERVICES`)."""
    return PROFILES[name]


def _by_name(paths: Iterable[str]) -> set[str]:
    names = {os.path.basename(path) for path in paths}
    return {p.name for p in PROFILES.values()
            if names.intersection(p.file_names)}


def _by_content(files: Iterable[source.RawFile]) -> set[str]:
    found = set()
    for raw in files:
        for p in PROFILES.values():
            for section, key in p.markers:
                keys = raw.sections.get(source.section_name(section))
                if keys is not None and (not key or key in keys):
                    found.add(p.name)
                    break
    return found


def recognise(paths: Sequence[str],
              files: Sequence[source.RawFile] = ()) -> str:
    """The service that the files at ``paths`` configure.

    The files' names decide when they name one service only; else their
    sections and keys, when those of one service only are there;
    anything else (no sign, or signs of two services) is nova, which
    the audit judged before it knew other services.
    """
    for found in (_by_name(paths), _by_content(files)):
        if len(found) == 1:
            return found.pop()
        if found:
            return NOVA
    return NOVA
