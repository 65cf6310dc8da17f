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

"""Run doc/source/integrations/upgrade-check.rst as written.

Its ``ini`` blocks are written to the files their captions name; every
``$`` line of its console blocks then runs in order, in one shell, in
that directory, and each output line the page shows must be among what
that command printed. Its Python block is saved as a script and run as
a nova-style status command.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

from tests import pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = ROOT / 'doc' / 'source' / 'integrations' / 'upgrade-check.rst'


def blocks(language: str) -> list[tuple[str | None, list[str]]]:
    """``(caption, lines)`` of each code block in ``language``."""
    return pages.blocks(PAGE.read_text(), language)


def steps() -> list[pages.Step]:
    return pages.steps(PAGE.read_text())


def _lay_out(directory: pathlib.Path) -> None:
    for caption, lines in blocks('ini'):
        assert caption, 'an ini block without a file name'
        (directory / caption).write_text('\n'.join(lines) + '\n')


def test_the_page_shows_each_result_and_exit_code():
    commands = ' '.join(c for c, _ in steps())
    shown = ' '.join(line for _, out in steps() for line in out)
    for word in ('upgrade check', '--defaults nova', 'missing.conf'):
        assert word in commands, word
    for word in ('Result: Success', 'Result: Warning', 'Result: Failure',
                 'glance-conf-status: error:'):
        assert word in shown, word
    codes = [out for command, out in steps() if command == 'echo $?']
    assert sorted({c[0] for c in codes}) == ['1', '2', '255']


def test_every_command_runs_and_prints_what_the_page_shows(tmp_path):
    _lay_out(tmp_path)
    pages.run_as_shown(steps(), tmp_path, pages.environ(), timeout=120)


def test_the_nova_style_status_command_runs_as_shown(tmp_path):
    _lay_out(tmp_path)
    [(_, code)] = blocks('python')
    (tmp_path / 'status.py').write_text('\n'.join(code) + '\n')
    done = subprocess.run(
        [sys.executable, 'status.py', '--config-file', 'nova.conf',
         '--config-file', 'key-manager.conf', 'upgrade', 'check',
         '--json'], cwd=tmp_path, env=pages.environ(), capture_output=True,
        text=True, timeout=60, check=False)
    results = {c['check']: c['result']
               for c in json.loads(done.stdout)['checks']}
    assert results == {'Cells v2': 0,
                       'glance-conf-deprecated-names': 1,
                       'glance-conf-recommended-bounds': 0,
                       'glance-conf-refused-values': 0,
                       'glance-conf-signature-verification': 2}
    assert done.returncode == 2, done.stderr
