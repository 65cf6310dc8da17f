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

"""The ``--compliance`` report: the Security Guide checklist, per config.

``--compliance security-guide`` prints the OpenStack Security Guide's
Compute checklist items (:data:`~glance_conf.audit.references.ITEMS`)
that the checks cover, each ``pass``, ``fail`` or ``not-checked`` for
each audited config, with its evidence: file, line and effective value,
redacted as every report is (a URL's user-info and query are masked; a
value the hardened types refuse is not shown at all). What each check
cites is declared on the check (``references``), by the constants of
:mod:`~glance_conf.audit.references`.

An item fails when any check that cites it found something in that
config, or when the Guide's own test fails on the effective values (so
``--skip`` cannot turn a failure into a pass). It is not checked when a
check that cites it did not run (offline, or skipped), or when nova.conf
cannot tell (an endpoint taken from the service catalog).
"""

from __future__ import annotations

import dataclasses
import json
import stat
from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any
from typing import TextIO

from glance_conf import _files
from glance_conf import glance
from glance_conf import redact
from glance_conf.audit import identity
from glance_conf.audit import report
from glance_conf.audit import services
from glance_conf.audit import target
from glance_conf.audit.finding import Finding
from glance_conf.audit.references import CHECK_COMPUTE_01
from glance_conf.audit.references import CHECK_COMPUTE_02
from glance_conf.audit.references import CHECK_COMPUTE_05
from glance_conf.audit.references import ITEMS
from glance_conf.audit.references import Item
from glance_conf.audit.result import Result
from glance_conf.audit.result import utf8_safe

#: The ``--compliance`` choices.
SECURITY_GUIDE = 'security-guide'
STANDARDS = (SECURITY_GUIDE,)

PASS, FAIL, NOT_CHECKED = 'pass', 'fail', 'not-checked'
#: Longest file name or value shown whole.
MAX_SHOWN = 4096
#: Findings quoted as evidence per item and config; more are counted.
MAX_FINDINGS_QUOTED = 5
#: Said of an endpoint that nova.conf does not name.
CATALOG = ('no api_servers or endpoint_override: the endpoint comes from '
           'the service catalog, whose scheme nova.conf cannot show')
#: Said of a value the hardened types refuse: it is never shown.
REFUSED = 'refused by the hardened types (GC302), not shown'


@dataclasses.dataclass
class _Config:
    """What one audited config showed: its files and the evidence."""

    paths: list[str]
    #: Evidence lines by item ref; ``FAIL`` in ``failed`` when the Guide's
    #: own test fails on them, ``NOT_CHECKED`` in ``unknown`` when
    #: nova.conf cannot tell.
    evidence: dict[str, list[str]]
    failed: set[str]
    unknown: set[str]


def _shown(text: str) -> str:
    return redact.printable(text, MAX_SHOWN)


def _at(path: str | None, line: int | None) -> str:
    if path is None:
        return '(not set in any file, the default)'
    return '%s:%d' % (_shown(path), line) if line else _shown(path)


class Collector:
    """Takes the evidence from each config the audit reads.

    An observer of the engine (:class:`~glance_conf.audit.engine.Observer`):
    given to a run mode as ``observers=[collector]``, it sees each config
    once its checks have run, so the evidence comes from the very
    configs, layered the same way, that the checks judged. Only nova's
    configs: the checklist is the Compute one.

    Where the audit has the service's host (on the host, under
    ``--root``, or a bundle's recorded facts), the ownership and mode of
    each file, as that host reports them, are evidence too; offline they
    are not.
    """

    def __init__(self) -> None:
        self.configs: list[_Config] = []

    def observe(self, conf: target.AuditedConf,
                host: _files.Host | None = None) -> None:
        if conf.service != services.NOVA:
            return
        config = _Config([f.path for f in conf.files], {}, set(), set())
        files = self._files(conf, host) if host is not None else []
        config.evidence[CHECK_COMPUTE_01] = files
        config.evidence[CHECK_COMPUTE_02] = files
        config.evidence[CHECK_COMPUTE_05] = self._transport(conf, config)
        self.configs.append(config)

    @staticmethod
    def _files(conf: target.AuditedConf, host: _files.Host) -> list[str]:
        lines = []
        for raw_file in conf.files:
            info = host.examine(raw_file.path)
            if info is not None:
                lines.append('%s: owner uid %d, group gid %d, mode %04o' % (
                    _shown(raw_file.path), info.st_uid, info.st_gid,
                    stat.S_IMODE(info.st_mode)))
        return lines

    @staticmethod
    def _transport(conf: target.AuditedConf, config: _Config) -> list[str]:
        lines = []
        opt = target.glance_opt('insecure')
        hit = conf.lookup(target.oslo_names(opt)) if opt else None
        insecure = conf.value('insecure')
        name = _shown(hit.key) if hit else 'insecure'
        shown = REFUSED if insecure is target.INVALID else insecure
        if insecure is target.INVALID:
            config.unknown.add(CHECK_COMPUTE_05)
        lines.append('%s: [%s] %s = %s (effective insecure)' % (
            _at(hit.path if hit else None, hit.line if hit else None),
            glance.GROUP_NAME, name, shown))
        if insecure is True:
            config.failed.add(CHECK_COMPUTE_05)
        for option in ('api_servers', 'endpoint_override'):
            value = conf.value(option)
            if not value:
                continue
            where = _at(*conf.where(option))
            if value is target.INVALID:
                lines.append('%s: [%s] %s %s' % (
                    where, glance.GROUP_NAME, option, REFUSED))
                config.unknown.add(CHECK_COMPUTE_05)
                break
            urls = value if isinstance(value, list) else [value]
            lines.append('%s: [%s] %s = %s' % (
                where, glance.GROUP_NAME, option,
                ', '.join(redact.redact_url(str(u)) for u in urls)))
            if not all(str(u).lower().startswith('https://') for u in urls):
                config.failed.add(CHECK_COMPUTE_05)
            break
        else:
            lines.append(CATALOG)
            config.unknown.add(CHECK_COMPUTE_05)
        return lines


@dataclasses.dataclass(frozen=True)
class Verdict:
    """One item for one config: its status and the evidence."""

    item: Item
    status: str
    evidence: list[str]


def _citing(checks: Sequence[Any], ref: str) -> list[str]:
    return [c.id for c in checks if ref in c.references]


def assess(result: Result, collector: Collector,
           catalogue: Sequence[Any]) -> Iterator[tuple[list[str],
                                                       list[Verdict]]]:
    """Each config's files and its verdict on each item.

    :param catalogue: every installed check, so that a citing check the
        audit did not run (skipped) makes its items not checked.
    """
    cited = {c for item in ITEMS for c in _citing(catalogue, item.ref)}
    ran = {c.id for c in result.checks} - set(result.not_checked)
    found: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if finding.check_id in cited and finding.file is not None:
            found.setdefault(finding.file, []).append(finding)
    for config in collector.configs:
        verdicts = []
        for item in ITEMS:
            citing = _citing(catalogue, item.ref)
            hits = [f for path in config.paths
                    for f in found.get(utf8_safe(path), [])
                    if f.check_id in citing]
            evidence = list(config.evidence[item.ref])
            missing = [c for c in citing if c not in ran]
            if hits or item.ref in config.failed:
                status = FAIL
            elif missing or item.ref in config.unknown:
                status = NOT_CHECKED
            else:
                status = PASS
            evidence += ['%s %s: %s' % (f.check_id, _at(f.file, f.line),
                                        _shown(f.message))
                         for f in hits[:MAX_FINDINGS_QUOTED]]
            if len(hits) > MAX_FINDINGS_QUOTED:
                evidence.append('... and %d more findings'
                                % (len(hits) - MAX_FINDINGS_QUOTED))
            if missing:
                offline = [c for c in missing if c in result.not_checked]
                skipped = [c for c in missing if c not in offline]
                if offline:
                    evidence.append('not run offline: %s (they look at the '
                                    'host\'s files; run on the host or give '
                                    '--root)' % ', '.join(offline))
                if skipped:
                    evidence.append('not run: %s (skipped)'
                                    % ', '.join(skipped))
            verdicts.append(Verdict(item, status, evidence))
        yield config.paths, verdicts


def render(result: Result, collector: Collector,
           catalogue: Sequence[Any], out: TextIO) -> None:
    """The Security Guide report as text."""
    out.write('OpenStack Security Guide, Compute checklist, as checked by '
              'glance-conf-audit (%s mode, %s defaults)\n'
              % (result.mode, result.defaults))
    counts = {PASS: 0, FAIL: 0, NOT_CHECKED: 0}
    for paths, verdicts in assess(result, collector, catalogue):
        out.write('\n%s\n' % ' + '.join(_shown(p) for p in paths))
        for verdict in verdicts:
            counts[verdict.status] += 1
            out.write('  %-16s  %-11s  %s\n' % (
                verdict.item.name, verdict.status, verdict.item.question))
            for line in verdict.evidence:
                out.write('      %s\n' % line)
    if not collector.configs:
        out.write('\nNo config could be audited.\n')
    out.write('\nScope:\n')
    for item in ITEMS:
        out.write('  %s: %s; checks %s.\n' % (
            item.name, item.scope,
            ', '.join(_citing(catalogue, item.ref))))
    out.write('\n%d pass, %d fail, %d not-checked\n'
              % (counts[PASS], counts[FAIL], counts[NOT_CHECKED]))


def render_json(result: Result, collector: Collector,
                catalogue: Sequence[Any], out: TextIO) -> None:
    """The Security Guide report as one JSON document."""
    counts = {PASS: 0, FAIL: 0, NOT_CHECKED: 0}
    configs = []
    for paths, verdicts in assess(result, collector, catalogue):
        items = []
        for verdict in verdicts:
            counts[verdict.status] += 1
            items.append({'id': verdict.item.name, 'ref': verdict.item.ref,
                          'question': verdict.item.question,
                          'status': verdict.status,
                          'evidence': list(verdict.evidence)})
        configs.append({'files': [_shown(p) for p in paths],
                        'items': items})
    json.dump({
        'standard': SECURITY_GUIDE,
        'tool': {'name': identity.TOOL_NAME,
                 'version': identity.tool_version()},
        'mode': result.mode, 'defaults': result.defaults,
        'configs': configs,
        'scope': [{'id': item.name, 'scope': item.scope,
                   'checks': _citing(catalogue, item.ref)}
                  for item in ITEMS],
        'summary': counts,
    }, out, indent=2)
    out.write('\n')


#: The formats a compliance report is written in: those that can say
#: pass, fail and not-checked per item. The findings formats (SARIF,
#: JUnit, Prometheus, HTML) describe findings, not checklist items.
FORMATS = {'text': render, 'json': render_json}


def writer(collector: Collector, catalogue: Sequence[Any],
           fmt: str = 'text') -> report.Writer:
    """The report in ``fmt`` (one of :data:`FORMATS`) as a report writer
    ``(result, out)``.

    :raises KeyError: for a format a compliance report is not written in.
    """
    chosen = FORMATS[fmt]

    def write(result: Result, out: TextIO) -> None:
        chosen(result, collector, catalogue, out)
    return write
