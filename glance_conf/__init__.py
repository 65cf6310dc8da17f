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

"""A hardened drop-in for nova's ``[glance]`` configuration options.

Importing this package registers nothing. Call :func:`register_opts` on
your own ``ConfigOpts``, then :func:`validate` once it is parsed.
"""

from glance_conf.exception import ConflictingOptError
from glance_conf.exception import GlanceConfError
from glance_conf.exception import InvalidOptionError
from glance_conf.exception import RedirectRefused
from glance_conf.exception import UnknownOptionError
from glance_conf.glance import DEFAULT_SERVICE_TYPE
from glance_conf.glance import deprecated_ksa_opts
from glance_conf.glance import glance_group
from glance_conf.glance import glance_opts
from glance_conf.glance import list_opts
from glance_conf.glance import listed_opts
from glance_conf.glance import placeholder_opts
from glance_conf.glance import register_opts
from glance_conf.glance import set_defaults
from glance_conf.glance import validate
from glance_conf.loading import load_adapter
from glance_conf.loading import load_session

__all__ = [
    'ConflictingOptError',
    'DEFAULT_SERVICE_TYPE',
    'GlanceConfError',
    'InvalidOptionError',
    'RedirectRefused',
    'UnknownOptionError',
    'deprecated_ksa_opts',
    'glance_group',
    'glance_opts',
    'list_opts',
    'listed_opts',
    'load_adapter',
    'load_session',
    'placeholder_opts',
    'register_opts',
    'set_defaults',
    'validate',
]
