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

"""The audit's own config: the ``ConfigOpts`` a file is judged in.

What sets up a config to judge, for every run mode: the audit's
``ConfigOpts`` (local files only, never a ``config_source``), registered
with the service's profile (nova's ``[glance]`` with nova's or the
hardened defaults, or another service's own options), parsed from
files only, and oslo.config's errors turned into words that quote no
line. It judges nothing and knows no mode.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any

from oslo_config import cfg

from glance_conf import definitions
from glance_conf import glance
from glance_conf.audit import services
from glance_conf.audit.exception import Unresolved

#: nova's ``[DEFAULT]`` options that ``[glance]`` values commonly refer
#: to with ``$``. Registered without a default: set in a file, they
#: resolve as in nova; unset, nova's default depends on its host, and a
#: value that refers to them is reported as not judged (GC305).
NOVA_SUBSTITUTES = ('host', 'my_ip', 'my_block_storage_ip', 'state_path',
                    'pybasedir', 'bindir', 'tempdir')


class AuditConfigOpts(cfg.ConfigOpts):
    """The audit's own ``ConfigOpts``: it reads local files, nothing else.

    oslo.config follows ``[DEFAULT] config_source`` to "alternative
    sources" (the ``oslo.config.driver`` entry points, such as
    ``remote_file``, which does an HTTP GET). An audited file must never
    make the auditor fetch anything, so loading sources is switched off
    here; GC505 reports the setting instead.
    """

    def _load_alternative_sources(self) -> None:
        pass

    def _open_source_from_opt_group(self, group_name: str) -> Any:
        return None

    class StrSubWrapper(cfg.ConfigOpts.StrSubWrapper):
        def __getitem__(self, key: str) -> Any:
            value = super().__getitem__(key)
            if value == '' and key in NOVA_SUBSTITUTES \
                    and getattr(self.conf, key) is None:
                raise Unresolved('unresolved reference')
            return value


_QUIET_LOCK = threading.Lock()
#: Runs inside :func:`quiet_oslo_logging` now, and the level it found.
_quiet = {'runs': 0, 'saved': logging.NOTSET}


@contextlib.contextmanager
def quiet_oslo_logging() -> Iterator[None]:
    """Keep oslo.config's deprecation warnings out of the report streams
    while the audit re-reads a service's files: the audit reports
    deprecated names itself (GC304).

    Runs may overlap (a library caller's threads): the first in saves
    the logger's level and the last out puts it back, so overlapping
    runs never leave oslo.config silenced."""
    logger = logging.getLogger('oslo_config')
    with _QUIET_LOCK:
        if not _quiet['runs']:
            _quiet['saved'] = logger.level
            logger.setLevel(logging.CRITICAL + 1)
        _quiet['runs'] += 1
    try:
        yield
    finally:
        with _QUIET_LOCK:
            _quiet['runs'] -= 1
            if not _quiet['runs']:
                logger.setLevel(_quiet['saved'])


def new_conf(defaults: str = definitions.NOVA,
             service: str = services.NOVA) -> cfg.ConfigOpts:
    """The audit's ``ConfigOpts`` for ``service``: nova's ``[glance]``
    with ``defaults``, or another service's profile with its own."""
    conf = AuditConfigOpts()
    if service != services.NOVA:
        services.profile(service).register(conf)
        return conf
    conf.register_opts([cfg.StrOpt(name) for name in NOVA_SUBSTITUTES])
    glance.register_opts(conf)
    glance.use_defaults(conf, defaults)
    return conf


class Confs:
    """One reused ``ConfigOpts`` per service, made when first needed:
    a fleet may mix the services' files."""

    def __init__(self, defaults: str) -> None:
        self.defaults = defaults
        self._made: dict[str, cfg.ConfigOpts] = {}

    def __call__(self, service: str) -> cfg.ConfigOpts:
        if service not in self._made:
            self._made[service] = new_conf(self.defaults, service)
        return self._made[service]


#: What oslo.config raises for a file it cannot load: :func:`parse`'s
#: errors, each turned into words by :func:`oslo_reason`.
PARSE_ERRORS = (cfg.Error, ValueError, OSError)


def parse(conf: cfg.ConfigOpts, args: Sequence[str],
          default_files: Sequence[str] = (),
          default_dirs: Sequence[str] = ()) -> None:
    """Parse ``args`` (``--config-file``/``--config-dir`` words) into
    ``conf``; the defaults are used when no flag names a file."""
    # The environment of the auditor is not the service's: read files only.
    conf(list(args), project='nova', prog='glance-conf-audit',
         default_config_files=list(default_files),
         default_config_dirs=list(default_dirs), use_env=False)


def oslo_reason(exc: BaseException) -> str:
    """What is wrong with a file oslo.config refused, in a few words."""
    # oslo.config's parse errors quote the offending line, which may hold
    # a secret: name the kind of problem only.
    if isinstance(exc, cfg.ConfigFilesNotFoundError):
        return 'no such file'
    if isinstance(exc, cfg.ConfigFilesPermissionDeniedError):
        return 'permission denied'
    if isinstance(exc, cfg.ConfigDirNotFoundError):
        return 'no such directory'
    return 'oslo.config cannot parse it (%s)' % type(exc).__name__
