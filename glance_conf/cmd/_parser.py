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
the ordered config flags, and writing the report.

Which files a run reads, that no report may overwrite (:func:`inputs`,
:func:`overwrites`), is the auditor library's
(:mod:`glance_conf.audit.request`), named here for the commands."""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from collections.abc import Callable
from typing import Any
from typing import TextIO

from glance_conf.audit.finding import Severity
from glance_conf.audit.report import sarif as sarif_writer
from glance_conf.audit.report.text import shown
from glance_conf.audit.request import inputs as inputs
from glance_conf.audit.request import overwrites as overwrites
from glance_conf.audit.request import same_file
from glance_conf.audit.result import Rendering
from glance_conf.audit.result import Result

#: Bad usage, or a file that cannot be read: the same for every command.
EXIT_ERROR = 2
EXIT_OK, EXIT_FINDINGS = 0, 1


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


def add_baseline_arg(parser: Any) -> None:
    """``--baseline``, as every command that gates on findings takes it."""
    parser.add_argument('--baseline', metavar='REPORT.json',
                        help='an earlier --format json report: the findings '
                        'it holds (by fingerprint) are listed as known and '
                        'do not count toward --fail-on')


def add_waivers_arg(parser: Any) -> None:
    """``--waivers``, as every command that gates on findings takes it."""
    parser.add_argument('--waivers', metavar='FILE',
                        help='a YAML waiver file: findings accepted by an '
                             'owner, for a reason, until a date, do not '
                             'count toward --fail-on')


def add_report_args(parser: argparse.ArgumentParser,
                    formats: Any) -> None:
    """``--format`` (one of ``formats``), ``--output`` and ``--fail-on``:
    what every command that writes a report takes."""
    parser.add_argument('--format', choices=sorted(formats),
                        default='text', action=_Paired,
                        help='report format (default: text); repeat '
                             '--format and --output in pairs for several '
                             'reports of one run')
    parser.add_argument('--output', metavar='FILE', action=_Paired,
                        help='write the report to FILE instead of stdout')
    parser.add_argument('--fail-on', default='medium',
                        choices=[s.label for s in Severity] + ['never'],
                        help='lowest severity that makes the exit code 1 '
                             '(default: medium)')
    parser.add_argument('--docs-url', metavar='URL', type=_docs_url,
                        help='where the check catalogue is published '
                             '(an http(s) URL of audit/checks.html): SARIF '
                             'rules and the HTML report link each check '
                             'there (default: no link in SARIF; the HTML '
                             'report describes each check itself)')
    sarif = parser.add_argument_group('SARIF (--format sarif)')
    sarif.add_argument('--sarif-min-severity', default='info',
                       choices=[s.label for s in Severity],
                       help='lowest severity written (default: info, all)')
    sarif.add_argument('--sarif-max-results', type=_count, metavar='N',
                       help='most results written, the most severe first '
                            '(default: %d, GitHub\'s limit per run)'
                            % sarif_writer.MAX_RESULTS)
    sarif.add_argument('--sarif-include-waived', action='store_true',
                       help='write waived findings as suppressed results '
                            '(GitHub ignores suppressions and would show '
                            'them as open alerts; default: left out)')


def docs_url(text: str) -> str:
    """``text`` as ``--docs-url`` takes it: an http(s) URL without
    user-info or query, its fragment dropped.

    :raises argparse.ArgumentTypeError: for anything else.
    """
    return _docs_url(text)


def _docs_url(text: str) -> str:
    refused = argparse.ArgumentTypeError(
        'not an http(s) URL without user-info or query')
    if not text.isprintable() or any(c.isspace() for c in text):
        raise refused
    try:
        split = urllib.parse.urlsplit(text)
        split.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise refused from None
    if split.scheme not in ('http', 'https') or not split.hostname \
            or '@' in split.netloc or split.query:
        raise refused
    return urllib.parse.urlunsplit(split._replace(fragment=''))


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 1:
        raise argparse.ArgumentTypeError('not a positive whole number')
    return value


def rendering(args: argparse.Namespace) -> Rendering:
    """How the report flags ask the writers to render the result."""
    return Rendering(docs_url=args.docs_url,
                     sarif_min_severity=Severity.parse(
                         args.sarif_min_severity),
                     sarif_max_results=args.sarif_max_results,
                     sarif_include_waived=args.sarif_include_waived)


class _Paired(argparse.Action):
    """``--format`` and ``--output``, also kept in command-line order in
    ``args.reports_given`` so that repeated flags pair up."""

    def __call__(self, parser: argparse.ArgumentParser,
                 namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        setattr(namespace, self.dest, values)
        given = list(getattr(namespace, 'reports_given', None) or [])
        given.append((self.dest, values))
        namespace.reports_given = given


def reports(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    """The reports one run writes: ``(format, output)`` pairs, in order;
    ``None`` for standard output.

    Each ``--format`` starts a report and the ``--output`` after it (or
    the one just before the first) names its file. Several reports need
    a file each, except one that may go to standard output.

    :raises ValueError: for flags that do not pair up.
    """
    pairs: list[list[Any]] = []
    waiting: str | None = None
    for flag, value in getattr(args, 'reports_given', None) or []:
        if flag == 'format':
            pairs.append([value, waiting])
            waiting = None
        elif pairs and pairs[-1][1] is None:
            pairs[-1][1] = value
        elif not pairs and waiting is None:
            waiting = value
        else:
            raise ValueError('--output %s follows another --output; give '
                             '--format and --output in pairs'
                             % shown(value))
    if not pairs:
        return [(args.format, args.output or None)]
    # An empty --output is standard output, as a missing one is.
    outputs = [out or None for _, out in pairs]
    if outputs.count(None) > 1:
        raise ValueError('%d reports would go to standard output; give '
                         'each --format but one its --output'
                         % outputs.count(None))
    named = [same_file(out) for out in outputs if out is not None]
    if len(set(named)) != len(named):
        raise ValueError('two reports name the same --output')
    return [(fmt, out) for (fmt, _), out in zip(pairs, outputs,
                                                 strict=True)]


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


def write_reports(writers: dict[str, Callable[[Any, TextIO], None]],
                  result: Any, pairs: list[tuple[str, str | None]],
                  stdout: TextIO, stderr: TextIO, prog: str) -> bool:
    """Write each report of ``pairs`` from the one ``result``, so they
    cannot disagree; ``False`` at the first that cannot be written."""
    return all(write_report(writers[fmt], result, output, stdout, stderr,
                            prog) for fmt, output in pairs)


def exit_code(result: Result) -> int:
    """The exit code of a run that wrote its report: 2 if a file could
    not be audited, 1 if the gate fails (:attr:`Result.gate_fails
    <glance_conf.audit.result.Result.gate_fails>`), else 0."""
    if result.problem_count:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.gate_fails else EXIT_OK
