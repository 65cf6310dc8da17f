"""The ``[glance]`` option group: a hardened drop-in for ``nova.conf.glance``.

A service that did ``from nova.conf import glance`` can do
``from glance_conf import glance`` and keep every name: the same options,
dests, defaults and deprecated aliases, with bounded types, signature
verification on by default and a registration that can run any number of
times. Nothing is registered at import time.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from oslo_config import cfg
from oslo_log import log as logging

from glance_conf import _help
from glance_conf import _ksa
from glance_conf import exception
from glance_conf import types

LOG = logging.getLogger(__name__)

DEFAULT_SERVICE_TYPE = 'image'
GROUP_NAME = 'glance'

MAX_NUM_RETRIES = 10
MAX_RBD_CONNECT_TIMEOUT = 300
MAX_CEPH_NAME_LENGTH = 128
MAX_CERT_ID_LENGTH = 255
MAX_TRUSTED_CERT_IDS = 64

#: Settings whose default is the secure one. Changing them through
#: :func:`set_defaults`, or setting them in a config file, is logged.
SECURE_DEFAULTS: dict[str, Any] = {
    'verify_glance_signatures': True,
    'insecure': False,
}

_GROUP_HELP = 'Options for reaching the Image service (glance).'


class _IsolatedOptGroup(cfg.OptGroup):
    """An ``OptGroup`` whose copies never share its option table.

    ``ConfigOpts.register_group`` stores ``copy.copy(group)``, and a
    shallow copy shares ``_opts``: every config object that registers a
    module-level group would then share options and overrides. Copies of
    this group get a table of their own, so even code that hands
    ``glance_group`` straight to oslo.config stays isolated.
    """

    def __copy__(self) -> cfg.OptGroup:
        new = cfg.OptGroup.__new__(cfg.OptGroup)
        new.__dict__.update(self.__dict__)
        new._opts = {}
        return new


glance_group = _IsolatedOptGroup(
    GROUP_NAME, title='Glance Options', help=_GROUP_HELP)


def _new_group() -> cfg.OptGroup:
    return copy.copy(glance_group)


_RBD_NAME_RULE = 'letters, digits, ".", "_" and "-"'


def _typed(opt: cfg.Opt, new_type: Any) -> cfg.Opt:
    """Give ``opt`` a strict type but keep its oslo.config class.

    The class (``IntOpt``, ``ListOpt``...) is what the sample generator and
    nova's own code look at; the type is what checks the value.
    """
    opt.type = new_type
    return opt


def _ceph_name(option: str) -> types.SafeString:
    return types.SafeString(MAX_CEPH_NAME_LENGTH, pattern=r'[A-Za-z0-9._-]*',
                            rule=_RBD_NAME_RULE, option=option)

glance_opts: list[cfg.Opt] = [
    _typed(cfg.ListOpt(
        'api_servers',
        deprecated_for_removal=True,
        deprecated_since='21.0.0',
        deprecated_reason='Use the keystoneauth adapter options '
                          '(endpoint_override, or the Keystone catalog) and a '
                          'real load balancer instead.',
        help="""
Image API endpoints to use, tried in random order.

Prefer the Keystone catalog, or ``endpoint_override`` behind a load
balancer; this list exists for deployments that cannot use either.

Possible values:

* Unset (the default): the endpoint comes from the adapter options.
* A comma-separated list of at most %(count)d absolute ``https://``
  (recommended) or ``http://`` URLs, each of the form
  ``scheme://host[:port][/path]`` and at most %(length)d characters.
  User-info (``user:password@``), query strings and fragments are refused.
  Plain ``http`` is reported by the audit as GC102.

Related options:

* ``endpoint_override``
""" % {'count': types.MAX_API_SERVERS, 'length': types.MAX_URL_LENGTH}),
        types.BoundedList(types.ImageEndpoint(option='api_servers'),
                          types.MAX_API_SERVERS, option='api_servers')),
    _typed(cfg.IntOpt(
        'num_retries',
        default=3,
        help="""
Retries of an image upload or download to the Image service.

The transfer is attempted at most ``1 + num_retries`` times. The ceiling
bounds the work a single failing image can cause.

Possible values:

* An integer from 0 (no retries) to 10. The default is 3.
* An empty value (``num_retries =``) is refused: oslo.config would read
  it as no number at all. Remove the line to get the default.

Related options:

* ``connect_retries`` and ``status_code_retries``: the keystoneauth
  retries of each HTTP request.
"""), types.BoundedInteger(0, MAX_NUM_RETRIES, option='num_retries')),
    cfg.BoolOpt(
        'verify_glance_signatures',
        default=True,
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
    cfg.BoolOpt(
        'enable_certificate_validation',
        default=False,
        deprecated_for_removal=True,
        deprecated_since='16.0.0',
        deprecated_reason='Signature verification and certificate '
                          'validation are meant to always happen together; '
                          'this switch only eases the transition.',
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

* ``verify_glance_signatures``: this option has no effect without it.
* ``default_trusted_certificate_ids``
"""),
    _typed(cfg.ListOpt(
        'default_trusted_certificate_ids',
        default=[],
        help="""
Certificate IDs trusted when a request names none.

Used for certificate validation when the API request that creates an
instance gives no list of its own; the list used is stored with the
instance.

Possible values:

* Empty (the default): every request must name its trusted certificates,
  or validation fails.
* A comma-separated list of at most %(count)d IDs, each non-empty, at most
  %(length)d characters, without white-space or control characters.

Related options:

* ``verify_glance_signatures`` and ``enable_certificate_validation``: both
  must be on for this list to be used.
""" % {'count': MAX_TRUSTED_CERT_IDS, 'length': MAX_CERT_ID_LENGTH}),
        types.BoundedList(
            types.SafeString(MAX_CERT_ID_LENGTH, pattern=r'.+',
                             rule='a non-empty certificate ID',
                             option='default_trusted_certificate_ids'),
            MAX_TRUSTED_CERT_IDS, option='default_trusted_certificate_ids')),
    cfg.BoolOpt(
        'enable_rbd_download',
        default=False,
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
    _typed(cfg.StrOpt(
        'rbd_user',
        default='',
        help="""
Ceph (RADOS) client name used to read images.

Possible values:

* Empty (the default): Ceph's default client.
* A name of at most %(length)d characters: %(rule)s.

Related options:

* ``enable_rbd_download``: this option is used only when it is on.
""" % {'length': MAX_CEPH_NAME_LENGTH, 'rule': _RBD_NAME_RULE}),
        _ceph_name('rbd_user')),
    _typed(cfg.IntOpt(
        'rbd_connect_timeout',
        default=5,
        help="""
Seconds to wait for the first connection to the Ceph cluster.

Possible values:

* An integer from 1 to %d. The default is 5.
* An empty value is refused; remove the line to get the default.

Related options:

* ``enable_rbd_download``: this option is used only when it is on.
""" % MAX_RBD_CONNECT_TIMEOUT), types.BoundedInteger(
        1, MAX_RBD_CONNECT_TIMEOUT, option='rbd_connect_timeout')),
    _typed(cfg.StrOpt(
        'rbd_pool',
        default='',
        help="""
Ceph pool that holds the images.

Possible values:

* Empty (the default).
* A pool name of at most %(length)d characters: %(rule)s.

Related options:

* ``enable_rbd_download``: this option is used only when it is on.
""" % {'length': MAX_CEPH_NAME_LENGTH, 'rule': _RBD_NAME_RULE}),
        _ceph_name('rbd_pool')),
    _typed(cfg.StrOpt(
        'rbd_ceph_conf',
        default='',
        help="""
Path of the Ceph configuration file.

Possible values:

* Empty (the default): Ceph's own search path.
* An absolute path (starting with ``/``) of at most %d characters,
  without control characters. A relative path is refused.

Related options:

* ``enable_rbd_download``: this option is used only when it is on.
""" % _ksa.MAX_PATH_LENGTH), _ksa.path_type('rbd_ceph_conf')),
    cfg.BoolOpt(
        'debug',
        default=False,
        help="""
Turn on debug logging of the Image client.

Debug logs show request details. Leave it off in production; the audit
reports it as GC504.

Possible values:

* True: log Image client requests at DEBUG.
* False (the default).
"""),
]


for _opt in glance_opts:
    _opt.help = _help.reflow(_opt.help or '')
    if isinstance(_opt, cfg.BoolOpt):
        _opt.type = types.SafeBoolean(option=_opt.dest)

deprecated_ksa_opts: dict[str, list[cfg.DeprecatedOpt]] = {
    'insecure': [cfg.DeprecatedOpt('api_insecure', group=glance_group.name)],
    'cafile': [cfg.DeprecatedOpt('ca_file', group='ssl')],
    'certfile': [cfg.DeprecatedOpt('cert_file', group='ssl')],
    'keyfile': [cfg.DeprecatedOpt('key_file', group='ssl')],
}

_ksa_opts: list[cfg.Opt] = (
    _ksa.get_session_opts(deprecated_ksa_opts)
    + _ksa.get_adapter_opts(DEFAULT_SERVICE_TYPE, deprecated_ksa_opts))
_placeholder_opts: list[cfg.Opt] = _ksa.get_placeholder_opts()


def listed_opts() -> list[cfg.Opt]:
    """Every listed ``[glance]`` option, as :func:`list_opts` gives it.

    The same objects :func:`register_opts` registers, in a fixed order:
    nova's own options, then keystoneauth's session and adapter options.
    """
    return glance_opts + _ksa_opts


def placeholder_opts() -> list[cfg.Opt]:
    """The version options, registered but never listed (they read as
    ``None``)."""
    return list(_placeholder_opts)


def _differences(old: cfg.Opt, new: cfg.Opt) -> list[str]:
    """Say how two definitions of one option differ, without secrets."""
    if type(old) is not type(new):
        return ['class %s != %s' % (type(old).__name__, type(new).__name__)]
    hide = getattr(old, 'secret', False) or getattr(new, 'secret', False)
    diffs = []
    old_vars, new_vars = vars(old), vars(new)
    for key in sorted(set(old_vars) | set(new_vars)):
        a, b = old_vars.get(key), new_vars.get(key)
        if a == b:
            continue
        if key == 'help' or (hide and key in ('default', 'sample_default')):
            diffs.append('%s differs' % key)
        else:
            diffs.append('%s %.80r != %.80r' % (key, a, b))
    return diffs or ['definition differs']


def _check_conflicts(conf: cfg.ConfigOpts, opts: Iterable[cfg.Opt]) -> None:
    # oslo.config has no public way to look up a registered Opt, so read
    # the group's table the way oslo.config's own duplicate check does.
    group = conf._groups.get(GROUP_NAME)
    if group is None:
        return
    for opt in opts:
        info = group._opts.get(opt.dest)
        if info is not None and info['opt'] != opt:
            raise exception.ConflictingOptError(
                GROUP_NAME, opt.dest, _differences(info['opt'], opt))


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register the ``[glance]`` options on ``conf``.

    Safe to call any number of times, on any number of config objects. If
    ``conf`` already holds a ``[glance]`` option of the same name with
    another definition, :class:`~glance_conf.exception.ConflictingOptError`
    is raised and ``conf`` is left as it was.
    """
    opts = listed_opts() + placeholder_opts()
    _check_conflicts(conf, opts)
    conf.register_group(_new_group())
    conf.register_opts(opts, group=GROUP_NAME)


def list_opts() -> dict[cfg.OptGroup, list[cfg.Opt]]:
    """The listed options, as ``nova.conf`` aggregates them.

    The same objects that :func:`register_opts` registers, deprecated
    aliases included, in a fixed order. The version placeholders are left
    out: nobody should set them.
    """
    return {glance_group: listed_opts()}


def set_defaults(**kwargs: Any) -> None:
    """Change option defaults process-wide, the oslo way.

    Each new default is checked by the option's type first. Lowering a
    security default (``verify_glance_signatures=False``,
    ``insecure=True``) is allowed but logged at WARNING.
    """
    opts = {opt.dest: opt for opt in listed_opts()}
    for name, value in kwargs.items():
        if name not in opts:
            raise exception.UnknownOptionError(name)
        if value is not None:
            opts[name].type(value)
        elif isinstance(opts[name].type, (types.BoundedInteger,
                                          types.BoundedFloat)):
            # None is what an empty value reads as: refused where the
            # option has a numeric default.
            opts[name].type('')
    for name, value in kwargs.items():
        if name in SECURE_DEFAULTS and value != SECURE_DEFAULTS[name]:
            LOG.warning('The default of [glance] %s was changed from the '
                        'secure %r to %r.', name, SECURE_DEFAULTS[name], value)
    cfg.set_defaults([opts[name] for name in kwargs], **kwargs)


def validate(conf: cfg.ConfigOpts) -> None:
    """Check the ``[glance]`` values once, after the config is parsed.

    Every registered option is read, so a malformed value fails start-up
    with one error listing each bad option (and its file), instead of
    failing later at the first image download. A weakened security setting
    is logged at WARNING: signature verification off, and TLS verification
    off.
    """
    group = conf[GROUP_NAME]
    problems = []
    for opt in listed_opts():
        try:
            getattr(group, opt.dest)
        except (ValueError, cfg.Error) as exc:
            problems.append(('[%s] %s' % (GROUP_NAME, opt.dest), str(exc)))
    if problems:
        raise exception.InvalidOptionError(problems)
    if not group.verify_glance_signatures:
        LOG.warning('[glance] verify_glance_signatures is False: image '
                    'signatures are not verified, so a tampered image can '
                    'boot.')
    if group.insecure:
        LOG.warning('[glance] insecure is True: the TLS certificate of the '
                    'Image service is not verified.')
