"""keystoneauth1 session and adapter options, hardened.

keystoneauth1 builds these options at run time, and so do we: we ask it
for its list (so a new keystoneauth option appears here too), then replace
each known option's type with a bounded one and its help with ours. The
option name, dest, default, deprecated aliases and class stay as
keystoneauth made them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from collections.abc import Sequence

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg
from oslo_config import types as oslo_types

from glance_conf import _help
from glance_conf import types

#: Adapter options that describe API versions. The code knows which
#: versions it speaks; operators do not set them. They stay registered as
#: placeholders (so ``conf.glance.version`` exists) but are never listed.
VERSION_OPTS = ('version', 'min_version', 'max_version')

#: The interfaces keystoneauth understands, with their legacy spellings.
VALID_INTERFACES = ('public', 'internal', 'admin',
                    'publicURL', 'internalURL', 'adminURL')

MAX_RETRIES = 10
MAX_RETRY_DELAY = 60.0
MAX_TIMEOUT = 3600.0
MAX_PATH_LENGTH = 4096
MAX_NAME_LENGTH = 255
MAX_CIPHERS_LENGTH = 2048
MAX_STATUS_CODES = 32

DeprecatedMap = Mapping[str, Sequence[cfg.DeprecatedOpt]]


#: The rule of every file-path option, in words.
PATH_RULE = 'an absolute path (starting with "/"), or empty for unset'


def path_type(option: str) -> types.SafeString:
    """An absolute path, or empty (unset).

    A relative path would be resolved against whatever directory the
    service happens to start in.
    """
    return types.SafeString(MAX_PATH_LENGTH, pattern=r'(?:/.*)?',
                            rule=PATH_RULE, allow_space=True, option=option,
                            type_name='file path')


def _retries(option: str) -> types.BoundedInteger:
    return types.BoundedInteger(0, MAX_RETRIES, option=option,
                                allow_empty=True)


def _delay(option: str) -> types.BoundedFloat:
    return types.BoundedFloat(0.0, MAX_RETRY_DELAY, option=option,
                              allow_empty=True)


_FILE_HELP = """
%(summary)s

%(body)s The file is read when the HTTP session is built, so it must be
readable by the service user. Keep private keys at mode 0600 or 0640.

Possible values:

* Unset or empty (the default): %(unset)s
* An absolute path (starting with ``/``) of at most %(limit)d characters,
  without control characters. A relative path is refused.

Related options:

* %(related)s
"""

_RETRIES_HELP = """
Retries after a %(what)s.

How many more times keystoneauth tries a request after a %(what)s. A
request is sent at most ``1 + retries`` times, so this also bounds the load
a failing Image service receives from each caller.

Possible values:

* Unset or empty (the default): keystoneauth's own default applies.
* An integer from 0 to %(max)d.

Related options:

* ``%(delay)s``
* ``num_retries``
"""

_DELAY_HELP = """
Seconds to wait between two retries after a %(what)s.

A value above 0 is a fixed wait. Unset, empty or ``0`` all mean
keystoneauth's exponential back-off: the first wait is 0.5 s and each
further wait doubles, up to 60 s (keystoneauth1 takes any false delay,
``0`` included, as "no fixed delay"). ``0`` therefore never means "retry
at once".%(extra)s

Possible values:

* Unset, empty or 0 (the default is unset): exponential back-off, 0.5 s
  doubling up to 60 s.
* A finite number of seconds above 0 and at most %(max)g: that fixed wait.

Related options:

* ``%(retries)s``
"""

_RETRY_AFTER_NOTE = (' When the response has a ``Retry-After`` header of '
                     'whole seconds, keystoneauth waits that long instead '
                     '(at most 60 s through ``glance_conf.transport``).')

#: dest -> (help text, type factory). The factory receives the option name.
_RULES: dict[str, tuple[str, object]] = {
    'cafile': (_FILE_HELP % {
        'summary': 'CA bundle that signs the Image API certificate.',
        'body': 'PEM file of the certificate authorities trusted when '
                'verifying the HTTPS connection to the Image service.',
        'unset': "the system's trust store is used.",
        'limit': MAX_PATH_LENGTH,
        'related': '``insecure``: must stay ``False`` for this file to '
                   'matter.'}, path_type),
    'certfile': (_FILE_HELP % {
        'summary': 'Client certificate presented to the Image service.',
        'body': 'PEM file of the certificate used for mutual TLS.',
        'unset': 'no client certificate is presented.',
        'limit': MAX_PATH_LENGTH,
        'related': '``keyfile``: set both, or neither.'}, path_type),
    'keyfile': (_FILE_HELP % {
        'summary': 'Private key of the client certificate.',
        'body': 'PEM file of the key that matches ``certfile``.',
        'unset': 'no client certificate is presented.',
        'limit': MAX_PATH_LENGTH,
        'related': '``certfile``: a key without a certificate is ignored '
                   'by keystoneauth.'}, path_type),
    'insecure': ("""
Skip verification of the Image service's TLS certificate.

Turning verification off lets anyone on the network path impersonate the
Image service and hand out tampered images. Never enable it in
production; fix the trust store or set ``cafile`` instead.

Possible values:

* False (the default, and the secure setting): certificates are verified.
* True: certificates are not verified. The audit reports this as GC101.

Related options:

* ``cafile``
""", None),
    'timeout': ("""
Seconds to wait for the Image service before a request fails.

Without a timeout a stalled server can hold a request, and the worker that
made it, indefinitely. Set it.

Possible values:

* Unset or empty (the default): keystoneauth sets no timeout. The audit
  reports this as GC301.
* A finite number of seconds above 0 and at most %g.

Related options:

* ``num_retries``
""" % MAX_TIMEOUT, lambda option: types.BoundedFloat(
        0.0, MAX_TIMEOUT, min_exclusive=True, option=option,
        allow_empty=True)),
    'collect_timing': ("""
Collect timing information for each Image API call.

Possible values:

* True: record per-call timings on the session.
* False (the default).
""", None),
    'split_loggers': ("""
Log requests and responses to separate loggers.

Possible values:

* True: use keystoneauth's split loggers (request, response, body).
* False (the default).
""", None),
    'tls_ciphers': ("""
OpenSSL cipher string for connections to the Image service.

Possible values:

* Unset or empty (the default): the Python and OpenSSL defaults.
* An OpenSSL cipher list of at most %d characters, without control
  characters or white-space, from which the local OpenSSL selects at
  least one cipher; anything else is refused when the configuration is
  validated. The audit reports a list that enables ciphers without
  authentication or encryption, broken ciphers or a security level below
  2 as GC107.

Related options:

* ``tls_min_version``
""" % MAX_CIPHERS_LENGTH, lambda option: types.CipherString(
        MAX_CIPHERS_LENGTH, option=option)),
    'tls_min_version': ("""
Lowest TLS version accepted from the Image service.

Possible values:

* Unset (the default): the Python and OpenSSL defaults. The audit reports
  this as GC106; pin 1.2 or 1.3.
* ``1.2`` or ``1.3``.

Related options:

* ``tls_ciphers``
""", lambda option: types.SafeString(
        3, choices=(None, '1.2', '1.3'), option=option)),
    'service_type': ("""
Service type of the Image service in the Keystone catalog.

Possible values:

* ``image`` (the default).
* Lowercase letters, digits and hyphens, at most %d characters.

Related options:

* ``service_name``
* ``valid_interfaces``
""" % MAX_NAME_LENGTH, lambda option: types.SafeString(
        MAX_NAME_LENGTH, pattern=r'[a-z0-9][a-z0-9-]*',
        rule='lowercase letters, digits and hyphens', option=option)),
    'service_name': ("""
Service name of the Image service in the Keystone catalog.

Possible values:

* Unset (the default): any name matches.
* A name of at most %d characters, without control characters.

Related options:

* ``service_type``
""" % MAX_NAME_LENGTH, lambda option: types.SafeString(
        MAX_NAME_LENGTH, allow_space=True, option=option)),
    'valid_interfaces': ("""
Catalog interfaces to use, in order of preference.

Possible values:

* ``internal,public`` (the default).
* A list drawn from: %s.

Related options:

* ``region_name``
* ``endpoint_override``: when set, the catalog is not consulted.
""" % ', '.join(VALID_INTERFACES), lambda option: types.BoundedList(
        types.SafeString(16, choices=VALID_INTERFACES, option=option),
        len(VALID_INTERFACES), option=option)),
    'region_name': ("""
Region of the Image service endpoint in the Keystone catalog.

Possible values:

* Unset (the default): the catalog's only, or first, region.
* A region name of at most %d characters, without control characters.
""" % MAX_NAME_LENGTH, lambda option: types.SafeString(
        MAX_NAME_LENGTH, allow_space=True, option=option)),
    'endpoint_override': ("""
Image API endpoint to use instead of the Keystone catalog.

Give the unversioned endpoint; the client picks the API version.

Possible values:

* Unset (the default): the endpoint is found in the Keystone catalog.
* An absolute ``https://`` (recommended) or ``http://`` URL: a host name,
  IPv4 address or bracketed IPv6 address, an optional port from 1 to
  65535 and an optional path, at most %d characters. User-info
  (``user:password@``), query strings and fragments are refused. Plain
  ``http`` is reported by the audit as GC102.

Related options:

* ``valid_interfaces``
* ``region_name``
""" % types.MAX_URL_LENGTH, lambda option: types.ImageEndpoint(
        option=option)),
    'connect_retries': (_RETRIES_HELP % {
        'what': 'connection error', 'max': MAX_RETRIES,
        'delay': 'connect_retry_delay'}, _retries),
    'connect_retry_delay': (_DELAY_HELP % {
        'what': 'connection error', 'max': MAX_RETRY_DELAY,
        'retries': 'connect_retries', 'extra': ''}, _delay),
    'status_code_retries': (_RETRIES_HELP % {
        'what': 'retriable HTTP status code', 'max': MAX_RETRIES,
        'delay': 'status_code_retry_delay'}, _retries),
    'status_code_retry_delay': (_DELAY_HELP % {
        'what': 'retriable HTTP status code', 'max': MAX_RETRY_DELAY,
        'retries': 'status_code_retries', 'extra': _RETRY_AFTER_NOTE},
        _delay),
    'retriable_status_codes': ("""
HTTP status codes after which a request is retried.

Possible values:

* Unset (the default): keystoneauth retries on 503 only.
* A list of at most %d HTTP error codes, each from 400 to 599.

Related options:

* ``status_code_retries``
""" % MAX_STATUS_CODES, lambda option: types.BoundedList(
        types.BoundedInteger(400, 599, option=option), MAX_STATUS_CODES,
        option=option)),
}


def _harden(opt: cfg.Opt) -> cfg.Opt:
    """Return a copy of ``opt`` with our type and help, if we have a rule."""
    rule = _RULES.get(opt.dest)
    if rule is None:
        return opt
    help_text, factory = rule
    new = copy.copy(opt)
    new.help = _help.reflow(help_text)
    if factory is not None:
        new.type = factory(opt.dest)  # type: ignore[operator]
    elif isinstance(opt, cfg.BoolOpt):
        new.type = types.SafeBoolean(option=opt.dest)
    return new


#: Session options of nova 34 (keystoneauth1 5.15 and later) that older
#: keystoneauth1 releases lack. 5.14 is the newest release that installs
#: on Python 3.10, so there these are defined here, named as keystoneauth
#: names them, and :mod:`glance_conf.transport` applies them itself.
BACKPORTED_SESSION_OPTS = ('tls-ciphers', 'tls-min-version')


def get_session_opts(deprecated_opts: DeprecatedMap) -> list[cfg.Opt]:
    """keystoneauth's session options, hardened, with their aliases."""
    aliases = {k: list(v) for k, v in deprecated_opts.items()}
    opts = ks_loading.get_session_conf_options(deprecated_opts=aliases)
    present = {opt.dest for opt in opts}
    opts += [cfg.StrOpt(name, deprecated_opts=aliases.get(name))
             for name in BACKPORTED_SESSION_OPTS
             if name.replace('-', '_') not in present]
    return [_harden(opt) for opt in opts]


def get_adapter_opts(service_type: str,
                     deprecated_opts: DeprecatedMap) -> list[cfg.Opt]:
    """keystoneauth's adapter options, hardened, less the version ones."""
    opts = ks_loading.get_adapter_conf_options(
        include_deprecated=False,
        deprecated_opts={k: list(v) for k, v in deprecated_opts.items()})
    opts = [_harden(opt) for opt in opts if opt.dest not in VERSION_OPTS]
    for opt in opts:
        if opt.dest == 'service_type':
            opt.default = service_type
        elif opt.dest == 'valid_interfaces':
            opt.default = ['internal', 'public']
    return opts


def get_placeholder_opts() -> list[cfg.Opt]:
    """The version options, registered so code may read them as ``None``.

    Each call returns new objects, but they compare equal to any earlier
    ones, because they share one type function.
    """
    return [cfg.Opt(name, type=types.ignored,  # type: ignore[arg-type]
                    help='Not used; reads as None.')
            for name in VERSION_OPTS]


def unhardened_names(opts: Sequence[cfg.Opt]) -> list[str]:
    """Names of options that kept oslo.config's permissive types.

    An upgrade of keystoneauth1 that adds an option shows up here, and the
    test suite fails until a rule is written for it.
    """
    weak = (oslo_types.Integer, oslo_types.Float, oslo_types.String,
            oslo_types.List, oslo_types.Boolean)
    return [opt.dest for opt in opts
            if isinstance(opt.type, weak)
            and not isinstance(opt.type, types._Hardened)]
