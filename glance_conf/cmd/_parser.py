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

"""What every ``glance-conf-audit`` command shares: the argument parser,
the ordered config flags, and writing the report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any
from typing import TextIO

from glance_conf.audit.finding import Severity
from glance_conf.audit.report.text import shown

#: Bad usage, or a file that cannot be read: the same for every command.
EXIT_ERROR = 2


class Parser(argparse.ArgumentParser):
    """argparse, writing to the streams it is given, errors on one line."""

    def __init__(self, stdout: TextIO, stderr: TextIO, **kwargs: Any):
        super().__init__(**kwargs)
        self._streams = stdout, stderr

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            out, err = self._streams
            (out if file is None or file is sys.stdout else err).write(
                message)

    def parse_known_args(self, args: Any = None,
                         namespace: Any = None) -> Any:
        """argparse's, refusing after ``--`` a word that looks like an
        option: ``--waivers=ci/nova.conf``, a file pre-commit passes
        from a directory named ``--waivers=ci``, must never read as one,
        nor quietly as a file the user meant as a flag."""
        words = list(sys.argv[1:] if args is None else args)
        if '--' in words:
            for word in words[words.index('--') + 1:]:
                if word.startswith('-') and word != '-':
                    name, equals, _ = word.partition('=')
                    # What follows ``=`` could be a pasted value.
                    self.error('%s%s after --: looks like an option, not '
                               'a file; options go before --, and a file '
                               'whose name starts with "-" is given as '
                               './NAME' % (shown(name[:100]),
                                           '=...' if equals else ''))
        return super().parse_known_args(words, namespace)

    def error(self, message: str) -> Any:
        # One line, no usage dump: CI logs stay readable.
        self.exit(EXIT_ERROR, '%s: error: %s (see --help)\n'
                  % (self.prog, message))


class Formatter(argparse.HelpFormatter):
    """argparse's layout, except that a text with line breaks (a list of
    subcommands) is kept as written; other texts are reflowed."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if '\n' in text:
            return ''.join(indent + line
                           for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


class Ordered(argparse.Action):
    """Collect --config-file and --config-dir in command-line order.

    oslo.config layers them in the order given, so the order is kept.
    """

    def __call__(self, parser: argparse.ArgumentParser,
                 namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        ordered = getattr(namespace, self.dest) or []
        ordered.append((option_string, values))
        setattr(namespace, self.dest, ordered)


def add_config_args(parser: argparse.ArgumentParser,
                    prefix: str = '') -> None:
    """``--config-file`` and ``--config-dir``, kept in order in
    ``args.config``; ``prefix`` starts their help (``'service mode: '``)."""
    parser.add_argument('--config-file', dest='config', action=Ordered,
                        metavar='PATH',
                        help='%sa config file, layered as oslo.config does '
                             '(repeatable)' % prefix)
    parser.add_argument('--config-dir', dest='config', action=Ordered,
                        metavar='DIR',
                        help='%sa directory of *.conf files (repeatable)'
                             % prefix)


def add_report_args(parser: argparse.ArgumentParser,
                    formats: Any) -> None:
    """``--format`` (one of ``formats``), ``--output`` and ``--fail-on``:
    what every command that writes a report takes."""
    parser.add_argument('--format', choices=sorted(formats),
                        default='text', help='report format (default: text)')
    parser.add_argument('--output', metavar='FILE',
                        help='write the report to FILE instead of stdout')
    parser.add_argument('--fail-on', default='medium',
                        choices=[s.label for s in Severity] + ['never'],
                        help='lowest severity that makes the exit code 1 '
                             '(default: medium)')


def write_report(writer: Callable[[Any, TextIO], None], result: Any,
                 output: str | None, stdout: TextIO, stderr: TextIO,
                 prog: str) -> bool:
    """Write ``result`` with ``writer`` to the file ``output``, else to
    ``stdout``; ``False`` (and one line on ``stderr``) if the file cannot
    be written."""
    if not output:
        writer(result, stdout)
        return True
    try:
        with open(output, 'w', encoding='utf-8') as out:
            writer(result, out)
    except OSError as exc:
        stderr.write('%s: error: cannot write %s: %s\n'
                     % (prog, shown(output), exc.strerror))
        return False
    return True
