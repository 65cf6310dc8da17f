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

"""A whole audit run as one record, and the one function that runs it.

``glance-conf-audit`` builds a :class:`Request` from its flags and hands
it to :func:`execute`, which loads what the request names (the checks,
the waivers, the baseline, the earlier report, the bundles), refuses a
request that contradicts itself
(:class:`~glance_conf.audit.exception.RequestError`, one line naming the
flag), runs its mode and returns the
:class:`~glance_conf.audit.result.Result`, its gate and its rendering
set. The caller writes the request's reports from that one result and
picks the exit code. A library caller does the same without argparse::

    from glance_conf.audit import request

    result = request.execute(request.Request(files=('compute-1.conf',
                                                    'compute-2.conf')))
    try:
        # A file that could not be audited fails too (the command line
        # exits 2): the gate judges only what was read.
        failed = bool(result.problem_count) or result.gate_fails
    finally:
        result.close()
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

from glance_conf import _files
from glance_conf import definitions
from glance_conf.audit import baseline as baseline_mod
from glance_conf.audit import bundle as bundle_mod
from glance_conf.audit import configure
from glance_conf.audit import engine
from glance_conf.audit import manager
from glance_conf.audit import projectconfig
from glance_conf.audit import services
from glance_conf.audit import waivers as waivers_mod
from glance_conf.audit.checks import fleet
from glance_conf.audit.exception import LoadError
from glance_conf.audit.exception import PluginLoadError
from glance_conf.audit.exception import RequestError
from glance_conf.audit.finding import Severity
from glance_conf.audit.modes.bundles import audit_bundles
from glance_conf.audit.modes.common import Progress
from glance_conf.audit.modes.fleet import audit_fleet
from glance_conf.audit.modes.service import audit_service
from glance_conf.audit.modes.service import config_files
from glance_conf.audit.report.text import shown
from glance_conf.audit.result import Rendering
from glance_conf.audit.result import Result

LOG = logging.getLogger(__name__)

#: Told each warning of a run, one line (without ``warning:``).
Warn = Callable[[str], object]

#: Said of a fleet whose files do not name their hosts apart.
SHARED_HOSTS = ('%d host name(s) shared by several files, such as %s: '
                'their findings share a host and fingerprints (baselines, '
                'SARIF alerts, metrics, waivers\' hosts); name each file '
                'after its host')


@dataclasses.dataclass(frozen=True)
class Request:
    """What one run needs: what is audited, how it is judged, what
    gates it, and which reports are written from it.

    The fields are named after the command line's flags (``--root``:
    :attr:`root`, FILE arguments: :attr:`files`). At most one of
    :attr:`files`, :attr:`config` and :attr:`bundles` is given; with
    none, the service's own config is found where it looks for it.
    """

    #: Fleet mode: each file one host's complete config.
    files: tuple[str, ...] = ()
    #: Service mode: ``('--config-file', path)`` and ``('--config-dir',
    #: path)`` pairs, in the order oslo.config layers them.
    config: tuple[tuple[str, str], ...] = ()
    #: Bundles mode: the directory of the hosts' bundles.
    bundles: str | None = None
    #: The IDs of the checks not to run.
    skip: tuple[str, ...] = ()
    #: The service the files configure; ``None``: recognised.
    service: str | None = None
    #: Judge unset options by nova 34's defaults or by glance-conf's.
    defaults: str = definitions.NOVA
    #: Fleet and bundles: the groups of a host, compared apart.
    grouping: fleet.Grouping | None = None
    #: Judge the text only, never this machine's files.
    offline: bool = False
    #: Where the paths the configs name are found (a container's root).
    root: str | None = None
    #: The service's account, a name known here or a number.
    service_user: str | None = None
    service_group: str | None = None
    #: A waiver file, a baseline report, an earlier report (``--previous``).
    waivers: str | None = None
    baseline: str | None = None
    previous: str | None = None
    #: The project config the request's settings came from, if any.
    project_config: projectconfig.Used | None = None
    #: The lowest severity that fails the gate; ``None``: never.
    fail_on: Severity | None = Severity.MEDIUM
    #: ``(format, output)`` of each report; ``None``: standard output.
    reports: tuple[tuple[str, str | None], ...] = (('text', None),)
    #: The text report lists the waived findings too.
    show_suppressed: bool = False
    rendering: Rendering = dataclasses.field(default_factory=Rendering)
    #: See each config audited (the ``--compliance`` evidence).
    observers: tuple[engine.Observer, ...] = ()

    @property
    def mode(self) -> str:
        """``'bundles'``, ``'fleet'`` or ``'service'``."""
        if self.bundles is not None:
            return 'bundles'
        return 'fleet' if self.files else 'service'


@dataclasses.dataclass
class _Loaded:
    """What :func:`execute` loaded for a request, before its run."""

    checks: list[manager.CheckClass]
    waivers: waivers_mod.Waivers | None = None
    bundles: list[str] = dataclasses.field(default_factory=list)
    host: _files.Host | None = None
    known: baseline_mod.Baseline | None = None
    previous: baseline_mod.Baseline | None = None


def execute(request: Request, *, progress: Progress | None = None,
            warn: Warn | None = None) -> Result:
    """Run ``request``: the caller writes its reports from the result,
    and closes it.

    :param progress: told ``(done, total)`` after each file of a fleet.
    :param warn: told each warning, one line; by default, logged.
    :raises RequestError: for a request that cannot be run as asked,
        before anything is audited.
    """
    loaded = _load(request, warn or LOG.warning)
    with configure.quiet_oslo_logging():
        result = _run(request, loaded, progress)
    result.show_suppressed = request.show_suppressed
    result.rendering = request.rendering
    result.previous = loaded.previous
    result.project_config = request.project_config
    try:
        if loaded.known is not None:
            result.use_baseline(loaded.known)
        result.fail_on = request.fail_on
    except BaseException:
        result.close()
        raise
    return result


def _run(request: Request, loaded: _Loaded,
         progress: Progress | None) -> Result:
    """The request's mode, over what was loaded for it."""
    observers = list(request.observers)
    if loaded.bundles:
        return audit_bundles(loaded.bundles, loaded.checks, progress,
                             defaults=request.defaults,
                             group_of=request.grouping,
                             waivers=loaded.waivers,
                             service=request.service, observers=observers)
    if request.files:
        return audit_fleet(list(request.files), loaded.checks, progress,
                           loaded.host, defaults=request.defaults,
                           group_of=request.grouping,
                           waivers=loaded.waivers, service=request.service,
                           observers=observers)
    return audit_service(list(request.config), loaded.checks,
                         defaults=request.defaults,
                         offline=loaded.host is None, host=loaded.host,
                         waivers=loaded.waivers, service=request.service,
                         observers=observers)


def _load(request: Request, warn: Warn) -> _Loaded:
    """Everything the run needs, in the order the command line has
    always refused a request in: the first problem is the one told."""
    _refuse_malformed(request)
    loaded = _Loaded([], waivers=_waivers(request))
    loaded.checks = _checks(request)
    if request.bundles is not None:
        loaded.bundles = _bundle_files(request)
    _refuse_contradictions(request)
    try:
        loaded.host = host_of(request)
    except ValueError as exc:
        raise RequestError(str(exc)) from None
    _refuse_grouping(request, loaded.bundles)
    clash = overwrites(request.reports, inputs(
        request, request.previous, *loaded.bundles,
        request.project_config.path if request.project_config else None))
    if clash is not None:
        raise RequestError('--output %s is a file this run reads'
                           % shown(clash))
    loaded.known = _earlier('--baseline', request.baseline)
    loaded.previous = _earlier('--previous', request.previous)
    shared = baseline_mod.shared_hosts(request.files) \
        if _hosts_matter(request, loaded.waivers) else []
    if shared:
        warn(SHARED_HOSTS % (len(shared), shown(shared[0])))
    return loaded


def _hosts_matter(request: Request,
                  waivers: waivers_mod.Waivers | None) -> bool:
    """Whether a fleet's host names enter what the run decides or
    writes beyond the text report: fingerprints (``--baseline``,
    ``--previous``, SARIF, JSON), waivers scoped by ``hosts``, metrics'
    and the HTML page's hosts. ``fleet/*/nova.conf`` makes every host
    ``nova``; a text-only run (the pre-commit hook's) names files."""
    scoped = waivers is not None and any(w.hosts for w in waivers.entries)
    return bool(request.baseline or request.previous or scoped) \
        or any(fmt != 'text' for fmt, _ in request.reports)


def _refuse_malformed(request: Request) -> None:
    """What the command line's parser rules out, for a library caller
    who builds a :class:`Request` by hand: a field of the wrong shape is
    refused by name, before anything is read."""
    for name in ('files', 'config', 'skip', 'reports', 'observers'):
        if isinstance(getattr(request, name), (str, bytes)):
            raise RequestError('Request.%s: a sequence, not one string'
                               % name)
    if request.service is not None and \
            request.service not in services.SERVICES:
        raise RequestError('Request.service: one of %s, or None to '
                           'recognise it' % ', '.join(services.SERVICES))
    if request.defaults not in definitions.SEMANTICS:
        raise RequestError('Request.defaults: one of %s'
                           % ', '.join(definitions.SEMANTICS))
    if request.fail_on is not None and \
            not isinstance(request.fail_on, Severity):
        raise RequestError('Request.fail_on: a Severity, or None for '
                           'never')


def _waivers(request: Request) -> waivers_mod.Waivers | None:
    if not request.waivers:
        return None
    try:
        return waivers_mod.load(request.waivers)
    except LoadError as exc:
        raise RequestError('waivers %s: %s' % (shown(exc.path),
                                               exc.reason)) from None


def _checks(request: Request) -> list[manager.CheckClass]:
    """The installed checks the request runs: the live ones are the
    probe's (the ``probe`` subcommand), and those it skips are not."""
    try:
        installed = [c for c in manager.load_checks() if not c.live]
        return list(manager.select(installed, request.skip))
    except PluginLoadError as exc:
        raise RequestError(str(exc)) from None


def _earlier(flag: str, path: str | None) -> baseline_mod.Baseline | None:
    """An earlier JSON report: the baseline (known findings) or the
    previous run (the HTML report's "since last run")."""
    if path is None:
        return None
    try:
        return baseline_mod.load(path)
    except LoadError as exc:
        raise RequestError('%s %s: %s' % (flag, shown(exc.path),
                                          exc.reason)) from None


#: Fields that say where the files are, or whom the service runs as: a
#: bundle says both itself. ``(field, flag, why)``.
BUNDLE_CONFLICTS = (
    ('files', 'FILE arguments', 'each bundle holds its host\'s files'),
    ('config', '--config-file/--config-dir',
     'each bundle holds its host\'s files'),
    ('root', '--root', 'the host checks run from the facts each bundle '
     'recorded on its host, never from this machine\'s disk'),
    ('offline', '--offline', 'the host checks run from the facts each '
     'bundle recorded on its host'),
    ('service_user', '--service-user', 'each bundle records its service '
     'account'),
    ('service_group', '--service-group', 'each bundle records its service '
     'account'),
)


def _bundle_files(request: Request) -> list[str]:
    """The bundle files of :attr:`Request.bundles`."""
    for field, flag, why in BUNDLE_CONFLICTS:
        if getattr(request, field):
            raise RequestError('--bundles and %s contradict each other: %s'
                               % (flag, why))
    try:
        return bundle_mod.files(request.bundles or '')
    except LoadError as exc:
        raise RequestError('--bundles %s: %s' % (shown(exc.path),
                                                 exc.reason)) from None


def _refuse_contradictions(request: Request) -> None:
    if request.files and request.config:
        raise RequestError('give either FILE arguments (fleet mode) or '
                           '--config-file/--config-dir (service mode), not '
                           'both')
    if request.service not in (None, services.NOVA) \
            and request.defaults != definitions.NOVA:
        raise RequestError('--defaults %s is about nova\'s [glance] '
                           'options; --service %s is judged by its own '
                           'defaults' % (request.defaults, request.service))


def _refuse_grouping(request: Request, bundles: Sequence[str]) -> None:
    if request.grouping and not request.files and not bundles:
        raise RequestError('--group-by and --groups need FILE arguments '
                           '(fleet mode)')
    if request.grouping and request.files:
        try:
            fleet.count_groups(request.files, request.grouping)
        except ValueError as exc:
            raise RequestError(str(exc)) from None


def host_of(request: Any) -> _files.Host | None:
    """The host the checks look at; ``None`` when offline (fleet mode
    without ``root``, or ``offline``).

    :param request: a :class:`Request`, or the command line's arguments
        (the same names).
    :raises ValueError: with a one-line message, for a bad ``root``.
    :raises glance_conf.exception.UnknownAccount: for an unknown name.
    """
    if request.offline:
        if request.root:
            raise ValueError('--offline and --root contradict each other: '
                             '--root runs the host checks')
        return None
    # The service's own account by default: cinder runs as cinder.
    account = _files.Account.named(
        request.service_user, request.service_group,
        default=services.profile(getattr(request, 'service', None)
                                 or services.NOVA).project)
    if request.root is not None:
        if not os.path.isdir(request.root):
            raise ValueError('--root %s: not a directory'
                             % shown(request.root))
        return _files.Host(os.path.abspath(request.root), account)
    if request.files:
        return None
    return _files.Host(None, account)


def same_file(path: str) -> tuple[int, int] | str:
    """What ``path`` names, whatever its spelling: the file's device and
    inode if it exists, else its resolved path."""
    try:
        info = os.stat(path)
    except OSError:
        return os.path.realpath(path)
    return (info.st_dev, info.st_ino)


def inputs(request: Any, *more: str | None) -> list[str]:
    """The files a run reads, that no report may be written over: FILE
    arguments, ``--config-file`` and the files of ``--config-dir`` (or,
    with none of them, the service's config where it finds it),
    ``--waivers``, and ``more``.

    :param request: a :class:`Request`, or a command line's arguments.
    """
    found = [*(getattr(request, 'files', None) or []),
             getattr(request, 'waivers', None), *more]
    if not (getattr(request, 'files', None) or getattr(request, 'config',
                                                        None)
            or getattr(request, 'bundles', None)):
        with contextlib.suppress(LoadError, KeyError):
            found += config_files((), getattr(request, 'service', None))[0]
    for flag, path in getattr(request, 'config', None) or []:
        if flag == '--config-file':
            found.append(path)
            continue
        try:
            names = os.listdir(path)
        except OSError:
            continue
        found += [os.path.join(path, name) for name in names]
    return [path for path in found if path]


def overwrites(pairs: Sequence[tuple[str, str | None]],
               inputs: Sequence[str | None]) -> str | None:
    """The first output of ``pairs`` that names one of ``inputs`` (an
    audited file, a waiver file...), which writing the report would
    destroy."""
    # The outputs are few and the inputs a fleet: hold the outputs, and
    # walk the inputs without keeping them (memory stays flat).
    written = {same_file(output) for _, output in pairs
               if output is not None}
    clashes = {name for name in (same_file(path) for path in inputs if path)
               if name in written}
    for _, output in pairs:
        if output is not None and same_file(output) in clashes:
            return output
    return None
