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

"""The collection as Galaxy and every collection's CI check it: the real
``ansible-test sanity`` and ``ansible-lint --profile production``.

Both run on a copy of ``ansible/`` laid out as they want it
(``ansible_collections/glance_conf/audit``), as their runs write into it.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import sys
import types

import pytest
import yaml

from tests.ansible import ansible_env

#: ansible-test's home (its sanity virtual environments, cached by the
#: hash of their requirements, and its download cache). ``tox -e ansible``
#: keeps it in the tox env, so a second run reuses the environments;
#: without it, each session builds them anew (minutes).
HOME_VARIABLE = 'GLANCE_CONF_ANSIBLE_TEST_HOME'
#: The most one ansible-test or ansible-lint run may take: the first
#: sanity run installs a dozen virtual environments from PyPI.
TIMEOUT = 1500
#: What ansible-test bootstraps pip with, in place of get-pip.py.
STAND_IN = '''\
"""Stand-in for get-pip.py, seeded by tests/ansible/test_sanity.py:
ansible-test downloads that script from a host this machine cannot
reach, so pip comes from the standard library instead."""
import ensurepip

ensurepip.bootstrap(upgrade=True)
'''
#: The one kind of ignore entry the collection may have, and why.
IGNORED_CODE = 'validate-modules:missing-gplv3-license'


def _ansible_core_version() -> str:
    from ansible.release import __version__
    return '.'.join(__version__.split('.')[:2])


def _seed_pip_bootstrap(home: pathlib.Path) -> None:
    """Put the stand-in where ansible-test looks before it downloads.

    ansible-test bootstraps pip in each sanity venv with get-pip.py from
    ci-files.testing.ansible.com, cached as
    ``~/.ansible/test/cache/get_pip_<version>.py`` (ansible-core's
    ``test/lib/ansible_test/_util/target/setup/requirements.py``,
    ``bootstrap``); the version is that of ``get_venv_packages``
    (``_internal/python_requirements.py``).
    """
    from ansible_test._internal.python_requirements import get_venv_packages
    python = types.SimpleNamespace(
        version='%d.%d' % sys.version_info[:2])
    version = get_venv_packages(python)['pip']
    cache = home / '.ansible' / 'test' / 'cache'
    cache.mkdir(parents=True, exist_ok=True)
    (cache / ('get_pip_%s.py' % version.replace('.', '_'))).write_text(
        STAND_IN)


@pytest.fixture(scope='module')
def tree(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A copy of the collection at ``ansible_collections/glance_conf/
    audit`` under a fresh directory (the collections path)."""
    top = tmp_path_factory.mktemp('sanity')
    shutil.copytree(ansible_env.COLLECTION,
                    top / 'ansible_collections' / 'glance_conf' / 'audit',
                    ignore=shutil.ignore_patterns('__pycache__', 'output'))
    return top


@pytest.fixture(scope='module')
def test_home(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    given = os.environ.get(HOME_VARIABLE)
    home = pathlib.Path(given) if given else \
        tmp_path_factory.mktemp('ansible-test-home')
    home.mkdir(parents=True, exist_ok=True)
    # The setup step: the stand-in for ansible-test's pip bootstrap.
    _seed_pip_bootstrap(home)
    return home


def _run(argv: list[str], tree: pathlib.Path, home: pathlib.Path,
         **extra: str):
    env = ansible_env.environment(tree, home / 'ansible', HOME=str(home),
                                  NO_COLOR='1', **extra)
    (home / 'ansible' / 'tmp').mkdir(parents=True, exist_ok=True)
    return ansible_env.run(
        argv, env, tree / 'ansible_collections' / 'glance_conf' / 'audit',
        timeout=TIMEOUT)


@pytest.mark.timeout(TIMEOUT + 60)
def test_ansible_test_sanity_passes(tree, test_home):
    """Every sanity test, each in its own virtual environment, on this
    Python; the only ignores are those of the ignore file."""
    done = _run([ansible_env.tool('ansible-test'), 'sanity', '--venv',
                 '--python', '%d.%d' % sys.version_info[:2], '--color', 'no'],
                tree, test_home)
    assert done.returncode == 0, (done.stdout + done.stderr)[-6000:]
    assert 'Running sanity test "validate-modules"' in done.stdout
    assert 'Running sanity test "pylint"' in done.stdout


@pytest.mark.timeout(TIMEOUT + 60)
def test_ansible_lint_production_passes(tree, test_home):
    """The strictest profile, with the opt-in run-once rule that older
    ansible-lint releases had in it."""
    done = _run([ansible_env.tool('ansible-lint'), '--offline', '--profile',
                 'production', '--enable-list', 'run-once'], tree, test_home)
    assert done.returncode == 0, (done.stdout + done.stderr)[-6000:]
    assert "Profile 'production' was required, and it passed" in \
        done.stdout + done.stderr


def test_the_only_ignore_is_the_licence_with_its_reason():
    """Apache-2.0 is no GPLv3: that, and nothing else, is ignored, for
    the ansible-core the tests run."""
    ignores = ansible_env.COLLECTION / 'tests' / 'sanity'
    names = sorted(path.name for path in ignores.iterdir())
    assert names == ['ignore-%s.txt' % _ansible_core_version()], (
        'one ignore file, for the ansible-core of the tox env')
    lines = (ignores / names[0]).read_text().splitlines()
    modules = sorted(path.name for path in
                     (ansible_env.COLLECTION / 'plugins' / 'modules').iterdir()
                     if path.suffix == '.py')
    assert [line.split(' ')[0] for line in lines] == \
        ['plugins/modules/' + name for name in modules]
    for line in lines:
        entry, _, reason = line.partition(' # ')
        assert entry.split(' ')[1:] == [IGNORED_CODE]
        assert 'Apache-2.0' in reason


def test_galaxy_yml_links_and_the_changelog_of_its_version():
    galaxy = yaml.safe_load((ansible_env.COLLECTION / 'galaxy.yml')
                            .read_text())
    for key in ('documentation', 'repository', 'issues', 'homepage'):
        assert galaxy[key].startswith('https://'), key
    changes = yaml.safe_load((ansible_env.COLLECTION / 'changelogs' /
                              'changelog.yaml').read_text())
    assert galaxy['version'] in changes['releases']
    # antsibull-changelog's anchor of the release: v1.0.0 is "v1-0-0".
    anchor = 'id="v%s"' % galaxy['version'].replace('.', '-')
    assert anchor in (ansible_env.COLLECTION / 'CHANGELOG.md').read_text()
