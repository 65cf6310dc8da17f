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

"""The playbook glance_conf.audit.fleet on 50 hosts, as an operator runs it.

Every host is ``ansible_connection=local`` with its own config root (the
module's ``root``): one drifts within its inventory group, one has a
world-readable nova.conf holding the RabbitMQ password, one names a CA
file that is not there. The JSON report must hold exactly those three
findings, and the play must fail or pass as ``fail_on`` says.
"""

from __future__ import annotations

import os
import pathlib

import pytest

from tests.ansible import ansible_env

HOSTS = 50
#: The outliers: the host whose TLS floor differs from its group's
#: (az1), the one whose nova.conf is 0644, the one without its CA file.
DRIFTS, EXPOSED, NO_CA = 'compute-07', 'compute-13', 'compute-31'


def _name(number: int) -> str:
    return 'compute-%02d' % number


@pytest.fixture
def fleet(tmp_path: pathlib.Path) -> pathlib.Path:
    """50 roots and an inventory: az1 on TLS 1.3, az2 on TLS 1.2."""
    lines = {'az1': [], 'az2': []}
    for number in range(HOSTS):
        host = _name(number)
        group = 'az1' if number < HOSTS // 2 else 'az2'
        tls = '1.3' if group == 'az1' and host != DRIFTS else '1.2'
        ansible_env.make_root(
            tmp_path / 'roots' / host, ansible_env.CLEAN_CONF.format(tls=tls),
            conf_mode=0o644 if host == EXPOSED else 0o640,
            ca=host != NO_CA)
        lines[group].append('%s glance_conf_audit_root=%s'
                            % (host, tmp_path / 'roots' / host))
    inventory = tmp_path / 'inventory.ini'
    inventory.write_text(
        '[az1]\n%s\n[az2]\n%s\n[compute:children]\naz1\naz2\n'
        '[compute:vars]\nansible_connection=local\n'
        'ansible_python_interpreter=%s\n'
        % ('\n'.join(lines['az1']), '\n'.join(lines['az2']),
           ansible_env.HOST_PYTHON))
    return tmp_path


def _playbook(collection, home, fleet, *extra):
    env = ansible_env.environment(collection, home)
    return ansible_env.run(
        [ansible_env.tool('ansible-playbook'), '-i',
         str(fleet / 'inventory.ini'), 'glance_conf.audit.fleet',
         '-e', 'glance_conf_audit_hosts=compute',
         '-e', '{"glance_conf_audit_group_names": ["az1", "az2"]}',
         '-e', 'glance_conf_audit_output_dir=out',
         '-e', 'glance_conf_audit_command=%s'
         % ansible_env.tool('glance-conf-audit'), *extra], env, fleet)


#: What every host gets: enable_certificate_validation, which the
#: clean config sets (GC202 otherwise), is deprecated (info). The config
#: names a default trusted certificate, so GC205 does not apply.
COMMON = {'GC304'}


def _outliers(report: dict) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    """``(check, host)`` of every finding that not all hosts share (a
    fleet-wide finding is placed on its outlier's file)."""
    found = {(f['id'], f['host'] or f['file'].partition(':')[0])
             for f in report['findings']}
    common = {check for check, _ in found
              if {(check, _name(n)) for n in range(HOSTS)} <= found}
    expected = set(COMMON)
    if os.geteuid() != 0:
        # Not root: every test file is owned by this user, so each host
        # also gets GC503 (not owned by root); that is all it changes.
        expected.add('GC503')
    assert common == expected
    return {(check, host) for check, host in found if check not in common}


def test_the_play_reports_exactly_the_three_outliers(collection,
                                                     ansible_home, fleet):
    done = _playbook(collection, ansible_home, fleet)
    out = fleet / 'out'
    report = ansible_env.read_json(out / 'report.json')
    assert _outliers(report) == {('GC601', DRIFTS), ('GC502', EXPOSED),
                                ('GC103', NO_CA)}, report['findings']
    drift = next(f for f in report['findings'] if f['id'] == 'GC601')
    assert DRIFTS in drift['message'] and 'tls_min_version' in drift['message']
    exposed = next(f for f in report['findings'] if f['id'] == 'GC502')
    assert exposed['file'].endswith('/etc/nova/nova.conf')
    assert 'rabbit-secret' not in (out / 'report.json').read_text()
    # GC103 is high, the default gate: the play fails, naming the reports.
    assert done.returncode != 0
    assert 'fails the gate (fail_on=high)' in done.stdout
    for name in ('report.json', 'report.sarif', 'report.html'):
        assert str(out / name) in done.stdout
        assert (out / name).stat().st_size > 0
    bundles = sorted(p.stem for p in (out / 'bundles').glob('*.json'))
    assert bundles == [_name(n) for n in range(HOSTS)]
    for path in (out / 'bundles').glob('*.json'):
        assert 'rabbit-secret' not in path.read_text()
    assert ansible_env.read_json(out / 'bundles' / (DRIFTS + '.json'))[
        'group'] == 'az1'
