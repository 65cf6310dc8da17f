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

"""The collection, built and installed once for the session."""

from __future__ import annotations

import pathlib

import pytest

from tests.ansible import ansible_env


@pytest.fixture(scope='session')
def collection(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """``ansible-galaxy collection build`` then ``install -p``: the
    collections path holding glance_conf.audit."""
    work = tmp_path_factory.mktemp('galaxy')
    home = work / 'home'
    env = ansible_env.environment(work / 'unused', home)
    galaxy = ansible_env.tool('ansible-galaxy')
    built = ansible_env.run([galaxy, 'collection', 'build',
                             str(ansible_env.COLLECTION), '--output-path',
                             str(work)], env, work)
    assert built.returncode == 0, built.stdout + built.stderr
    tarball = work / ('glance_conf-audit-%s.tar.gz'
                      % ansible_env.galaxy_version())
    assert tarball.is_file(), built.stdout
    installed = ansible_env.run([galaxy, 'collection', 'install',
                                 str(tarball), '-p', str(work / 'coll')],
                                env, work)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return work / 'coll'


@pytest.fixture
def ansible_home(tmp_path: pathlib.Path) -> pathlib.Path:
    home = tmp_path / 'ansible-home'
    (home / 'tmp').mkdir(parents=True)
    return home
