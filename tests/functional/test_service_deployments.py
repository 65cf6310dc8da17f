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


"""The cinder and glance-api profiles on configs rendered by deployment
tools and packages (``tests/functional/deployments/cinder`` and
``glance-api``): each file's reviewed verdicts, with ``--service`` and
recognised, alone and in a fleet beside nova."""

from __future__ import annotations

import io
import json
import pathlib
import re

import pytest

from glance_conf.cmd import audit as cli
from tests.functional.expect import expected_ids

DEPLOYMENTS = pathlib.Path(__file__).parent / 'deployments'
SERVICES = ('cinder', 'glance-api')
FILES = sorted(path for service in SERVICES
               for path in (DEPLOYMENTS / service).rglob('*.conf'))
CANARY_RE = re.compile(r'[A-Za-z_]*_canary')
#: The fleet checks that compare services: a file's own verdicts are
#: those of its service alone.
TRUST_PATH = ('GC610', 'GC611', 'GC612')


def _service(path: pathlib.Path) -> str:
    return path.relative_to(DEPLOYMENTS).parts[0]


def _audit(*argv: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run([*argv, '--offline', '--format', 'json', '--fail-on',
                    'never'], out, err)
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


def test_the_corpus_has_every_source():
    tools = {path.parent.name for path in FILES}
    assert {'kolla-ansible', 'openstack-ansible', 'openstack-helm',
            'puppet-cinder', 'cinder-package'} <= tools
    assert {'puppet-glance', 'glance-package'} <= tools
    # Real cinder.conf files name glance over plain http.
    assert any(re.search(r'^glance_api_servers = http://', p.read_text(),
                         re.M) for p in FILES if _service(p) == 'cinder')


@pytest.mark.parametrize('path', FILES,
                         ids=lambda p: str(p.relative_to(DEPLOYMENTS)))
def test_each_file_reports_its_reviewed_verdicts(path):
    service = _service(path)
    named = _audit('--service', service, '--config-file', str(path))
    assert named['service'] == service and not named['errors']
    assert {f['id'] for f in named['findings']} == \
        expected_ids(path, service)
    # Recognised from the file's name, the same.
    found = _audit('--config-file', str(path))
    assert found['service'] == service
    assert found['findings'] == named['findings']


def test_a_fleet_beside_nova_judges_each_file_by_its_service():
    nova = DEPLOYMENTS / 'kolla-ansible-compute.conf'
    report = _audit(str(nova), *map(str, FILES))
    assert report['service'] == 'mixed'
    for path in FILES:
        ids = {f['id'] for f in report['findings'] if f['file'] == str(path)
               and f['id'] not in TRUST_PATH}
        assert ids == expected_ids(path, _service(path)), path
    # Across the fleet, once per kind: the glance-api files that expose
    # locations, which the RBD backends of kolla-ansible's and
    # openstack-helm's cinder clone.
    exposed = [f for f in report['findings'] if f['id'] == 'GC612']
    assert sorted(f['key'] for f in exposed) == [
        'show_image_direct_url', 'show_multiple_locations']
    named = ' '.join(f['message'] for f in exposed)
    for tool in ('openstack-ansible', 'openstack-ansible-rbd',
                 'puppet-glance'):
        assert str(DEPLOYMENTS / 'glance-api' / tool / 'glance-api.conf') \
            in named
    for tool in ('kolla-ansible', 'openstack-helm'):
        assert str(DEPLOYMENTS / 'cinder' / tool / 'cinder.conf') in named
    nova_ids = {f['id'] for f in report['findings']
                if f['file'] == str(nova)}
    assert nova_ids == expected_ids(nova, 'nova')


@pytest.mark.parametrize('fmt', ['text', 'json', 'sarif', 'junit'])
def test_no_canary_secret_reaches_a_report(fmt):
    canaries = set()
    for path in FILES:
        canaries.update(CANARY_RE.findall(path.read_text()))
    assert canaries
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(['--format', fmt, '--fail-on', 'never',
                    *map(str, FILES)], out, err)
    assert code == 0, err.getvalue()
    report = out.getvalue() + err.getvalue()
    assert report.strip()
    assert not [c for c in canaries if c in report]
