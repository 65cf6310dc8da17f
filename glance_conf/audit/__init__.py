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

"""Security audit of ``[glance]`` configurations.

:func:`run` audits a parsed ``ConfigOpts``; :func:`enforce` is the call a
service makes once at start-up, after :func:`glance_conf.register_opts`
and parsing, to log every finding and refuse to start on serious ones.
Both are :mod:`glance_conf.audit.engine`'s, the one place checks run.

A whole run as ``glance-conf-audit`` makes it (files, a fleet or the
hosts' bundles, with waivers, a baseline and a gate) is a
:class:`Request`, which :func:`execute` runs into a result to write
reports from (:mod:`glance_conf.audit.request`).
"""

from typing import TYPE_CHECKING
from typing import Any

from glance_conf.audit.engine import enforce
from glance_conf.audit.engine import run
from glance_conf.audit.exception import AuditFailure
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import AuditedConf

if TYPE_CHECKING:
    from glance_conf.audit.request import Request
    from glance_conf.audit.request import execute

#: Loaded on first use: a service that imports this package to call
#: :func:`enforce` at start-up does not pay for the run modes, the
#: bundles and the report machinery a whole run needs.
_RUN_MACHINERY = ('Request', 'execute')


def __getattr__(name: str) -> Any:
    if name in _RUN_MACHINERY:
        from glance_conf.audit import request
        return getattr(request, name)
    raise AttributeError('module %r has no attribute %r' % (__name__, name))

__all__ = ['AuditFailure', 'AuditedConf', 'Finding', 'Request', 'Severity',
           'enforce', 'execute', 'run']
