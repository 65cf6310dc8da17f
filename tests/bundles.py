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

"""Bundles as the Ansible module ``collect`` writes them (format v1),
built by the tests themselves from doc's contract
(``glance_conf.audit.bundle``): a host's files, their facts, its account.
"""

from __future__ import annotations

import json
import os
import posixpath
import stat
from typing import Any

#: The service account of kolla's images.
NOVA = 42436
REGULAR, DIRECTORY = stat.S_IFREG, stat.S_IFDIR
#: A good nova.conf: secrets in it, every TLS file named.
NOVA_CONF = ('[DEFAULT]\ntransport_url = rabbit://nova:********@mq:5672/\n'
             '[glance]\nendpoint_override = https://glance.example.com:9292\n'
             'cafile = /etc/nova/certs/ca.pem\n'
             'tls_min_version = 1.2\ntimeout = 60\n'
             'verify_glance_signatures = True\n')


def stat_of(mode: int, uid: int = 0, gid: int = NOVA,
            kind: int = REGULAR) -> dict[str, int]:
    return {'mode': kind | mode, 'uid': uid, 'gid': gid}


def config(path: str, text: str | None, mode: int = 0o640, uid: int = 0,
           gid: int = NOVA, error: str | None = None) -> dict[str, Any]:
    """One config file, ``0640 root:nova`` unless told."""
    return {'path': path, 'text': text, 'error': error,
            'stat': None if error else stat_of(mode, uid, gid)}


def directory(path: str, mode: int = 0o755, uid: int = 0,
              gid: int = 0) -> dict[str, Any]:
    return {'path': path, 'stat': stat_of(mode, uid, gid, DIRECTORY),
            'error': None}


def walked(path: str) -> list[dict[str, Any]]:
    """The directories to ``path``, from ``/`` down, each ``0755 root``."""
    chain, here = [], posixpath.dirname(path)
    while True:
        chain.append(here)
        if here == '/':
            break
        here = posixpath.dirname(here)
    return [{'path': p, 'stat': stat_of(0o755, 0, 0, DIRECTORY)}
            for p in reversed(chain)]


def present(path: str, mode: int = 0o644, uid: int = 0,
            gid: int = 0) -> dict[str, Any]:
    """A named path that is there, ``0644 root:root`` unless told."""
    return {'stat': stat_of(mode, uid, gid), 'error': None,
            'directories': walked(path)}


def missing(path: str) -> dict[str, Any]:
    return {'stat': None, 'error': 'does not exist',
            'directories': walked(path)}


def bundle(host: str | None = 'compute-01', group: str | None = None,
           files: list[dict[str, Any]] | None = None,
           paths: dict[str, Any] | None = None,
           dirs: list[dict[str, Any]] | None = None,
           uid: int | None = NOVA,
           service: str | None = None) -> dict[str, Any]:
    """A bundle; by default one good ``/etc/nova/nova.conf`` whose
    ``cafile`` is present. ``service``: the field says it (written only
    when given, as the collector wrote no such field before)."""
    files = files if files is not None else [
        config('/etc/nova/nova.conf', NOVA_CONF)]
    if paths is None:
        paths = {'/etc/nova/certs/ca.pem':
                 present('/etc/nova/certs/ca.pem')}
    if dirs is None:
        dirs = [directory(d) for d in sorted(
            {posixpath.dirname(f['path']) for f in files})]
    made = {
        'format': 'glance-conf-bundle', 'version': 1,
        'host': host, 'group': group,
        'collected_at': '2026-11-29T14:00:00Z', 'root': None,
        'account': {'user': 'nova', 'uid': uid, 'gid': uid,
                    'groups': [] if uid is None else [uid]},
        'config': files, 'config_dirs': dirs, 'paths': paths,
    }
    if service is not None:
        made['service'] = service
    return made


def audit(directory_: os.PathLike[str] | str, *bundles: dict[str, Any],
          ids: tuple[str, ...] = (), **kwargs: Any) -> Any:
    """Write ``bundles`` and audit them with the checks ``ids`` (all by
    default); the :class:`~glance_conf.audit.result.Result`."""
    from glance_conf.audit import bundle as bundle_mod
    from glance_conf.audit import manager
    from glance_conf.audit import runner
    for one in bundles:
        write(directory_, one)
    checks = [c for c in manager.load_checks() if not ids or c.id in ids]
    return runner.audit_bundles(bundle_mod.files(str(directory_)), checks,
                                **kwargs)


def write(directory_: os.PathLike[str] | str, data: Any,
          name: str | None = None) -> str:
    """Write ``data`` as ``<host>.json``, ``<host>@<service>.json`` for
    another service than nova, as the playbook names them (or ``name``)
    in the directory."""
    os.makedirs(directory_, exist_ok=True)
    service = data.get('service') or 'nova'
    path = os.path.join(directory_, name or '%s%s.json' % (
        data['host'], '' if service == 'nova' else '@' + service))
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(data, handle)
    return path


def integers(data: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The keys leading to each integer of a bundle (``version`` aside:
    it is checked against the versions known, not bounded)."""
    if isinstance(data, dict):
        return [found for key, value in data.items() if at or
                key != 'version' for found in integers(value, at + (key,))]
    if isinstance(data, list):
        return [found for i, value in enumerate(data)
                for found in integers(value, at + (i,))]
    return [at] if isinstance(data, int) and not isinstance(data, bool) \
        else []


def field(data: dict[str, Any], keys: tuple[Any, ...]) -> str:
    """How the reader names the field at ``keys``: ``config[0]
    (/etc/nova/nova.conf).stat.mode``, ``paths (entry 1).stat.uid``."""
    name, here = '', data
    for depth, key in enumerate(keys):
        if depth == 1 and keys[0] == 'config':
            name += '[%d] (%s)' % (key, here[key]['path'])
        elif depth == 1 and keys[0] == 'paths':
            name += ' (entry %d)' % (list(here).index(key) + 1)
        elif isinstance(key, int):
            name += '[%d]' % key
        else:
            name += ('.' if name else '') + key
        here = here[key]
    return name


def replace(data: Any, keys: tuple[Any, ...], value: Any) -> Any:
    """A deep copy of ``data`` with ``value`` at ``keys``."""
    copy = json.loads(json.dumps(data))
    here = copy
    for key in keys[:-1]:
        here = here[key]
    here[keys[-1]] = value
    return copy
