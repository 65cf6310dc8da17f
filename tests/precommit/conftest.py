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

"""A fresh clone of the committed tree, and pre-commit's shared cache.

pre-commit builds the hook's virtualenv with pip from the clone: once
for every ``pre-commit run`` of the session, which share one
``PRE_COMMIT_HOME``. ``pre-commit try-repo`` always builds its own, in a
store of its own (pre_commit/commands/try_repo.py), so it is used twice
only.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / 'etc' / 'glance_conf' / 'examples'
#: What the page's snippets name, and the test replaces with the clone.
REPO_URL = 'https://git.example.org/glance-conf.git'
REV = '1.0.0'
#: Building the hook's environment downloads from the package index.
TIMEOUT = 900


@pytest.fixture(scope='session')
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of every command: this Python's tools first, git
    without the user's or the system's config, and no ``PBR_VERSION``, so
    the hook builds as it does for a user who never heard of pbr."""
    if shutil.which('git') is None:
        pytest.fail('git is needed to test the pre-commit hook')
    if importlib.util.find_spec('pre_commit') is None:
        pytest.fail('pre-commit is needed: run tox -e precommit')
    home = tmp_path_factory.mktemp('home')
    (home / 'gitconfig').write_text('')
    base = {key: value for key, value in os.environ.items()
            if not key.startswith(('GIT_', 'PRE_COMMIT'))
            and key != 'PBR_VERSION'}
    return dict(
        base,
        PATH=os.pathsep.join((os.path.dirname(sys.executable),
                              os.environ['PATH'])),
        PRE_COMMIT_HOME=str(tmp_path_factory.mktemp('pre-commit-home')),
        GIT_CONFIG_GLOBAL=str(home / 'gitconfig'), GIT_CONFIG_NOSYSTEM='1',
        GIT_AUTHOR_NAME='test', GIT_AUTHOR_EMAIL='test@example.invalid',
        GIT_COMMITTER_NAME='test',
        GIT_COMMITTER_EMAIL='test@example.invalid')


@pytest.fixture(scope='session')
def clone(tmp_path_factory: pytest.TempPathFactory,
          env: dict[str, str]) -> tuple[pathlib.Path, str]:
    """``(path, commit)`` of a clone of this worktree's HEAD: what is
    committed is what is tested, never uncommitted changes."""
    path = tmp_path_factory.mktemp('clone') / 'glance-conf'
    subprocess.run(['git', 'clone', '-q', str(ROOT), str(path)], env=env,
                   check=True, timeout=120)
    head = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=path, env=env,
                          check=True, capture_output=True, text=True,
                          timeout=60).stdout.strip()
    assert (path / '.pre-commit-hooks.yaml').is_file()
    return path, head


def git_repo(path: pathlib.Path, env: dict[str, str]) -> pathlib.Path:
    """An empty git repository at ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(['git', 'init', '-q', str(path)], env=env, check=True,
                   timeout=60)
    return path


def use_clone(config: str, clone: tuple[pathlib.Path, str]) -> str:
    """A ``.pre-commit-config.yaml`` of the docs with ``repo`` and ``rev``
    pointed at the clone."""
    assert 'repo: %s' % REPO_URL in config and 'rev: %s' % REV in config
    return config.replace('repo: %s' % REPO_URL, 'repo: %s' % clone[0]) \
        .replace('rev: %s' % REV, 'rev: %s' % clone[1])


def run(args: list[str], cwd: pathlib.Path,
        env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A command, its output (both streams) as text."""
    return subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True,
                          timeout=TIMEOUT, check=False)
