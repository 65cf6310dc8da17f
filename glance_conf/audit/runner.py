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

"""Load configs the way a service would, run the checks, keep the results.

The run modes by name, as the command line, the upgrade check, the
fixer and the benchmarks call them: the modes themselves are
:mod:`glance_conf.audit.modes` (service, fleet, bundles), the config
each file is judged in is :mod:`glance_conf.audit.configure`'s, and a
whole run as the command line asks for it is a
:class:`glance_conf.audit.request.Request`.
"""

from glance_conf.audit.configure import NOVA_SUBSTITUTES
from glance_conf.audit.configure import AuditConfigOpts
from glance_conf.audit.configure import quiet_oslo_logging
from glance_conf.audit.modes.bundles import UNEXPECTED
from glance_conf.audit.modes.bundles import audit_bundles
from glance_conf.audit.modes.common import Progress
from glance_conf.audit.modes.common import posture_row
from glance_conf.audit.modes.fleet import audit_fleet
from glance_conf.audit.modes.service import audit_service
from glance_conf.audit.result import LoadProblem
from glance_conf.audit.result import Result

# Result and LoadProblem were documented here before the result model had
# a module of its own; code written against that keeps working.
__all__ = ['NOVA_SUBSTITUTES', 'UNEXPECTED', 'AuditConfigOpts',
           'LoadProblem', 'Progress', 'Result', 'audit_bundles',
           'audit_fleet', 'audit_service', 'posture_row',
           'quiet_oslo_logging']
