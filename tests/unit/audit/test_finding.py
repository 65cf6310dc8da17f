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

"""Findings are immutable values with a stable fingerprint."""

from __future__ import annotations

import dataclasses

import pytest

from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity

F = Finding('GC101', Severity.HIGH, 295, 'glance.insecure', 'msg', 'fix',
            '/etc/nova/nova.conf', 3)


def test_finding_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        F.message = 'other'


def test_round_trip_through_json_dict():
    assert Finding.from_dict(F.to_dict()) == F
    assert F.to_dict()['severity'] == 'high'


def test_fingerprint_is_stable_and_discriminating():
    """The check, option, host and key make the identity; where the value
    sits and how the message words it do not."""
    assert F.fingerprint == Finding(**dataclasses.asdict(F)).fingerprint
    assert len(F.fingerprint) == 32
    for same in ({'file': '/other/nova.conf'}, {'line': 30},
                 {'message': 'other wording, 3 hosts'}, {'remediation': 'x'},
                 {'severity': Severity.LOW}):
        assert dataclasses.replace(F, **same).fingerprint == F.fingerprint
    for other in ({'check_id': 'GC102'}, {'option': 'glance.debug'},
                  {'host': 'compute-1'}, {'key': 'http'}):
        assert dataclasses.replace(F, **other).fingerprint != F.fingerprint


def test_host_and_key_are_not_confused():
    """The parts are separated: moving text from one to the other is
    another finding."""
    assert dataclasses.replace(F, host='a', key='').fingerprint != \
        dataclasses.replace(F, host='', key='a').fingerprint


def test_severity_order_and_parse():
    assert Severity.INFO < Severity.LOW < Severity.MEDIUM < Severity.HIGH
    assert Severity.parse(' Medium ') is Severity.MEDIUM
    with pytest.raises(ValueError, match='unknown severity'):
        Severity.parse('critical')


def test_a_file_name_that_is_not_utf8_still_has_a_fingerprint():
    # os.fsdecode gives such names lone surrogates: nova.conf\udcff.
    odd = dataclasses.replace(F, file='/etc/nova/nova\udcff.conf')
    assert len(odd.fingerprint) == 32
    assert Finding.from_dict(odd.to_dict()) == odd
    assert '\\udcff' in odd.to_json()


def test_a_fleet_finding_keeps_its_key_when_its_hosts_change():
    """A fleet finding stays the same finding when its hosts change."""
    keyed = dataclasses.replace(F, key='False')
    moved = dataclasses.replace(keyed, file='/elsewhere', message='other')
    assert keyed.fingerprint == moved.fingerprint
    assert keyed.fingerprint != F.fingerprint
    assert keyed.fingerprint != dataclasses.replace(
        keyed, key='True').fingerprint
    assert keyed.fingerprint != dataclasses.replace(
        keyed, option='glance.debug').fingerprint


def test_the_key_survives_the_json_round_trip():
    keyed = dataclasses.replace(F, key='site-a\x1fTrue')
    assert keyed.to_dict()['key'] == 'site-a\x1fTrue'
    assert Finding.from_dict(keyed.to_dict()) == keyed
    assert F.to_dict()['key'] is None


def test_the_host_survives_the_json_round_trip():
    named = dataclasses.replace(F, host='compute-1')
    assert named.to_dict()['host'] == 'compute-1'
    assert Finding.from_dict(named.to_dict()) == named


def test_evidence_round_trips_and_stays_out_of_the_fingerprint():
    """A live finding's evidence (days to expiry change daily) survives
    the spool and JSON, and never changes the finding's identity."""
    seen = dataclasses.replace(F, evidence=(('address', '10.0.0.5'),
                                            ('days_to_expiry', 12)))
    assert seen.to_dict()['evidence'] == {'address': '10.0.0.5',
                                          'days_to_expiry': 12}
    assert Finding.from_dict(seen.to_dict()) == seen
    assert seen.fingerprint == F.fingerprint
    assert 'evidence' not in F.to_dict()


def test_blamed_hosts_round_trip_and_stay_out_of_the_fingerprint():
    """The hosts a fleet finding blames come and go; the finding stays
    the same one, and its blamed files survive the spool and JSON (the
    waivers are looked up again from there)."""
    blaming = dataclasses.replace(F, file='a.conf',
                                  blamed=('a.conf', 'b.conf'))
    assert blaming.to_dict()['blamed'] == ['a.conf', 'b.conf']
    assert Finding.from_dict(blaming.to_dict()) == blaming
    assert blaming.fingerprint == dataclasses.replace(
        blaming, blamed=('a.conf',)).fingerprint
    assert 'blamed' not in F.to_dict()
