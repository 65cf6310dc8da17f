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

"""``glance-conf-audit waivers check FILE``: lint a waiver file.

Exit codes: 0, every entry is well-formed, names an installed check and
expires within ``--max-days``; 1, an entry is not; 2, bad usage, or a
file that cannot be read or is not a list of waivers.
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Sequence
from typing import TextIO

from glance_conf.audit import identity
from glance_conf.audit import manager
from glance_conf.audit import source
from glance_conf.audit import waivers
from glance_conf.audit.exception import LoadError
from glance_conf.audit.exception import PluginLoadError
from glance_conf.audit.report.text import shown
from glance_conf.cmd import _parser

EXIT_OK, EXIT_PROBLEMS = 0, 1
EXIT_ERROR = _parser.EXIT_ERROR

PROG = '%s waivers' % identity.TOOL_NAME


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError('expected a number of days') \
            from None
    if days < 0:
        raise argparse.ArgumentTypeError('expected 0 or more days')
    return days


def build_parser(stdout: TextIO, stderr: TextIO) -> argparse.ArgumentParser:
    parser = _parser.Parser(stdout, stderr, prog=PROG,
                            description='Work with waiver files.')
    commands = parser.add_subparsers(dest='command', metavar='COMMAND',
                                     required=True,
                                     parser_class=_parser.Parser)
    check = commands.add_parser(
        'check', stdout=stdout, stderr=stderr,
        help='lint a waiver file: fields, check IDs and dates',
        epilog='Exit codes: 0 clean; 1 a problem in an entry; 2 bad usage '
               'or a file that is not a list of waivers.')
    check.add_argument('file', metavar='FILE')
    check.add_argument('--max-days', type=_days, metavar='N',
                       default=waivers.MAX_DAYS_AHEAD,
                       help='the furthest ahead an expiry date may be, in '
                            'days (default: %d)' % waivers.MAX_DAYS_AHEAD)
    return parser


def check(path: str, max_days: int, out: TextIO,
          today: datetime.date | None = None) -> int:
    """Lint ``path``; print one line per problem and a summary.

    :raises LoadError: if the file cannot be read or has not the shape
        of a waiver file.
    :raises PluginLoadError: if the installed checks cannot be loaded.
    """
    known = [c.id for c in manager.load_checks()]
    entries, problems = waivers.parse(path, source.read_text(path))
    problems += waivers.lint(entries, known, today or datetime.date.today(),
                             max_days)
    for problem in sorted(problems, key=lambda p: p.line):
        out.write('%s:%d: %s\n' % (shown(path), problem.line,
                                    problem.reason))
    out.write('%s: %d waiver(s) well-formed, %d problem(s)\n'
              % (shown(path), len(entries), len(problems)))
    return EXIT_PROBLEMS if problems else EXIT_OK


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO,
        today: datetime.date | None = None) -> int:
    """The subcommand's core, callable from tests with any streams."""
    try:
        args = build_parser(stdout, stderr).parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return check(args.file, args.max_days, stdout, today)
    except LoadError as exc:
        stderr.write('%s: error: %s: %s\n' % (PROG, shown(exc.path),
                                               exc.reason))
    except PluginLoadError as exc:
        stderr.write('%s: error: %s\n' % (PROG, exc))
    return EXIT_ERROR
