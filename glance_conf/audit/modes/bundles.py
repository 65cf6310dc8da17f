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

"""Bundles mode: each bundle one service of one host, with its facts.

A bundle (from the ``glance_conf.audit`` Ansible collection) holds a
host's config files and the facts the host checks need. Its files are
layered as the host's service layers them, their masked texts written
to a temporary directory for oslo.config; its host checks judge its
:class:`~glance_conf.audit.bundle.RecordedHost`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from collections.abc import Sequence

from glance_conf import definitions
from glance_conf import redact
from glance_conf.audit import bundle as bundle_mod
from glance_conf.audit import configure
from glance_conf.audit import engine
from glance_conf.audit import manager
from glance_conf.audit import posture
from glance_conf.audit import services
from glance_conf.audit import source
from glance_conf.audit import waivers as waivers_mod
from glance_conf.audit.checks import fleet as fleet_mod
from glance_conf.audit.exception import LoadError
from glance_conf.audit.modes import common
from glance_conf.audit.result import Result
from glance_conf.audit.result import posture_records
from glance_conf.audit.source import RawFile
from glance_conf.audit.target import AuditedConf

#: A bundle the audit tripped on (a bug, not the bundle's shape).
UNEXPECTED = ('cannot be audited: an unexpected error (%s) while auditing '
              'it; please report it')


class _Bundles(common.Hosts):
    """A bundles run while it goes: the temporary directory the texts
    are written to, and the ``(host, service)`` of each bundle audited
    (a host has one bundle per service it runs)."""

    def __init__(self, result: Result, checks: Sequence[manager.CheckClass],
                 service: str | None,
                 observers: Sequence[engine.Observer], tmp: str) -> None:
        super().__init__(result, checks, service, observers)
        self.tmp = tmp
        self.seen: set[tuple[str, str]] = set()


def audit_bundles(paths: Sequence[str],
                  checks: Sequence[manager.CheckClass],
                  progress: common.Progress | None = None,
                  defaults: str = definitions.NOVA,
                  group_of: Callable[[str], tuple[str, ...]] | None = None,
                  waivers: waivers_mod.Waivers | None = None,
                  service: str | None = None,
                  observers: Sequence[engine.Observer] = ()) -> Result:
    """Audit each bundle as one host, with its host checks, then compare.

    A config file is named ``host:path`` in findings and errors; its
    masked text is written to a temporary directory for oslo.config to
    parse, removed whatever happens.

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
    result = Result('fleet', list(checks), defaults, waivers=waivers,
                    bundles=True)
    grouped = group_of is not None
    with tempfile.TemporaryDirectory(prefix='glance-conf-bundles-') as tmp:
        run = _Bundles(result, checks, service, observers, tmp)
        for done, path in enumerate(paths, 1):
            grouped = _audit_path(run, path, group_of) or grouped
            if progress is not None:
                progress(done, len(paths))
    if not grouped:
        _ungroup(run)
    run.compare(grouped, len(run.seen))
    return result


def _audit_path(run: _Bundles, path: str,
                group_of: Callable[[str], tuple[str, ...]] | None) -> bool:
    """Audit the bundle at ``path``; whether it names a group."""
    named = False
    try:
        found = bundle_mod.load(path)
        named = found.group is not None
        host_groups = group_of(found.host) if group_of else \
            (found.group or posture.UNGROUPED,)
        _audit_bundle(run, found, host_groups)
    except LoadError as exc:
        run.result.problem(exc.path, exc.reason)
    except Exception as exc:
        # A bundle is written by its host, which may be hostile:
        # whatever it makes the audit trip on is its own error,
        # and every other host is still audited and reported.
        # The type only: a message may quote the bundle.
        run.result.problem(path, UNEXPECTED % type(exc).__name__)
    return named


def _ungroup(run: _Bundles) -> None:
    """No bundle named a group: one fleet, as with plain files."""
    result = run.result
    run.groups = {'': run.groups.get(posture.UNGROUPED, [])}
    ungrouped = posture_records(row._replace(group='')
                                for row in result.posture)
    result.posture.close()
    result.posture = ungrouped
    result.host_groups.clear()


def _refused(run: _Bundles, found: bundle_mod.Bundle,
             host_groups: tuple[str, ...]) -> bool:
    """Whether ``found`` cannot be audited, each reason a problem: of
    another service than asked, with a file or a directory the host
    could not read (part of its config is missing), without a config
    file, or one group too many."""
    result, host = run.result, found.host
    if run.service is not None and found.service not in (None, run.service):
        result.problem(found.file, 'the bundle is of %s, not of %s '
                       '(--service)' % (found.service, run.service))
        return True
    unread = [(c.path, c.error) for c in found.config
              if c.error is not None] + list(found.dir_errors)
    for path, error in unread:
        result.problem(bundle_mod.label(host, path),
                       'on the host: %s' % redact.printable(error or '',
                                                            200))
    if unread:
        return True
    if not found.config:
        result.problem(found.file, 'host %s: no config file in the bundle'
                       % host)
        return True
    if len(set(run.groups) | set(host_groups)) > fleet_mod.MAX_GROUPS:
        result.problem(found.file, 'more than %d drift groups; a group '
                       'is a set of hosts that should match'
                       % fleet_mod.MAX_GROUPS)
        return True
    return False


def _parsed(run: _Bundles, found: bundle_mod.Bundle,
            labels: Sequence[str]) -> AuditedConf | None:
    """``found``'s config, parsed as its service parses it; ``None``
    (and the problem kept) if it cannot be."""
    result, host = run.result, found.host
    try:
        raws: list[RawFile] = [
            source.parse_text(name, c.text or '')
            for name, c in zip(labels, found.config, strict=True)]
        service = run.service or found.service or services.recognise(
            [c.path for c in found.config], raws)
        if (host, service) in run.seen:
            result.problem(found.file, 'host %s has another bundle of %s '
                           'too; each host has one per service'
                           % (host, service))
            return None
        args = []
        for i, config in enumerate(found.config):
            written = os.path.join(run.tmp, '%d.conf' % i)
            _overwrite(written, (config.text or '').encode('utf-8'))
            args += ['--config-file', written]
        configure.parse(run.confs(service), args)
    except LoadError as exc:
        result.problem(exc.path, exc.reason)
        return None
    except configure.PARSE_ERRORS as exc:
        result.problem(labels[-1], configure.oslo_reason(exc))
        return None
    return AuditedConf(run.confs(service), raws, service)


def _audit_bundle(run: _Bundles, found: bundle_mod.Bundle,
                  host_groups: tuple[str, ...]) -> bool:
    """Audit one host's bundle; whether it was audited."""
    if _refused(run, found, host_groups):
        return False
    fleet = run.fleet_of(host_groups)
    labels = [bundle_mod.label(found.host, c.path) for c in found.config]
    target = _parsed(run, found, labels)
    if target is None:
        return False
    facts = found.host_facts()
    audited = common.audit_one(target, run.checks, run.result, fleet,
                               facts, found.host, run.observers)
    for unknown in sorted(facts.unrecorded):
        run.result.problem(bundle_mod.label(found.host,
                                            redact.redact_url(unknown)),
                           bundle_mod.NOT_RECORDED)
    if audited:
        run.seen.add((found.host, target.service))
        run.keep(target, found.host, labels, host_groups, True)
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
