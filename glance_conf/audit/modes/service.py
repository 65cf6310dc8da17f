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

"""Service mode: one service's config, layered as the service layers it.

The ``--config-file``/``--config-dir`` arguments, in order, are parsed by
oslo.config exactly as the service parses them; with none, the
service's own default locations. The host checks run against this
machine (or the host given) unless the run is offline.
"""

from __future__ import annotations

from collections.abc import Sequence

from oslo_config import cfg

from glance_conf import _files
from glance_conf import definitions
from glance_conf.audit import configure
from glance_conf.audit import engine
from glance_conf.audit import manager
from glance_conf.audit import services
from glance_conf.audit import source
from glance_conf.audit import waivers as waivers_mod
from glance_conf.audit.exception import LoadError
from glance_conf.audit.modes import common
from glance_conf.audit.result import Result
from glance_conf.audit.result import utf8_safe
from glance_conf.audit.target import AuditedConf

#: oslo.config's default locations: ``([file, ...], [directory, ...])``.
Located = tuple[list[str], list[str]]


def config_files(config_args: Sequence[tuple[str, str]],
                 service: str | None) -> tuple[list[str], Located]:
    """The files a service reads, in order, and oslo.config's default
    locations when no flag names any (empty when flags do).

    :raises LoadError: for a directory that cannot be listed, or when
        no flag names a file and none is found where the service looks.
    """
    paths: list[str] = []
    if config_args:
        for flag, path in config_args:
            paths += [path] if flag == '--config-file' else \
                source.dir_files(path)
        return paths, ([], [])
    project = services.profile(service or services.NOVA).project
    located = (cfg.find_config_files(project=project),
               cfg.find_config_dirs(project=project))
    paths = list(located[0])
    for directory in located[1]:
        paths += source.dir_files(directory)
    if not paths:
        raise LoadError('(default locations)', 'no config file given, and '
                        'none found where %s looks for one'
                        % (service or services.NOVA))
    return paths, located


def audit_service(config_args: Sequence[tuple[str, str]],
                  checks: Sequence[manager.CheckClass], *,
                  defaults: str = definitions.NOVA,
                  offline: bool = False,
                  host: _files.Host | None = None,
                  waivers: waivers_mod.Waivers | None = None,
                  service: str | None = None,
                  observers: Sequence[engine.Observer] = ()) -> Result:
    """Audit one service's config, given as ordered oslo.config flags.

    :param config_args: ``('--config-file', path)`` and
        ``('--config-dir', path)`` pairs, in command-line order. Empty means
        oslo.config's default locations for the service (nova's, unless
        ``service`` names another).
    :param defaults: judge unset options by ``nova`` 34's defaults or by
        ``glance-conf``'s (nova only: the other services' profiles carry
        their own defaults).
    :param service: the service the files configure; ``None``:
        recognised from them (:func:`services.recognise`).
    :param offline: judge the text only; the host checks are not run.
    :param host: the service's host; by default this machine, the
        service account being this process's.
    :param waivers: findings these cover are kept as suppressed.
    :param observers: see each config audited (:class:`engine.Observer`).
    """
    result = Result('service', list(checks), defaults, waivers=waivers)
    host = None if offline else host or _files.Host()
    common.offline(result, host)
    try:
        paths, located = config_files(config_args, service)
        files = [source.read_file(path) for path in paths]
    except LoadError as exc:
        result.problem(exc.path, exc.reason)
        return result
    service = service or services.recognise(paths, files)
    common.serve(result, service, checks)
    common.offline(result, host)
    conf = configure.new_conf(result.defaults, service)
    try:
        configure.parse(conf, [part for pair in config_args
                               for part in pair], *located)
    except configure.PARSE_ERRORS as exc:
        result.problem(paths[-1] if paths else '?',
                       configure.oslo_reason(exc))
        return result
    if common.audit_one(AuditedConf(conf, files, service), checks, result,
                        host=host, observers=observers):
        result.files = len(files)
        result.paths.extend(utf8_safe(f.path) for f in files)
        result.note_service(service, result.paths)
    return result
