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

"""The posture table GC601 and the heat-map share: how a value is shown,
and which side a difference blames."""

from __future__ import annotations

import pytest

from glance_conf.audit import posture
from glance_conf.audit.checks import fleet


def test_empty_and_unset_values_have_their_own_names():
    assert posture.show('') == posture.EMPTY == '(empty)'
    assert posture.show(None) == posture.UNSET == '(unset)'


def test_a_url_value_is_shown_without_its_credentials():
    shown = posture.show('https://u:hunter2@glance:9292/?token=abc')
    assert 'hunter2' not in shown and 'abc' not in shown


def test_the_drift_check_is_the_one_the_table_names():
    assert fleet.FleetDrift.id == posture.CHECK_ID


@pytest.mark.parametrize('counts, blamed, why', [
    ({'1.2': 1, '1.3': 5}, ['1.2'], posture.WEAKER),
    ({'1.2': 5, '1.3': 1}, ['1.2'], posture.WEAKER),
    ({posture.UNSET: 1, '1.2': 1, '1.3': 1}, [posture.UNSET, '1.2'],
     posture.WEAKER),
    ({'1.3': 2, posture.SHOWN_INVALID: 1}, [posture.SHOWN_INVALID],
     posture.MINORITY),
    ({'1.3': 1, posture.SHOWN_INVALID: 1}, [posture.SHOWN_INVALID, '1.3'],
     posture.TIE),
])
def test_blame(counts, blamed, why):
    [floor] = [p for p in posture.POSTURE
               if p.option == 'glance.tls_min_version']
    assert posture.blame(floor, counts) == (blamed, why)
