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

"""``glance-conf-audit``: report what is valid but unsafe in nova.conf.

Exit codes: 0, nothing at or above ``--fail-on``; 1, findings at or above
it; 2, bad usage or a file that cannot be read or parsed.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from typing import Any
from typing import TextIO

from glance_conf import definitions
from glance_conf.audit import base
from glance_conf.audit import compliance
from glance_conf.audit import engine
from glance_conf.audit import identity
from glance_conf.audit import manager
from glance_conf.audit import projectconfig
from glance_conf.audit import request as request_mod
from glance_conf.audit import runner
from glance_conf.audit import services
from glance_conf.audit.checks import fleet
from glance_conf.audit.exception import LoadError
from glance_conf.audit.exception import PluginLoadError
from glance_conf.audit.exception import RequestError
from glance_conf.audit.finding import Severity
from glance_conf.audit.report.text import shown
from glance_conf.audit.result import Result
from glance_conf.cmd import _parser
from glance_conf.cmd import convert as convert_cmd
from glance_conf.cmd import fix as fix_cmd
from glance_conf.cmd import probe as probe_cmd
from glance_conf.cmd import waivers as waivers_cmd

EXIT_OK, EXIT_FINDINGS = _parser.EXIT_OK, _parser.EXIT_FINDINGS
EXIT_ERROR = _parser.EXIT_ERROR

PROG = identity.TOOL_NAME

#: The subcommands, dispatched from :func:`run` and listed by ``--help``:
#: ``(name, run function, one line of help)``. A new one is one line.
SUBCOMMANDS = (
    ('probe', probe_cmd.run, 'connect to each Image API endpoint as nova '
     'would; judge what it sees'),
    ('fix', fix_cmd.run, 'make the mechanical fixes, show the diff, prove '
     'them by re-auditing'),
    ('waivers', waivers_cmd.run, 'lint a waiver file: waivers check FILE'),
    ('convert', convert_cmd.run, 'write a saved --format json report in '
     'another format'),
)


def _commands_help() -> str:
    width = max(len(name) for name, _, _ in SUBCOMMANDS)
    return 'subcommands (%s COMMAND --help):\n%s' % (PROG, '\n'.join(
        '  %-*s  %s' % (width, name, line) for name, _, line in SUBCOMMANDS))


def build_parser(stdout: TextIO = sys.stdout,
                 stderr: TextIO = sys.stderr,
                 formats: Sequence[str] | None = None
                 ) -> argparse.ArgumentParser:
    """The command's parser; ``--format`` offers the installed formats.

    Its flags come in groups, in the order ``--help`` lists them: what
    is audited, how it is judged and reported, the host checks, the
    gate's waivers and project config, and the fleet's grouping.

    :param formats: the format names; by default, those of the
        ``glance_conf.audit.formats`` entry points.
    :raises glance_conf.audit.exception.FormatLoadError: if they cannot
        all be loaded.
    """
    if formats is None:
        formats = list(manager.load_formats())
    parser = _parser.Parser(
        stdout, stderr,
        prog=PROG,
        usage='%(prog)s [COMMAND] [options] [FILE ...]',
        formatter_class=_parser.Formatter,
        description='Audit the [glance] settings of nova-style services '
                    'for what is\nvalid but unsafe.\n\n' + _commands_help(),
        epilog='Exit codes: 0 nothing at or above --fail-on; 1 findings at '
               'or above it;\n2 bad usage or an unreadable file.')
    parser.add_argument('--version', action='version',
                        version='%s %s' % (PROG, identity.tool_version()))
    _add_inputs(parser)
    _parser.add_report_args(parser, formats)
    _add_judging(parser)
    _add_host_checks(parser)
    _add_gate(parser)
    _add_grouping(parser)
    return parser


def _add_inputs(parser: argparse.ArgumentParser) -> None:
    """What is audited: FILE arguments, ``--bundles``, or a service's
    ``--config-file``/``--config-dir``."""
    parser.add_argument('files', nargs='*', metavar='FILE',
                        help='fleet mode: each FILE is one host\'s complete '
                             'config; each is audited, then all compared')
    parser.add_argument('--bundles', metavar='DIR',
                        help='fleet mode from the hosts themselves: each '
                             '*.json in DIR is one host\'s bundle (from '
                             'the glance_conf.audit Ansible collection); '
                             'the host checks run from its recorded facts')
    _parser.add_config_args(parser, 'service mode: ')


def _add_judging(parser: argparse.ArgumentParser) -> None:
    """How the files are judged, and what is reported instead of the
    findings."""
    parser.add_argument('--defaults', choices=definitions.SEMANTICS,
                        default=definitions.NOVA,
                        help='judge unset options by nova 34\'s defaults '
                             '(nova, the default: what a stock nova does) '
                             'or by the hardened drop-in\'s (glance-conf)')
    parser.add_argument('--service', choices=services.SERVICES,
                        help='the service the files configure, whose '
                             'options are judged with its own defaults '
                             '(default: recognised from each file\'s name, '
                             'then its sections; nova when unsure)')
    parser.add_argument('--skip', action='append', default=[],
                        metavar='IDS', help='comma-separated check IDs to '
                        'skip, such as GC301,GC504 (repeatable)')
    _parser.add_baseline_arg(parser)
    parser.add_argument('--previous', metavar='REPORT.json',
                        help='html format: an earlier --format json '
                        'report, for a "since last run" section (new, '
                        'fixed and still-open findings, by fingerprint)')
    parser.add_argument('--list-checks', action='store_true',
                        help='list every check, with its references, and '
                             'exit')
    parser.add_argument('--compliance', choices=compliance.STANDARDS,
                        help='instead of the findings, report each item of '
                             'the OpenStack Security Guide\'s Compute '
                             'checklist that the checks cover: pass, fail '
                             'or not-checked, with the evidence')
    parser.add_argument('--no-progress', action='store_true',
                        help='never show the fleet progress bar')


def _add_host_checks(parser: argparse.ArgumentParser) -> None:
    """The host checks: this machine, a root, or none; whose account."""
    host = parser.add_argument_group(
        'host checks', 'checks that look at the host\'s files (modes, '
        'owners, the files a config names) run in service mode; in fleet '
        'mode and with --offline they are listed as not checked')
    host.add_argument('--offline', action='store_true',
                      help='judge the text only, never this machine\'s '
                           'files')
    host.add_argument('--root', metavar='DIR',
                      help='find the paths named in the configs (cafile, '
                           'rbd_ceph_conf...) under DIR, a container\'s '
                           'root or a collected host tree; symbolic links '
                           'never leave DIR. Runs the host checks in fleet '
                           'mode too')
    host.add_argument('--service-user', metavar='USER',
                      help='the account the service runs as, a name known '
                           'here or a number (default: nova, or the '
                           '--service named: cinder, glance)')
    host.add_argument('--service-group', metavar='GROUP',
                      help='the service\'s group, a name known here or a '
                           'number (default: nova, or the --service named: '
                           'cinder, glance)')


def _add_gate(parser: argparse.ArgumentParser) -> None:
    """What the gate counts: waivers, and the project config's
    defaults for the flags."""
    gate = parser.add_argument_group(
        'waivers and project config', 'a waived finding does not count '
        'toward --fail-on, and is still reported; `%s waivers check FILE` '
        'lints a waiver file' % PROG)
    _parser.add_waivers_arg(gate)
    gate.add_argument('--show-suppressed', action='store_true',
                      help='text format: list the waived findings too '
                           '(their count is always shown)')
    gate.add_argument('--project-config', metavar='FILE',
                      help='defaults for the flags (default: %s, or the '
                           '[tool.%s] table of %s, in the current '
                           'directory if it is in a git repository); '
                           'flags given here win; refused if another '
                           'account could change it'
                           % (projectconfig.YAML_NAME, projectconfig.TABLE,
                              projectconfig.PYPROJECT_NAME))


def _add_grouping(parser: argparse.ArgumentParser) -> None:
    """Fleet mode: which hosts are compared with which."""
    grouping = parser.add_mutually_exclusive_group()
    grouping.add_argument('--group-by', type=_group_by, metavar='REGEX',
                          dest='grouping', help='fleet mode: compare hosts '
                          'only within groups, named by the one capture '
                          'group of REGEX searched in each file path')
    grouping.add_argument('--groups', type=_groups, metavar='FILE',
                          dest='grouping', help='fleet mode: compare hosts '
                          'only within the groups of a YAML groups file '
                          '(group: [host, ...], or an Ansible inventory)')


def _group_by(pattern: str) -> fleet.Grouping:
    try:
        return fleet.group_by_regex(pattern)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _groups(path: str) -> fleet.Grouping:
    try:
        return fleet.groups_from_file(path)
    except LoadError as exc:
        raise argparse.ArgumentTypeError('%s: %s' % (shown(exc.path),
                                                     exc.reason)) from None


def _progress_bar(stream: TextIO) -> runner.Progress:
    state = {'shown': -1}

    def show(done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent == state['shown'] and done != total:
            return
        state['shown'] = percent
        filled = percent * 30 // 100
        stream.write('\r[%s%s] %3d%% %d/%d files' % (
            '#' * filled, '.' * (30 - filled), percent, done, total))
        if done == total:
            stream.write('\r' + ' ' * 60 + '\r')
        stream.flush()
    return show


def list_checks(checks: Sequence[manager.CheckClass], out: TextIO) -> None:
    for check in checks:
        kind = ' (fleet)' if issubclass(check, base.FleetCheck) else \
            ' (probe)' if check.live else \
            ' (host)' if check.needs_host else ''
        if check.services != (services.NOVA,):
            kind += ' [%s]' % ', '.join(check.services)
        out.write('%s  %-6s  CWE-%-4d  %s%s\n' % (
            check.id, check.severity.label, check.cwe, check.title, kind))
        if check.references:
            out.write('       %s\n' % ' '.join(check.references))


def _with_project_config(parser: argparse.ArgumentParser,
                         args: argparse.Namespace, argv: Sequence[str],
                         formats: Sequence[str], stderr: TextIO
                         ) -> tuple[argparse.Namespace,
                                    projectconfig.Used | None]:
    """``args`` with the project config's settings for the flags not
    given on the command line, and what the config changed.

    :raises LoadError: for a project config that cannot be used.
    """
    path = args.project_config or projectconfig.find()
    if path is None:
        ignored = projectconfig.stray()
        if ignored is not None:
            stderr.write('%s: warning: %s not used: the current directory '
                         'is in no git repository; name it with '
                         '--project-config\n' % (PROG, shown(ignored)))
        return args, None
    settings = projectconfig.load(path, {
        'fail_on': [s.label for s in Severity] + ['never'],
        'defaults': definitions.SEMANTICS, 'format': formats})
    if 'docs_url' in settings:
        try:
            settings['docs_url'] = _parser.docs_url(settings['docs_url'])
        except argparse.ArgumentTypeError as exc:
            raise LoadError(path, 'docs_url: %s' % exc) from None
    skip = settings.pop('skip', None)
    bundles = settings.pop('bundles', None)
    # ``baseline`` is kept as ``args.baseline`` for --baseline to default
    # to; the flags' own defaults give way to the file's.
    parser.set_defaults(**settings)
    given = args
    args = parser.parse_args(list(argv))
    changed = {key: getattr(args, key) for key in settings
               if getattr(args, key) != getattr(given, key)}
    if skip is not None and not args.skip:
        args.skip = skip
        changed['skip'] = skip
    if bundles is not None and args.bundles is None and not args.files \
            and not args.config:
        # Inputs named on the command line win over the project's.
        args.bundles = bundles
        changed['bundles'] = bundles
    return args, projectconfig.Used(path, changed)


#: Flags that are the command line's own, not a field of the request:
#: what they say goes into one (``--format``/``--output``: its reports;
#: ``--docs-url`` and the SARIF flags: its rendering), or decides what
#: the command does (``--compliance``: its writers, and its evidence as
#: an observer). Every other flag is the request's field of the same
#: name (:func:`request_of`).
OWN_FLAGS = ('help', 'version', 'list_checks', 'no_progress', 'compliance',
             'format', 'output', 'docs_url', 'sarif_min_severity',
             'sarif_max_results', 'sarif_include_waived')


def request_of(args: argparse.Namespace,
               used: projectconfig.Used | None = None,
               observers: Sequence[engine.Observer] = ()
               ) -> request_mod.Request:
    """The run ``args`` ask for: each field of the request from the flag
    of its name, in the request's types.

    :param used: the project config the settings came from.
    :raises ValueError: for ``--format``/``--output`` that do not pair up.
    """
    given = {field.name: getattr(args, field.name)
             for field in dataclasses.fields(request_mod.Request)
             if hasattr(args, field.name)}
    given.update(
        files=tuple(args.files), config=tuple(args.config or ()),
        skip=tuple(i for chunk in args.skip for i in chunk.split(',')),
        fail_on=None if args.fail_on == 'never' else
        Severity.parse(args.fail_on),
        project_config=used, reports=tuple(_parser.reports(args)),
        rendering=_parser.rendering(args), observers=tuple(observers))
    return request_mod.Request(**given)


def _arguments(argv: Sequence[str], formats: Sequence[str], stdout: TextIO,
               stderr: TextIO
               ) -> tuple[argparse.Namespace, projectconfig.Used | None]:
    """The command line, with the project config's settings.

    :raises SystemExit: for ``--help``, ``--version`` and bad usage.
    :raises LoadError: for a project config that cannot be used.
    """
    parser = build_parser(stdout, stderr, formats)
    args = parser.parse_args(list(argv))
    return _with_project_config(parser, args, argv, formats, stderr)


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """The CLI's core, callable from tests with any streams: the flags
    become one :class:`~glance_conf.audit.request.Request`, which the
    library runs; the command writes its reports."""
    for name, command, _ in SUBCOMMANDS:
        if argv and argv[0] == name:
            return command(argv[1:], stdout, stderr)
    try:
        formats = manager.load_formats()
    except PluginLoadError as exc:
        stderr.write('%s: error: %s\n' % (PROG, exc))
        return EXIT_ERROR
    try:
        args, used = _arguments(argv, list(formats), stdout, stderr)
    except SystemExit as exc:  # --help, or a usage error
        return int(exc.code or 0)
    except LoadError as exc:
        stderr.write('%s: error: project config %s: %s\n'
                     % (PROG, shown(exc.path), exc.reason))
        return EXIT_ERROR
    if args.list_checks:
        try:
            list_checks(manager.load_checks(), stdout)
        except PluginLoadError as exc:
            stderr.write('%s: error: %s\n' % (PROG, exc))
            return EXIT_ERROR
        return EXIT_OK
    # The report's evidence watches the audit; it is not one of its checks.
    collector = compliance.Collector() if args.compliance else None
    try:
        request = request_of(args, used, [collector] if collector else [])
        _fit_for_compliance(args, request)
    except ValueError as exc:
        stderr.write('%s: error: %s\n' % (PROG, exc))
        return EXIT_ERROR
    try:
        result = request_mod.execute(
            request, progress=_progress(args, stderr),
            warn=lambda line: stderr.write('%s: warning: %s\n'
                                           % (PROG, line)))
    except RequestError as exc:
        stderr.write('%s: error: %s\n' % (PROG, exc))
        return EXIT_ERROR
    try:
        return _report(result, request, formats, stdout, stderr, collector)
    finally:
        result.close()


def _progress(args: argparse.Namespace,
              stderr: TextIO) -> runner.Progress | None:
    """The fleet progress bar, on a terminal unless ``--no-progress``."""
    if args.no_progress or not stderr.isatty():
        return None
    return _progress_bar(stderr)


def _fit_for_compliance(args: argparse.Namespace,
                        request: request_mod.Request) -> None:
    """:raises ValueError: for a report ``--compliance`` cannot write."""
    unfit = [fmt for fmt, _ in request.reports
             if fmt not in compliance.FORMATS]
    if args.compliance and unfit:
        raise ValueError('--compliance writes %s, not --format %s'
                         % (' or '.join(compliance.FORMATS), unfit[0]))


def _report(result: Result, request: request_mod.Request,
            formats: dict[str, Any], stdout: TextIO, stderr: TextIO,
            collector: compliance.Collector | None) -> int:
    """Tell what could not be audited, write the request's reports from
    ``result``, and give the exit code."""
    for problem in result.problems:
        stderr.write('%s: error: %s: %s\n'
                     % (PROG, shown(problem.path), shown(problem.reason)))
    if result.problems_dropped:
        stderr.write('%s: error: %d more files could not be audited\n'
                     % (PROG, result.problems_dropped))
    if result.waivers is not None and ('text', None) not in request.reports:
        # The text report on the terminal says it itself; CI logs show
        # this.
        for line in result.waivers.notices():
            stderr.write('%s: warning: %s\n' % (PROG, line))
    writers = dict(formats)
    if collector is not None:
        # Every installed check, for the items a skipped one would cite.
        catalogue = [c for c in manager.load_checks() if not c.live]
        writers = {fmt: compliance.writer(collector, catalogue, fmt)
                   for fmt in compliance.FORMATS}
    if not _parser.write_reports(writers, result, list(request.reports),
                                 stdout, stderr, PROG):
        return EXIT_ERROR
    return _parser.exit_code(result)


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point."""
    try:
        return run(sys.argv[1:] if argv is None else argv, sys.stdout,
                   sys.stderr)
    except KeyboardInterrupt:
        sys.stderr.write('%s: interrupted\n' % PROG)
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as a filter
        # should, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as exc:  # the last line of defence
        # Never a traceback, and never the message: it may quote input.
        sys.stderr.write('%s: internal error (%s); please report it\n'
                         % (PROG, type(exc).__name__))
        return EXIT_ERROR


if __name__ == '__main__':
    sys.exit(main())
