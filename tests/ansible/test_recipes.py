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

"""Run every command of doc/source/integrations/ansible.rst, as written.

The page's YAML blocks with a caption are written to that file, then
every ``$`` line of its console blocks runs in order, in one shell, in a
lab directory laid out as a deployment's: a kolla-ansible ``multinode``
inventory whose ``compute`` hosts run ``nova_compute`` in a "container"
(a process chrooted into the host's tree, whose ``/proc/<pid>/root`` the
playbook finds; a stand-in for ``docker inspect`` prints its PID), and an
openstack-ansible ``inventory`` whose ``nova_compute`` hosts have their
config in ``/etc/nova/nova.conf`` of their own tree. Lab hosts are local
connections without become (``ansible_become=false`` in the inventory).
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

from tests import pages
from tests.ansible import ansible_env

PAGE = ansible_env.ROOT / 'doc' / 'source' / 'integrations' / 'ansible.rst'
#: kolla's in-container nova.conf: owned by nova, 0600
#: (nova-compute.json.j2 of kolla-ansible).
KOLLA_MODE = 0o600


def blocks(kind: str) -> list[tuple[str | None, list[str]]]:
    """``(caption, lines)`` of every ``.. code-block:: <kind>``."""
    return pages.blocks(PAGE.read_text(), kind)


def commands() -> list[str]:
    return [command for command, _ in pages.steps(PAGE.read_text())]


def test_the_page_has_both_recipes():
    text = ' '.join(commands())
    assert 'dist/glance_conf-audit-%s.tar.gz' % ansible_env.galaxy_version() \
        in text
    for word in ('-i multinode', '@kolla-audit.yml', '@osa-audit.yml',
                 'glance_conf_audit_baseline='):
        assert word in text, word
    captions = {caption for caption, _ in blocks('yaml')}
    assert captions == {'kolla-audit.yml', 'osa-audit.yml'}


@pytest.fixture
def containers(tmp_path: pathlib.Path):
    """Start a "nova_compute" per kolla host: a process whose root is the
    host's tree. Yields ``{host: pid}``; stops them at the end."""
    started: dict[str, subprocess.Popen[bytes]] = {}
    # A process of this user cannot chroot: it does so in a user
    # namespace of its own, where it is root.
    prefix = [] if os.geteuid() == 0 else ['unshare', '-r']
    try:
        for host in ('compute01', 'compute02'):
            root = ansible_env.make_root(
                tmp_path / 'kolla' / host,
                ansible_env.CLEAN_CONF.format(tls='1.3'),
                conf_mode=KOLLA_MODE)
            if os.geteuid() == 0:
                os.chown(root / 'etc' / 'nova' / 'nova.conf',
                         ansible_env.NOVA_ID, ansible_env.NOVA_ID)
            started[host] = subprocess.Popen(
                [*prefix, sys.executable, '-c',
                 'import os, sys, time\nos.chroot(sys.argv[1])\n'
                 'print("in", flush=True)\ntime.sleep(120)', str(root)],
                stdout=subprocess.PIPE)
        for process in started.values():
            assert process.stdout is not None
            assert process.stdout.readline() == b'in\n'
        yield {host: process.pid for host, process in started.items()}
    finally:
        for process in started.values():
            process.kill()
            process.wait(10)


def _lab(tmp_path: pathlib.Path, pids: dict[str, int]) -> pathlib.Path:
    lab = tmp_path / 'lab'
    (lab / 'engines').mkdir(parents=True)
    (lab / 'ansible').symlink_to(ansible_env.COLLECTION)
    common = ('ansible_connection=local\nansible_become=false\n'
              'ansible_python_interpreter=%s\n' % ansible_env.HOST_PYTHON)
    hosts = []
    for host, pid in pids.items():
        engine = lab / 'engines' / host
        # The stand-in for `docker inspect -f '{{.State.Pid}}' nova_compute`.
        engine.write_text('#!/bin/sh\n[ "$1 $4" = "inspect nova_compute" ] '
                          '|| exit 1\necho %d\n' % pid)
        engine.chmod(0o755)
        hosts.append('%s glance_conf_audit_container_engine=%s'
                     % (host, engine))
    (lab / 'multinode').write_text('[compute]\n%s\n[compute:vars]\n%s'
                                   % ('\n'.join(hosts), common))
    groups = {'kvm-compute_hosts': ['compute1', 'compute2'],
              'qemu-compute_hosts': ['compute3']}
    text = ''
    for group, members in groups.items():
        text += '[%s]\n' % group
        for host in members:
            root = ansible_env.make_root(
                tmp_path / 'osa' / host,
                ansible_env.CLEAN_CONF.format(tls='1.3'))
            text += '%s glance_conf_audit_root=%s\n' % (host, root)
    text += ('[nova_compute:children]\nkvm-compute_hosts\n'
             'qemu-compute_hosts\n[nova_compute:vars]\n' + common)
    (lab / 'inventory').write_text(text)
    for caption, lines in blocks('yaml'):
        assert caption is not None
        (lab / caption).write_text('\n'.join(lines) + '\n')
    return lab


def test_every_command_runs(tmp_path, ansible_home, containers):
    lab = _lab(tmp_path, containers)
    env = ansible_env.environment(lab / 'collections', ansible_home)
    ran = pages.run_as_shown(pages.steps(PAGE.read_text()), lab, env,
                             timeout=ansible_env.RUN_TIMEOUT)
    for command, status, printed in ran:
        assert status == 0, (command, printed)
    kolla = ansible_env.read_json(lab / 'kolla-audit' / 'report.json')
    found = {(f['id'], f['host']) for f in kolla['findings']}
    if os.geteuid() == 0:
        # Owned by the container's nova (42436), found in its
        # /etc/passwd: the service can rewrite its own config.
        assert {('GC503', 'compute01'), ('GC503', 'compute02')} <= found
    assert not {check for check, _ in found} & {'GC103', 'GC502'}
    bundle = ansible_env.read_json(lab / 'kolla-audit' / 'bundles' /
                                   'compute01.json')
    assert bundle['root'] == '/proc/%d/root' % containers['compute01']
    assert bundle['account']['uid'] == ansible_env.NOVA_ID
    osa = ansible_env.read_json(lab / 'osa-audit' / 'report.json')
    assert osa['baseline'] is not None
    groups = {host: ansible_env.read_json(
        lab / 'osa-audit' / 'bundles' / (host + '.json'))['group']
        for host in ('compute1', 'compute2', 'compute3')}
    assert groups == {'compute1': 'kvm-compute_hosts',
                      'compute2': 'kvm-compute_hosts',
                      'compute3': 'qemu-compute_hosts'}
