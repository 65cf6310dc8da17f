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

"""The permission checks on the deployment corpus, laid out as each tool
lays the file out (mode, owner, group: see each file's header).

Run as root: files get the real owners with ``os.chown``. The service
account is kolla's ``nova``, uid and gid 42436, named by number as on an
auditing machine that has no such account.
"""

from __future__ import annotations

import io
import json
import os
import pathlib
import re
import shutil

import pytest

from glance_conf.cmd import audit as cli

DEPLOYMENTS = pathlib.Path(__file__).parent / 'deployments'
NOVA = 42436
ADMIN = 1000  # an operator's or an ansible user's account
PERMISSIONS = {'GC501', 'GC502', 'GC503', 'GC506'}
CANARY_RE = re.compile(r'[A-Za-z_]*_canary')

LAYOUTS = [
    # (file, where, mode, uid, gid, expected permission findings)
    ('kolla-ansible-compute.conf', 'host /etc/kolla', 0o660, 0, 0, set()),
    ('kolla-ansible-compute.conf', 'container', 0o600, NOVA, NOVA,
     {('GC503', 'low')}),
    ('install-guide-compute.conf', 'Ubuntu postinst', 0o640, 0, NOVA,
     set()),
    ('install-guide-compute.conf', 'Ubuntu nova:nova', 0o640, NOVA, NOVA,
     {('GC503', 'low')}),
    ('charm-nova-compute.conf', 'Ubuntu postinst', 0o640, 0, NOVA, set()),
    ('openstack-ansible-compute.conf', 'metal', 0o640, 0, NOVA, set()),
    ('tripleo-compute.conf', 'RDO %attr', 0o640, 0, NOVA, set()),
    ('nova-operator-compute.conf', 'EDPM host', 0o644, 0, 0,
     {('GC502', 'medium')}),
    ('nova-operator-compute.conf', 'EDPM host, ansible user', 0o644, ADMIN,
     ADMIN, {('GC502', 'medium'), ('GC503', 'low')}),
    ('nova-operator-compute.conf', 'container', 0o600, NOVA, NOVA,
     {('GC503', 'low')}),
    ('openstack-helm-compute.conf', 'Secret volume', 0o444, 0, 0,
     {('GC502', 'medium')}),
    # devstack runs nova as the stack user, who owns the file.
    ('devstack.conf', 'stack:stack', 0o644, NOVA, NOVA,
     {('GC502', 'medium'), ('GC503', 'low')}),
]


def _audit(path: pathlib.Path, *extra: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(['--format', 'json', '--fail-on', 'never',
                    '--service-user', str(NOVA), '--service-group',
                    str(NOVA), *extra, '--config-file', str(path)], out, err)
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


@pytest.mark.parametrize('name,where,mode,uid,gid,expected', LAYOUTS,
                         ids=['%s %s' % (x[0][:-5], x[1]) for x in LAYOUTS])
def test_layout(tmp_path, name, where, mode, uid, gid, expected):
    path = tmp_path / 'nova.conf'
    shutil.copyfile(DEPLOYMENTS / name, path)
    os.chown(path, uid, gid)
    path.chmod(mode)
    doc = _audit(path)
    found = {(f['id'], f['severity']) for f in doc['findings']
             if f['id'] in PERMISSIONS}
    assert found == expected
    report = json.dumps(doc)
    assert not CANARY_RE.search(report)


def test_offline_judges_no_permission():
    doc = _audit(DEPLOYMENTS / 'nova-operator-compute.conf', '--offline')
    assert doc['not_checked_offline']
    assert not {f['id'] for f in doc['findings']} & PERMISSIONS


def test_edpm_names_its_secrets(tmp_path):
    """EDPM's 0644 file: the RabbitMQ password is in [DEFAULT], not in
    [glance]; it is the real risk, named by its key only."""
    path = tmp_path / '01-nova.conf'
    shutil.copyfile(DEPLOYMENTS / 'nova-operator-compute.conf', path)
    os.chown(path, 0, 0)
    path.chmod(0o644)
    [found] = [f for f in _audit(path)['findings'] if f['id'] == 'GC502']
    assert 'DEFAULT.transport_url' in found['message']
    assert 'values not shown' in found['message']
    assert 'canary' not in found['message']
