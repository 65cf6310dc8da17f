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

"""Load configs the way a service would, run the checks, keep the results.

Two modes. *Service*: one service's ``--config-file``/``--config-dir``
arguments, layered by oslo.config exactly as the service layers them.
*Fleet*: many files, each one host's complete config, audited one by one
and then compared.

The checks that look at the host's files run in service mode, and in
fleet mode only with a host (``--root``); offline, the result lists them
in ``not_checked``, so a report never passes them in silence.

Memory stays flat whatever the number of files: one ``ConfigOpts`` is
reused, findings go to a spool (a temporary file once it grows), and the
fleet checks keep bounded tallies.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any

from oslo_config import cfg

from glance_conf import _files
from glance_conf import definitions
from glance_conf import glance
from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit import baseline as baseline_mod
from glance_conf.audit import bundle as bundle_mod
from glance_conf.audit import engine
from glance_conf.audit import manager
from glance_conf.audit import services
from glance_conf.audit import source
from glance_conf.audit import waivers as waivers_mod
from glance_conf.audit.exception import LoadError
from glance_conf.audit.exception import Unresolved
from glance_conf.audit.finding import Finding
from glance_conf.audit.result import PostureRow
from glance_conf.audit.result import Result
from glance_conf.audit.result import posture_records
from glance_conf.audit.result import utf8_safe
from glance_conf.audit.target import AuditedConf

Progress = Callable[[int, int], None]

def _posture_line(target: AuditedConf, option: str) -> int:
    if option == 'glance.endpoint_override':
        # nova picks api_servers first, as GC601 reads the scheme.
        line = target.where('api_servers')[1]
        if line:
            return line
    group, _, name = option.partition('.')
    return target.where(name, group)[1] or 0


def posture_row(target: AuditedConf, host: str, group: str) -> PostureRow:
    """``target``'s posture; the values are interned, as most hosts
    share them, so a row costs little more than its host name."""
    # Imported here (and below): the fleet checks import compliance,
    # which imports this module.
    from glance_conf.audit.checks import fleet as fleet_mod
    values = tuple(None if v is None else sys.intern(v)
                   for v in (p.read(target) for p in fleet_mod.POSTURE))
    return PostureRow(utf8_safe(host), sys.intern(utf8_safe(group)),
                      utf8_safe(target.files[0].path), values,
                      tuple(_posture_line(target, p.option)
                            for p in fleet_mod.POSTURE))


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


@contextlib.contextmanager
def quiet_oslo_logging() -> Iterator[None]:
    """Keep oslo.config's deprecation warnings out of the report streams
    while the audit re-reads a service's files: the audit reports
    deprecated names itself (GC304)."""
    logger = logging.getLogger('oslo_config')
    saved = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(saved)


def _new_conf(defaults: str = definitions.NOVA,
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


class _Confs:
    """One reused ``ConfigOpts`` per service, made when first needed:
    a fleet may mix the services' files."""

    def __init__(self, defaults: str) -> None:
        self.defaults = defaults
        self._made: dict[str, cfg.ConfigOpts] = {}

    def __call__(self, service: str) -> cfg.ConfigOpts:
        if service not in self._made:
            self._made[service] = _new_conf(self.defaults, service)
        return self._made[service]


def _serve(result: Result, service: str,
           checks: Sequence[manager.CheckClass]) -> None:
    """Record that a file of ``result`` configures ``service``: the
    checks listed as run are those of the services seen."""
    if service in result.services_seen:
        return  # seen before: in fleet mode, once per service, not per file
    seen = result.services_seen | {service}
    result.service = next(iter(seen)) if len(seen) == 1 else services.MIXED
    result.checks = [c for c in checks if seen.intersection(c.services)]


def _parse(conf: cfg.ConfigOpts, args: Sequence[str],
           default_files: Sequence[str] = (),
           default_dirs: Sequence[str] = ()) -> None:
    # The environment of the auditor is not the service's: read files only.
    conf(list(args), project='nova', prog='glance-conf-audit',
         default_config_files=list(default_files),
         default_config_dirs=list(default_dirs), use_env=False)


def _oslo_reason(exc: BaseException) -> str:
    # oslo.config's parse errors quote the offending line, which may hold
    # a secret: name the kind of problem only.
    if isinstance(exc, cfg.ConfigFilesNotFoundError):
        return 'no such file'
    if isinstance(exc, cfg.ConfigFilesPermissionDeniedError):
        return 'permission denied'
    if isinstance(exc, cfg.ConfigDirNotFoundError):
        return 'no such directory'
    return 'oslo.config cannot parse it (%s)' % type(exc).__name__


def _offline(result: Result, host: _files.Host | None) -> None:
    if host is None:
        result.not_checked = [c.id for c in engine.host_checks(
            result.checks)]


def _audit_one(target: AuditedConf, checks: Iterable[manager.CheckClass],
               result: Result, fleet: Sequence[base.FleetCheck] = (),
               host: _files.Host | None = None,
               name: str | None = None,
               observers: Sequence[engine.Observer] = ()) -> bool:
    """Audit one config through the engine; keep what it found.

    A value no service could read is a load problem of this config: none
    of its findings or fleet tallies are kept, and no observer sees it.

    :param name: the host's name, in fleet mode, for the fingerprints.
    """
    try:
        found_here = engine.check_config(target, checks, host, observers)
    except LoadError as exc:
        result.problem(exc.path, exc.reason)
        return False
    if result.waivers is not None:
        result.waivers.audited(result.mode, name, target.files[-1].path
                               if target.files else None)
    for found in found_here:
        result.add(dataclasses.replace(found, host=name))
    for fleet_check in fleet:
        if target.service in fleet_check.services:
            fleet_check.observe(target)
    return True


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
    _offline(result, host)
    args = [part for pair in config_args for part in pair]
    paths: list[str] = []
    # nova's own config locations, used when no flag names any.
    located: tuple[list[str], list[str]] = ([], [])
    try:
        if config_args:
            for flag, path in config_args:
                paths += [path] if flag == '--config-file' else \
                    source.dir_files(path)
        else:
            project = services.profile(service or services.NOVA).project
            located = (cfg.find_config_files(project=project),
                       cfg.find_config_dirs(project=project))
            paths = list(located[0])
            for directory in located[1]:
                paths += source.dir_files(directory)
            if not paths:
                result.problem('(default locations)', 'no config file given, '
                               'and none found where %s looks for one'
                               % (service or services.NOVA))
                return result
        files = [source.read_file(path) for path in paths]
    except LoadError as exc:
        result.problem(exc.path, exc.reason)
        return result
    service = service or services.recognise(paths, files)
    _serve(result, service, checks)
    _offline(result, host)
    conf = _new_conf(result.defaults, service)
    try:
        _parse(conf, args, *located)
    except (cfg.Error, ValueError, OSError) as exc:
        result.problem(paths[-1] if paths else '?', _oslo_reason(exc))
        return result
    if _audit_one(AuditedConf(conf, files, service), checks, result,
                  host=host, observers=observers):
        result.files = len(files)
        result.paths.extend(utf8_safe(f.path) for f in files)
        result.note_service(service, result.paths)
    return result


def _keep_posture(result: Result, target: AuditedConf, host: str,
                  group: str) -> None:
    if target.service != services.NOVA:
        return  # the posture is nova's [glance] settings
    try:
        row: PostureRow | None = posture_row(target, host, group)
    except LoadError:  # a $ loop the checks skipped: no row, no value
        row = None
    result.keep_posture(row)


def _in_group(found: Finding, group: str) -> Finding:
    """A fleet finding scoped to its group of hosts: the group is named
    in the message and is part of the finding's identity."""
    key = '%s\x1f%s' % (group, found.key or '')
    return dataclasses.replace(found, key=key, message='In group %s: %s'
                               % (group, found.message))


def audit_fleet(paths: Sequence[str], checks: Sequence[manager.CheckClass],
                progress: Progress | None = None,
                host: _files.Host | None = None,
                defaults: str = definitions.NOVA,
                group_of: Callable[[str], tuple[str, ...]] | None = None,
                waivers: waivers_mod.Waivers | None = None,
                service: str | None = None,
                observers: Sequence[engine.Observer] = ()) -> Result:
    """Audit each file as one host's complete config, then compare them.

    :param host: where the paths named in the files are found (a
        ``--root``); ``None``, the default, judges the text only: the
        files are copies, not the hosts.
    :param defaults: judge unset options by ``nova`` 34's defaults or by
        ``glance-conf``'s.
    :param group_of: the groups of a file's path, when hosts are to be
        compared only within their groups (a host in many is compared in
        each). Each group keeps its own fleet checks, so the caller
        bounds the number of groups.
    :param waivers: findings these cover are kept as suppressed.
    :param service: the service every file configures; ``None``: each
        file's is recognised (:func:`services.recognise`).
    :param observers: see each config audited (:class:`engine.Observer`).
    """
    result = Result('fleet', list(checks), defaults, waivers=waivers)
    _serve(result, service or services.NOVA, checks)
    _offline(result, host)
    fleet_classes = [c for c in checks if issubclass(c, base.FleetCheck)]
    groups: dict[str, list[base.FleetCheck]] = {}
    confs = _Confs(result.defaults)
    total = len(paths)
    for done, path in enumerate(paths, 1):
        try:
            raw = source.read_file(path)
            here = service or services.recognise([path], [raw])
            conf = confs(here)
            _parse(conf, ['--config-file', path])
        except LoadError as exc:
            result.problem(exc.path, exc.reason)
        except (cfg.Error, ValueError, OSError) as exc:
            result.problem(path, _oslo_reason(exc))
        else:
            host_groups = group_of(path) if group_of else ('',)
            fleet = [check for group in host_groups
                     for check in _fleet_of(groups, group, fleet_classes)]
            target = AuditedConf(conf, [raw], here)
            if _audit_one(target, checks, result, fleet,
                          host, baseline_mod.host_of(path), observers):
                result.files += 1
                result.paths.append(utf8_safe(path))
                result.hosts.append(baseline_mod.host_of(path))
                if group_of is not None and here != services.NOVA:
                    # nova's hosts have their groups in the posture rows.
                    result.host_groups[baseline_mod.host_of(path)] = \
                        tuple(sys.intern(utf8_safe(g)) for g in host_groups)
                _serve(result, here, checks)
                result.note_service(here, [utf8_safe(path)])
                for group in host_groups:
                    _keep_posture(result, target,
                                  baseline_mod.host_of(path), group)
        if progress is not None:
            progress(done, total)
    _offline(result, host)
    _compare(result, groups, group_of is not None, result.files)
    return result


def _fleet_of(groups: dict[str, list[base.FleetCheck]], group: str,
              fleet_classes: Sequence[type[base.FleetCheck]]
              ) -> list[base.FleetCheck]:
    """The fleet checks of ``group``, made at its first host."""
    fleet = groups.get(group)
    if fleet is None:
        fleet = groups[group] = [c() for c in fleet_classes]
    return fleet


def _compare(result: Result, groups: dict[str, list[base.FleetCheck]],
             grouped: bool, hosts: int) -> None:
    """The fleet checks' findings, once every host was seen."""
    result.groups = [utf8_safe(g) for g in sorted(groups)] if grouped \
        else []
    if hosts > 1:
        for group in sorted(groups):
            for fleet_check in groups[group]:
                for found in fleet_check.finish():
                    result.add(_in_group(found, group) if grouped else found)


#: A bundle the audit tripped on (a bug, not the bundle's shape).
UNEXPECTED = ('cannot be audited: an unexpected error (%s) while auditing '
              'it; please report it')


def audit_bundles(paths: Sequence[str],
                  checks: Sequence[manager.CheckClass],
                  progress: Progress | None = None,
                  defaults: str = definitions.NOVA,
                  group_of: Callable[[str], tuple[str, ...]] | None = None,
                  waivers: waivers_mod.Waivers | None = None,
                  service: str | None = None,
                  observers: Sequence[engine.Observer] = ()) -> Result:
    """Audit each bundle as one host, with its host checks, then compare.

    Each bundle's files are layered as the host's service layers them,
    and the host checks judge the facts the bundle recorded
    (:class:`~glance_conf.audit.bundle.RecordedHost`). A config file is
    named ``host:path`` in findings and errors; its masked text is
    written to a temporary directory for oslo.config to parse, removed
    whatever happens.

    A bundle that cannot be read, or that the audit trips on whatever
    the reason, is that bundle's error (in :attr:`Result.problems`,
    naming the bundle file); every other host is still audited.

    :param paths: the bundle files, one per host.
    :param group_of: the groups of a host, by its name; by default, the
        group each bundle names (none: hosts are compared all together).
    :param service: the service every bundle's files configure; ``None``:
        recognised per bundle (:func:`services.recognise`).
    :param observers: see each config audited (:class:`engine.Observer`).
    """
    from glance_conf.audit.checks import fleet as fleet_mod  # see above
    result = Result('fleet', list(checks), defaults, waivers=waivers,
                    bundles=True)
    _serve(result, service or services.NOVA, checks)
    fleet_classes = [c for c in checks if issubclass(c, base.FleetCheck)]
    groups: dict[str, list[base.FleetCheck]] = {}
    confs = _Confs(result.defaults)
    #: ``(host, service)`` of each bundle audited: a host has one bundle
    #: per service it runs.
    seen: set[tuple[str, str]] = set()
    grouped = group_of is not None
    with tempfile.TemporaryDirectory(prefix='glance-conf-bundles-') as tmp:
        for done, path in enumerate(paths, 1):
            try:
                found = bundle_mod.load(path)
                grouped = found.group is not None or grouped
                host_groups = group_of(found.host) if group_of else \
                    (found.group or fleet_mod.UNGROUPED,)
                _audit_bundle(found, checks, result, confs, tmp, seen,
                              groups, host_groups, fleet_classes, service,
                              observers)
            except LoadError as exc:
                result.problem(exc.path, exc.reason)
            except Exception as exc:
                # A bundle is written by its host, which may be hostile:
                # whatever it makes the audit trip on is its own error,
                # and every other host is still audited and reported.
                # The type only: a message may quote the bundle.
                result.problem(path, UNEXPECTED % type(exc).__name__)
            if progress is not None:
                progress(done, len(paths))
    if not grouped:
        # No bundle named a group: one fleet, as with plain files.
        groups = {'': groups.get(fleet_mod.UNGROUPED, [])}
        ungrouped = posture_records(row._replace(group='')
                                    for row in result.posture)
        result.posture.close()
        result.posture = ungrouped
        result.host_groups.clear()
    _compare(result, groups, grouped, len(seen))
    return result


def _audit_bundle(found: bundle_mod.Bundle,
                  checks: Sequence[manager.CheckClass], result: Result,
                  confs: _Confs, tmp: str, seen: set[tuple[str, str]],
                  groups: dict[str, list[base.FleetCheck]],
                  host_groups: tuple[str, ...],
                  fleet_classes: Sequence[type[base.FleetCheck]],
                  service: str | None = None,
                  observers: Sequence[engine.Observer] = ()) -> bool:
    """Audit one host's bundle; whether it was audited."""
    from glance_conf.audit.checks import fleet as fleet_mod  # see above
    host = found.host
    if service is not None and found.service not in (None, service):
        result.problem(found.file, 'the bundle is of %s, not of %s '
                       '(--service)' % (found.service, service))
        return False
    # A file or a config dir the host could not read: part of its
    # config is missing, so the host is not audited.
    unread = [(c.path, c.error) for c in found.config
              if c.error is not None] + list(found.dir_errors)
    for path, error in unread:
        result.problem(bundle_mod.label(host, path),
                       'on the host: %s' % redact.printable(error or '',
                                                            200))
    if unread:
        return False
    if not found.config:
        result.problem(found.file, 'host %s: no config file in the bundle'
                       % host)
        return False
    if len(set(groups) | set(host_groups)) > fleet_mod.MAX_GROUPS:
        result.problem(found.file, 'more than %d drift groups; a group '
                       'is a set of hosts that should match'
                       % fleet_mod.MAX_GROUPS)
        return False
    fleet = [check for group in host_groups
             for check in _fleet_of(groups, group, fleet_classes)]
    labels = [bundle_mod.label(host, c.path) for c in found.config]
    args = []
    try:
        raws = [source.parse_text(name, c.text or '')
                for name, c in zip(labels, found.config, strict=True)]
        service = service or found.service or services.recognise(
            [c.path for c in found.config], raws)
        if (host, service) in seen:
            result.problem(found.file, 'host %s has another bundle of %s '
                           'too; each host has one per service'
                           % (host, service))
            return False
        for i, config in enumerate(found.config):
            written = os.path.join(tmp, '%d.conf' % i)
            _overwrite(written, (config.text or '').encode('utf-8'))
            args += ['--config-file', written]
        _parse(confs(service), args)
    except LoadError as exc:
        result.problem(exc.path, exc.reason)
        return False
    except (cfg.Error, ValueError, OSError) as exc:
        result.problem(labels[-1], _oslo_reason(exc))
        return False
    facts = found.host_facts()
    target = AuditedConf(confs(service), raws, service)
    audited = _audit_one(target, checks, result, fleet, facts, host,
                         observers)
    if audited:
        seen.add((host, service))
        if service != services.NOVA:
            # nova's hosts have their groups in the posture rows.
            result.host_groups[host] = tuple(sys.intern(utf8_safe(g))
                                             for g in host_groups)
    for unknown in sorted(facts.unrecorded):
        result.problem(bundle_mod.label(host, redact.redact_url(unknown)),
                       bundle_mod.NOT_RECORDED)
    if audited:
        result.files += len(raws)
        names = [utf8_safe(name) for name in labels]
        result.paths.extend(names)
        result.hosts.extend([host] * len(labels))
        _serve(result, service, checks)
        result.note_service(service, names)
        for group in host_groups:
            _keep_posture(result, target, host, group)
    return audited


def _overwrite(path: str, data: bytes) -> None:
    """Write ``data`` over the file at ``path`` (created ``0600``).

    Over, then cut to length: emptying a file first, as ``open(path,
    'w')`` does, costs the file system a block freed and taken again,
    which made a fleet of bundles twice as slow.
    """
    handle = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
        os.ftruncate(handle, len(data))
    finally:
        os.close(handle)
