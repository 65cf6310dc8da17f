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

"""The result of one audit run, and the one place a finding's fate is
decided.

A finding is *open*, *waived* (a waiver in force covers it) or *known*
(the ``--baseline`` report holds it); an open finding at or above
``--fail-on`` fails the gate; against ``--previous`` it is new or not.
:meth:`Result.decide` says all of that, and every writer, the exit code
and the metrics read it from there, so the formats agree by
construction. This module sits below everything that reads a result: it
imports the finding, the waivers and the baseline, never a check, the
runner, a writer or the command line.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import tempfile
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any
from typing import Generic
from typing import NamedTuple
from typing import TypeVar

from glance_conf import definitions
from glance_conf.audit import baseline as baseline_mod
from glance_conf.audit import projectconfig
from glance_conf.audit import services
from glance_conf.audit import waivers as waivers_mod
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity

if TYPE_CHECKING:
    from glance_conf.audit import probe as probe_mod

#: Load problems kept for the report; more are only counted.
MAX_PROBLEMS_KEPT = 1000
#: Bytes a spool (findings, files, hosts, posture rows) keeps in memory
#: before it moves to a temporary file: small, so that a run's memory
#: does not grow with the fleet (a 300-host run spills too).
SPOOL_MEMORY = 256 * 1024
#: Hosts whose posture is kept for the HTML heat-map; more are counted.
MAX_POSTURE_ROWS = 100_000


class State(str, enum.Enum):
    """What became of a finding."""

    #: Nothing accepted it: it counts toward the gate.
    OPEN = 'open'
    #: A waiver in force accepted it.
    WAIVED = 'waived'
    #: The baseline (``--baseline``) holds it: accepted debt.
    KNOWN = 'known'


@dataclasses.dataclass(frozen=True)
class Decision:
    """A finding's fate in this run, as every writer shows it."""

    state: State
    #: Open and at or above ``--fail-on``: this finding fails the gate.
    fails_gate: bool
    #: The waiver that accepted it (``state`` is ``WAIVED``).
    waiver: waivers_mod.Waiver | None = None
    #: Against ``--previous``: not in that report; ``None`` without one.
    new: bool | None = None
    #: Whether ``--baseline`` holds it (waived or not); ``None`` without
    #: a baseline.
    in_baseline: bool | None = None

    @property
    def why_passed(self) -> str | None:
        """Why a finding that does not fail the gate passed; ``None``
        for one that fails it."""
        if self.fails_gate:
            return None
        if self.state is State.WAIVED:
            return 'waived: %s' % (self.waiver.reason if self.waiver
                                   else '')
        if self.state is State.KNOWN:
            return 'known: in the baseline'
        return 'below the gate (--fail-on)'


@dataclasses.dataclass(frozen=True)
class Rendering:
    """How the writers render a result, from the command line; none of
    it changes a finding's state or the gate."""

    #: Where the check catalogue is published (``--docs-url``): rules
    #: and pages link each check there. ``None``: not known.
    docs_url: str | None = None
    #: SARIF: the lowest severity written (``--sarif-min-severity``).
    sarif_min_severity: Severity = Severity.INFO
    #: SARIF: the most results written in the run
    #: (``--sarif-max-results``); ``None``: the writer's default.
    sarif_max_results: int | None = None
    #: SARIF: write waived findings too, as suppressed results
    #: (``--sarif-include-waived``).
    sarif_include_waived: bool = False


class PostureRow(NamedTuple):
    """One host's drift posture (:data:`posture.POSTURE
    <glance_conf.audit.posture.POSTURE>`), for the heat-map.

    ``values`` as GC601 compares them (``None``: not compared) and the
    line of each in ``file`` (0: not set there).
    """

    host: str
    group: str
    file: str
    values: tuple[str | None, ...]
    lines: tuple[int, ...]


T = TypeVar('T')

#: One encoder for every record: ``json.dumps`` with any option builds
#: a new one per call, a fifth of the cost of a short record.
_COMPACT = json.JSONEncoder(separators=(',', ':')).encode


class Records(Generic[T]):
    """A list that keeps its items in a temporary file once it grows,
    one JSON line each, so a run holds per-host records (files, hosts,
    posture rows) in constant memory; iterating decodes them again."""

    def __init__(self, decode: Callable[[Any], T] = lambda v: v,
                 items: Iterable[T] = ()) -> None:
        self._decode = decode
        self._file = tempfile.SpooledTemporaryFile(
            max_size=SPOOL_MEMORY, mode='w+', encoding='utf-8')
        self._count = 0
        self.extend(items)

    def append(self, item: T) -> None:
        self._file.write(_COMPACT(item) + '\n')
        self._count += 1

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            self.append(item)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[T]:
        self._file.seek(0)
        for line in self._file:
            yield self._decode(json.loads(line))
        self._file.seek(0, 2)

    def close(self) -> None:
        self._file.close()


def _posture_row(value: Any) -> PostureRow:
    host, group, file, values, lines = value
    return PostureRow(host, group, file, tuple(values), tuple(lines))


def posture_records(rows: Iterable[PostureRow] = ()) -> Records[PostureRow]:
    """Posture rows, spooled."""
    return Records(_posture_row, rows)


@dataclasses.dataclass(frozen=True)
class LoadProblem:
    """A file that could not be read or parsed; ``reason`` is safe."""

    path: str
    reason: str


def utf8_safe(text: str) -> str:
    """``text`` with what UTF-8 cannot encode shown as ``\\udcff``.

    A file name that is not UTF-8 reaches Python with lone surrogates
    (``os.fsdecode``), which no report format can carry; it is shown by
    its escape instead, the same in every format.
    """
    if text.isascii():
        return text  # most names, at C speed and without a copy
    return text.encode('utf-8', 'backslashreplace').decode('utf-8')


#: The texts of a finding that a file name or a host may bring in
#: (and ``blamed``, its files).
_TEXTS = ('file', 'option', 'key', 'host', 'message', 'remediation')


class Spool:
    """Findings in arrival order, in memory until they grow large."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(
            max_size=SPOOL_MEMORY, mode='w+', encoding='utf-8')
        self.counts = {severity: 0 for severity in Severity}

    @staticmethod
    def safe(finding: Finding) -> Finding:
        """``finding`` as the spool keeps it: every text UTF-8 safe."""
        texts = {name: getattr(finding, name) for name in _TEXTS}
        safe: dict[str, Any] = {name: value and utf8_safe(value)
                for name, value in texts.items()}
        blamed = tuple(map(utf8_safe, finding.blamed))
        if all(safe[name] is texts[name] for name in _TEXTS) and all(
                a is b for a, b in zip(blamed, finding.blamed, strict=True)):
            return finding  # already safe, as nearly every finding is
        return dataclasses.replace(finding, blamed=blamed, **safe)

    def add(self, finding: Finding) -> None:
        finding = self.safe(finding)
        self._file.write(finding.to_json() + '\n')
        self.counts[finding.severity] += 1

    def __len__(self) -> int:
        return sum(self.counts.values())

    def __iter__(self) -> Iterator[Finding]:
        self._file.seek(0)
        for line in self._file:
            yield Finding.from_dict(json.loads(line))
        self._file.seek(0, 2)

    def close(self) -> None:
        self._file.close()


@dataclasses.dataclass
class Result:
    """What one audit run found, and what each finding's fate is."""

    mode: str
    #: The check classes run (``manager.CheckClass``).
    checks: list[Any]
    #: Whose defaults the files were judged by: ``nova`` or ``glance-conf``.
    defaults: str = definitions.NOVA
    #: The service the files configure (``nova``, ``cinder``,
    #: ``glance-api``), or ``mixed`` for a fleet of several: every
    #: writer states it.
    service: str = services.NOVA
    findings: Spool = dataclasses.field(default_factory=Spool)
    problems: list[LoadProblem] = dataclasses.field(default_factory=list)
    problems_dropped: int = 0
    files: int = 0
    #: IDs of the checks not run because the audit was offline.
    not_checked: list[str] = dataclasses.field(default_factory=list)
    #: The gate (``--fail-on``): the lowest severity that fails; ``None``
    #: for never.
    fail_on: Severity | None = Severity.MEDIUM
    #: The files audited, in order, as the findings name them (spooled).
    paths: Records[str] = dataclasses.field(default_factory=Records)
    #: Fleet mode: the host of each of :attr:`paths` (a file's name, or
    #: the bundle's ``host``: a bundle's files are ``host:/etc/...``).
    hosts: Records[str] = dataclasses.field(default_factory=Records)
    #: The services the audited files configure.
    services_seen: set[str] = dataclasses.field(default_factory=set)
    #: The service of each of :attr:`paths` that is not nova's, by path:
    #: a nova fleet of any size keeps nothing here (:meth:`service_of`).
    file_services: dict[str, str] = dataclasses.field(default_factory=dict)
    #: The waivers in use, if any; they keep what they matched.
    waivers: waivers_mod.Waivers | None = None
    #: Findings a waiver in force covers: they do not count toward the
    #: gate, and the writers show them apart.
    suppressed: Spool = dataclasses.field(default_factory=Spool)
    #: Whether the text report lists the suppressed findings.
    show_suppressed: bool = False
    #: The groups hosts were compared in, in fleet mode with a grouping
    #: (``group_of``); a fleet finding's key starts with its group.
    groups: list[str] = dataclasses.field(default_factory=list)
    #: Fleet mode: each host's posture, for the HTML heat-map (bounded
    #: by :data:`MAX_POSTURE_ROWS`; the rest are counted).
    posture: Records[PostureRow] = dataclasses.field(
        default_factory=posture_records)
    posture_dropped: int = 0
    #: Fleet mode with groups: the groups of each host audited, every
    #: service's hosts (the posture rows are nova's only), for the
    #: HTML report's image trust path per group.
    host_groups: dict[str, tuple[str, ...]] = dataclasses.field(
        default_factory=dict)
    #: An earlier report (``--previous``), for "new since last run".
    previous: baseline_mod.Baseline | None = None
    #: The project config the command line used, and what it changed:
    #: every report names it.
    project_config: projectconfig.Used | None = None
    #: What ``glance-conf-audit probe`` saw, one observation per endpoint
    #: (:class:`glance_conf.audit.probe.Observation`); empty otherwise.
    probes: list[probe_mod.Observation] = dataclasses.field(
        default_factory=list)
    #: How the writers render it.
    rendering: Rendering = dataclasses.field(default_factory=Rendering)
    #: Whether the files came from bundles (``host:/path`` labels, not
    #: paths of this machine).
    bundles: bool = False
    #: The earlier report given by ``--baseline``; its findings are known.
    baseline: baseline_mod.Baseline | None = None
    #: The findings against ``baseline``, once :meth:`use_baseline` ran.
    comparison: baseline_mod.Comparison | None = None

    def add(self, found: Finding) -> None:
        """Keep ``found``: suppressed if a waiver covers it."""
        if self.waivers is not None:
            found = Spool.safe(found)  # as the waiver will be shown
            if self.waivers.apply(found, self.mode) is not None:
                self.suppressed.add(found)
                return
        self.findings.add(found)

    def note_service(self, service: str, paths: Iterable[str]) -> None:
        """Record that ``paths`` configure ``service``."""
        self.services_seen.add(service)
        if service != services.NOVA:
            self.file_services.update(dict.fromkeys(paths, service))

    def service_of(self, path: str) -> str:
        """The service the audited file ``path`` configures."""
        return self.file_services.get(path, services.NOVA)

    def service_of_finding(self, found: Finding) -> str:
        """The service a finding is about, as every writer states it:
        the run's in a run of one service, else the service of the file
        the finding is in (nova's for one in no file: GC601's drift is
        over nova's posture rows, the only ones kept)."""
        if self.service != services.MIXED:
            return self.service
        return self.service_of(found.file or '')

    def keep_posture(self, row: PostureRow | None) -> None:
        """Keep one host's posture row (bounded); ``None``: no row."""
        if row is None or len(self.posture) >= MAX_POSTURE_ROWS:
            self.posture_dropped += 1
        else:
            self.posture.append(row)

    def close(self) -> None:
        for spool in (self.findings, self.suppressed, self.paths,
                      self.hosts, self.posture):
            if hasattr(spool, 'close'):
                spool.close()

    def use_baseline(self, baseline: baseline_mod.Baseline) -> None:
        """Compare the findings with ``baseline``: those it holds are
        known, and do not count toward the gate."""
        self.baseline = baseline
        # A waived finding is still there: not "fixed". Only the
        # unwaived ones are counted as known.
        self.comparison = baseline_mod.compare(baseline, self.findings,
                                               present=self.suppressed)

    def decide(self, found: Finding, waived: bool) -> Decision:
        """The fate of ``found``, which :attr:`suppressed` holds if
        ``waived``: the one place it is worked out."""
        waiver = None
        in_baseline = None if self.baseline is None else \
            found.fingerprint in self.baseline
        if waived:
            state = State.WAIVED
            if self.waivers is not None:
                waiver = self.waivers.lookup(found, self.mode)
        elif in_baseline:
            state = State.KNOWN
        else:
            state = State.OPEN
        fails = state is State.OPEN and self.fail_on is not None \
            and found.severity >= self.fail_on
        new = None if self.previous is None else \
            found.fingerprint not in self.previous
        return Decision(state, fails, waiver, new, in_baseline)

    def decided(self) -> Iterator[tuple[Finding, Decision]]:
        """Every finding with its fate: the unwaived ones first, in
        arrival order, then the waived ones."""
        for found in self.findings:
            yield found, self.decide(found, False)
        for found in self.suppressed:
            yield found, self.decide(found, True)

    def problem(self, path: str, reason: str) -> None:
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(LoadProblem(utf8_safe(path), reason))
        else:
            self.problems_dropped += 1

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.problems_dropped

    def worst(self) -> Severity | None:
        """The worst severity among the open findings (neither waived
        nor known)."""
        known = self.comparison.known if self.comparison else {}
        present = [s for s, n in self.findings.counts.items()
                   if n - known.get(s, 0)]
        return max(present) if present else None

    @property
    def gate_fails(self) -> bool:
        """Whether an open finding is at or above ``--fail-on``: the
        gate's decision, whatever writes it."""
        worst = self.worst()
        return self.fail_on is not None and worst is not None \
            and worst >= self.fail_on
