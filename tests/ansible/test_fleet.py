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

import json
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


#: The image trust path: which services run where.
SERVICES = {'compute': ['nova'], 'storage': ['cinder'],
            'control': ['nova', 'cinder', 'glance-api']}


@pytest.fixture
def trust_fleet(tmp_path: pathlib.Path) -> pathlib.Path:
    """az1: a compute host and a storage host whose cinder keeps its
    default; az2: a controller with nova, cinder verifying nothing and
    glance-api showing locations. nova verifies everywhere."""
    roots = tmp_path / 'roots'
    clean = ansible_env.CLEAN_CONF.format(tls='1.3')
    ansible_env.make_root(roots / 'compute-1', clean)
    ansible_env.add_service(
        ansible_env.make_root(roots / 'storage-1', clean), 'cinder',
        ansible_env.CINDER_CONF.format(verify=''))
    ctl = ansible_env.make_root(roots / 'ctl-1', clean)
    ansible_env.add_service(ctl, 'cinder', ansible_env.CINDER_CONF.format(
        verify='verify_glance_signatures = disabled'))
    ansible_env.add_service(ctl, 'glance', ansible_env.GLANCE_API_CONF.format(
        locations='true'))
    (tmp_path / 'inventory.ini').write_text(
        '[az1]\ncompute-1 glance_conf_audit_root={r}/compute-1\n'
        'storage-1 glance_conf_audit_root={r}/storage-1\n'
        '[az2]\nctl-1 glance_conf_audit_root={r}/ctl-1\n'
        '[compute]\ncompute-1\n[storage]\nstorage-1\n[control]\nctl-1\n'
        '[all:vars]\nansible_connection=local\n'
        'ansible_python_interpreter={python}\n'.format(
            r=roots, python=ansible_env.HOST_PYTHON))
    return tmp_path


def test_the_play_collects_each_service_and_reports_the_trust_path(
        collection, ansible_home, trust_fleet):
    from lxml import html as lxml_html
    env = ansible_env.environment(collection, ansible_home)
    done = ansible_env.run(
        [ansible_env.tool('ansible-playbook'), '-i',
         str(trust_fleet / 'inventory.ini'), 'glance_conf.audit.fleet',
         '-e', '{"glance_conf_audit_group_names": ["az1", "az2"]}',
         '-e', '{"glance_conf_audit_services": %s}' % json.dumps(SERVICES),
         '-e', 'glance_conf_audit_output_dir=out',
         '-e', 'glance_conf_audit_fail_on=never',
         '-e', 'glance_conf_audit_command=%s'
         % ansible_env.tool('glance-conf-audit')], env, trust_fleet)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    out = trust_fleet / 'out'
    bundles = {p.name: ansible_env.read_json(p)
               for p in (out / 'bundles').glob('*.json')}
    assert {name: (b['service'], b['group'])
            for name, b in bundles.items()} == {
        'compute-1.json': ('nova', 'az1'),
        'storage-1@cinder.json': ('cinder', 'az1'),
        'ctl-1.json': ('nova', 'az2'),
        'ctl-1@cinder.json': ('cinder', 'az2'),
        'ctl-1@glance-api.json': ('glance-api', 'az2')}
    # cinder's CA was recorded for its host check, and no secret left.
    assert '/etc/cinder/certs/ca.pem' in bundles['ctl-1@cinder.json']['paths']
    assert bundles['ctl-1@cinder.json']['account']['uid'] == 42407
    report = ansible_env.read_json(out / 'report.json')
    assert report['service'] == 'mixed'
    bypass = sorted((f['file'], f['severity']) for f in report['findings']
                    if f['id'] == 'GC610')
    assert bypass == [('ctl-1:/etc/cinder/cinder.conf', 'high'),
                      ('storage-1:/etc/cinder/cinder.conf', 'medium')]
    found = {(f['id'], f['file']) for f in report['findings']}
    assert ('GC851', 'ctl-1:/etc/glance/glance-api.conf') in found
    assert not any(f['id'] == 'GC803' for f in report['findings'])
    for path in [out / 'report.json', out / 'report.html',
                 out / 'report.sarif', *(out / 'bundles').glob('*.json')]:
        text = path.read_text()
        assert 'rabbit-secret' not in text and 'db-secret' not in text
    page = lxml_html.fromstring((out / 'report.html').read_text())
    assert [li.text_content() for li in page.xpath(
        '//ul[@id="trust-verdicts"]/li')] == [
        'az1: weakened by cinder', 'az2: weakened by cinder, glance-api']
    rows = [[c.text_content() for c in row][:4] for row in page.xpath(
        '//table[@id="trust"]/tbody/tr')]
    assert rows == [
        ['az1', 'nova', '1', 'refuses unsigned images'],
        ['az1', 'cinder', '1', 'lets unsigned images pass (1 of 1 hosts)'],
        ['az2', 'nova', '1', 'refuses unsigned images'],
        ['az2', 'cinder', '1', 'verifies no image signature (1 of 1 hosts)'],
        ['az2', 'glance-api', '1',
         'shows and lets users edit image locations (1 of 1 hosts)']]
