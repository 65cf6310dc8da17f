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

"""keystoneauth1 session and adapter options, hardened.

keystoneauth1 builds these options at run time, and so do we: we ask it
for its list (so a new keystoneauth option appears here too), then give
each option the type, help and default of its
:mod:`~glance_conf.definitions` entry. The option name, dest, deprecated
aliases and class stay as keystoneauth made them.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg
from oslo_config import types as oslo_types

from glance_conf import definitions
from glance_conf import types

#: Adapter options that describe API versions. The code knows which
#: versions it speaks; operators do not set them. They stay registered as
#: placeholders (so ``conf.glance.version`` exists) but are never listed.
VERSION_OPTS = ('version', 'min_version', 'max_version')

#: Session options of nova 34 (keystoneauth1 5.15 and later) that older
#: keystoneauth1 releases lack. 5.14 is the newest release that installs
#: on Python 3.10, so there these are defined here, named as keystoneauth
#: names them, and :mod:`glance_conf.transport` applies them itself.
BACKPORTED_SESSION_OPTS = ('tls-ciphers', 'tls-min-version')

DeprecatedMap = Mapping[str, Sequence[cfg.DeprecatedOpt]]


def _harden(opt: cfg.Opt) -> cfg.Opt:
    """``opt`` as its definition says, or as it is if it has none."""
    try:
        definition = definitions.get(opt.dest)
    except KeyError:
        return opt
    return definition.harden(opt)


def get_session_opts(deprecated_opts: DeprecatedMap) -> list[cfg.Opt]:
    """keystoneauth's session options, hardened, with their aliases."""
    aliases = {k: list(v) for k, v in deprecated_opts.items()}
    opts = ks_loading.get_session_conf_options(deprecated_opts=aliases)
    present = {opt.dest for opt in opts}
    opts += [cfg.StrOpt(name, deprecated_opts=aliases.get(name))
             for name in BACKPORTED_SESSION_OPTS
             if name.replace('-', '_') not in present]
    return [_harden(opt) for opt in opts]


def get_adapter_opts(deprecated_opts: DeprecatedMap) -> list[cfg.Opt]:
    """keystoneauth's adapter options, hardened, less the version ones."""
    opts = ks_loading.get_adapter_conf_options(
        include_deprecated=False,
        deprecated_opts={k: list(v) for k, v in deprecated_opts.items()})
    return [_harden(opt) for opt in opts if opt.dest not in VERSION_OPTS]


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
    test suite fails until a definition is written for it.
    """
    weak = (oslo_types.Integer, oslo_types.Float, oslo_types.String,
            oslo_types.List, oslo_types.Boolean)
    return [opt.dest for opt in opts
            if isinstance(opt.type, weak)
            and not isinstance(opt.type, types._Hardened)]
