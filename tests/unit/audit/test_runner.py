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

"""The runner: the run modes by name, for the code that calls them."""

from __future__ import annotations

from glance_conf.audit import configure
from glance_conf.audit import result
from glance_conf.audit import runner
from glance_conf.audit.modes import bundles
from glance_conf.audit.modes import common
from glance_conf.audit.modes import fleet
from glance_conf.audit.modes import service


def test_the_runner_names_the_modes_and_the_audit_s_config():
    """The command line, the upgrade check, the fixer and the
    benchmarks call ``runner.audit_*``: the same functions as the
    modes', not copies."""
    assert runner.audit_service is service.audit_service
    assert runner.audit_fleet is fleet.audit_fleet
    assert runner.audit_bundles is bundles.audit_bundles
    assert runner.UNEXPECTED is bundles.UNEXPECTED
    assert runner.posture_row is common.posture_row
    assert runner.Progress is common.Progress
    assert runner.AuditConfigOpts is configure.AuditConfigOpts
    assert runner.NOVA_SUBSTITUTES is configure.NOVA_SUBSTITUTES
    assert runner.quiet_oslo_logging is configure.quiet_oslo_logging
    # Documented here before the result model had a module of its own.
    assert runner.Result is result.Result
    assert runner.LoadProblem is result.LoadProblem
    assert sorted(runner.__all__) == sorted(
        name for name in vars(runner) if not name.startswith('_'))
