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

"""``glance-conf-audit convert``: re-render a saved JSON report.

The JSON report holds what every writer reads (see
:mod:`glance_conf.audit.report.json_report`); this rebuilds the
:class:`~glance_conf.audit.result.Result` from it, so that
:meth:`Result.decide` gives each finding the state the run gave it,
and writes any format from it, as the run would have. The waivers'
verdicts (expired, stale, outgrown, naming no host) and the waiver that
took each finding are used as recorded: recomputing them would need the
run's day, hosts and machine. The report is untrusted input: it is
read within the baseline's bounds, its shape is checked, and an error
names the file and the field, never a value.
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Sequence
from typing import Any
from typing import TextIO

from glance_conf.audit import baseline
from glance_conf.audit import identity
from glance_conf.audit import manager
from glance_conf.audit import projectconfig
from glance_conf.audit import services
from glance_conf.audit import waivers as waivers_mod
from glance_conf.audit.exception import LoadError
from glance_conf.audit.exception import PluginLoadError
from glance_conf.audit.exception import UnknownSeverity
from glance_conf.audit.finding import MAX_BLAMED
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.report.text import shown
from glance_conf.audit.result import LoadProblem
from glance_conf.audit.result import PostureRow
from glance_conf.audit.result import Rendering
from glance_conf.audit.result import Result
from glance_conf.audit.result import Spool
from glance_conf.cmd import _parser
from glance_conf.exception import GlanceConfError

PROG = '%s convert' % identity.TOOL_NAME
MODES = ('service', 'fleet')


class Recorded(waivers_mod.Waivers):
    """Waivers as a JSON report recorded them: their verdicts and the
    waiver that took each finding, as the run decided them."""

    def __init__(self, path: str, entries: list[waivers_mod.Waiver],
                 today: datetime.date, verdicts: dict[str, Any],
                 chosen: dict[str, waivers_mod.Waiver]) -> None:
        super().__init__(path, entries, today, hostname='')
        self.hosts_audited = verdicts['hosts_audited']
        self._verdicts = verdicts
        self._chosen = chosen

    def lookup(self, found: Finding, mode: str) -> waivers_mod.Waiver | None:
        return self._chosen.get(found.to_json())

    def expired(self) -> list[tuple[waivers_mod.Waiver, int]]:
        return list(self._verdicts['expired'])

    def stale(self) -> list[waivers_mod.Waiver]:
        return list(self._verdicts['stale'])

    def no_host(self) -> list[waivers_mod.Waiver]:
        return list(self._verdicts['no_host'])

    def outgrown_by(self) -> list[tuple[waivers_mod.Waiver, int]]:
        return list(self._verdicts['outgrown'])

    def partial_by(self) -> list[tuple[waivers_mod.Waiver, int]]:
        return list(self._verdicts['partial'])


class Malformed(GlanceConfError):
    """The report is not shaped as a JSON report of this version; the
    message names a field, never a value."""


def _get(doc: Any, key: str, kinds: Any, where: str = '') -> Any:
    if not isinstance(doc, dict) or key not in doc:
        raise Malformed('%s%s is missing' % (where, key))
    value = doc[key]
    if isinstance(value, bool) and bool not in (
            kinds if isinstance(kinds, tuple) else (kinds,)):
        raise Malformed('%s%s has the wrong type' % (where, key))
    if not isinstance(value, kinds):
        raise Malformed('%s%s has the wrong type' % (where, key))
    return value


def _text_or_none(doc: Any, key: str, where: str) -> str | None:
    value = doc.get(key) if isinstance(doc, dict) else None
    if value is not None and not isinstance(value, str):
        raise Malformed('%s%s has the wrong type' % (where, key))
    return value


def _severity(text: Any, where: str) -> Severity:
    try:
        return Severity.parse(text if isinstance(text, str) else '')
    except UnknownSeverity:
        raise Malformed('%s is not a severity' % where) from None


def _finding(item: Any, where: str) -> Finding:
    if not isinstance(item, dict):
        raise Malformed('%s is not an object' % where)
    where += '.'
    line = item.get('line')
    if line is not None and (isinstance(line, bool)
                             or not isinstance(line, int)):
        raise Malformed('%sline has the wrong type' % where)
    evidence = item.get('evidence') or {}
    if not isinstance(evidence, dict) or not all(
            isinstance(v, (str, int)) and not isinstance(v, bool)
            for v in evidence.values()):
        raise Malformed('%sevidence has the wrong type' % where)
    blamed = item.get('blamed', [])
    if not isinstance(blamed, list) or len(blamed) > MAX_BLAMED \
            or not all(isinstance(path, str) for path in blamed):
        raise Malformed('%sblamed is not a list of at most %d files'
                        % (where, MAX_BLAMED))
    return Finding(
        check_id=_get(item, 'id', str, where),
        severity=_severity(item.get('severity'), where + 'severity'),
        cwe=_get(item, 'cwe', int, where),
        option=_text_or_none(item, 'option', where),
        message=_get(item, 'message', str, where),
        remediation=_get(item, 'remediation', str, where),
        file=_text_or_none(item, 'file', where), line=line,
        key=_text_or_none(item, 'key', where),
        host=_text_or_none(item, 'host', where),
        evidence=tuple((str(k), v) for k, v in evidence.items()),
        blamed=tuple(blamed))


def _flag(item: dict[str, Any], key: str, where: str) -> bool | None:
    value = item.get(key)
    if value is not None and not isinstance(value, bool):
        raise Malformed('%s.%s has the wrong type' % (where, key))
    return value


def _waiver(item: Any, where: str) -> waivers_mod.Waiver:
    where += '.'
    expires = _get(item, 'expires', str, where)
    try:
        day = datetime.date.fromisoformat(expires)
    except ValueError:
        raise Malformed('%sexpires is not a date' % where) from None
    severity = item.get('severity')
    return waivers_mod.Waiver(
        check_id=_get(item, 'id', str, where),
        reason=_get(item, 'reason', str, where),
        owner=_get(item, 'owner', str, where), expires=day,
        line=_get(item, 'line', int, where),
        option=_text_or_none(item, 'option', where),
        hosts=tuple(_names(item, 'hosts', where)),
        files=tuple(_names(item, 'files', where)),
        severity=None if severity is None
        else _severity(severity, where + 'severity'))


def _names(item: Any, key: str, where: str) -> list[str]:
    names = _get(item, key, list, where)
    if len(names) > waivers_mod.MAX_PATTERNS \
            or not all(isinstance(n, str) for n in names):
        raise Malformed('%s%s is not a list of globs' % (where, key))
    return [str(name) for name in names]


def _entries(doc: Any, key: str, where: str) -> list[baseline.Entry]:
    items = _get(doc, key, list, where)
    found = []
    for index, item in enumerate(items):
        at = '%s%s[%d].' % (where, key, index)
        found.append(baseline.Entry(
            _get(item, 'fingerprint', str, at), _get(item, 'id', str, at),
            _text_or_none(item, 'option', at),
            _text_or_none(item, 'host', at)))
    return found


def _earlier(path: str, fixed: list[baseline.Entry],
             present: list[tuple[Finding, bool]]) -> baseline.Baseline:
    """An earlier report as the run held it, rebuilt: what it fixed, in
    its order, then each finding the run said it holds."""
    entries = {e.fingerprint: e for e in fixed}
    for found, held in present:
        if held:
            entries.setdefault(found.fingerprint, baseline.Entry(
                found.fingerprint, found.check_id, found.option,
                found.host))
    return baseline.Baseline(path, entries)


def rebuild(doc: dict[str, Any], checks: Sequence[Any]) -> Result:
    """The :class:`Result` a JSON report was written from.

    Each part is read in the order the report's fields were checked
    before, so a report malformed in two places names the same field.

    :param checks: the installed check classes; the report's are taken
        from them by ID.
    :raises Malformed: if the report lacks a field or has it in another
        shape.
    """
    if _get(doc, 'probed_endpoints', int):
        raise Malformed('probed_endpoints: a probe\'s report does not carry '
                        'what it observed; write each format from the probe')
    mode = _get(doc, 'mode', str)
    if mode not in MODES:
        raise Malformed('mode is not one of %s' % ', '.join(MODES))
    service = _get(doc, 'service', str)
    if service not in (*services.SERVICES, services.MIXED):
        raise Malformed('service is not one of %s'
                        % ', '.join((*services.SERVICES, services.MIXED)))
    result = Result(mode, _checks_run(doc, checks),
                    _get(doc, 'defaults', str), service)
    try:
        _read_coverage(result, doc)
        _read_settings(result, doc)
        _read_files(result, doc, mode)
        present = _read_findings(result, doc)
        _read_earlier_reports(result, doc, present)
    except BaseException:
        result.close()  # its spools, already holding part of the report
        raise
    return result


def _checks_run(doc: dict[str, Any], checks: Sequence[Any]) -> list[Any]:
    """The report's checks as this installation's classes: the writers
    read a check's title and documentation from its class, so a check
    the installation lacks cannot be rendered."""
    by_id = {check.id: check for check in checks}
    ran = []
    for index, item in enumerate(_get(doc, 'checks', list)):
        check_id = _get(item, 'id', str, 'checks[%d].' % index)
        if check_id not in by_id:
            raise Malformed('checks[%d]: a check this installation does not '
                            'have' % index)
        ran.append(by_id[check_id])
    return ran


def _read_coverage(result: Result, doc: dict[str, Any]) -> None:
    """What the run could not judge: files counted, host checks left
    out offline, and the files it could not load."""
    result.files = _get(doc, 'files_audited', int)
    result.not_checked = [str(i) for i in
                          _get(doc, 'not_checked_offline', list)]
    for index, item in enumerate(_get(doc, 'errors', list)):
        at = 'errors[%d].' % index
        result.problems.append(LoadProblem(_get(item, 'file', str, at),
                                           _get(item, 'message', str, at)))
    result.problems_dropped = _get(doc, 'errors_not_shown', int)


def _read_settings(result: Result, doc: dict[str, Any]) -> None:
    """The gate and the rendering flags the run was given: the command
    line's flags override them later (:func:`_override`), not here."""
    gate = _get(doc, 'gate', str)
    result.fail_on = None if gate == 'never' else _severity(gate, 'gate')
    shown_as = _get(doc, 'rendering', dict)
    result.rendering = Rendering(
        docs_url=_docs_url(shown_as),
        sarif_min_severity=_severity(shown_as.get('sarif_min_severity'),
                                     'rendering.sarif_min_severity'),
        sarif_max_results=shown_as.get('sarif_max_results')
        if isinstance(shown_as.get('sarif_max_results'), int) else None,
        sarif_include_waived=bool(_get(shown_as, 'sarif_include_waived',
                                       bool, 'rendering.')))
    result.show_suppressed = _get(shown_as, 'show_suppressed', bool,
                                  'rendering.')


def _docs_url(rendering: dict[str, Any]) -> str | None:
    """The report's ``--docs-url``, held to what the flag takes: it
    becomes links in the HTML report and SARIF's ``helpUri``."""
    url = _text_or_none(rendering, 'docs_url', 'rendering.')
    if url is None:
        return None
    try:
        return _parser.docs_url(url)
    except argparse.ArgumentTypeError as exc:
        raise Malformed('rendering.docs_url is %s' % exc) from None


def _read_files(result: Result, doc: dict[str, Any], mode: str) -> None:
    """The files and hosts audited, their services and posture, and the
    project config that set the gate: what the writers list besides the
    findings."""
    result.bundles = _get(doc, 'bundles', bool)
    result.groups = [str(g) for g in _get(doc, 'groups', list)]
    for index, item in enumerate(_get(doc, 'files', list)):
        at = 'files[%d].' % index
        path = _get(item, 'path', str, at)
        result.paths.append(path)
        service = _get(item, 'service', str, at)
        if service not in services.SERVICES:
            # It becomes a Prometheus label and a SARIF property: only the
            # services the audit knows.
            raise Malformed('%sservice is not one of %s'
                            % (at, ', '.join(services.SERVICES)))
        result.note_service(service, [path])
        if mode == 'fleet':
            result.hosts.append(_get(item, 'host', str, at))
    for index, row in enumerate(_get(doc, 'posture', list)):
        result.posture.append(_posture_row(row, index))
    result.posture_dropped = _get(doc, 'posture_not_shown', int)
    used = doc.get('project_config')
    if used is not None:
        result.project_config = projectconfig.Used(
            _get(used, 'path', str, 'project_config.'),
            dict(_get(used, 'changed', dict, 'project_config.')))


def _posture_row(row: Any, index: int) -> PostureRow:
    """``posture[index]``, a list of five as the JSON report writes a
    :class:`PostureRow`, checked field by field."""
    if not isinstance(row, list) or len(row) != 5 \
            or not all(isinstance(t, str) for t in row[:3]) \
            or not isinstance(row[3], list) \
            or not isinstance(row[4], list) \
            or not all(v is None or isinstance(v, str) for v in row[3]) \
            or not all(isinstance(n, int) for n in row[4]):
        raise Malformed('posture[%d] is not a posture row' % index)
    return PostureRow(row[0], row[1], row[2], tuple(row[3]), tuple(row[4]))


#: A finding of the report, with its recorded ``in_baseline`` and ``new``.
_Present = list[tuple[Finding, bool | None, bool | None]]


def _read_findings(result: Result, doc: dict[str, Any]) -> _Present:
    """The open findings, and the waived ones with the waiver that took
    each and the waivers' verdicts as the run recorded them (recomputing
    them would need the run's day, hosts and machine). Returns every
    finding with the flags the earlier reports are rebuilt from."""
    present: _Present = []
    for index, item in enumerate(doc['findings']):
        at = 'findings[%d]' % index
        found = _finding(item, at)
        result.findings.add(found)
        present.append((found, _flag(item, 'in_baseline', at),
                        _flag(item, 'new', at)))
    recorded = doc.get('waivers')
    if recorded is not None:
        chosen = {}
        for index, item in enumerate(_get(doc, 'suppressed', list)):
            at = 'suppressed[%d]' % index
            found = _finding(item, at)
            result.suppressed.add(found)
            present.append((found, _flag(item, 'in_baseline', at),
                            _flag(item, 'new', at)))
            if item.get('waiver') is not None:
                # Keyed as the spool gives it back to Result.decide.
                chosen[Spool.safe(found).to_json()] = _waiver(
                    item['waiver'], at + '.waiver')
        result.waivers = _waivers(recorded, chosen)
    return present


def _read_earlier_reports(result: Result, doc: dict[str, Any],
                          present: _Present) -> None:
    """``--baseline`` and ``--previous`` as the run held them, so that
    :meth:`Result.decide` gives each finding the state it gave then."""
    known = doc.get('baseline')
    if known is not None:
        result.use_baseline(_earlier(
            _get(known, 'file', str, 'baseline.'),
            _entries(known, 'fixed', 'baseline.'),
            [(f, bool(held)) for f, held, _ in present]))
    previous = doc.get('previous')
    if previous is not None:
        result.previous = _earlier(
            _get(previous, 'file', str, 'previous.'),
            _entries(previous, 'fixed', 'previous.'),
            [(f, new is False) for f, _, new in present])


def _waivers(recorded: Any, chosen: dict[str, waivers_mod.Waiver]
             ) -> Recorded:
    where = 'waivers.'
    entries = [_waiver(item, '%sentries[%d]' % (where, index))
               for index, item in enumerate(
                   _get(recorded, 'entries', list, where))]
    if len(entries) > waivers_mod.MAX_WAIVERS:
        raise Malformed('waivers.entries holds more than %d waivers'
                     % waivers_mod.MAX_WAIVERS)
    try:
        today = datetime.date.fromisoformat(
            _get(recorded, 'today', str, where))
    except ValueError:
        raise Malformed('waivers.today is not a date') from None

    def listed(key: str, counted: bool) -> list[Any]:
        found: list[Any] = []
        for index, item in enumerate(_get(recorded, key, list, where)):
            at = '%s%s[%d]' % (where, key, index)
            waiver = _waiver(item, at)
            found.append((waiver, _get(item, 'findings', int, at + '.'))
                         if counted else waiver)
        return found

    verdicts = {'expired': listed('expired', True),
                'outgrown': listed('outgrown', True),
                # A report written before this verdict existed has none.
                'partial': listed('partial', True)
                if 'partial' in recorded else [],
                'stale': listed('stale', False),
                'no_host': listed('no_host', False),
                'hosts_audited': _get(recorded, 'hosts_audited', int,
                                      where)}
    return Recorded(_get(recorded, 'file', str, where), entries, today,
                    verdicts, chosen)


def build_parser(stdout: TextIO, stderr: TextIO,
                 formats: Sequence[str]) -> argparse.ArgumentParser:
    parser = _parser.Parser(
        stdout, stderr, prog=PROG,
        description='Re-render a saved --format json report in any '
                    'format, with the findings\' states, the waivers and '
                    'the gate as the run decided them.')
    parser.add_argument('report', metavar='REPORT.json',
                        help='a report written with --format json')
    _parser.add_report_args(parser, formats)
    # Unless given, the gate and the settings are the report's own.
    parser.set_defaults(fail_on=None, sarif_min_severity=None)
    parser.add_argument('--show-suppressed', action='store_true',
                        default=None,
                        help='text: list the waived findings too '
                             '(default: as the report was written)')
    return parser


def _override(result: Result, args: argparse.Namespace) -> None:
    """The flags given on the command line win over the report's."""
    if args.fail_on is not None:
        result.fail_on = None if args.fail_on == 'never' else \
            Severity.parse(args.fail_on)
    shown_as = result.rendering
    result.rendering = Rendering(
        docs_url=args.docs_url or shown_as.docs_url,
        sarif_min_severity=Severity.parse(args.sarif_min_severity)
        if args.sarif_min_severity else shown_as.sarif_min_severity,
        sarif_max_results=args.sarif_max_results
        or shown_as.sarif_max_results,
        sarif_include_waived=args.sarif_include_waived
        or shown_as.sarif_include_waived)
    if args.show_suppressed:
        result.show_suppressed = True


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """``glance-conf-audit convert [options] REPORT.json``."""
    try:
        formats = manager.load_formats()
        checks = manager.load_checks()
    except PluginLoadError as exc:
        stderr.write('%s: error: %s\n' % (PROG, exc))
        return _parser.EXIT_ERROR
    try:
        args = build_parser(stdout, stderr, list(formats)).parse_args(
            list(argv))
    except SystemExit as exc:  # --help, or a usage error
        return int(exc.code or 0)
    try:
        pairs = _parser.reports(args)
    except ValueError as exc:
        stderr.write('%s: error: %s\n' % (PROG, exc))
        return _parser.EXIT_ERROR
    try:
        result = rebuild(baseline.read_report(args.report), checks)
    except LoadError as exc:
        stderr.write('%s: error: %s: %s\n' % (PROG, shown(exc.path),
                                              exc.reason))
        return _parser.EXIT_ERROR
    except Malformed as exc:
        stderr.write('%s: error: %s: not a JSON report this version can '
                     'convert: %s\n' % (PROG, shown(args.report), exc))
        return _parser.EXIT_ERROR
    try:
        _override(result, args)
        if not _parser.write_reports(dict(formats), result, pairs, stdout,
                                     stderr, PROG):
            return _parser.EXIT_ERROR
        return _parser.exit_code(result)
    finally:
        result.close()


