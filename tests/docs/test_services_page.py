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


"""Run the commands of the "Which service" section of
doc/source/audit/cli.rst, on the corpus files it names."""

from __future__ import annotations

import pathlib
import shutil

from tests import pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = ROOT / 'doc' / 'source' / 'audit' / 'cli.rst'
CORPUS = ROOT / 'tests' / 'functional' / 'deployments'


def section() -> list[pages.Step]:
    text = PAGE.read_text()
    start = text.index('\nWhich service: ``--service nova``')
    end = text.index('\nHost checks: on the host', start)
    return pages.steps(text[start:end])


def test_the_service_commands_print_what_the_page_shows(tmp_path):
    shutil.copy(CORPUS / 'cinder' / 'kolla-ansible' / 'cinder.conf',
                tmp_path)
    shutil.copy(CORPUS / 'glance-api' / 'openstack-ansible-rbd'
                / 'glance-api.conf', tmp_path)
    # The trust-path example's two controllers (GC610).
    for host, name, text in (
            ('ctl-1', 'nova.conf', '[glance]\nverify_glance_signatures = '
             'True\n[key_manager]\nbackend = barbican\n'),
            ('ctl-2', 'cinder.conf', '[DEFAULT]\nglance_api_servers = '
             'https://glance:9292\nglance_request_timeout = 60\n')):
        (tmp_path / host).mkdir()
        (tmp_path / host / name).write_text(text)
    steps = section()
    assert len(steps) == 4
    assert '--service cinder' in steps[0].command
    assert steps[3].command.endswith('ctl-1/nova.conf ctl-2/cinder.conf')
    pages.run_as_shown(steps, tmp_path, pages.environ(), timeout=120)
