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

"""Every ``[glance]`` option, defined once.

One :class:`Definition` per option says all this package says about it:

* its oslo.config class (or that keystoneauth1 makes the option) and its
  hardened type, which carries the bounds;
* its help, in nova's template, where each bound is interpolated from
  the type and never written as a literal;
* nova 34's default and ours;
* what happens when it is unset, in nova and in our transport;
* for a security setting, what weakening it means, in the one message
  that :func:`~glance_conf.glance.validate`,
  :func:`~glance_conf.glance.set_defaults`, the loading of a session and
  the audit all use.

:mod:`glance_conf.glance` and :mod:`glance_conf._ksa` build the Opts from
these definitions; nothing else states a bound or a default.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import Any

from oslo_config import cfg

from glance_conf import _help
from glance_conf import limits
from glance_conf import types

GROUP_NAME = 'glance'
DEFAULT_SERVICE_TYPE = 'image'

#: The two semantics a configuration can be judged by: nova 34's own
#: defaults, or this package's hardened ones.
NOVA = 'nova'
GLANCE_CONF = 'glance-conf'
SEMANTICS = (NOVA, GLANCE_CONF)

# -- limits: each exists here only -------------------------------------------

#: Most entries in ``api_servers``. Far above any real glance-api pool:
#: kolla-ansible, openstack-helm, the charms and the install guide write
#: one URL (a VIP or a service name), TripleO none.
MAX_API_SERVERS = 32
#: Most tries of one image transfer after the first: one per
#: ``api_servers`` entry at most, which is what deployments that give
#: each Image API server one try generate (kolla-ansible did, from its
#: glance-api hosts; today it writes 3, as openstack-helm does).
MAX_NUM_RETRIES = MAX_API_SERVERS
#: Above this, the audit reports the load a failing call causes (GC307).
RECOMMENDED_NUM_RETRIES = 10
#: Most keystoneauth retries of one request, per kind of failure. No
#: deployment tool sets them; through ``load_adapter`` ``num_retries``
#: bounds them anyway.
MAX_RETRIES = 10
#: Longest fixed wait between two retries, in seconds: the longest wait
#: the transport allows between two attempts, where keystoneauth's own
#: back-off stops doubling too. No deployment tool sets it.
MAX_RETRY_DELAY = limits.MAX_RETRY_AFTER
#: Longest request timeout, in seconds. A read of an image chunk that
#: stalls for an hour is a dead server; no deployment tool sets a timeout
#: at all (nova then waits forever, GC301).
MAX_TIMEOUT = 3600.0
#: Longest Ceph connection timeout, in seconds; nova's default is 5, and
#: no deployment tool changes it.
MAX_RBD_CONNECT_TIMEOUT = 300
#: Longest Ceph client or pool name (TripleO and the charms write
#: ``openstack`` and ``images``).
MAX_CEPH_NAME_LENGTH = 128
#: Longest signing-certificate ID (Barbican's are 36-character UUIDs).
MAX_CERT_ID_LENGTH = 255
#: Most default trusted certificate IDs.
MAX_TRUSTED_CERT_IDS = 64
#: Longest file path: Linux's ``PATH_MAX``.
MAX_PATH_LENGTH = 4096
#: Longest catalog name (service, region): Keystone's column width.
MAX_NAME_LENGTH = 255
#: Longest OpenSSL cipher string.
MAX_CIPHERS_LENGTH = 2048
#: Most retriable HTTP status codes.
MAX_STATUS_CODES = 32
#: Longest interface name (``internalURL``).
MAX_INTERFACE_LENGTH = 16

#: The interfaces keystoneauth understands, with their legacy spellings.
VALID_INTERFACES = ('public', 'internal', 'admin',
                    'publicURL', 'internalURL', 'adminURL')
#: The TLS versions ``tls_min_version`` accepts.
TLS_VERSIONS = tuple(limits.TLS_VERSIONS)

_SAME = object()


@dataclasses.dataclass(frozen=True)
class Weakening:
    """What setting a security option away from ``secure`` means.

    ``message`` is the one text every part of the package logs or reports
    for it; it names the option and never holds a value from a file.
    """

    secure: Any
    message: str

    def applies(self, value: Any) -> bool:
        """Whether ``value`` is the weak setting."""
        return value is not None and value != self.secure


@dataclasses.dataclass(frozen=True)
class Definition:
    """One ``[glance]`` option, as this package defines it."""

    dest: str
    #: The hardened type; its ``limits()`` fill the help's ``{min}``,
    #: ``{max}``, ``{max_length}``, ``{max_items}``... fields.
    type: Any
    help: str
    default: Any = None
    #: nova 34's default, where it differs from ours.
    nova_default: Any = _SAME
    #: What nova 34 does when the option is unset (or at its default).
    nova_unset: str = ''
    #: What our transport applies when the option is unset, if anything.
    transport_default: Any = None
    weakening: Weakening | None = None
    #: The oslo.config class; ``None`` where keystoneauth1 makes the Opt.
    opt_class: type[cfg.Opt] | None = None
    #: Further arguments of the Opt (deprecations).
    opt_args: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def default_for(self, semantics: str) -> Any:
        """The registered default under ``nova`` or ``glance-conf``."""
        if semantics == NOVA and self.nova_default is not _SAME:
            return self.nova_default
        return self.default

    def effective(self, value: Any, semantics: str) -> Any:
        """What a service acts on when the option reads ``value``.

        Under nova, an unset value is what nova's code does with ``None``;
        under glance-conf, our transport's default fills it in.
        """
        if value is None and semantics == GLANCE_CONF:
            return self.transport_default
        return value

    def limits(self) -> dict[str, Any]:
        return dict(self.type.limits())

    def render_help(self) -> str:
        """The help, with the type's bounds filled in, reflowed."""
        fields = {'default': self.default, **self.limits()}
        return _help.reflow(self.help.format(**fields))

    def make_opt(self) -> cfg.Opt:
        """The Opt of one of nova's own options."""
        if self.opt_class is None:
            raise TypeError('%s is made by keystoneauth1' % self.dest)
        opt: cfg.Opt = self.opt_class(self.dest, default=self.default,
                                      help=self.render_help(),
                                      **self.opt_args)
        opt.type = self.type
        return opt

    def harden(self, opt: cfg.Opt) -> cfg.Opt:
        """A copy of keystoneauth's ``opt`` with our type, help, default."""
        new = copy.copy(opt)
        new.type = self.type
        new.help = self.render_help()
        new.default = self.default
        return new


def _path(summary: str, body: str, unset: str, related: str) -> str:
    return """
%s

%s The file is read when the HTTP session is built, so it must be
readable by the service user. Keep private keys at mode 0600 or 0640.

Possible values:

* Unset or empty (the default): %s
* An absolute path (starting with ``/``) of at most {max_length}
  characters, without control characters. A relative path is refused.

Related options:

* %s
""" % (summary, body, unset, related)


#: The rule of every file-path option, in words.
PATH_RULE = 'an absolute path (starting with "/"), or empty for unset'


def _path_type() -> types.SafeString:
    # A relative path would be resolved against whatever directory the
    # service happens to start in.
    return types.SafeString(MAX_PATH_LENGTH, pattern=r'(?:/.*)?',
                            allow_space=True, rule=PATH_RULE,
                            type_name='file path')


_RBD_NAME_RULE = 'letters, digits, ".", "_" and "-"'


def _ceph_name() -> types.SafeString:
    return types.SafeString(MAX_CEPH_NAME_LENGTH, pattern=r'[A-Za-z0-9._-]*',
                            rule=_RBD_NAME_RULE)


_RETRIES = """
Retries after a %(what)s.

How many more times a request is sent after a %(what)s. Through
``glance_conf.load_adapter`` a request is sent at most ``1 + retries``
times, so this also bounds the load a failing Image service receives from
each caller. nova itself does not use it for image transfers (its image
client retries by ``num_retries``).

Possible values:

* Unset or empty (the default): ``num_retries`` applies.
* An integer from {min} to {max}; it can only lower the budget that
  ``num_retries`` sets, never raise it.

Related options:

* ``%(delay)s``
* ``num_retries``
"""

_DELAY = """
Seconds to wait between two retries after a %(what)s.

A value above 0 is a fixed wait. Unset, empty or ``0`` all mean
keystoneauth's exponential back-off: the first wait is %(start)g s and
each further wait doubles, up to %(cap)g s (keystoneauth1 takes any false
delay, ``0`` included, as "no fixed delay"). ``0`` therefore never means
"retry at once".%(extra)s

Possible values:

* Unset, empty or 0 (the default is unset): exponential back-off, %(start)g
  s doubling up to %(cap)g s.
* A finite number of seconds above {min:g} and at most {max:g}: that fixed
  wait.

Related options:

* ``%(retries)s``
"""


def _retries_help(what: str, delay: str) -> str:
    return _RETRIES % {'what': what, 'delay': delay}


def _delay_help(what: str, retries: str, extra: str = '') -> str:
    return _DELAY % {'what': what, 'retries': retries, 'extra': extra,
                     'start': limits.BACKOFF_START,
                     'cap': limits.MAX_RETRY_AFTER}


#: The message of each weakened security setting.
SIGNATURES_OFF = Weakening(
    True, '[glance] verify_glance_signatures is False: image signatures '
          'are not verified, so a tampered image can boot.')
TLS_UNVERIFIED = Weakening(
    False, '[glance] insecure is True: the TLS certificate of the Image '
           'service is not verified.')


DEFINITIONS: tuple[Definition, ...] = (
    # -- nova's own options, in nova's order -------------------------------
    Definition(
        'api_servers',
        types.BoundedList(types.ImageEndpoint(), MAX_API_SERVERS),
        opt_class=cfg.ListOpt,
        opt_args={
            'deprecated_for_removal': True,
            'deprecated_since': '21.0.0',
            'deprecated_reason': 'Use the keystoneauth adapter options '
                                 '(endpoint_override, or the Keystone '
                                 'catalog) and a real load balancer '
                                 'instead.'},
        nova_unset='the endpoint comes from endpoint_override or the '
                   'Keystone catalog',
        help="""
Image API endpoints to use, tried in random order.

As in nova, the list is shuffled once per client and then cycled: each
attempt of a call goes to the next server, so a failing server costs one
attempt. When it is set, it wins over ``endpoint_override`` (the choice is
logged once). Prefer the Keystone catalog, or ``endpoint_override`` behind
a load balancer; this list exists for deployments that cannot use either.

Possible values:

* Unset (the default): the endpoint comes from the adapter options.
* A comma-separated list of at most {max_items} absolute ``https://``
  (recommended) or ``http://`` URLs, each of the form
  ``scheme://host[:port][/path]`` and at most {item_max_length}
  characters. User-info (``user:password@``), query strings and fragments
  are refused. Plain ``http`` is reported by the audit as GC102.

Related options:

* ``endpoint_override``
"""),
    Definition(
        'num_retries',
        types.BoundedInteger(0, MAX_NUM_RETRIES),
        opt_class=cfg.IntOpt, default=3,
        help="""
Retries of an image upload or download to the Image service.

The transfer is attempted at most ``1 + num_retries`` times. Through
``glance_conf.load_adapter`` this is the whole budget of one call: server
rotation, connection and status retries, redirects and a renewed token
all count. The ceiling bounds the work a single failing image can cause.

Possible values:

* An integer from {min} (no retries) to {max} (one try per
  ``api_servers`` entry at most). The default is {default}. Above %d the
  audit reports the load a failing call causes (GC307).
* An empty value (``num_retries =``) is refused: oslo.config would read
  it as no number at all. Remove the line to get the default.

Related options:

* ``connect_retries`` and ``status_code_retries``: the keystoneauth
  retries of each HTTP request.
""" % RECOMMENDED_NUM_RETRIES),
    Definition(
        'verify_glance_signatures',
        types.SafeBoolean(),
        opt_class=cfg.BoolOpt, default=True, nova_default=False,
        weakening=SIGNATURES_OFF,
        help="""
Verify the signature of signed images before they are used.

The signature metadata that glance stores with an image is checked while
the image is downloaded. An image whose signature is missing, incomplete
or wrong is not booted, and the instance goes to ERROR. This is on by
default here (nova's own default is off): it is what tells a service that
the image bytes are those the owner signed.

Possible values:

* True (the default, and the secure setting).
* False: images are used unchecked. This is logged at WARNING when the
  service validates its configuration, and the audit reports it as GC201.

Related options:

* ``enable_certificate_validation``
* ``default_trusted_certificate_ids``
* The ``[key_manager]`` options: the key manager fetches the signing
  certificates.
"""),
    Definition(
        'enable_certificate_validation',
        types.SafeBoolean(),
        opt_class=cfg.BoolOpt, default=False,
        opt_args={
            'deprecated_for_removal': True,
            'deprecated_since': '16.0.0',
            'deprecated_reason': 'Signature verification and certificate '
                                 'validation are meant to always happen '
                                 'together; this switch only eases the '
                                 'transition.'},
        help="""
Validate the image signing certificate before verifying a signature.

Without it, a signature made with a revoked or untrusted certificate still
passes. With it, the signing certificate must chain to one of the trusted
certificates of the instance, or the instance goes to ERROR.

Possible values:

* True (the secure setting, together with ``verify_glance_signatures``).
* False (the default, as in nova). The audit reports signature
  verification without it as GC202.

Related options:

* ``verify_glance_signatures``: with it off, this option still makes
  nova verify, and validate, the images of instances that have trusted
  certificates (named in the request, or ``default_trusted_certificate_ids``
  on the compute host); every other image is used unchecked (GC203).
* ``default_trusted_certificate_ids``
"""),
    Definition(
        'default_trusted_certificate_ids',
        types.BoundedList(
            types.SafeString(MAX_CERT_ID_LENGTH, pattern=r'.+',
                             rule='a non-empty certificate ID'),
            MAX_TRUSTED_CERT_IDS),
        opt_class=cfg.ListOpt, default=[],
        help="""
Certificate IDs trusted when a request names none.

Used for certificate validation when the API request that creates an
instance gives no list of its own; the list used is stored with the
instance.

Possible values:

* Empty (the default): every request must name its trusted certificates,
  or validation fails.
* A comma-separated list of at most {max_items} IDs, each non-empty, at
  most {item_max_length} characters, without white-space or control
  characters.

Related options:

* ``enable_certificate_validation``: the list is used only when it is on.
  The compute host then verifies and validates every image download that
  names no certificates, even with ``verify_glance_signatures`` off; the
  API stores the list with a new instance only when all three options are
  set.
* ``verify_glance_signatures``
"""),
    Definition(
        'enable_rbd_download',
        types.SafeBoolean(),
        opt_class=cfg.BoolOpt, default=False,
        help="""
Download images straight from Ceph RBD instead of over the Image API.

Meant for computes that keep instances on local storage while glance keeps
images in Ceph. Do not enable it on a compute whose libvirt driver itself
stores instances in Ceph (``images_type = rbd`` in the libvirt section);
the audit reports that combination as GC403.

Possible values:

* True: images are read from the Ceph pool.
* False (the default): images are downloaded over the Image API.

Related options:

* ``rbd_user``, ``rbd_pool``, ``rbd_ceph_conf``, ``rbd_connect_timeout``
"""),
    Definition(
        'rbd_user', _ceph_name(), opt_class=cfg.StrOpt, default='',
        help="""
Ceph (RADOS) client name used to read images.

Possible values:

* Empty (the default): Ceph's default client.
* A name of at most {max_length} characters: %s.

Related options:

* ``enable_rbd_download``: this option is used only when it is on.
""" % _RBD_NAME_RULE),
    Definition(
        'rbd_connect_timeout',
        types.BoundedInteger(1, MAX_RBD_CONNECT_TIMEOUT),
        opt_class=cfg.IntOpt, default=5,
        help="""
Seconds to wait for the first connection to the Ceph cluster.

Possible values:

* An integer from {min} to {max}. The default is {default}.
* An empty value is refused; remove the line to get the default.

Related options:

* ``enable_rbd_download``: this option is used only when it is on.
"""),
    Definition(
        'rbd_pool', _ceph_name(), opt_class=cfg.StrOpt, default='',
        help="""
Ceph pool that holds the images.

Possible values:

* Empty (the default).
* A pool name of at most {max_length} characters: %s.

Related options:

* ``enable_rbd_download``: this option is used only when it is on.
""" % _RBD_NAME_RULE),
    Definition(
        'rbd_ceph_conf', _path_type(), opt_class=cfg.StrOpt, default='',
        help="""
Path of the Ceph configuration file.

Possible values:

* Empty (the default): Ceph's own search path.
* An absolute path (starting with ``/``) of at most {max_length}
  characters, without control characters. A relative path is refused.

Related options:

* ``enable_rbd_download``: this option is used only when it is on.
"""),
    Definition(
        'debug', types.SafeBoolean(), opt_class=cfg.BoolOpt, default=False,
        help="""
Turn on debug logging of the Image client.

Debug logs show request details. Leave it off in production; the audit
reports it as GC504.

Possible values:

* True: log Image client requests at DEBUG.
* False (the default).
"""),
    # -- keystoneauth1's session options -----------------------------------
    Definition(
        'cafile', _path_type(),
        help=_path('CA bundle that signs the Image API certificate.',
                   'PEM file of the certificate authorities trusted when '
                   'verifying the HTTPS connection to the Image service.',
                   "the system's trust store is used.",
                   '``insecure``: must stay ``False`` for this file to '
                   'matter.')),
    Definition(
        'certfile', _path_type(),
        help=_path('Client certificate presented to the Image service.',
                   'PEM file of the certificate used for mutual TLS.',
                   'no client certificate is presented.',
                   '``keyfile``: set both, or neither.')),
    Definition(
        'keyfile', _path_type(),
        help=_path('Private key of the client certificate.',
                   'PEM file of the key that matches ``certfile``.',
                   'no client certificate is presented.',
                   '``certfile``: a key without a certificate is ignored '
                   'by keystoneauth.')),
    Definition(
        'insecure', types.SafeBoolean(), default=False,
        weakening=TLS_UNVERIFIED,
        help="""
Skip verification of the Image service's TLS certificate.

Turning verification off lets anyone on the network path impersonate the
Image service and hand out tampered images. Never enable it in
production; fix the trust store or set ``cafile`` instead.

Possible values:

* False (the default, and the secure setting): certificates are verified.
* True: certificates are not verified. The audit reports this as GC101.

Related options:

* ``cafile``
"""),
    Definition(
        'timeout',
        types.BoundedFloat(0.0, MAX_TIMEOUT, min_exclusive=True,
                           allow_empty=True),
        transport_default=limits.DEFAULT_TIMEOUT,
        nova_unset='no timeout: a stalled Image API holds the request '
                   'indefinitely',
        help="""
Seconds to wait for the Image service before a request fails.

Without a timeout a stalled server can hold a request, and the worker that
made it, indefinitely. Set it.

Possible values:

* Unset or empty (the default): nova sets no timeout, and the audit
  reports this as GC301; ``glance_conf.load_session`` applies %g s.
* A finite number of seconds above {min:g} and at most {max:g}.

Related options:

* ``num_retries``
""" % limits.DEFAULT_TIMEOUT),
    Definition(
        'collect_timing', types.SafeBoolean(), default=False,
        help="""
Collect timing information for each Image API call.

Possible values:

* True: record per-call timings on the session.
* False (the default).
"""),
    Definition(
        'split_loggers', types.SafeBoolean(), default=False,
        help="""
Log requests and responses to separate loggers.

Possible values:

* True: use keystoneauth's split loggers (request, response, body).
* False (the default).
"""),
    Definition(
        'tls_ciphers', types.CipherString(MAX_CIPHERS_LENGTH),
        nova_unset='the Python and OpenSSL defaults',
        help="""
OpenSSL cipher string for connections to the Image service.

Possible values:

* Unset or empty (the default): the Python and OpenSSL defaults.
* An OpenSSL cipher list of at most {max_length} characters, without
  control characters or white-space, from which the local OpenSSL selects
  at least one cipher; anything else is refused when the configuration is
  validated. The audit reports a list that enables ciphers without
  authentication or encryption, broken ciphers or a security level below
  2 as GC107.

Related options:

* ``tls_min_version``
"""),
    Definition(
        'tls_min_version',
        types.SafeString(3, choices=(None, *TLS_VERSIONS)),
        nova_unset='the Python and OpenSSL defaults',
        help="""
Lowest TLS version accepted from the Image service.

Possible values:

* Unset (the default): the Python, OpenSSL and urllib3 defaults (urllib3
  2 refuses anything below TLS 1.2). The audit reports this as GC106;
  pin 1.2 or 1.3.
* %s.

Related options:

* ``tls_ciphers``
""" % ' or '.join('``%s``' % v for v in TLS_VERSIONS)),
    # -- keystoneauth1's adapter options -----------------------------------
    Definition(
        'service_type',
        types.SafeString(MAX_NAME_LENGTH, pattern=r'[a-z0-9][a-z0-9-]*',
                         rule='lowercase letters, digits and hyphens'),
        default=DEFAULT_SERVICE_TYPE,
        help="""
Service type of the Image service in the Keystone catalog.

Possible values:

* ``{default}`` (the default).
* Lowercase letters, digits and hyphens, at most {max_length} characters.

Related options:

* ``service_name``
* ``valid_interfaces``
"""),
    Definition(
        'service_name',
        types.SafeString(MAX_NAME_LENGTH, allow_space=True),
        help="""
Service name of the Image service in the Keystone catalog.

Possible values:

* Unset (the default): any name matches.
* A name of at most {max_length} characters, without control characters.

Related options:

* ``service_type``
"""),
    Definition(
        'valid_interfaces',
        types.BoundedList(
            types.SafeString(MAX_INTERFACE_LENGTH, choices=VALID_INTERFACES),
            len(VALID_INTERFACES)),
        default=['internal', 'public'],
        help="""
Catalog interfaces to use, in order of preference.

Possible values:

* ``internal,public`` (the default).
* A list of at most {max_items} drawn from: %s.

Related options:

* ``region_name``
* ``endpoint_override``: when set, the catalog is not consulted.
""" % ', '.join(VALID_INTERFACES)),
    Definition(
        'region_name',
        types.SafeString(MAX_NAME_LENGTH, allow_space=True),
        help="""
Region of the Image service endpoint in the Keystone catalog.

Possible values:

* Unset (the default): the catalog's only, or first, region.
* A region name of at most {max_length} characters, without control
  characters.
"""),
    Definition(
        'endpoint_override', types.ImageEndpoint(),
        help="""
Image API endpoint to use instead of the Keystone catalog.

Give the unversioned endpoint; the client picks the API version. As nova
does, a trailing version (``/v2``) is removed. ``api_servers``, when set,
wins over this option.

Possible values:

* Unset (the default): the endpoint is found in the Keystone catalog.
* An absolute ``https://`` (recommended) or ``http://`` URL: a host name,
  IPv4 address or bracketed IPv6 address, an optional port from 1 to
  65535 and an optional path, at most {max_length} characters. User-info
  (``user:password@``), query strings and fragments are refused. Plain
  ``http`` is reported by the audit as GC102.

Related options:

* ``valid_interfaces``
* ``region_name``
"""),
    Definition(
        'connect_retries',
        types.BoundedInteger(0, MAX_RETRIES, allow_empty=True),
        nova_unset='not used for image transfers',
        help=_retries_help('connection error', 'connect_retry_delay')),
    Definition(
        'connect_retry_delay',
        types.BoundedFloat(0.0, MAX_RETRY_DELAY, allow_empty=True),
        help=_delay_help('connection error', 'connect_retries')),
    Definition(
        'status_code_retries',
        types.BoundedInteger(0, MAX_RETRIES, allow_empty=True),
        nova_unset='not used for image transfers',
        help=_retries_help('retriable HTTP status code',
                           'status_code_retry_delay')),
    Definition(
        'status_code_retry_delay',
        types.BoundedFloat(0.0, MAX_RETRY_DELAY, allow_empty=True),
        help=_delay_help(
            'retriable HTTP status code', 'status_code_retries',
            ' When the response has a ``Retry-After`` header of whole '
            'seconds, that wait is used instead (at most %g s through '
            '``glance_conf.load_adapter``).' % limits.MAX_RETRY_AFTER)),
    Definition(
        'retriable_status_codes',
        types.BoundedList(types.BoundedInteger(400, 599), MAX_STATUS_CODES),
        help="""
HTTP status codes after which a request is retried.

Possible values:

* Unset (the default): %s only.
* A list of at most {max_items} HTTP error codes, each from {item_min} to
  {item_max}.

Related options:

* ``status_code_retries``
""" % ', '.join(map(str, sorted(limits.DEFAULT_RETRIABLE_STATUS_CODES)))),
)

_BY_DEST = {definition.dest: definition for definition in DEFINITIONS}


def get(dest: str) -> Definition:
    """The definition of ``[glance] dest``.

    :raises KeyError: if there is none.
    """
    return _BY_DEST[dest]


def weakenings() -> dict[str, Weakening]:
    """The security settings, by option, with what weakening each means."""
    return {d.dest: d.weakening for d in DEFINITIONS if d.weakening}
