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

"""Run the adoption story of doc/source/audit/adoption.rst, as written.

Every ``$`` line of its console blocks is run in order, in one shell,
from a copy of the repository's example fleet; each output line the page
shows must be among what that command printed.
"""

from __future__ import annotations

import pathlib
import shutil

from tests import pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = ROOT / 'doc' / 'source' / 'audit' / 'adoption.rst'
FLEET = 'etc/glance_conf/examples/adoption'


def steps() -> list[pages.Step]:
    """``(command, shown output lines)`` of every console block."""
    return pages.steps(PAGE.read_text())


def test_the_page_has_a_whole_story():
    commands = [command for command, _ in steps()]
    assert len(commands) >= 12
    for word in ('--output baseline.json', 'waivers check', 'fix ', '--write',
                 '.glance-conf-audit.yaml'):
        assert any(word in c for c in commands), word


def test_every_command_runs_and_prints_what_the_page_shows(tmp_path):
    shutil.copytree(ROOT / FLEET, tmp_path / FLEET)
    pages.run_as_shown(steps(), tmp_path, pages.environ(), timeout=120)
