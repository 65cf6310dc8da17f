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

"""GC610-GC612 on a fleet of nova, cinder and glance-api configs,
through the command line: the boot-from-volume bypass of nova's
signature verification, cinder's weaker transport, and image locations
that glance-api exposes and the consumers clone; each reported once,
naming the files involved."""

from __future__ import annotations

import io
import json
import pathlib

import pytest

from glance_conf.cmd import audit as cli

NOVA_VERIFIES = ('[glance]\nverify_glance_signatures = True\n'
                 '[key_manager]\nbackend = barbican\n')
NOVA_DOES_NOT = '[glance]\nverify_glance_signatures = False\n'
GLANCE_API = '[DEFAULT]\nshow_image_direct_url = False\n'
DEPLOYMENTS = pathlib.Path(__file__).parent / 'deployments'


def _fleet(tmp_path: pathlib.Path, nova: str, cinder: str,
           glance: str = GLANCE_API) -> list[dict]:
    files = []
    for host, name, text in (('ctl-1', 'nova.conf', nova),
                             ('ctl-2', 'cinder.conf', cinder),
                             ('ctl-3', 'glance-api.conf', glance)):
        (tmp_path / host).mkdir(parents=True)
        path = tmp_path / host / name
        path.write_text(text)
        files.append(str(path))
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(['--format', 'json', '--fail-on', 'never', *files], out,
                   err)
    assert code == 0, err.getvalue()
    report = json.loads(out.getvalue())
    assert report['service'] == 'mixed'
    return report['findings']


@pytest.mark.parametrize('cinder, severity, line', [
    # cinder's default: "enabled" verifies signed images only.
    ('[DEFAULT]\nglance_api_servers = https://glance:9292\n', 'medium',
     None),
    ('[DEFAULT]\nverify_glance_signatures = disabled\n', 'high', 2),
])
def test_cinder_undoes_novas_verification_once_naming_both_files(
        tmp_path, cinder, severity, line):
    findings = _fleet(tmp_path, NOVA_VERIFIES, cinder)
    [bypass] = [f for f in findings if f['id'] == 'GC610']
    assert bypass['severity'] == severity
    assert bypass['file'].endswith('ctl-2/cinder.conf')
    assert bypass['line'] == line
    assert 'ctl-1/nova.conf:2' in bypass['message']
    assert 'ctl-2/cinder.conf' in bypass['message']
    assert 'boot-from-volume' in bypass['message']


def test_with_novas_verification_off_there_is_nothing_to_bypass(tmp_path):
    findings = _fleet(tmp_path, NOVA_DOES_NOT,
                      '[DEFAULT]\nverify_glance_signatures = disabled\n')
    ids = {f['id'] for f in findings}
    assert 'GC610' not in ids
    assert {'GC201', 'GC809'} <= ids


def _ids(findings: list[dict], check: str) -> list[dict]:
    return [f for f in findings if f['id'] == check]


def test_corpus_cinder_over_http_weakens_novas_verified_tls(tmp_path):
    """kolla-ansible's cinder.conf names an http:// Image API: beside a
    nova that reaches it over verified https, GC611 names both files."""
    cinder = (DEPLOYMENTS / 'cinder' / 'kolla-ansible' /
              'cinder.conf').read_text()
    findings = _fleet(tmp_path, '[glance]\nendpoint_override = '
                      'https://glance:9292\n', cinder)
    [weaker] = _ids(findings, 'GC611')
    assert weaker['severity'] == 'medium'
    assert weaker['file'].endswith('ctl-2/cinder.conf')
    assert 'ctl-1/nova.conf:2' in weaker['message']
    findings = _fleet(tmp_path / 'http', '[glance]\nendpoint_override = '
                      'http://glance:9292\n', cinder)
    assert _ids(findings, 'GC611') == []


def test_corpus_glance_locations_cloned_by_cinder_rbd(tmp_path):
    """openstack-ansible's RBD glance-api.conf shows every location;
    kolla-ansible's cinder.conf clones them in Ceph: GC612, high."""
    glance = (DEPLOYMENTS / 'glance-api' / 'openstack-ansible-rbd' /
              'glance-api.conf').read_text()
    cinder = (DEPLOYMENTS / 'cinder' / 'kolla-ansible' /
              'cinder.conf').read_text()
    findings = _fleet(tmp_path, NOVA_DOES_NOT, cinder, glance)
    found = {f['key']: f for f in _ids(findings, 'GC612')}
    assert found['show_multiple_locations']['severity'] == 'high'
    assert found['show_image_direct_url']['severity'] == 'medium'
    for finding in found.values():
        assert finding['file'].endswith('ctl-3/glance-api.conf')
        assert 'ctl-2/cinder.conf:51' in finding['message']
    findings = _fleet(tmp_path / 'safe', NOVA_DOES_NOT, cinder, GLANCE_API)
    assert _ids(findings, 'GC612') == []
