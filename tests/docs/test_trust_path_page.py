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


"""Run the commands of doc/source/audit/trust-path.rst on the files it
names: its own nova.conf, and the corpus's cinder.conf and
glance-api.conf."""

from __future__ import annotations

import pathlib
import shutil

from tests import pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = ROOT / 'doc' / 'source' / 'audit' / 'trust-path.rst'
CORPUS = ROOT / 'tests' / 'functional' / 'deployments'


def test_the_trust_path_commands_print_what_the_page_shows(tmp_path):
    text = PAGE.read_text()
    [(_, nova)] = pages.blocks(text, 'ini')
    for host in ('ctl-1', 'ctl-2', 'ctl-3', 'ctl-9'):
        (tmp_path / host).mkdir()
    (tmp_path / 'ctl-1' / 'nova.conf').write_text('\n'.join(nova) + '\n')
    # ctl-9: the same nova, its verification off, as the page says.
    (tmp_path / 'ctl-9' / 'nova.conf').write_text('\n'.join(
        nova[:2] + ['verify_glance_signatures = False']) + '\n')
    shutil.copy(CORPUS / 'cinder' / 'kolla-ansible' / 'cinder.conf',
                tmp_path / 'ctl-2')
    shutil.copy(CORPUS / 'glance-api' / 'openstack-ansible-rbd'
                / 'glance-api.conf', tmp_path / 'ctl-3')
    steps = pages.steps(text)
    assert len(steps) == 2
    ran = pages.run_as_shown(steps, tmp_path, pages.environ(), timeout=120)
    assert [r.status for r in ran] == [0, 0]
    # Nothing left to bypass: the second run has no GC610.
    assert not any('GC610' in line for line in ran[1].printed)
    assert any('GC610' in line for line in ran[0].printed)
