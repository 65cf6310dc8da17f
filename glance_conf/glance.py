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

from glance_conf import _ksa
from glance_conf import definitions
from glance_conf import exception
from glance_conf import locate

LOG = logging.getLogger(__name__)

DEFAULT_SERVICE_TYPE = definitions.DEFAULT_SERVICE_TYPE
GROUP_NAME = definitions.GROUP_NAME

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


#: nova's own options, in nova's order; keystoneauth makes the others.
glance_opts: list[cfg.Opt] = [definition.make_opt()
                              for definition in definitions.DEFINITIONS
                              if definition.opt_class is not None]

deprecated_ksa_opts: dict[str, list[cfg.DeprecatedOpt]] = {
    'insecure': [cfg.DeprecatedOpt('api_insecure', group=glance_group.name)],
    'cafile': [cfg.DeprecatedOpt('ca_file', group='ssl')],
    'certfile': [cfg.DeprecatedOpt('cert_file', group='ssl')],
    'keyfile': [cfg.DeprecatedOpt('key_file', group='ssl')],
}

_ksa_opts: list[cfg.Opt] = (
    _ksa.get_session_opts(deprecated_ksa_opts)
    + _ksa.get_adapter_opts(deprecated_ksa_opts))
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


def use_defaults(conf: cfg.ConfigOpts, semantics: str) -> None:
    """Give the ``[glance]`` options of ``conf`` nova 34's defaults
    (``nova``) or this package's (``glance-conf``).

    For judging a file as the service that reads it would: a nova that
    keeps ``nova.conf.glance`` does not verify image signatures unless
    told to. Only this ``conf`` changes; the Opts stay as registered.
    """
    if semantics not in definitions.SEMANTICS:
        raise ValueError('unknown defaults %r; expected one of: %s'
                         % (semantics, ', '.join(definitions.SEMANTICS)))
    for definition in definitions.DEFINITIONS:
        conf.set_default(definition.dest, definition.default_for(semantics),
                         group=GROUP_NAME)


def set_defaults(**kwargs: Any) -> None:
    """Change option defaults process-wide, the oslo way.

    Each new default is checked by the option's type first. Lowering a
    security default (``verify_glance_signatures=False``,
    ``insecure=True``) is allowed but logged at WARNING, with the message
    its definition gives.
    """
    opts = {opt.dest: opt for opt in listed_opts()}
    problems = []
    for name, value in kwargs.items():
        if name not in opts:
            raise exception.UnknownOptionError(name)
        check = opts[name].type
        try:
            if value is not None:
                check(value)
            elif hasattr(check, 'allow_empty'):
                # None is what an empty number reads as: the numeric
                # types say whether the option may be unset.
                check('')
        except ValueError as exc:
            problems.append(exception.Problem(_label(name), str(exc)))
    if problems:
        raise exception.InvalidOptionError(problems)
    for name, value in kwargs.items():
        weakening = definitions.weakenings().get(name)
        if weakening and weakening.applies(value):
            LOG.warning('Default changed: %s', weakening.message)
    cfg.set_defaults([opts[name] for name in kwargs], **kwargs)


def _label(dest: str) -> str:
    return '[%s] %s' % (GROUP_NAME, dest)


def _reason(exc: BaseException) -> str:
    """The type's own reason, without oslo.config's wrapping.

    oslo.config raises its own error from inside the handler of the
    type's ``ValueError`` ("Value for option X from LocationInfo(...) is
    not valid: ..."), so the type's message is the context.
    """
    inner = exc.__context__
    if isinstance(exc, cfg.ConfigFileValueError) and isinstance(
            inner, ValueError):
        return str(inner)
    if isinstance(exc, (cfg.NoSuchOptError, cfg.NoSuchGroupError,
                        cfg.TemplateSubstitutionError)):
        # oslo.config names the reference, which is text of the value.
        return UNRESOLVED
    return 'the value is not valid'


#: Why a value with a ``$`` reference that cannot be resolved is refused.
UNRESOLVED = ('it has a $ reference to an option that is not registered; '
              'write $$ for a literal dollar')
#: Why a value whose ``$`` references lead back to itself is refused
#: (oslo.config substitutes them until Python's recursion limit).
LOOP = ('its $ references never end (a value refers back to itself); '
        'write $$ for a literal dollar')


def problems(conf: cfg.ConfigOpts) -> list[exception.Problem]:
    """Every refused ``[glance]`` value of a parsed ``conf``, located."""
    group = conf[GROUP_NAME]
    found = []
    paths: list[str] | None = None
    for opt in listed_opts():
        try:
            getattr(group, opt.dest)
        except (ValueError, cfg.Error, RecursionError) as exc:
            if paths is None:
                paths = locate.loaded_paths(conf)
            where = locate.locate(paths, locate.opt_names(GROUP_NAME, opt))
            reason = LOOP if isinstance(exc, RecursionError) else \
                _reason(exc)
            found.append(exception.Problem(_label(opt.dest), reason,
                                           *(where or ())))
    return found


def validate(conf: cfg.ConfigOpts) -> None:
    """Check the ``[glance]`` values once, after the config is parsed.

    Every registered option is read, so a malformed value fails start-up
    with one error listing each bad option (with its file and line),
    instead of failing later at the first image download. A weakened
    security setting is logged at WARNING, with the message its
    definition gives.
    """
    found = problems(conf)
    if found:
        raise exception.InvalidOptionError(found)
    group = conf[GROUP_NAME]
    for name, weakening in definitions.weakenings().items():
        if weakening.applies(getattr(group, name)):
            LOG.warning(weakening.message)
