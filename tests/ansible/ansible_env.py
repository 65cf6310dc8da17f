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

"""Run the real Ansible of the test env on the built collection.

The collection is built and installed once per session
(:func:`tests.ansible.conftest.collection`); every run gets its own
ANSIBLE_HOME and temp dirs, no ansible.cfg, and a bounded time.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import stat
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
COLLECTION = ROOT / 'ansible'
BIN = pathlib.Path(sys.executable).parent
#: The managed hosts' Python: the system's, which has no glance-conf.
HOST_PYTHON = '/usr/bin/python3'
#: The most one playbook run may take here (2 shared cores).
RUN_TIMEOUT = 240

#: The kolla uid/gid of nova (kolla's common/config ... 42436).
NOVA_ID = 42436

CLEAN_CONF = """\
[DEFAULT]
transport_url = rabbit://nova:rabbit-secret-1@mq1:5672,nova:rabbit-secret-2@mq2:5672/
[glance]
cafile = /etc/nova/certs/ca.pem
verify_glance_signatures = true
enable_certificate_validation = true
# The certificates the cloud trusts (GC205 without them).
default_trusted_certificate_ids = 5c6a2e3f-9d1b-4c7e-8f0a-1b2c3d4e5f60
timeout = 60
tls_min_version = {tls}
"""


def galaxy_version() -> str:
    """The collection's version, from its one place: galaxy.yml."""
    for line in (COLLECTION / 'galaxy.yml').read_text().splitlines():
        if line.startswith('version:'):
            return line.split(':', 1)[1].strip()
    raise AssertionError('galaxy.yml has no version')


def tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), '%s is not installed in the test env' % name
    return str(path)


def environment(collections: pathlib.Path, home: pathlib.Path,
                **extra: str) -> dict[str, str]:
    """The environment of one Ansible run: isolated, quiet, no color."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith('ANSIBLE_')}
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': str(collections),
        'ANSIBLE_HOME': str(home),
        'ANSIBLE_LOCAL_TEMP': str(home / 'tmp'),
        'ANSIBLE_CONFIG': str(home / 'none.cfg'),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_PIPELINING': '1',
        'PATH': '%s%s%s' % (BIN, os.pathsep, os.environ.get('PATH', '')),
    })
    env.update(extra)
    return env


def run(argv: list[str], env: dict[str, str], cwd: pathlib.Path,
        timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, check=False)


def make_root(root: pathlib.Path, conf: str, conf_mode: int = 0o640,
              ca: bool = True) -> pathlib.Path:
    """A host's (or a container's) file system: its nova.conf, its CA,
    and the nova account (42436) in its /etc/passwd and /etc/group."""
    nova = root / 'etc' / 'nova'
    (nova / 'certs').mkdir(parents=True)
    root.chmod(0o755)
    (root / 'etc' / 'passwd').write_text(
        'root:x:0:0:root:/root:/bin/sh\n'
        'nova:x:%d:%d::/var/lib/nova:/usr/sbin/nologin\n'
        % (NOVA_ID, NOVA_ID))
    (root / 'etc' / 'group').write_text(
        'root:x:0:\nnova:x:%d:\n' % NOVA_ID)
    if ca:
        (nova / 'certs' / 'ca.pem').write_text('-----BEGIN CERTIFICATE-----\n')
        (nova / 'certs' / 'ca.pem').chmod(0o644)
    (nova / 'nova.conf').write_text(conf)
    (nova / 'nova.conf').chmod(conf_mode)
    return root


#: cinder's image client: https, its CA, a bounded timeout; {verify}
#: is its signature verification line (none: cinder's default).
CINDER_CONF = """\
[DEFAULT]
transport_url = rabbit://cinder:rabbit-secret-3@mq1:5672/
glance_api_servers = https://glance.example.com:9292
glance_ca_certificates_file = /etc/cinder/certs/ca.pem
glance_request_timeout = 60
{verify}
"""
#: glance-api, its database password in the file; {locations}: whether
#: it shows (and lets users edit) image locations.
GLANCE_API_CONF = """\
[DEFAULT]
show_multiple_locations = {locations}
[database]
connection = mysql+pymysql://glance:db-secret-4@db/glance
"""
#: Each other service's config file, its CA (none: names no file), and
#: kolla's account for it.
SERVICE_FILES = {
    'cinder': ('etc/cinder/cinder.conf', 'etc/cinder/certs/ca.pem', 42407),
    'glance': ('etc/glance/glance-api.conf', None, 42415),
}


def add_service(root: pathlib.Path, account: str, conf: str) -> None:
    """Add cinder's or glance-api's config (``account``: ``cinder`` or
    ``glance``), its CA and its account to a root :func:`make_root`
    made."""
    path, ca, number = SERVICE_FILES[account]
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(conf)
    (root / path).chmod(0o640)
    if ca:
        (root / ca).parent.mkdir(parents=True, exist_ok=True)
        (root / ca).write_text('-----BEGIN CERTIFICATE-----\n')
        (root / ca).chmod(0o644)
    with open(root / 'etc' / 'passwd', 'a') as passwd:
        passwd.write('%s:x:%d:%d::/var/lib/%s:/usr/sbin/nologin\n'
                     % (account, number, number, account))
    with open(root / 'etc' / 'group', 'a') as group:
        group.write('%s:x:%d:\n' % (account, number))


def read_json(path: pathlib.Path) -> dict:  # type: ignore[type-arg]
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)  # type: ignore[no-any-return]


def copy_collection(collections: pathlib.Path, out: pathlib.Path) -> None:
    shutil.copytree(collections, out)


def is_world_readable(path: pathlib.Path) -> bool:
    return bool(path.stat().st_mode & stat.S_IROTH)
