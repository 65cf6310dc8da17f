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

"""The ``oslo.config.opts`` entry point.

``oslo-config-generator``, ``oslo-config-validator`` and
``oslo_config.sphinxext`` call :func:`list_opts` and expect a list of
``(group, options)`` pairs; a dict, as nova's aggregator uses, crashes the
generator.
"""

from __future__ import annotations

from oslo_config import cfg

from glance_conf import glance


def list_opts() -> list[tuple[cfg.OptGroup, list[cfg.Opt]]]:
    """Every listed ``[glance]`` option, with its deprecated aliases."""
    return list(glance.list_opts().items())
