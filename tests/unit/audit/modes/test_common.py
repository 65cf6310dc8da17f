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

"""What the run modes share."""

from __future__ import annotations

from glance_conf import _files
from glance_conf.audit import manager
from glance_conf.audit.modes import common
from glance_conf.audit.modes.bundles import audit_bundles
from glance_conf.audit.modes.fleet import audit_fleet
from glance_conf.audit.modes.service import audit_service
from tests import bundles


def _checks(*ids):
    return [c for c in manager.load_checks() if not ids or c.id in ids]


def test_a_keyless_fleet_finding_is_scoped_to_its_group():
    [check] = _checks('GC601')
    found = check().finding('glance.insecure', 'm', '/f')
    assert common.in_group(found, 'a').fingerprint != \
        common.in_group(found, 'b').fingerprint


class Watch:
    """An observer: the last file of each config it saw, and its host."""

    def __init__(self):
        self.seen = []

    def observe(self, target, host):
        self.seen.append((target.files[-1].path, host))


def test_every_mode_shows_each_audited_config_to_its_observers(write_conf,
                                                               tmp_path):
    """Once per config audited; a config that could not load is not
    shown. Observers are no checks: the result's checks are the same."""
    loop = str(write_conf('[glance]\nregion_name = $region_name\n'))
    good = [str(write_conf('[glance]\n')) for _ in range(2)]
    watch = Watch()
    result = audit_fleet([good[0], loop, good[1]], _checks(),
                         observers=[watch])
    assert watch.seen == [(good[0], None), (good[1], None)]
    unwatched = audit_fleet(good, _checks())
    assert result.checks == unwatched.checks
    result.close()
    unwatched.close()
    watch = Watch()
    host = _files.Host()
    audit_service([('--config-file', good[0])], _checks(),
                  host=host, observers=[watch]).close()
    assert watch.seen == [(good[0], host)]
    watch = Watch()
    path = bundles.write(tmp_path, bundles.bundle('compute-07', files=[
        bundles.config('/etc/nova/nova.conf', '[glance]\n')], paths={}))
    audit_bundles([path], _checks(), observers=[watch]).close()
    [(seen, facts)] = watch.seen
    assert seen == 'compute-07:/etc/nova/nova.conf'
    assert facts is not None  # the host the bundle recorded
