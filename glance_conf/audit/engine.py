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

"""The one check engine, and the runtime API built on it.

Every audit runs its checks through :func:`check_config`: the command
line (:mod:`glance_conf.audit.runner`, service and fleet mode) and the
runtime API (:func:`run`, :func:`enforce`). A check says *what* is wrong
and about which option; the engine says *where*: the file and line of the
value oslo.config uses for that option (deprecated names and file
precedence included, see :meth:`AuditedConf.where`), or else the last
file loaded, so every finding of a config that has files points at one.

No check can flood a report: each check keeps at most
:data:`MAX_FINDINGS_PER_CHECK_IN_FILE` findings per file, and the rest
become one summary finding of that check, at the worst severity left
out, so the gate (``--fail-on``, :func:`enforce`) decides as if all
were there.

Checks that look at the disk (``needs_host``) run only when the engine is
given a :class:`~glance_conf._files.Host`: offline, they are left out, and
:func:`host_checks` names them so a report can say they were not checked.

What watches the audit without judging it is an :class:`Observer`, not a
check: the compliance report's evidence and the probe's planning see
each config once its checks have run, and never appear in a list of
checks, a report's checks or a count.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Iterable
from typing import Protocol

from oslo_config import cfg
from oslo_log import log as logging

from glance_conf import _files
from glance_conf.audit import base
from glance_conf.audit import manager
from glance_conf.audit import services
from glance_conf.audit.exception import AuditFailure
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import GROUP
from glance_conf.audit.target import AuditedConf

# The package's name, as before the engine moved here: services that
# route or silence the audit's log lines keep doing so.
LOG = logging.getLogger('glance_conf.audit')

#: Findings of one check kept for one file; the rest are counted into one
#: summary finding (:func:`capped`). Whoever writes a config controls how
#: many findings it makes: 1 MiB of near-miss keys made 52,000 GC303
#: findings and a 17 MiB report, and a bundle holds many such files. No
#: reader acts on the hundred-and-first finding of one check in one file.
MAX_FINDINGS_PER_CHECK_IN_FILE = 100

#: The key of a summary of findings left out: its fingerprint is the
#: check's, the host's and this, never the count, so it is one finding
#: across runs for a baseline or a waiver. The worst severity left out is
#: part of it: a baseline that knew low findings left out does not hide
#: a high one.
LEFT_OUT_KEY = 'left out (%s) in %s'

_LOG_LEVELS = {
    Severity.INFO: logging.INFO,
    Severity.LOW: logging.WARNING,
    Severity.MEDIUM: logging.WARNING,
    Severity.HIGH: logging.ERROR,
}


class Observer(Protocol):
    """Sees each config the engine audits; finds nothing.

    :meth:`observe` is called once per config, after its checks ran
    and only if they all could (a config that stopped on a load problem
    is not observed), with the host the checks had (``None`` offline).
    An observer keeps what it needs; it never changes the config.
    """

    def observe(self, target: AuditedConf,
                host: _files.Host | None) -> None: ...


def place(target: AuditedConf, found: Finding,
          fallback: str | None) -> Finding:
    """``found`` with its file and line filled in, if the check left them.

    The option is ``section.key``: the value oslo.config uses for it is
    looked up; failing that (an option left unset, a finding about no
    option), ``fallback`` is the file, without a line.
    """
    if found.file is not None:
        return found
    path: str | None = None
    line: int | None = None
    if found.option is not None:
        section, _, key = found.option.rpartition('.')
        path, line = target.where(key, section or GROUP)
    if path is None:
        path, line = fallback, None
    return dataclasses.replace(found, file=path, line=line)


def left_out(check_class: manager.CheckClass, file: str | None,
             count: int, worst: Severity) -> Finding:
    """The one finding that stands for ``count`` findings of
    ``check_class`` in ``file`` left out of the report, ``worst`` being
    the worst of them."""
    name = os.path.basename(file or '')
    return Finding(
        check_id=check_class.id, severity=worst, cwe=check_class.cwe,
        option=None, file=file, line=None,
        key=LEFT_OUT_KEY % (worst.label, name),
        message='%d more %s finding(s) in this file were left out of the '
                'report (at most %d per check and file are listed); the '
                'worst of them is %s.' % (count, check_class.id,
                                          MAX_FINDINGS_PER_CHECK_IN_FILE,
                                          worst.label),
        remediation='%s Fix the findings listed and audit again: those '
                    'left out are listed then.' % check_class.remediation)


def capped(check_class: manager.CheckClass,
           findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` of one check, at most
    :data:`MAX_FINDINGS_PER_CHECK_IN_FILE` per file, then one
    :func:`left_out` finding per file that had more.

    Every finding is still looked at, so the summary's severity is the
    worst of those left out; none of them is kept in memory.
    """
    findings = iter(findings)  # read on where the first ones end
    first = list(itertools.islice(findings, MAX_FINDINGS_PER_CHECK_IN_FILE))
    if len(first) < MAX_FINDINGS_PER_CHECK_IN_FILE:
        return first  # fewer in all than one file may have: none left out
    kept: list[Finding] = []
    per_file: dict[str | None, int] = {}
    dropped: dict[str | None, tuple[int, Severity]] = {}
    for found in itertools.chain(first, findings):
        count = per_file.get(found.file, 0)
        if count < MAX_FINDINGS_PER_CHECK_IN_FILE:
            per_file[found.file] = count + 1
            kept.append(found)
            continue
        count, worst = dropped.get(found.file, (0, found.severity))
        dropped[found.file] = (count + 1, max(worst, found.severity))
    kept += [left_out(check_class, file, count, worst)
             for file, (count, worst) in dropped.items()]
    return kept


def host_checks(checks: Iterable[manager.CheckClass]
                ) -> list[manager.CheckClass]:
    """The checks among ``checks`` that look at the host's files."""
    return [check for check in checks if check.needs_host]


def _config_checks(checks: Iterable[manager.CheckClass], service: str,
                   online: bool) -> list[type[base.Check]]:
    """Which of ``checks`` judge one config of ``service``: not the
    fleet checks, nor another service's, nor, offline, the host's.

    Worked out for each config (14 µs for 61 checks), never cached: a
    check class's ``services`` or ``needs_host`` may change between
    runs (a test patching one), and a cache would not see it.
    """
    return [c for c in checks
            if issubclass(c, base.Check) and service in c.services
            and (online or not c.needs_host)]


def check_config(target: AuditedConf,
                 checks: Iterable[manager.CheckClass],
                 host: _files.Host | None = None,
                 observers: Iterable[Observer] = ()) -> list[Finding]:
    """Run the per-config checks over one config; every finding placed,
    and each check's findings :func:`capped` per file. Then each of
    ``observers`` sees the config.

    Fleet checks are skipped: they see configs through the runner, and
    so are the checks of other services than the one ``target``
    configures. Every value its service's profile judges is resolved
    first, so a value no service could read stops this config before
    any of its findings exist.

    :param host: where the service's files are; ``None`` audits the text
        only (offline), leaving out the checks that need the host.

    :raises glance_conf.audit.exception.LoadError: if a file cannot be
        read again, or a value's ``$`` references never end.
    """
    for group, name in services.profile(target.service).judged():
        target.value(name, group)
    fallback = target.files[-1].path if target.files else None
    found: list[Finding] = []
    for check_class in _config_checks(checks, target.service,
                                      host is not None):
        check = check_class()
        if host is not None:
            check.host = host
        found += capped(check_class, (place(target, one, fallback)
                                      for one in check.run(target)))
    for observer in observers:
        observer.observe(target, host)
    return found


def run(conf: cfg.ConfigOpts | AuditedConf,
        checks: Iterable[manager.CheckClass] | None = None, *,
        offline: bool = False,
        host: _files.Host | None = None) -> list[Finding]:
    """Audit one parsed configuration and return its findings.

    :param conf: a parsed ``ConfigOpts`` on which
        :func:`glance_conf.register_opts` was called (or an
        :class:`AuditedConf` wrapping one).
    :param checks: check classes to run; by default every installed one.
        Fleet checks are skipped: one config has nothing to compare with.
    :param offline: judge the text only: the checks that look at the
        host's files (``needs_host``) are not run.
    :param host: where the service's files are and whom it runs as; by
        default this machine, the service being the calling process
        (right for a service auditing itself at start-up).
    :raises glance_conf.audit.exception.LoadError: if a loaded file cannot
        be read again, or a value's ``$`` references never end (the
        service could not read that value either).
    :raises glance_conf.audit.exception.CheckLoadError: if the installed
        checks cannot all be loaded.

    The files are read again, whatever their size, as the service read
    them; nothing else is fetched: sources named by ``config_source`` are
    not followed again (the service already loaded them, and GC505
    reports them). Findings carry the file and line of the value, as the
    command line's do.
    """
    target = conf if isinstance(conf, AuditedConf) else AuditedConf(conf)
    if checks is None:
        checks = manager.load_checks()
    return check_config(target, checks,
                        None if offline else host or _files.Host())


def enforce(conf: cfg.ConfigOpts, fail_at: Severity | str = Severity.HIGH,
            checks: Iterable[manager.CheckClass] | None = None, *,
            offline: bool = False,
            accept: Iterable[str] = ()) -> list[Finding]:
    """Log every finding, and refuse to start on serious ones.

    Call once at service start-up, after the config is parsed. Each finding
    is logged through oslo.log (info as INFO, low and medium as WARNING,
    high as ERROR); this is where, for example, "image signature
    verification is off" reaches the service log.

    :param fail_at: the lowest severity that stops start-up, or ``never``.
    :raises glance_conf.audit.exception.AuditFailure: if any finding is at
        or above ``fail_at``.
    :raises glance_conf.audit.exception.UnknownSeverity: if ``fail_at``
        names no severity.
    :param offline: as for :func:`run`.
    :param accept: check IDs whose findings are decisions the deployment
        has made (``GC201`` where images cannot be signed yet): they are
        still logged, at their level, but never stop start-up.
    :raises glance_conf.audit.exception.LoadError: as :func:`run` does.
    :returns: every finding, when none reaches ``fail_at``.
    """
    threshold = None if fail_at == 'never' else (
        fail_at if isinstance(fail_at, Severity) else Severity.parse(fail_at))
    accepted = {check_id.strip().upper() for check_id in accept}
    findings = run(conf, checks, offline=offline)
    for found in findings:
        LOG.log(_LOG_LEVELS[found.severity], '%s (%s) %s: %s Fix: %s',
                found.check_id, found.severity.label,
                found.option or found.file, found.message,
                found.remediation)
    if threshold is not None:
        serious = [f for f in findings if f.severity >= threshold
                   and f.check_id not in accepted]
        if serious:
            raise AuditFailure(serious, threshold)
    return findings
