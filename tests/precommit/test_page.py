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

"""Run the recipes of doc/source/integrations/pre-commit.rst, as written.

Each section (``.. scenario: NAME``) is a git repository of its own: its
``.. file: PATH`` blocks are written there (``repo:`` and ``rev:`` of
``.pre-commit-config.yaml`` pointed at a fresh clone of this project),
then every ``$`` line of its console blocks is run in order, in one
shell; each output line the page shows must be among what that command
printed. The openstack-ansible section's ``ansible`` command runs against
a local inventory of two hosts whose ``/etc/nova/nova.conf`` is a file
of the test (``src=`` is the one word changed).
"""

from __future__ import annotations

import pathlib
import re
import sys

import pytest

from tests import pages
from tests.precommit.conftest import EXAMPLES
from tests.precommit.conftest import ROOT
from tests.precommit.conftest import TIMEOUT
from tests.precommit.conftest import git_repo
from tests.precommit.conftest import use_clone

PAGE = ROOT / 'doc' / 'source' / 'integrations' / 'pre-commit.rst'
SRC = 'src=/etc/nova/nova.conf'


class Scenario:
    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.files: dict[str, str] = {}
        for match in re.finditer(r'^\.\. file: (\S+)\n', text, re.M):
            rest = text[match.end():]
            directive = re.match(r'\.\. code-block:: (\S+)\n', rest)
            assert directive, match.group(0)
            _, lines = pages.blocks(rest, directive.group(1))[0]
            self.files[match.group(1)] = '\n'.join(lines) + '\n'
        self.steps = pages.steps(text)


def scenarios() -> dict[str, Scenario]:
    """The page's sections, with their files and commands."""
    parts = re.split(r'^\.\. scenario: (\S+)$', PAGE.read_text(),
                     flags=re.M)
    names = parts[1::2]
    assert len(set(names)) == len(names), names
    before = Scenario('', parts[0])
    assert not (before.files or before.steps), 'outside a scenario'
    return {name: Scenario(name, text)
            for name, text in zip(names, parts[2::2], strict=True)}


def test_the_page_has_every_recipe():
    found = scenarios()
    assert sorted(found) == ['kolla', 'osa', 'rendered']
    for scenario in found.values():
        assert '.pre-commit-config.yaml' in scenario.files, scenario.name
        assert scenario.steps, scenario.name
    commands = [c for s in found.values() for c, _ in s.steps]
    for word in ('pre-commit install', 'git commit', 'pre-commit run',
                 'ansible nova_compute', SRC):
        assert any(word in c for c in commands), word


def _osa_hosts(repo: pathlib.Path) -> dict[str, str]:
    """Two compute hosts of a local inventory: compute2 skips TLS
    verification. Returns environment variables for ansible."""
    hosts = repo.parent / 'hosts'
    good = (EXAMPLES / 'nova-hardened.conf').read_text()
    for name, text in (('compute1', good), ('compute2', good.replace(
            '[glance]\n', '[glance]\ninsecure = true\n'))):
        (hosts / name).mkdir(parents=True)
        (hosts / name / 'nova.conf').write_text(text)
    inventory = repo.parent / 'inventory.ini'
    inventory.write_text(
        '[nova_compute]\ncompute1\ncompute2\n[all:vars]\n'
        'ansible_connection=local\nansible_python_interpreter=%s\n'
        % sys.executable)
    return {'ANSIBLE_INVENTORY': str(inventory),
            'ANSIBLE_HOME': str(repo.parent / 'ansible-home'),
            'ANSIBLE_LOCAL_TEMP': str(repo.parent / 'ansible-tmp'),
            'ANSIBLE_NOCOLOR': '1'}


@pytest.mark.parametrize('name', ['rendered', 'kolla', 'osa'])
def test_every_command_runs_and_prints_what_the_page_shows(
        name, tmp_path, env, clone):
    scenario = scenarios()[name]
    repo = git_repo(tmp_path / 'repo', env)
    for path, text in scenario.files.items():
        if path == '.pre-commit-config.yaml':
            text = use_clone(text, clone)
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    env = dict(env)
    if name == 'osa':
        env.update(_osa_hosts(repo))
    page_steps = [pages.Step(command.replace(
        SRC, 'src=%s/hosts/{{ inventory_hostname }}/nova.conf' % tmp_path),
        shown) for command, shown in scenario.steps]
    pages.run_as_shown(page_steps, repo, env, timeout=TIMEOUT)
