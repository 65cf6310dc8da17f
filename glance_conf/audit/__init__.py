"""Security audit of ``[glance]`` configurations.

:func:`run` audits a parsed ``ConfigOpts``; :func:`enforce` is the call a
service makes once at start-up, after :func:`glance_conf.register_opts`
and parsing, to log every finding and refuse to start on serious ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence

from oslo_config import cfg
from oslo_log import log as logging

from glance_conf.audit import base
from glance_conf.audit import manager
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import AuditedConf
from glance_conf.exception import GlanceConfError

LOG = logging.getLogger(__name__)

_LOG_LEVELS = {
    Severity.INFO: logging.INFO,
    Severity.LOW: logging.WARNING,
    Severity.MEDIUM: logging.WARNING,
    Severity.HIGH: logging.ERROR,
}

__all__ = ['AuditFailure', 'AuditedConf', 'Finding', 'Severity', 'enforce',
           'run']


class AuditFailure(GlanceConfError):
    """Start-up refused: findings at or above the chosen severity."""

    def __init__(self, findings: Sequence[Finding],
                 threshold: Severity) -> None:
        self.findings = tuple(findings)
        self.threshold = threshold
        lines = ['%d [glance] finding(s) at or above %s:'
                 % (len(self.findings), threshold.label)]
        lines += ['  %s %s %s: %s' % (f.check_id, f.severity.label,
                                      f.option or f.file, f.message)
                  for f in self.findings]
        super().__init__('\n'.join(lines))


def run(conf: cfg.ConfigOpts | AuditedConf,
        checks: Iterable[manager.CheckClass] | None = None) -> list[Finding]:
    """Audit one parsed configuration and return its findings.

    :param conf: a parsed ``ConfigOpts`` on which
        :func:`glance_conf.register_opts` was called (or an
        :class:`AuditedConf` wrapping one).
    :param checks: check classes to run; by default every installed one.
        Fleet checks are skipped: one config has nothing to compare with.
    :raises glance_conf.audit.source.LoadError: if a loaded file cannot be
        read again, or a value's ``$`` references never end (the service
        could not read that value either).

    The files are read again, whatever their size, as the service read
    them; nothing else is fetched: sources named by ``config_source`` are
    not followed again (the service already loaded them, and GC505
    reports them).
    """
    target = conf if isinstance(conf, AuditedConf) else AuditedConf(conf)
    if checks is None:
        checks = manager.load_checks()
    findings: list[Finding] = []
    for check_class in checks:
        if issubclass(check_class, base.Check):
            findings.extend(check_class().run(target))
    return findings


def enforce(conf: cfg.ConfigOpts, fail_at: Severity | str = Severity.HIGH,
            checks: Iterable[manager.CheckClass] | None = None
            ) -> list[Finding]:
    """Log every finding, and refuse to start on serious ones.

    Call once at service start-up, after the config is parsed. Each finding
    is logged through oslo.log (info as INFO, low and medium as WARNING,
    high as ERROR); this is where, for example, "image signature
    verification is off" reaches the service log.

    :param fail_at: the lowest severity that stops start-up, or ``never``.
    :raises AuditFailure: if any finding is at or above ``fail_at``.
    :raises glance_conf.audit.source.LoadError: as :func:`run` does.
    :returns: every finding, when none reaches ``fail_at``.
    """
    threshold = None if fail_at == 'never' else (
        fail_at if isinstance(fail_at, Severity) else Severity.parse(fail_at))
    findings = run(conf, checks)
    for found in findings:
        LOG.log(_LOG_LEVELS[found.severity], '%s (%s) %s: %s Fix: %s',
                found.check_id, found.severity.label,
                found.option or found.file, found.message,
                found.remediation)
    if threshold is not None:
        serious = [f for f in findings if f.severity >= threshold]
        if serious:
            raise AuditFailure(serious, threshold)
    return findings
