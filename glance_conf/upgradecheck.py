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

"""Upgrade checks: will this service's config survive the swap?

"The swap" is replacing ``nova.conf.glance`` with ``glance_conf.glance``.
Each check is a plain function that takes the service's parsed
``ConfigOpts`` and returns an ``oslo_upgradecheck.upgradecheck.Result``.
They are offered in the ``glance_conf.upgradecheck`` entry-point
namespace (name -> function), so a nova-style service can add them to its
own ``*-status upgrade check``; ``glance-conf-status`` runs them alone.

A check never touches the service's own options (before the swap they
are nova's, and registering ours beside them would clash). It reads the
files that config loaded, in oslo.config's order, and audits them again,
offline, with the audit's own ``ConfigOpts`` and the drop-in's defaults:
the same checks and the same messages as ``glance-conf-audit``, so no
secret reaches the output that the audit would not show.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence

from oslo_config import cfg
from oslo_upgradecheck import upgradecheck

from glance_conf import definitions
from glance_conf import locate
from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit import runner
from glance_conf.audit.checks import integrity
from glance_conf.audit.checks import options
from glance_conf.audit.finding import Finding

Code = upgradecheck.Code
Result = upgradecheck.Result
#: A check: ``check(conf, defaults=...)``; ``defaults`` says which
#: defaults the drop-in will be registered with after the swap:
#: ``glance-conf`` (its own, the default) or ``nova``
#: (``glance_conf.glance.use_defaults(conf, 'nova')``).
Check = Callable[..., Result]

#: Findings listed in one result's details; more are counted.
MAX_LISTED = 5
#: Said when the service loaded no file: there was nothing to audit.
NOTHING_LOADED = ('The service loaded no config file, so nothing was '
                  'checked: pass --config-file.')


def _where(found: Finding) -> str:
    section, _, name = (found.option or '').rpartition('.')
    place = '[%s] %s' % (section, name) if section else (name or 'config')
    if found.file:
        place += ' (%s%s)' % (redact.printable(found.file, 200),
                              ' line %d' % found.line if found.line else '')
    return place


def _listing(findings: Sequence[Finding]) -> str:
    shown = ['%s: %s' % (_where(f), f.message.rstrip('.'))
             for f in findings[:MAX_LISTED]]
    if len(findings) > MAX_LISTED:
        shown.append('and %d more (glance-conf-audit lists them all)'
                     % (len(findings) - MAX_LISTED))
    return '; '.join(shown) + '.'


def _audit(conf: cfg.ConfigOpts, defaults: str,
           *checks: type[base.Check]) -> list[Finding] | Result:
    """The findings of ``checks`` on the files ``conf`` loaded, judged by
    ``defaults``; or the result that says why they could not be judged."""
    if defaults not in definitions.SEMANTICS:
        raise ValueError('defaults must be one of %s'
                         % ', '.join(definitions.SEMANTICS))
    paths = locate.loaded_paths(conf)
    if not paths:
        return Result(Code.WARNING, NOTHING_LOADED)
    with runner.quiet_oslo_logging():
        result = runner.audit_service(
            [('--config-file', p) for p in paths], list(checks),
            defaults=defaults, offline=True)
    try:
        if result.problems:
            problem = result.problems[0]
            return Result(Code.FAILURE, 'Cannot audit %s: %s.' % (
                redact.printable(problem.path, 200), problem.reason))
        return list(result.findings)
    finally:
        result.findings.close()
        result.suppressed.close()


def refused_values(conf: cfg.ConfigOpts,
                   defaults: str = definitions.GLANCE_CONF) -> Result:
    """FAILURE when a value the hardened types refuse would stop the
    service after the swap (the audit's GC302; the value is not shown
    where it could be a secret)."""
    found = _audit(conf, defaults, options.RefusedValue)
    if isinstance(found, Result):
        return found
    if not found:
        return Result(Code.SUCCESS)
    return Result(Code.FAILURE, 'After the swap the service would refuse '
                  'to start: glance-conf refuses %d value(s). %s'
                  % (len(found), _listing(found)))


def signature_verification(
        conf: cfg.ConfigOpts,
        defaults: str = definitions.GLANCE_CONF) -> Result:
    """WARNING when the swap turns signature verification on (GC207,
    only with glance-conf's defaults); FAILURE when verification would be
    on after the swap with a key manager that cannot serve certificates
    (GC204), because every image the compute host downloads then fails
    to boot."""
    found = _audit(conf, defaults,
                   integrity.KeyManagerCannotServeCertificates,
                   integrity.TrustedCertificatesRequired,
                   integrity.VerificationTurnsOn)
    if isinstance(found, Result):
        return found
    by_id = {f.check_id: f for f in found}
    turns_on = by_id.get(integrity.VerificationTurnsOn.id)
    no_key_manager = by_id.get(integrity.KeyManagerCannotServeCertificates.id)
    if no_key_manager is not None:
        return Result(Code.FAILURE, _explained(turns_on, no_key_manager))
    if turns_on is None:
        return Result(Code.SUCCESS)
    return Result(Code.WARNING, _explained(turns_on, by_id.get(
        integrity.TrustedCertificatesRequired.id)))


def _explained(turns_on: Finding | None, then: Finding | None) -> str:
    """What the swap does, what follows from it, and the fixes."""
    found = [f for f in (turns_on, then) if f is not None]
    parts = [turns_on.message] if turns_on is not None else []
    if then is not None:
        parts.append(_listing([then]))
    parts.append('Fix: %s' % ' '.join(f.remediation for f in found))
    return ' '.join(parts)


def _warning(conf: cfg.ConfigOpts, defaults: str,
             check: type[base.Check]) -> Result:
    """WARNING listing what ``check`` finds, SUCCESS when nothing."""
    found = _audit(conf, defaults, check)
    if isinstance(found, Result):
        return found
    if not found:
        return Result(Code.SUCCESS)
    return Result(Code.WARNING, _listing(found))


def deprecated_names(conf: cfg.ConfigOpts,
                     defaults: str = definitions.GLANCE_CONF) -> Result:
    """WARNING for deprecated option names and options deprecated for
    removal (the audit's GC304)."""
    return _warning(conf, defaults, options.DeprecatedOption)


def recommended_bounds(conf: cfg.ConfigOpts,
                       defaults: str = definitions.GLANCE_CONF) -> Result:
    """WARNING for values the types accept but that are above the
    recommended bounds (the audit's GC307, ``num_retries``)."""
    return _warning(conf, defaults, options.ManyRetries)


#: Every check, by the name of its ``glance_conf.upgradecheck`` entry
#: point (the name the results table shows), in the order to run them.
CHECKS: tuple[tuple[str, Check], ...] = (
    ('glance-conf-refused-values', refused_values),
    ('glance-conf-signature-verification', signature_verification),
    ('glance-conf-deprecated-names', deprecated_names),
    ('glance-conf-recommended-bounds', recommended_bounds),
)
