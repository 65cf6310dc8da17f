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

"""The collection as Ansible sees it: built, installed, documented, and
safe in check mode."""

from __future__ import annotations

import json
import tarfile

import pytest

from tests.ansible import ansible_env

PLUGINS = ('collect', 'save_bundle', 'bundle_dir')


def test_it_builds_and_installs_with_its_one_version(collection):
    installed = collection / 'ansible_collections' / 'glance_conf' / 'audit'
    manifest = json.loads((installed / 'MANIFEST.json').read_text())
    info = manifest['collection_info']
    assert (info['namespace'], info['name'], info['version']) == (
        'glance_conf', 'audit', ansible_env.galaxy_version())
    assert info['license'] == ['Apache-2.0']
    for path in ('plugins/modules/collect.py', 'playbooks/fleet.yml',
                 'plugins/action/save_bundle.py',
                 'plugins/action/bundle_dir.py', 'meta/runtime.yml',
                 'README.md'):
        assert (installed / path).is_file(), path
    tarball = collection.parent / ('glance_conf-audit-%s.tar.gz'
                                   % ansible_env.galaxy_version())
    with tarfile.open(tarball) as archive:
        assert not [n for n in archive.getnames() if '__pycache__' in n]


@pytest.mark.parametrize('plugin', PLUGINS)
def test_ansible_doc_shows_each_plugin(collection, ansible_home, tmp_path,
                                       plugin):
    env = ansible_env.environment(collection, ansible_home)
    name = 'glance_conf.audit.' + plugin
    shown = ansible_env.run([ansible_env.tool('ansible-doc'), name], env,
                            tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert name.upper() in shown.stdout.upper() and 'EXAMPLES' in \
        shown.stdout.upper()
    parsed = ansible_env.run([ansible_env.tool('ansible-doc'), '--json',
                              name], env, tmp_path)
    doc = json.loads(parsed.stdout)[name]
    assert doc['doc']['short_description'] and doc['examples']
    assert doc['return']


def test_ansible_doc_documents_every_option_of_collect(collection,
                                                        ansible_home,
                                                        tmp_path):
    env = ansible_env.environment(collection, ansible_home)
    shown = ansible_env.run([ansible_env.tool('ansible-doc'),
                             'glance_conf.audit.collect'], env, tmp_path)
    for word in ('config_files', 'config_dirs', 'root', 'service_user',
                 'service_group', 'bundle', 'check_mode', '42436'):
        assert word in shown.stdout, word


def _adhoc(collection, home, tmp_path, args, *extra):
    env = ansible_env.environment(collection, home)
    done = ansible_env.run(
        [ansible_env.tool('ansible'), 'all', '-i', 'compute-1,', '-c',
         'local', '-e', 'ansible_python_interpreter=%s'
         % ansible_env.HOST_PYTHON, '-m', 'glance_conf.audit.collect',
         '-a', json.dumps(args), *extra], env, tmp_path)
    # The default output: "compute-1 | SUCCESS => {...}".
    start = done.stdout.find('compute-1 | ')
    assert start != -1, done.stdout + done.stderr
    return done, json.loads(done.stdout[start:].partition(' => ')[2])


def test_check_mode_reads_and_changes_nothing(collection, ansible_home,
                                              tmp_path):
    root = ansible_env.make_root(tmp_path / 'root',
                                 ansible_env.CLEAN_CONF.format(tls='1.3'))
    conf = root / 'etc' / 'nova' / 'nova.conf'
    before = conf.stat()
    done, result = _adhoc(collection, ansible_home, tmp_path,
                          {'root': str(root)}, '--check')
    assert done.returncode == 0, result
    assert result['changed'] is False
    assert result['bundle']['config'][0]['path'] == '/etc/nova/nova.conf'
    assert 'rabbit-secret' not in json.dumps(result['bundle'])
    after = conf.stat()
    assert (after.st_mtime_ns, after.st_mode) == (before.st_mtime_ns,
                                                  before.st_mode)


def test_a_bad_parameter_fails_with_one_line_naming_it(collection,
                                                      ansible_home,
                                                      tmp_path):
    done, result = _adhoc(collection, ansible_home, tmp_path,
                          {'config_files': ['nova.conf']})
    assert done.returncode != 0
    assert 'compute-1 | FAILED!' in done.stdout and result['changed'] is False
    assert result['msg'] == 'config_files: item 1 is not an absolute path'


def test_the_collect_task_has_a_bounded_time():
    """M2: one host that hangs (a FIFO, a dead mount) must not hang the
    play: the collect task has a timeout, a variable with a default."""
    from ansible.parsing.utils.yaml import from_yaml
    play = from_yaml((ansible_env.COLLECTION / 'playbooks' /
                      'fleet.yml').read_text())[0]
    task, = [t for t in play['tasks'] if 'glance_conf.audit.collect' in t]
    assert task['timeout'] == (
        '{{ glance_conf_audit_collect_timeout | default(300) | int }}')
    assert 'glance_conf_audit_collect_timeout' in (
        ansible_env.COLLECTION / 'README.md').read_text()
