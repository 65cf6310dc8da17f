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

"""``glance-conf-audit probe``: what nova would see if it connected now.

Reads the configs as the audit does (fleet mode: ``FILE...``; service
mode: ``--config-file``/``--config-dir``), probes each distinct endpoint
once, read-only, and reports the GC7xx checks only: the static checks are
the plain audit's, which needs no network. Exit codes as the audit's.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any
from typing import TextIO

import yaml  # type: ignore[import-untyped]

from glance_conf.audit import baseline
from glance_conf.audit import bundle
from glance_conf.audit import engine
from glance_conf.audit import identity
from glance_conf.audit import manager
from glance_conf.audit import probe
from glance_conf.audit import runner
from glance_conf.audit import waivers
from glance_conf.audit.checks import probe as probe_checks
from glance_conf.audit.exception import LoadError
from glance_conf.audit.exception import PluginLoadError
from glance_conf.audit.finding import Severity
from glance_conf.audit.report.text import shown
from glance_conf.audit.result import Result
from glance_conf.cmd import _parser

EXIT_OK, EXIT_FINDINGS = 0, 1
EXIT_ERROR = _parser.EXIT_ERROR

PROG = '%s probe' % identity.TOOL_NAME
#: Said when --catalog would log in with the masked passwords of bundles.
CATALOG_NEEDS_CLOUD = ('--catalog with --bundles needs --os-cloud: a '
                       'bundle\'s passwords are masked')
#: Said when the run probed no endpoint at all: nothing was checked.
NOTHING_PROBED = ('no endpoint was probed: no config names api_servers or '
                  'endpoint_override, and no catalog lookup found one')
#: Where clouds.yaml is looked for, in order (openstacksdk's places).
CLOUDS_YAML = ('clouds.yaml', '~/.config/openstack/clouds.yaml',
               '/etc/openstack/clouds.yaml')


def _positive(kind: type[Any], upper: float) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError('expected a number') from None
        if not 0 < value <= upper:
            raise argparse.ArgumentTypeError(
                'expected a number above 0, at most %g' % upper)
        return value
    return parse


def build_parser(stdout: TextIO, stderr: TextIO,
                 formats: Sequence[str]) -> argparse.ArgumentParser:
    parser = _parser.Parser(
        stdout, stderr, prog=PROG,
        description='Probe the Image API endpoints the configs name, '
                    'read-only, as nova would connect to them now: one TLS '
                    'handshake with the config\'s own settings and one '
                    'GET / for version discovery, never a credential.',
        epilog='Exit codes: 0 nothing at or above --fail-on; 1 findings at '
               'or above it; 2 bad usage or an unreadable file.')
    parser.add_argument('files', nargs='*', metavar='FILE',
                        help='each FILE is one host\'s complete config')
    _parser.add_config_args(parser, 'one service: ')
    parser.add_argument('--bundles', metavar='DIR',
                        help='each *.json in DIR is one host\'s bundle '
                             '(from the glance_conf.audit Ansible '
                             'collection); probes the endpoints they name')
    _parser.add_baseline_arg(parser)
    _parser.add_waivers_arg(parser)
    _parser.add_report_args(parser, formats)
    parser.add_argument('--expiry-days', type=_positive(int, 3650),
                        default=probe.DEFAULT_EXPIRY_DAYS, metavar='DAYS',
                        help='report a certificate expiring within DAYS '
                             '(default: %d)' % probe.DEFAULT_EXPIRY_DAYS)
    parser.add_argument('--jobs', type=_positive(int, probe.MAX_JOBS),
                        default=probe.DEFAULT_JOBS, metavar='N',
                        help='endpoints probed at once (default: %d, at '
                             'most %d)' % (probe.DEFAULT_JOBS,
                                           probe.MAX_JOBS))
    parser.add_argument('--timeout', type=_positive(float, 600),
                        default=probe.DEFAULT_TIMEOUT, metavar='SECONDS',
                        help='time for all the connections of one endpoint '
                             '(default: %g)' % probe.DEFAULT_TIMEOUT)
    parser.add_argument('--deadline', type=_positive(float, 86400),
                        default=probe.DEFAULT_DEADLINE, metavar='SECONDS',
                        help='time for the whole probe; endpoints not '
                             'reached by then are reported as not probed '
                             '(default: %g)' % probe.DEFAULT_DEADLINE)
    catalog = parser.add_argument_group(
        'catalog', 'a host without api_servers or endpoint_override finds '
        'glance in the Keystone catalog; these look it up, authenticating '
        'to Keystone (never to the Image API)')
    catalog.add_argument('--catalog', action='store_true',
                         help='look the catalog up with the password '
                              'credentials of [glance] or '
                              '[keystone_authtoken]')
    catalog.add_argument('--os-cloud', metavar='CLOUD',
                         help='look it up with this clouds.yaml entry '
                              'instead (implies --catalog)')
    catalog.add_argument('--allow-http-auth', action='store_true',
                         help='let a plain-http auth_url carry the '
                              'password (refused by default: it would '
                              'cross the network in the clear)')
    return parser


def load_cloud(name: str) -> dict[str, Any]:
    """The clouds.yaml entry ``name``, from the first clouds.yaml found.

    :raises ValueError: with a one-line message naming the file.
    """
    for candidate in CLOUDS_YAML:
        path = os.path.expanduser(candidate)
        if not os.path.isfile(path):
            continue
        try:
            with open(path, encoding='utf-8') as stream:
                data = yaml.safe_load(stream)
        except (OSError, yaml.YAMLError):
            raise ValueError('%s: cannot be read as YAML' % shown(path)) \
                from None
        clouds = data.get('clouds') if isinstance(data, dict) else None
        entry = clouds.get(name) if isinstance(clouds, dict) else None
        if not isinstance(entry, dict):
            raise ValueError('%s: no cloud named %s' % (shown(path),
                                                        shown(name)))
        return entry
    raise ValueError('--os-cloud %s: no clouds.yaml found' % shown(name))


def audit(args: argparse.Namespace,
          checks: Sequence[manager.CheckClass],
          active: waivers.Waivers | None = None,
          observers: Sequence[engine.Observer] = ()) -> Result:
    """One pass over the configs, in the mode the arguments ask for.

    The probe's only use of the modes: a new source of host configs
    (bundles) is one more branch here.
    """
    if args.bundles:
        return runner.audit_bundles(args.bundle_files, checks,
                                    waivers=active, observers=observers)
    if args.files:
        return runner.audit_fleet(args.files, checks, waivers=active,
                                  observers=observers)
    return runner.audit_service(args.config or [], checks, offline=True,
                                waivers=active, observers=observers)


def probe_run(args: argparse.Namespace,
              checks: Sequence[manager.CheckClass],
              prober: probe.Prober,
              active: waivers.Waivers | None = None) -> Result:
    """Plan, probe each distinct endpoint once, then judge every host.
    The deadline runs from the start of planning: catalog lookups count.

    Planning is a pass with no check, :class:`~probe_checks.Planner`
    observing each config; judging is a pass with ``checks`` bound to
    ``prober`` (:func:`~probe_checks.judging`).
    """
    prober.start()
    audit(args, [], observers=[probe_checks.Planner(prober)]).close()
    prober.run()
    result = audit(args, probe_checks.judging(checks, prober), active)
    result.probes = [prober.observations[p] for p in prober.endpoints
                     if p in prober.observations]
    return result


class _Refused(Exception):
    """A one-line reason to stop before probing anything (exit 2)."""


def _check_inputs(args: argparse.Namespace) -> None:
    """One source of configs, and a catalog lookup that would not log in
    with a bundle's masked password; sets ``args.bundle_files``."""
    if sum(map(bool, (args.files, args.config, args.bundles))) > 1:
        raise _Refused('give one of FILE arguments, '
                       '--config-file/--config-dir or --bundles')
    if args.bundles and args.catalog and not args.os_cloud:
        raise _Refused(CATALOG_NEEDS_CLOUD)
    if args.bundles:
        try:
            args.bundle_files = bundle.files(args.bundles)
        except LoadError as exc:
            raise _Refused('--bundles %s: %s' % (shown(exc.path),
                                                 exc.reason)) from None


def _decisions(args: argparse.Namespace
               ) -> tuple[waivers.Waivers | None, baseline.Baseline | None]:
    """``--waivers`` and ``--baseline``, read by the audit's loaders and
    refused with their messages, naming the flag."""
    try:
        flag = '--waivers'
        active = waivers.load(args.waivers) if args.waivers else None
        flag = '--baseline'
        known = baseline.load(args.baseline) if args.baseline else None
    except LoadError as exc:  # the audit's loaders and messages
        raise _Refused('%s %s: %s' % (flag, shown(exc.path), exc.reason)
                       ) from None
    return active, known


def _outputs(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    """The reports to write, none of them over a file this run reads."""
    try:
        pairs = _parser.reports(args)
    except ValueError as exc:
        raise _Refused(str(exc)) from None
    clash = _parser.overwrites(pairs, _parser.inputs(
        args, *getattr(args, 'bundle_files', [])))
    if clash is not None:
        raise _Refused('--output %s is a file this run reads'
                       % shown(clash))
    return pairs


def _prober(args: argparse.Namespace) -> probe.Prober:
    """The run the arguments ask for; a bundle's client certificate is
    never loaded (its paths are the host's, not this machine's)."""
    cloud = None
    if args.os_cloud:
        try:
            cloud = load_cloud(args.os_cloud)
        except ValueError as exc:
            raise _Refused(str(exc)) from None
    return probe.Prober(timeout=args.timeout, deadline=args.deadline,
                        jobs=args.jobs, expiry_days=args.expiry_days,
                        use_catalog=bool(args.catalog or cloud),
                        cloud=cloud, allow_http_auth=args.allow_http_auth,
                        client_certificates=not args.bundles)


def _unprobed(result: Result, prober: probe.Prober,
              stderr: TextIO) -> bool:
    """Say what kept hosts from being probed: files that could not be
    read, failed catalog lookups, or no endpoint at all. ``True`` if the
    run must exit 2 for it: a lookup that failed leaves hosts unprobed,
    and a run that probed nothing checked nothing; neither is green."""
    for problem in result.problems:
        stderr.write('%s: error: %s: %s\n'
                     % (PROG, shown(problem.path), shown(problem.reason)))
    for failure in prober.catalog_failures:
        stderr.write('%s: error: catalog lookup failed: %s\n'
                     % (PROG, shown(failure)))
    nothing = not (result.problems or prober.catalog_failures
                   or prober.observations)
    if nothing:
        stderr.write('%s: error: %s\n' % (PROG, NOTHING_PROBED))
    return bool(prober.catalog_failures) or nothing


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """The subcommand's core, callable from tests with any streams."""
    try:
        formats = manager.load_formats()
        checks = [c for c in manager.load_checks()
                  if probe_checks.is_probe_check(c)]
    except PluginLoadError as exc:
        stderr.write('%s: error: %s\n' % (PROG, exc))
        return EXIT_ERROR
    try:
        args = build_parser(stdout, stderr, list(formats)).parse_args(
            list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        _check_inputs(args)
        active, known = _decisions(args)
        pairs = _outputs(args)
        prober = _prober(args)
    except _Refused as exc:
        stderr.write('%s: error: %s\n' % (PROG, exc))
        return EXIT_ERROR
    with runner.quiet_oslo_logging():
        result = probe_run(args, checks, prober, active)
    try:
        if known is not None:
            result.use_baseline(known)
        failed = _unprobed(result, prober, stderr)
        result.fail_on = None if args.fail_on == 'never' else \
            Severity.parse(args.fail_on)
        result.rendering = _parser.rendering(args)
        if not _parser.write_reports(dict(formats), result, pairs, stdout,
                                     stderr, PROG):
            return EXIT_ERROR
        return EXIT_ERROR if failed else _parser.exit_code(result)
    finally:
        result.close()
