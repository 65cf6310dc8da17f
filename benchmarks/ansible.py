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

"""The Ansible path's cost per host, against a bare ``stat`` task.

Both plays run with ``ansible-playbook`` on the same inventory of local
hosts (``ansible_connection=local``, each with its own config root) and
the same forks. The collect path is the playbook ``glance_conf.audit.fleet``'s
first play (tag ``collect``: the module ``collect`` and the bundle saved
on the controller); the floor is one ``ansible.builtin.stat`` task of the
host's nova.conf. The cost of a play that runs no task on the same hosts
(Ansible's start and its per-host setup) is subtracted from both, so the
ratio is that of the per-host work. Goal: <= 1.5.

Run ``python -m benchmarks.ansible`` (or ``tox -e bench``, through
:func:`bench_ansible`); the test env needs ansible-core.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = pathlib.Path(__file__).resolve().parent
COLLECTION = HERE.parent / 'ansible'
BIN = pathlib.Path(sys.executable).parent
GOAL = 1.5

CONF = """\
[DEFAULT]
transport_url = rabbit://nova:bench-secret@mq:5672/
[glance]
cafile = /etc/nova/certs/ca.pem
verify_glance_signatures = true
timeout = 60
"""

STAT_PLAY = """\
- hosts: all
  gather_facts: false
  tasks:
    - ansible.builtin.stat:
        path: "{{ glance_conf_audit_root }}/etc/nova/nova.conf"
"""

EMPTY_PLAY = """\
- hosts: all
  gather_facts: false
  tasks: []
"""


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        raise SystemExit('%s is not installed beside %s: the bench env '
                         'needs ansible-core' % (name, sys.executable))
    return str(path)


def _env(work: pathlib.Path, forks: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('ANSIBLE_')}
    env.update(ANSIBLE_COLLECTIONS_PATH=str(work / 'coll'),
               ANSIBLE_HOME=str(work / 'home'),
               ANSIBLE_LOCAL_TEMP=str(work / 'home' / 'tmp'),
               ANSIBLE_CONFIG=str(work / 'none.cfg'),
               ANSIBLE_FORKS=str(forks), ANSIBLE_NOCOLOR='1',
               ANSIBLE_PIPELINING='1',
               PATH='%s%s%s' % (BIN, os.pathsep, env.get('PATH', '')))
    return env


def _setup(work: pathlib.Path, hosts: int) -> None:
    (work / 'home' / 'tmp').mkdir(parents=True)
    galaxy = _tool('ansible-galaxy')
    env = _env(work, 1)
    subprocess.run([galaxy, 'collection', 'build', str(COLLECTION),
                    '--output-path', str(work)], env=env, check=True,
                   capture_output=True, timeout=300)
    tarball = next(work.glob('glance_conf-audit-*.tar.gz'))
    subprocess.run([galaxy, 'collection', 'install', str(tarball), '-p',
                    str(work / 'coll')], env=env, check=True,
                   capture_output=True, timeout=300)
    lines = []
    for number in range(hosts):
        root = work / 'roots' / ('h%03d' % number)
        (root / 'etc' / 'nova' / 'certs').mkdir(parents=True)
        (root / 'etc' / 'nova' / 'nova.conf').write_text(CONF)
        (root / 'etc' / 'nova' / 'certs' / 'ca.pem').write_text('CA\n')
        lines.append('h%03d glance_conf_audit_root=%s' % (number, root))
    (work / 'inventory.ini').write_text(
        '[bench]\n%s\n[bench:vars]\nansible_connection=local\n'
        'ansible_python_interpreter=/usr/bin/python3\n' % '\n'.join(lines))
    (work / 'stat.yml').write_text(STAT_PLAY)
    (work / 'empty.yml').write_text(EMPTY_PLAY)


def _seconds(work: pathlib.Path, forks: int, *args: str) -> float:
    argv = [_tool('ansible-playbook'), '-i', str(work / 'inventory.ini'),
            *args]
    start = time.perf_counter()
    subprocess.run(argv, env=_env(work, forks), cwd=work, check=True,
                   capture_output=True, timeout=1800)
    return time.perf_counter() - start


def bench_ansible(directory: str, hosts: int = 50, forks: int = 5,
                  rounds: int = 3) -> dict[str, Any]:
    """Per-host seconds of the collect path and of a bare stat task, and
    their ratio (medians over ``rounds`` interleaved runs)."""
    work = pathlib.Path(directory)
    _setup(work, hosts)
    runs: dict[str, list[float]] = {'empty': [], 'stat': [], 'collect': []}
    for _ in range(rounds):
        runs['empty'].append(_seconds(work, forks, 'empty.yml'))
        runs['stat'].append(_seconds(work, forks, 'stat.yml'))
        runs['collect'].append(_seconds(
            work, forks, 'glance_conf.audit.fleet', '--tags', 'collect',
            '-e', 'glance_conf_audit_output_dir=%s' % (work / 'out')))
    empty = statistics.median(runs['empty'])
    stat = (statistics.median(runs['stat']) - empty) / hosts
    collect = (statistics.median(runs['collect']) - empty) / hosts
    bundles = len(list((work / 'out' / 'bundles').glob('*.json')))
    if bundles != hosts:
        raise RuntimeError('the collect path wrote %d bundles for %d hosts'
                           % (bundles, hosts))
    ratio = collect / stat
    return {'hosts': hosts, 'forks': forks, 'rounds': rounds,
            'empty_play_s': empty,
            'stat_per_host_ms': stat * 1000,
            'collect_per_host_ms': collect * 1000,
            'ratio': ratio, 'goal': '<= %s' % GOAL, 'met': ratio <= GOAL}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--hosts', type=int, default=50)
    parser.add_argument('--forks', type=int, default=5)
    parser.add_argument('--rounds', type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix='bench-ansible-') as tmp:
        result = bench_ansible(tmp, args.hosts, args.forks, args.rounds)
    print(json.dumps(result, indent=2))
    print('Ansible collect path per host: %.0f ms against %.0f ms for a '
          'bare stat task (%d hosts, %d forks): ratio %.2f (goal %s) %s'
          % (result['collect_per_host_ms'], result['stat_per_host_ms'],
             result['hosts'], result['forks'], result['ratio'],
             result['goal'], 'met' if result['met'] else 'NOT MET'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
