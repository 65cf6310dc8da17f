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

"""``glance-conf-audit fix``: make the mechanical fixes, and prove them.

The unified diff goes to standard output, everything else to standard
error, so ``fix > change.diff`` keeps only the diff. Nothing is written
without ``--write``.

Exit codes, as a linter's: 0, nothing to fix and no finding a fix
targets (after ``--write``: all fixed, the written files audited again);
1, fixes pending (without ``--write``) or a targeted finding still there;
2, bad usage, or a file that cannot be read, parsed or written.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from collections.abc import Sequence
from typing import TextIO

from glance_conf import _files
from glance_conf import definitions
from glance_conf.audit import fix
from glance_conf.audit import identity
from glance_conf.audit import manager
from glance_conf.audit import runner
from glance_conf.audit.exception import LoadError
from glance_conf.audit.exception import PluginLoadError
from glance_conf.audit.finding import Finding
from glance_conf.audit.report.text import shown
from glance_conf.cmd import _parser

# ``audit`` imports this module to dispatch to it: a cycle, by design.
# Its parser classes are used only at run time, once both are loaded.

EXIT_OK, EXIT_PENDING = 0, 1
EXIT_ERROR = _parser.EXIT_ERROR

PROG = '%s fix' % identity.TOOL_NAME


def build_parser(stdout: TextIO, stderr: TextIO) -> _parser.Parser:
    parser = _parser.Parser(
        stdout, stderr, prog=PROG,
        description='Fix the findings a machine can fix: insecure off, '
                    'deprecated and near-miss names, signature '
                    'verification on, a TLS floor and a timeout. Prints a '
                    'diff; writes nothing without --write.',
        epilog='Exit codes: 0 nothing to fix (or all fixed); 1 fixes '
               'pending, or a targeted finding remains; 2 bad usage or an '
               'unreadable file.')
    _parser.add_config_args(parser)
    parser.add_argument('--write', action='store_true',
                        help='write the fixes, keeping a backup of each '
                             'file changed (FILE.orig)')
    parser.add_argument('--defaults', choices=definitions.SEMANTICS,
                        default=definitions.NOVA,
                        help='judge unset options by nova 34\'s defaults '
                             '(the default) or by the drop-in\'s')
    parser.add_argument('--skip', action='append', default=[],
                        metavar='IDS', help='comma-separated check IDs '
                        'whose fixes are not made, such as GC201 '
                        '(repeatable)')
    parser.add_argument('--offline', action='store_true',
                        help='judge the text only: no file modes or '
                             'owners, no files the configs name')
    parser.add_argument('--service-user', metavar='USER',
                        help='the service\'s account (default: nova)')
    parser.add_argument('--service-group', metavar='GROUP',
                        help='the service\'s group, also the group in the '
                             'chown commands printed (default: nova)')
    return parser


def _report(outcome: fix.Outcome, group: str, err: TextIO) -> None:
    for change in outcome.changes:
        err.write('fixed %s %s: %s\n' % (change.check_id, shown(change.path),
                                         change.summary))
    for note in outcome.notes:
        err.write('note: %s\n' % note)
    for found in outcome.left:
        err.write('left for a person: %s\n' % _finding(found))
        if found.check_id in fix.PERMISSION_IDS and found.file:
            for command in fix.commands(found, group):
                err.write('    %s\n' % command)


def _finding(found: Finding) -> str:
    where = shown(found.file or '')
    if found.line:
        where += ':%d' % found.line
    return '%s: %s %s Fix: %s' % (where, found.check_id, found.message,
                                  found.remediation)


class _Refused(Exception):
    """A one-line reason to stop before fixing anything (exit 2)."""


def _skipped(requested: Sequence[str],
             checks: Sequence[manager.CheckClass]) -> list[str]:
    """The IDs of ``--skip`` (comma-separated, repeatable), each the ID
    of a check with a fix: a typo must not leave a fix silently made."""
    skip = [i.strip().upper() for chunk in requested
            for i in chunk.split(',') if i.strip()]
    fixable = fix.fixable_ids(checks)
    unknown = sorted(set(skip) - set(fixable))
    if unknown:
        raise _Refused('--skip: no fix for %s (fixes: %s)'
                       % (', '.join(shown(i) for i in unknown),
                          ', '.join(fixable)))
    return skip


def _host(args: argparse.Namespace) -> _files.Host | None:
    """This machine as the service's account sees it; ``None`` with
    ``--offline``, where only the text is judged."""
    if args.offline:
        return None
    try:
        return _files.Host(None, _files.Account.named(
            args.service_user, args.service_group))
    except ValueError as exc:
        raise _Refused(str(exc)) from None


def _write_and_audit_again(outcome: fix.Outcome,
                           again: Callable[[], fix.Outcome],
                           stderr: TextIO) -> bool:
    """Write ``outcome``'s files, then prove them: what the written files
    still hold replaces what was left in memory. ``False`` (said on
    ``stderr``) if they still have fixes to make."""
    for path, backup in fix.write_all(outcome):
        stderr.write('wrote %s (backup: %s)\n'
                     % (shown(path), shown(backup)))
    # The proof is on disk: audit the written files again.
    proof = again()
    if proof.changes:
        stderr.write('%s: error: the written files still have '
                     'fixes to make; please report it\n' % PROG)
        return False
    outcome.remaining, outcome.left = proof.remaining, proof.left
    return True


def _exit_code(outcome: fix.Outcome, args: argparse.Namespace,
               stderr: TextIO) -> int:
    """Say what was fixed and what is left, and exit as a linter does."""
    _report(outcome, args.service_group or 'nova', stderr)
    for found in outcome.remaining:
        stderr.write('still there: %s\n' % _finding(found))
    if outcome.remaining:
        return EXIT_PENDING
    if outcome.changed and not args.write:
        stderr.write('%d file(s) would change; run again with --write\n'
                     % len(outcome.changed))
        return EXIT_PENDING
    if not outcome.changed:
        stderr.write('nothing to fix\n')
    return EXIT_OK


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """``glance-conf-audit fix ...``, callable from tests."""
    try:
        args = build_parser(stdout, stderr).parse_args(list(argv))
    except SystemExit as exc:  # --help, or a usage error
        return int(exc.code or 0)
    if not args.config:
        stderr.write('%s: error: give --config-file or --config-dir\n'
                     % PROG)
        return EXIT_ERROR
    try:
        checks = manager.load_checks()
        skip = _skipped(args.skip, checks)
        host = _host(args)
    except (PluginLoadError, _Refused) as exc:
        stderr.write('%s: error: %s\n' % (PROG, exc))
        return EXIT_ERROR

    def again() -> fix.Outcome:
        return fix.fix(args.config, defaults=args.defaults, host=host,
                       checks=checks, skip=skip)
    try:
        with runner.quiet_oslo_logging():
            outcome = again()
            for path in outcome.changed:
                for line in fix.diff(path, outcome.original[path],
                                     outcome.patched[path]):
                    stdout.write(line + '\n')
            if args.write and outcome.changed \
                    and not _write_and_audit_again(outcome, again, stderr):
                return EXIT_PENDING
    except (PluginLoadError, fix.FixError) as exc:
        stderr.write('%s: error: %s\n' % (PROG, exc))
        return EXIT_ERROR
    except LoadError as exc:
        stderr.write('%s: error: %s: %s\n' % (PROG, shown(exc.path),
                                              shown(exc.reason)))
        return EXIT_ERROR
    return _exit_code(outcome, args, stderr)
