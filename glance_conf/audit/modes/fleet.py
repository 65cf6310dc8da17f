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

"""Fleet mode: each file one host's complete config, then compared.

The host checks run only with a host (``--root``); offline, the result
lists them in ``not_checked``, so a report never passes them in
silence.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence

from glance_conf import _files
from glance_conf import definitions
from glance_conf.audit import baseline as baseline_mod
from glance_conf.audit import configure
from glance_conf.audit import engine
from glance_conf.audit import manager
from glance_conf.audit import services
from glance_conf.audit import source
from glance_conf.audit import waivers as waivers_mod
from glance_conf.audit.exception import LoadError
from glance_conf.audit.modes import common
from glance_conf.audit.result import Result
from glance_conf.audit.target import AuditedConf


def audit_fleet(paths: Sequence[str], checks: Sequence[manager.CheckClass],
                progress: common.Progress | None = None,
                host: _files.Host | None = None,
                defaults: str = definitions.NOVA,
                group_of: Callable[[str], tuple[str, ...]] | None = None,
                waivers: waivers_mod.Waivers | None = None,
                service: str | None = None,
                observers: Sequence[engine.Observer] = ()) -> Result:
    """Audit each file as one host's complete config, then compare them.

    :param host: where the paths named in the files are found (a
        ``--root``); ``None``, the default, judges the text only: the
        files are copies, not the hosts.
    :param defaults: judge unset options by ``nova`` 34's defaults or by
        ``glance-conf``'s.
    :param group_of: the groups of a file's path, when hosts are to be
        compared only within their groups (a host in many is compared in
        each). Each group keeps its own fleet checks, so the caller
        bounds the number of groups.
    :param waivers: findings these cover are kept as suppressed.
    :param service: the service every file configures; ``None``: each
        file's is recognised (:func:`services.recognise`).
    :param observers: see each config audited (:class:`engine.Observer`).
    """
    result = Result('fleet', list(checks), defaults, waivers=waivers)
    hosts = common.Hosts(result, checks, service, observers)
    common.offline(result, host)
    for done, path in enumerate(paths, 1):
        _audit_file(hosts, path, host, group_of)
        if progress is not None:
            progress(done, len(paths))
    common.offline(result, host)
    hosts.compare(group_of is not None, result.files)
    return result


def _audit_file(hosts: common.Hosts, path: str, host: _files.Host | None,
                group_of: Callable[[str], tuple[str, ...]] | None) -> None:
    """Audit the file at ``path`` as one host; a file that cannot be
    read or parsed is its problem."""
    result = hosts.result
    try:
        raw = source.read_file(path)
        here = hosts.service or services.recognise([path], [raw])
        conf = hosts.confs(here)
        configure.parse(conf, ['--config-file', path])
    except LoadError as exc:
        result.problem(exc.path, exc.reason)
        return
    except configure.PARSE_ERRORS as exc:
        result.problem(path, configure.oslo_reason(exc))
        return
    host_groups = group_of(path) if group_of else ('',)
    target = AuditedConf(conf, [raw], here)
    name = baseline_mod.host_of(path)
    if common.audit_one(target, hosts.checks, result,
                        hosts.fleet_of(host_groups), host, name,
                        hosts.observers):
        hosts.keep(target, name, [path], host_groups, group_of is not None)
