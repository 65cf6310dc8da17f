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

"""GC3xx: option values and names."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from glance_conf import definitions
from glance_conf import glance
from glance_conf import limits
from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit import references as refs
from glance_conf.audit import remedy
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

#: keystoneauth's authentication options. nova 34 registers the
#: keystoneauth options of ``[glance]`` with ``include_auth=False``
#: (``nova/conf/glance.py`` lines 204-210, ``nova/conf/utils.py``
#: ``register_ksa_opts``): it authenticates to glance with the user's
#: token, so none of these is read there. They are keystoneauth1 5.18's
#: common options and those of the password, v3password, token and
#: v3applicationcredential plugins.
KSA_AUTH_OPTIONS = frozenset({
    'auth_type', 'auth_plugin', 'auth_section', 'auth_url', 'system_scope',
    'domain_id', 'domain_name', 'project_id', 'project_name',
    'project_domain_id', 'project_domain_name', 'trust_id',
    'default_domain_id', 'default_domain_name', 'user_id', 'username',
    'user_domain_id', 'user_domain_name', 'password', 'token',
    'application_credential_id', 'application_credential_name',
    'application_credential_secret'})

#: Names people carry over from other sections or older releases.
LEGACY_NAMES = {
    'os_region_name': 'region_name',
    'api_insecure': 'insecure',
    'ca_file': 'cafile',
    'cert_file': 'certfile',
    'key_file': 'keyfile',
}

#: How alike a name must be to a known one to be called a typo of it.
NEAR_MISS = 0.8

#: Deprecated names GC304's fix moves to the current one: (section, key)
#: -> the ``[glance]`` key that replaces it.
RENAMED = {
    (GROUP, 'api_insecure'): 'insecure',
    ('ssl', 'ca_file'): 'cafile',
    ('ssl', 'cert_file'): 'certfile',
    ('ssl', 'key_file'): 'keyfile',
}


#: GC304's options: each ``[glance]`` option with deprecated names or
#: deprecated for removal, with its deprecated ``(section, name)``s;
#: worked out once, as GC304 looks at every config.
_DEPRECATED = tuple(
    (opt, tuple((dep.group or GROUP, dep.name or opt.name)
                for dep in opt.deprecated_opts))
    for opt in glance.listed_opts()
    if opt.deprecated_opts or opt.deprecated_for_removal)


def suggestion(key: str) -> str | None:
    """The option a near-miss ``[glance]`` key means, as GC303 suggests
    it, as the dest oslo.config reads; ``None`` when there is none."""
    if key in _KNOWN or key in KSA_AUTH_OPTIONS:
        return None
    if key.replace('-', '_') in _KNOWN:
        return _KNOWN[key.replace('-', '_')]
    if key in REMOVED:
        return None
    if key in LEGACY_NAMES:
        return _KNOWN.get(LEGACY_NAMES[key], LEGACY_NAMES[key])
    close = difflib.get_close_matches(key, sorted(_KNOWN), n=1,
                                      cutoff=NEAR_MISS)
    return _KNOWN[close[0]] if close else None


class NoRequestTimeout(base.ValueCheck):
    """No request ``timeout`` is set.

    Without a timeout, a stalled Image API (or a network device that drops
    packets silently) holds the request, and the worker making it,
    indefinitely. nova applies none of its own: keystoneauth passes a
    timeout to requests only when one is set (keystoneauth1
    ``session.py``, ``Session.request``), and nova's image client adds
    none. This holds under both ``--defaults``: swapping the option module
    does not change nova's client; only a service that talks to glance
    through ``glance_conf.load_session`` gets its default
    (``glance_conf.limits.DEFAULT_TIMEOUT``).

    Fix: set ``timeout``, in seconds, long enough for the slowest image
    transfer chunk (for example the transport's own default).
    """

    id = 'GC301'
    severity = Severity.LOW
    cwe = UNCONTROLLED_RESOURCE_CONSUMPTION
    title = 'No request timeout'
    references = (refs.CM_6,)
    remediation = ('Set [glance] timeout, for example %g.'
                   % limits.DEFAULT_TIMEOUT)
    option = 'timeout'
    fix = remedy.SetOption('timeout', '%d' % limits.DEFAULT_TIMEOUT,
                           order=3)
    message = ('No request timeout is set, and nova applies none: a '
               'stalled Image API can hang a worker.')

    def unsafe(self, value: Any) -> bool:
        return value is None


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
    references = (refs.CM_6,)
    remediation = ('Correct the value so it meets the rule in the message '
                   '(see the configuration reference).')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        for opt in glance.listed_opts():
            if conf.value(opt.dest) is INVALID \
                    and not conf.unjudged(opt.dest):
                if conf.references(opt.dest):
                    # The reason would quote text of other options.
                    reason = SUBSTITUTED_REFUSED % opt.dest
                    rule = 'substituted'
                else:
                    error = conf.error(opt.dest) or 'invalid value'
                    reason = _short_reason(error)
                    rule = broken_rule(error)
                yield self.finding(opt.dest, reason, key=rule)


#: GC302's message for a value with ``$`` references: the type's reason
#: would quote text substituted from other options, so it is not shown.
SUBSTITUTED_REFUSED = ('[glance] %s is refused once its $ references are '
                       'substituted (the value is not shown: it holds '
                       'text of other options).')


def _ours(message: str) -> str:
    # oslo.config wraps our message: "Value for option X from
    # LocationInfo(...) is not valid: <ours>". Keep ours.
    marker = 'is not valid: '
    if marker in message:
        message = message.split(marker, 1)[1]
    return message


def _short_reason(message: str) -> str:
    return redact.printable(_ours(message), 300)


#: What a type's reason quotes of the value: a quoted text, or a number.
_QUOTED_OR_NUMBER = re.compile(
    r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\d+")


def broken_rule(message: str) -> str:
    """The rule a refused value breaks, without the value: the type's
    reason with what it quotes (a value, a number, a position, a length)
    replaced by ``#``. ``'99' is out of range; it must be between 0 and
    10`` and ``'12' is ...`` break one rule."""
    return redact.printable(_QUOTED_OR_NUMBER.sub('#', _ours(message)), 300)


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
    references = (refs.CM_6,)
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
    references = (refs.CM_6,)
    remediation = 'Correct or remove the option.'
    fix = remedy.Rename(lambda section, key: suggestion(key)
                        if section == GROUP else None, alias=False)

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        for hit in conf.keys(GROUP):
            key = hit.key
            if key in _KNOWN or key in KSA_AUTH_OPTIONS:
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
                close = [LEGACY_NAMES[key]] if key in LEGACY_NAMES else \
                    difflib.get_close_matches(key, sorted(_KNOWN), n=1,
                                              cutoff=NEAR_MISS)
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
    references = (refs.CM_6,)
    remediation = 'Use the current option name.'
    fix = remedy.Rename(lambda section, key: RENAMED.get((section, key)),
                        alias=True)

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        for opt, names in _DEPRECATED:
            for group, name in names:
                if conf.raw(group, name):
                    yield self.finding(
                        '%s.%s' % (group, name),
                        '[%s] %s is a deprecated name of [glance] %s.'
                        % (group, name, opt.dest),
                        remediation='Set [glance] %s instead.' % opt.dest,
                        key='deprecated name')
            if opt.deprecated_for_removal and conf.raw(GROUP, opt.name,
                                                       opt.dest):
                yield self.finding(
                    opt.dest,
                    '[glance] %s is deprecated for removal.' % opt.dest,
                    remediation=redact.printable(
                        opt.deprecated_reason or 'Stop using it.', 300),
                    key='deprecated for removal')


class IgnoredAuthOptions(base.Check):
    """keystoneauth authentication options are set in ``[glance]``.

    nova 34 registers ``[glance]`` with ``include_auth=False``
    (``nova/conf/glance.py`` lines 204-210, ``nova/conf/utils.py``
    ``register_ksa_opts``): it reaches the Image API with the user's own
    token, so ``auth_url``, ``username``, ``password`` and the like are
    never read there. Some deployment tools write them anyway
    (nova-operator does). They are not typos and change nothing, but a
    password kept where nothing reads it is a secret on disk for no
    purpose. Reported once per file, naming the options, never a value.

    Fix: remove them from ``[glance]``; the service's own credentials
    belong in ``[keystone_authtoken]`` and ``[service_user]``.
    """

    id = 'GC306'
    severity = Severity.INFO
    cwe = INSECURE_DEFAULT
    title = 'Authentication options in [glance] that nova ignores'
    references = (refs.CM_6,)
    remediation = ('Remove the authentication options from [glance]; nova '
                   'uses the user\'s token there.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        for raw_file in conf.files:
            names = sorted(key for key in raw_file.sections.get(GROUP, {})
                           if key in KSA_AUTH_OPTIONS)
            if not names:
                continue
            secret = [n for n in names if n in SECRET_AUTH_OPTIONS]
            extra = (' %s holds a secret that nothing reads.'
                     % ', '.join(secret) if secret else '')
            first = min(raw_file.sections[GROUP][name].line
                        for name in names)
            yield self.finding(
                None, '[glance] sets %d authentication option(s) that nova '
                'ignores there: %s.%s' % (len(names), ', '.join(names), extra),
                raw_file.path, first, key=','.join(names))


#: The authentication options whose value is a secret.
SECRET_AUTH_OPTIONS = frozenset({'password', 'token',
                                 'application_credential_secret'})


class ManyRetries(base.ValueCheck):
    """``num_retries`` is above the recommended ceiling.

    nova makes ``1 + num_retries`` attempts per image call, one second
    apart, each on the next ``api_servers`` entry (``nova/image/glance.py``
    ``GlanceClientWrapper.call``). A value up to the number of Image API
    servers is how some deployments give each server one try, so the type
    accepts it; beyond %(recommended)d, one failing image call keeps a
    worker busy for many attempts and multiplies the load on an Image
    service that is already failing.

    Fix: use %(recommended)d or fewer, and fix the failing endpoints
    behind a load balancer instead.
    """

    id = 'GC307'
    severity = Severity.LOW
    cwe = UNCONTROLLED_RESOURCE_CONSUMPTION
    title = 'num_retries above the recommended ceiling'
    references = (refs.CM_6,)
    remediation = ('Set [glance] num_retries to %d or fewer.'
                   % definitions.RECOMMENDED_NUM_RETRIES)

    option = 'num_retries'

    def unsafe(self, value: Any) -> bool:
        return isinstance(value, int) and \
            value > definitions.RECOMMENDED_NUM_RETRIES

    def describe(self, value: Any) -> str:
        return ('%s is %d: one failing image call makes %d attempts, above '
                'the recommended %d.' % (self.option, value, value + 1,
                                         definitions.RECOMMENDED_NUM_RETRIES
                                         + 1))


ManyRetries.__doc__ = (ManyRetries.__doc__ or '') % {
    'recommended': definitions.RECOMMENDED_NUM_RETRIES}
