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

"""Loading: the ``[glance]`` options as keystoneauth keyword arguments.

The mechanism is :mod:`glance_conf.transport`, which knows nothing of
oslo.config. This module only maps ``conf.glance`` to the arguments of
its session and adapter, with ``setdefault``, so that an argument the
caller gives always wins over the config, as keystoneauth's own
``load_session_from_conf_options`` and ``load_adapter_from_conf_options``
do. Any keystoneauth ``Session`` or ``Adapter`` argument is accepted.

An argument that weakens what the config would allow is used all the
same, and logged at WARNING with the message the config path uses:
``verify=False`` or ``insecure=True`` as ``insecure = True`` is (the
message of :data:`glance_conf.definitions.TLS_UNVERIFIED`), and a number
the option's type would refuse (``timeout=7200``) with that type's own
error text
(:data:`OUTSIDE_OPTION_WARNING`).

Where nova looks for the Image API, this does too (nova 34,
``nova/image/glance.py``): ``api_servers`` when set (shuffled once per
adapter, then cycled), else ``endpoint_override`` with a trailing
``/vN`` removed, else the catalog (``service_type``,
``valid_interfaces``, ``region_name``). An ``endpoint_override`` or
``api_servers`` given by the caller wins over both options.
"""

from __future__ import annotations

import re
from typing import Any

from oslo_config import cfg
from oslo_log import log as oslo_logging

from glance_conf import _files
from glance_conf import definitions
from glance_conf import exception
from glance_conf import limits
from glance_conf import redact
from glance_conf import transport
from glance_conf import types

LOG = oslo_logging.getLogger(__name__)

#: Logged at WARNING for a caller's argument that the ``[glance]`` option
#: of that name would refuse; the reason is the option type's own error.
OUTSIDE_OPTION_WARNING = ('an argument given by the caller is used although '
                          'the option would refuse it: %s')

#: The caller's arguments that are checked against the option of the
#: same name.
_CHECKED_ARGUMENTS = ('timeout', 'num_retries', 'connect_retries',
                      'status_code_retries', 'connect_retry_delay',
                      'status_code_retry_delay')
#: nova's rule for the endpoint it finds (``nova/image/glance.py`` 113).
_VERSION_SUFFIX = re.compile(r'/v\d+(\.\d+)?/?$')


def _registered(conf: cfg.ConfigOpts, name: str) -> cfg.Opt:
    """The ``Opt`` registered as ``[glance] name``: its default and type.

    oslo.config has no public way to look one up; this is the one place
    that reads the group's table.
    """
    opt: cfg.Opt = conf._groups[definitions.GROUP_NAME]._opts[name]['opt']
    return opt


def _num_retries(conf: cfg.ConfigOpts) -> int:
    """``num_retries``, or its registered default when it reads as None."""
    value = conf.glance.num_retries
    if value is None:
        value = _registered(conf, 'num_retries').default
    return int(value)


def _warn_outside_options(conf: cfg.ConfigOpts,
                          arguments: dict[str, Any]) -> None:
    for name in _CHECKED_ARGUMENTS:
        value = arguments.get(name)
        if value is None:
            continue
        try:
            _registered(conf, name).type(value)
        except ValueError as exc:
            LOG.warning(OUTSIDE_OPTION_WARNING, redact.redact_text(str(exc)))


#: Logged at WARNING when the caller's ``tls_min_version`` is below the
#: configured floor (``None`` included), or its ``tls_ciphers`` weak.
WEAKER_TLS_WARNING = ('an argument given by the caller weakens the TLS '
                      'settings of [glance]: %s')
#: Logged at WARNING when the caller names a plain-HTTP endpoint.
PLAIN_HTTP_WARNING = ('an endpoint given by the caller uses plain HTTP: '
                      'the token and the images cross the network in the '
                      'clear')


def _check_tls_arguments(conf: cfg.ConfigOpts,
                         arguments: dict[str, Any]) -> None:
    """Refuse a TLS argument the transport cannot apply; log one that is
    weaker than the config's."""
    problems = []
    if 'tls_min_version' in arguments:
        wanted = arguments['tls_min_version']
        floor = conf.glance.tls_min_version
        if wanted is not None and wanted not in limits.TLS_VERSIONS:
            problems.append(('tls_min_version argument', 'must be one of: '
                             + ', '.join(limits.TLS_VERSIONS)))
        elif floor and (wanted is None or limits.TLS_VERSIONS[wanted]
                        < limits.TLS_VERSIONS[floor]):
            LOG.warning(WEAKER_TLS_WARNING, 'a lower TLS floor than '
                        'tls_min_version')
    ciphers = arguments.get('tls_ciphers')
    if ciphers:
        try:
            _registered(conf, 'tls_ciphers').type(ciphers)
        except ValueError as exc:
            problems.append(('tls_ciphers argument', str(exc)))
        else:
            weak = types.cipher_weaknesses(ciphers)
            if weak:
                LOG.warning(WEAKER_TLS_WARNING,
                            'tls_ciphers ' + '; '.join(weak))
    if problems:
        raise exception.InvalidOptionError(problems)


def _warn_plain_http(arguments: dict[str, Any]) -> None:
    urls = list(arguments.get('api_servers') or ())
    if arguments.get('endpoint_override'):
        urls.append(arguments['endpoint_override'])
    if any(str(url).lower().startswith('http://') for url in urls):
        LOG.warning(PLAIN_HTTP_WARNING)


def strip_version(endpoint: str | None) -> str | None:
    """``endpoint`` without a trailing ``/vN[.M][/]``, as nova strips it."""
    if not endpoint:
        return endpoint
    return _VERSION_SUFFIX.sub('/', endpoint)


# -- session ------------------------------------------------------------------

def _session_arguments(conf: cfg.ConfigOpts,
                       arguments: dict[str, Any]) -> dict[str, Any]:
    group = conf.glance
    arguments.setdefault('insecure', group.insecure)
    arguments.setdefault('cacert', group.cafile)
    arguments.setdefault('cert', group.certfile)
    arguments.setdefault('key', group.keyfile)
    arguments.setdefault('timeout', group.timeout)
    arguments.setdefault('collect_timing', group.collect_timing)
    arguments.setdefault('split_loggers', group.split_loggers)
    arguments.setdefault('tls_ciphers', group.tls_ciphers)
    arguments.setdefault('tls_min_version', group.tls_min_version)
    return arguments


def _check_files(arguments: dict[str, Any], given: set[str]) -> None:
    """Each TLS file to be used exists and is readable, or fail naming
    the option, or the argument when the caller gave it."""
    problems = []
    for argument, option in (('cacert', 'cafile'), ('cert', 'certfile'),
                             ('key', 'keyfile'), ('verify', None)):
        path = arguments.get(argument)
        if not isinstance(path, str) or not path:
            continue
        problem = _files.problem_reading(path)
        if problem:
            name = ('%s argument' % argument if argument in given
                    else '[glance] %s' % option)
            problems.append((name, '%s %s' % (redact.redact_url(path),
                                              problem)))
    if problems:
        raise exception.InvalidOptionError(problems)


def load_session(conf: cfg.ConfigOpts,
                 **kwargs: Any) -> transport.HardenedSession:
    """A :class:`~glance_conf.transport.HardenedSession` from ``[glance]``.

    :param kwargs: any keystoneauth ``Session`` argument (``auth``,
        ``verify``, ``timeout``, ``user_agent``...), keystoneauth's loading
        arguments (``insecure``, ``cacert``, ``cert``, ``key``), or the
        session's own (``tls_min_version``, ``tls_ciphers``,
        ``max_retry_after``). Each wins over the option it stands for.
        Without a timeout, :data:`~glance_conf.limits.DEFAULT_TIMEOUT`
        applies.
    :raises InvalidOptionError: if a TLS file is missing or unreadable.
    """
    given = set(kwargs)
    _warn_outside_options(conf, kwargs)
    _check_tls_arguments(conf, kwargs)
    arguments = _session_arguments(conf, kwargs)
    # keystoneauth's load_from_options: an explicit verify wins.
    verify: bool | str | None = arguments.pop('verify', None)
    if verify is None:
        verify = False if arguments['insecure'] else (
            arguments['cacert'] or True)
    if verify is False:
        arguments['cacert'] = None  # unused: not checked either
    _check_files(dict(arguments, verify=verify), given)
    if verify is False:
        LOG.warning(definitions.TLS_UNVERIFIED.message)
    arguments.pop('insecure')
    arguments.pop('cacert')
    cert, key = arguments.pop('cert'), arguments.pop('key')
    if cert and key:
        cert = (cert, key)
    timeout = definitions.get('timeout').effective(
        arguments.pop('timeout') or None, definitions.GLANCE_CONF)
    arguments.setdefault('body_timeout', timeout)
    return transport.HardenedSession(verify=verify, cert=cert,
                                     timeout=timeout, **arguments)


# -- adapter ------------------------------------------------------------------

def _adapter_arguments(conf: cfg.ConfigOpts,
                       arguments: dict[str, Any]) -> dict[str, Any]:
    group = conf.glance
    given = set(arguments)
    arguments.setdefault('service_type', group.service_type)
    arguments.setdefault('service_name', group.service_name)
    arguments.setdefault('interface', group.valid_interfaces)
    arguments.setdefault('region_name', group.region_name)
    if not given & {'endpoint_override', 'api_servers'}:
        # nova: api_servers, else endpoint_override less its /vN.
        arguments['api_servers'] = list(group.api_servers or ()) or None
        arguments['endpoint_override'] = strip_version(
            group.endpoint_override)
    arguments.setdefault('num_retries', _num_retries(conf))
    arguments.setdefault('connect_retries', group.connect_retries)
    arguments.setdefault('status_code_retries', group.status_code_retries)
    arguments.setdefault('connect_retry_delay', group.connect_retry_delay)
    arguments.setdefault('status_code_retry_delay',
                         group.status_code_retry_delay)
    arguments.setdefault('retriable_status_codes',
                         group.retriable_status_codes)
    return arguments


def load_adapter(conf: cfg.ConfigOpts,
                 session: Any = None, auth: Any = None,
                 **overrides: Any) -> transport.ImageAdapter:
    """An :class:`~glance_conf.transport.ImageAdapter` from ``[glance]``.

    One call through it sends at most ``1 + num_retries`` requests in
    all. Do not wrap it in a retry loop of your own: call it once per
    operation, as nova calls ``GlanceClientWrapper.call``.

    :param session: a :class:`~glance_conf.transport.HardenedSession`
        (one from :func:`load_session`); defaults to
        :func:`load_session` (conf). A plain keystoneauth ``Session``
        cannot keep the budget, the deadlines or the redirect guard, and
        is refused with ``TypeError``.
    :param auth: the plugin whose token is sent (the user's, in nova).
    :param overrides: any keystoneauth ``Adapter`` argument, or
        ``api_servers``, ``num_retries`` and ``rng`` (the shuffle's
        ``random.Random``). Each wins over the option it stands for; an
        ``endpoint_override`` or ``api_servers`` given here replaces both
        options.
    """
    if session is None:
        session = load_session(conf)
    elif not isinstance(session, transport.HardenedSession):
        raise TypeError('load_adapter needs a session from '
                        'glance_conf.load_session, not a %s'
                        % type(session).__name__)
    _warn_outside_options(conf, overrides)
    _warn_plain_http(overrides)
    arguments = _adapter_arguments(conf, overrides)
    return transport.ImageAdapter(session, auth=auth, **arguments)


def total_time_bound(conf: cfg.ConfigOpts, **overrides: Any) -> float:
    """Upper bound, in seconds, of one non-streamed call through
    ``load_adapter(conf, session=load_session(conf, ...), ...)``.

    :param overrides: the arguments given to :func:`load_session` and
        :func:`load_adapter`, where they change the bound (``timeout``,
        ``num_retries``, ``connect_retries``, ``status_code_retries``,
        ``max_retry_after``).

    The formula is :func:`glance_conf.transport.time_bound`: ``(1 +
    num_retries) × 3 × timeout + min(num_retries, connect_retries +
    status_code_retries) × min(max_retry_after, 60 s)``.
    """
    session = _session_arguments(conf, dict(overrides))
    adapter = _adapter_arguments(conf, dict(overrides))
    num_retries = int(adapter['num_retries'])
    return transport.time_bound(
        timeout=float(session['timeout'] or limits.DEFAULT_TIMEOUT),
        num_retries=num_retries,
        connect_retries=_or(adapter['connect_retries'], num_retries),
        status_code_retries=_or(adapter['status_code_retries'],
                                num_retries),
        max_wait=float(overrides.get('max_retry_after',
                                     limits.MAX_RETRY_AFTER)))


def _or(value: int | None, default: int) -> int:
    return default if value is None else int(value)
