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

"""The live probe: what nova would see if it connected now.

The mechanism only; it knows no config. :mod:`glance_conf.audit.checks.
probe` reads each host's config into :class:`Endpoint` objects and judges
the :class:`Observation` of each. An endpoint is probed once per run,
whatever the number of hosts that use it (:class:`Prober`).

What goes on the wire, and nothing else (doc/source/audit/probe.rst says
it for operators):

* an ``https`` endpoint: one TLS handshake with the config's own trust
  and client settings (as nova makes it) and, if it succeeds, one
  ``GET`` of the endpoint's base path (``/``) inside it, for version
  discovery; one handshake capped at TLS 1.1 and one offering only weak
  ciphers, each closed as soon as it ends, and only when the config's own
  settings refuse what they offer; one plain ``HEAD`` of the base path on
  the same port, to see whether plain HTTP answers there;
* an ``http`` endpoint: one ``GET`` of its base path.

No request carries a token, a password, a cookie or any credential, and
no request is anything but ``GET`` or ``HEAD``. Every connection of one
endpoint shares one budget (``timeout``); the whole run has a deadline.

One module per job: :mod:`.endpoints` (what is probed),
:mod:`.observation` (what was seen), :mod:`.tls` (TLS files and
contexts), :mod:`.discovery` (the version document), :mod:`.wire` (the
probe of one endpoint), :mod:`.catalog` (the Keystone lookup) and
:mod:`.prober` (a run). This face re-exports what the checks, the
command line and the benchmarks use, and nothing else.
"""

from glance_conf.audit.probe.catalog import CatalogQuery
from glance_conf.audit.probe.endpoints import Endpoint
from glance_conf.audit.probe.endpoints import TlsSettings
from glance_conf.audit.probe.endpoints import endpoint
from glance_conf.audit.probe.endpoints import is_public
from glance_conf.audit.probe.observation import Observation
from glance_conf.audit.probe.prober import DEFAULT_DEADLINE
from glance_conf.audit.probe.prober import DEFAULT_EXPIRY_DAYS
from glance_conf.audit.probe.prober import DEFAULT_JOBS
from glance_conf.audit.probe.prober import MAX_JOBS
from glance_conf.audit.probe.prober import Prober
from glance_conf.audit.probe.wire import BAD_HOST
from glance_conf.audit.probe.wire import DEFAULT_TIMEOUT

__all__ = [
    'BAD_HOST',
    'CatalogQuery',
    'DEFAULT_DEADLINE',
    'DEFAULT_EXPIRY_DAYS',
    'DEFAULT_JOBS',
    'DEFAULT_TIMEOUT',
    'Endpoint',
    'MAX_JOBS',
    'Observation',
    'Prober',
    'TlsSettings',
    'endpoint',
    'is_public',
]
