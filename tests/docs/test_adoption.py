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

import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = ROOT / 'doc' / 'source' / 'audit' / 'adoption.rst'
FLEET = 'etc/glance_conf/examples/adoption'
MARK = '@@@ command %d @@@'


def steps() -> list[tuple[str, list[str]]]:
    """``(command, shown output lines)`` of every console block."""
    found: list[tuple[str, list[str]]] = []
    in_console = False
    for line in PAGE.read_text().splitlines():
        if line.startswith('.. code-block:: console'):
            in_console = True
            continue
        if in_console and line and not line.startswith(' '):
            in_console = False
        if not in_console or not line.strip():
            continue
        text = line[4:]
        if text.startswith('$ '):
            found.append((text[2:], []))
        else:
            found[-1][1].append(text)
    return found


def test_the_page_has_a_whole_story():
    commands = [command for command, _ in steps()]
    assert len(commands) >= 12
    for word in ('--output baseline.json', 'waivers check', 'fix ', '--write',
                 '.glance-conf-audit.yaml'):
        assert any(word in c for c in commands), word


def test_every_command_runs_and_prints_what_the_page_shows(tmp_path):
    shutil.copytree(ROOT / FLEET, tmp_path / FLEET)
    # Each command sees the exit status of the one before (for echo $?),
    # not that of the marker line printed between them.
    script = ['status=0']
    for number, (command, _) in enumerate(steps()):
        script += ['echo "%s"; (exit $status)' % (MARK % number),
                   '%s 2>&1; status=$?' % command]
    env = dict(os.environ, PATH='%s%s%s' % (
        os.path.dirname(sys.executable), os.pathsep, os.environ['PATH']))
    done = subprocess.run(['bash', '-c', '\n'.join(script)], cwd=tmp_path,
                          env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    output = done.stdout
    for number, (command, shown) in enumerate(steps()):
        start = output.index(MARK % number) + len(MARK % number)
        end = output.find('@@@ command', start)
        printed = output[start:end if end != -1 else None].splitlines()
        printed = [line.rstrip() for line in printed]
        for line in shown:
            assert line.rstrip() in printed, (command, line, printed)
