"""GC3xx: option values and names."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from glance_conf import glance
from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit.cwe import IMPROPER_INPUT_VALIDATION
from glance_conf.audit.cwe import INSECURE_DEFAULT
from glance_conf.audit.cwe import OBSOLETE_FUNCTION
from glance_conf.audit.cwe import UNCONTROLLED_RESOURCE_CONSUMPTION
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import GROUP
from glance_conf.audit.target import INVALID
from glance_conf.audit.target import AuditedConf

#: Options nova once had in [glance] and has removed: setting them does
#: nothing today.
REMOVED = {
    'host': 'use endpoint_override or the Keystone catalog',
    'port': 'use endpoint_override or the Keystone catalog',
    'protocol': 'use an https:// endpoint_override',
    'allowed_direct_url_schemes': 'use enable_rbd_download for RBD',
    'api_version': 'the Image API version is negotiated',
    'api_timeout': 'use timeout',
    'ssl_cafile': 'use cafile',
}


def _known_names() -> dict[str, str]:
    """Every name oslo.config reads in a [glance] file section -> its dest.

    oslo.config looks options up in files by dest, so ``collect-timing``
    (the keystoneauth option name) is *not* read from a file: only
    ``collect_timing`` is.
    """
    names = {}
    for opt in glance.listed_opts() + \
            glance.placeholder_opts():
        names[opt.dest] = opt.dest
        for dep in opt.deprecated_opts:
            if (dep.group or GROUP) == GROUP and dep.name:
                names[dep.name] = opt.dest
    return names


_KNOWN = _known_names()


class NoRequestTimeout(base.Check):
    """No request ``timeout`` is set.

    Without a timeout, a stalled Image API (or a network device that drops
    packets silently) holds the request, and the worker making it,
    indefinitely.

    Fix: set ``timeout``, in seconds, long enough for the slowest image
    transfer chunk (for example 60).
    """

    id = 'GC301'
    severity = Severity.LOW
    cwe = UNCONTROLLED_RESOURCE_CONSUMPTION
    title = 'No request timeout'
    remediation = 'Set [glance] timeout, for example 60.'

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if conf.value('timeout') is None:
            yield self.finding('timeout', 'No request timeout is set: a '
                               'stalled Image API can hang a worker.')


class RefusedValue(base.Check):
    """A value is refused by the hardened option types.

    The service would fail at start-up (or, under nova's own looser types,
    would accept a dangerous value such as a URL carrying a password, or
    an unbounded retry count).

    Fix: correct the value; the message says which rule it breaks.
    """

    id = 'GC302'
    severity = Severity.HIGH
    cwe = IMPROPER_INPUT_VALIDATION
    title = 'Value refused by the hardened types'
    remediation = ('Correct the value so it meets the rule in the message '
                   '(see the configuration reference).')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        for opt in glance.listed_opts():
            if conf.value(opt.dest) is INVALID \
                    and not conf.unjudged(opt.dest):
                if conf.references(opt.dest):
                    # The reason would quote text of other options.
                    reason = SUBSTITUTED_REFUSED % opt.dest
                else:
                    reason = _short_reason(conf.error(opt.dest)
                                           or 'invalid value')
                yield self.finding(opt.dest, reason)


#: GC302's message for a value with ``$`` references: the type's reason
#: would quote text substituted from other options, so it is not shown.
SUBSTITUTED_REFUSED = ('[glance] %s is refused once its $ references are '
                       'substituted (the value is not shown: it holds '
                       'text of other options).')


def _short_reason(message: str) -> str:
    # oslo.config wraps our message: "Value for option X from
    # LocationInfo(...) is not valid: <ours>". Keep ours.
    marker = 'is not valid: '
    if marker in message:
        message = message.split(marker, 1)[1]
    return redact.printable(message, 300)


class UnjudgedValue(base.Check):
    """A value refers to an option the audit cannot resolve.

    oslo.config substitutes ``$name`` and ``${name}`` in values with
    other options' values. A reference to a nova option the audit does
    not know, or to one such as ``[DEFAULT] my_ip`` that the file leaves
    to nova's host-dependent default, cannot be resolved the way the
    service will resolve it, so the value is neither accepted nor
    refused: the other checks do not see it. The message never shows
    the reference.

    Fix: nothing, if the service resolves it as meant; set the option it
    refers to in the file to have the audit judge the value.
    """

    id = 'GC305'
    severity = Severity.INFO
    cwe = INSECURE_DEFAULT
    title = 'Value not judged: its $ reference is not resolved'
    remediation = ('Check the value by hand, or set the option it refers '
                   'to in the config.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        for opt in glance.listed_opts():
            if conf.unjudged(opt.dest):
                yield self.finding(
                    opt.dest, '[glance] %s refers with $ to an option whose '
                    'value only the service knows; the value was not judged.'
                    % opt.dest)


class UnknownOption(base.Check):
    """An unknown or removed option is set in ``[glance]``.

    oslo.config ignores names it does not know, so a typo such as
    ``num_retry`` or a removed option such as ``host`` silently leaves the
    default in force: the setting the operator meant is not applied.

    Fix: correct the spelling, or remove the option; the message suggests
    the closest known name or the replacement.
    """

    id = 'GC303'
    severity = Severity.MEDIUM
    cwe = INSECURE_DEFAULT
    title = 'Unknown or removed option in [glance]'
    remediation = 'Correct or remove the option.'

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        for hit in conf.keys(GROUP):
            key = hit.key
            if key in _KNOWN:
                continue
            name = redact.printable(key, 60)
            if key.replace('-', '_') in _KNOWN:
                message = ('[glance] %s is ignored: oslo.config reads this '
                           'option only as %s.'
                           % (name, key.replace('-', '_')))
                fix = 'Spell it %s.' % key.replace('-', '_')
            elif key in REMOVED:
                message = ('[glance] %s was removed from nova and has no '
                           'effect.' % name)
                fix = 'Remove it; %s.' % REMOVED[key]
            else:
                close = difflib.get_close_matches(key, sorted(_KNOWN), n=1)
                message = '[glance] %s is not a known option.' % name
                fix = ('Did you mean %s?' % close[0] if close
                       else 'Remove it.')
            # About a key no option reads: placed at the key itself.
            yield self.finding('glance.%s' % name, message, hit.path,
                               hit.line, remediation=fix)


class DeprecatedOption(base.Check):
    """A deprecated option name, or an option deprecated for removal, is set.

    Deprecated names (``[glance] api_insecure``, ``[ssl] ca_file``,
    ``cert_file``, ``key_file``) still work but will stop working in a
    later release; options deprecated for removal (``api_servers``,
    ``enable_certificate_validation``) will be ignored.

    Fix: move the value to the current name, or to the replacement the
    message gives.
    """

    id = 'GC304'
    severity = Severity.INFO
    cwe = OBSOLETE_FUNCTION
    title = 'Deprecated option in use'
    remediation = 'Use the current option name.'

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        for opt in glance.listed_opts():
            for dep in opt.deprecated_opts:
                group, name = dep.group or GROUP, dep.name or opt.name
                if conf.raw(group, name):
                    yield self.finding(
                        '%s.%s' % (group, name),
                        '[%s] %s is a deprecated name of [glance] %s.'
                        % (group, name, opt.dest),
                        remediation='Set [glance] %s instead.' % opt.dest)
            if opt.deprecated_for_removal and conf.raw(GROUP, opt.name,
                                                       opt.dest):
                yield self.finding(
                    opt.dest,
                    '[glance] %s is deprecated for removal.' % opt.dest,
                    remediation=redact.printable(
                        opt.deprecated_reason or 'Stop using it.', 300))
