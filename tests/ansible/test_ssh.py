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

"""The playbook over real SSH to 127.0.0.1, the transport operators use.

The test starts Debian's OpenSSH server itself, on a free loopback port,
with its own host key, a client key of its own and an sshd_config in a
temporary directory; the client checks the host key strictly. The
server stops when the test ends. Nothing is installed here: ``.ci/run``
installs openssh-server, and a machine without it fails.
"""

from __future__ import annotations

import getpass
import os
import pathlib
import socket
import subprocess
import time

import pytest

from tests.ansible import ansible_env

SSHD = '/usr/sbin/sshd'
#: How long sshd may take to listen, and to stop.
START_TIMEOUT = STOP_TIMEOUT = 10.0

SSHD_CONFIG = """\
ListenAddress 127.0.0.1
Port {port}
HostKey {tmp}/host_key
AuthorizedKeysFile {tmp}/authorized_keys
PidFile {tmp}/sshd.pid
AllowUsers {user}
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
LogLevel VERBOSE
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return int(probe.getsockname()[1])


def _keygen(path: pathlib.Path) -> str:
    subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C',
                    'glance-conf-test', '-f', str(path)], check=True,
                   timeout=30, capture_output=True)
    return path.with_suffix('.pub').read_text().strip()


@pytest.fixture
def sshd(tmp_path: pathlib.Path):
    """A loopback sshd for this user; yields ``(port, tmp, log)``."""
    assert os.path.exists(SSHD), (
        '%s is missing: install Debian\'s openssh-server (.ci/run does: '
        'apt-get install -y openssh-server)' % SSHD)
    tmp = tmp_path / 'sshd'
    tmp.mkdir()
    host_key = _keygen(tmp / 'host_key')
    (tmp / 'authorized_keys').write_text(_keygen(tmp / 'client_key') + '\n')
    (tmp / 'authorized_keys').chmod(0o600)
    port = _free_port()
    user = getpass.getuser()
    (tmp / 'sshd_config').write_text(SSHD_CONFIG.format(
        port=port, tmp=tmp, user=user))
    (tmp / 'known_hosts').write_text('[127.0.0.1]:%d %s\n' % (
        port, ' '.join(host_key.split()[:2])))
    if os.geteuid() == 0:
        # The privilege separation directory, which only a service start
        # would create.
        os.makedirs('/run/sshd', mode=0o755, exist_ok=True)
    log = tmp / 'sshd.log'
    with open(log, 'w') as stderr:
        server = subprocess.Popen([SSHD, '-D', '-e', '-f',
                                   str(tmp / 'sshd_config')],
                                  stdin=subprocess.DEVNULL,
                                  stdout=stderr, stderr=stderr)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert server.poll() is None, 'sshd stopped: ' + log.read_text()
            try:
                socket.create_connection(('127.0.0.1', port), 1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, (
                    'sshd did not listen within %.0f s: %s'
                    % (START_TIMEOUT, log.read_text()))
                time.sleep(0.1)
        yield port, tmp, log
    finally:
        server.terminate()
        try:
            server.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(STOP_TIMEOUT)


def test_the_bundles_come_over_ssh(collection, ansible_home, tmp_path,
                                    sshd):
    """A controller running nova, cinder and glance-api: one bundle per
    service, each over SSH."""
    port, keys, log = sshd
    root = ansible_env.make_root(
        tmp_path / 'root', ansible_env.CLEAN_CONF.format(tls='1.3'),
        conf_mode=0o644, ca=False)
    ansible_env.add_service(root, 'cinder', ansible_env.CINDER_CONF.format(
        verify=''))
    ansible_env.add_service(root, 'glance', ansible_env.GLANCE_API_CONF.format(
        locations='false'))
    inventory = tmp_path / 'inventory.ini'
    inventory.write_text(
        '[control]\n127.0.0.1 ansible_port={port} ansible_user={user} '
        'ansible_ssh_private_key_file={keys}/client_key '
        'ansible_python_interpreter={python} '
        'glance_conf_audit_root={root} '
        'ansible_ssh_common_args="-F /dev/null '
        '-o UserKnownHostsFile={keys}/known_hosts '
        '-o StrictHostKeyChecking=yes"\n'.format(
            port=port, user=getpass.getuser(), keys=keys,
            python=ansible_env.HOST_PYTHON, root=root))
    env = ansible_env.environment(
        collection, ansible_home,
        # No control master left behind once the test is over.
        ANSIBLE_SSH_ARGS='-o ControlMaster=no')
    done = ansible_env.run(
        [ansible_env.tool('ansible-playbook'), '-vvv', '-i', str(inventory),
         'glance_conf.audit.fleet',
         '-e', 'glance_conf_audit_output_dir=out',
         '-e', 'glance_conf_audit_fail_on=never',
         '-e', '{"glance_conf_audit_services": '
         '{"control": ["nova", "cinder", "glance-api"]}}',
         '-e', 'glance_conf_audit_command=%s'
         % ansible_env.tool('glance-conf-audit')], env, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert 'The fleet passes the gate (fail_on=never)' in done.stdout
    # It went over SSH, to the host's own Python, with the key pinned.
    assert 'ESTABLISH SSH CONNECTION FOR USER: %s' % getpass.getuser() \
        in done.stdout
    assert "'%s && sleep 0'" % ansible_env.HOST_PYTHON in done.stdout
    assert 'Accepted publickey for %s from 127.0.0.1' % getpass.getuser() \
        in log.read_text()
    # ...and the audit ran on the controller, not over SSH, although the
    # pattern "localhost" matches an inventory host at 127.0.0.1.
    audit = done.stdout[done.stdout.index('PLAY [Audit the fleet'):]
    assert 'ESTABLISH LOCAL CONNECTION' in audit
    assert 'ESTABLISH SSH CONNECTION' not in audit
    report = ansible_env.read_json(tmp_path / 'out' / 'report.json')
    found = {(f['id'], f['host']) for f in report['findings']}
    assert {('GC502', '127.0.0.1'), ('GC103', '127.0.0.1')} <= found
    bundle = ansible_env.read_json(tmp_path / 'out' / 'bundles' /
                                   '127.0.0.1.json')
    assert bundle['root'] == str(root)
    assert 'rabbit-secret' not in str(bundle)
    services = {}
    for path in (tmp_path / 'out' / 'bundles').glob('*.json'):
        services[path.name] = ansible_env.read_json(path)['service']
        text = path.read_text()
        assert 'rabbit-secret' not in text and 'db-secret' not in text
    assert services == {'127.0.0.1.json': 'nova',
                        '127.0.0.1@cinder.json': 'cinder',
                        '127.0.0.1@glance-api.json': 'glance-api'}
    # The cinder on the controller keeps its default: GC610 names it.
    assert [f['file'] for f in report['findings'] if f['id'] == 'GC610'] \
        == ['127.0.0.1:/etc/cinder/cinder.conf']
