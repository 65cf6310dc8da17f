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

"""Baselines: the findings of an earlier report, known for now.

A baseline is a JSON report of this tool (``--format json``). A finding
whose fingerprint (:attr:`Finding.fingerprint`) the baseline holds is
*known*: it is still reported, but does not count toward ``--fail-on``.
What the baseline holds and this run no longer finds is *fixed*.

Only the fingerprints (and the check, option and host, to name a fixed
finding) are read from the baseline; nothing in it is trusted further.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterable
from typing import Any

from glance_conf.audit import source
from glance_conf.audit.exception import LoadError
from glance_conf.audit.finding import FINGERPRINT_SCHEME
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity

#: Largest baseline read: a report of a large fleet, with room to spare.
MAX_BASELINE_BYTES = 256 * 1024 * 1024
#: Longest check ID, option or host name kept from a baseline entry.
MAX_NAME = 256

_FINGERPRINT_RE = re.compile(r'[0-9a-f]{32}')


@dataclasses.dataclass(frozen=True)
class Entry:
    """One finding of the baseline: enough to name it once fixed."""

    fingerprint: str
    check_id: str
    option: str | None
    host: str | None

    def to_dict(self) -> dict[str, Any]:
        return {'fingerprint': self.fingerprint, 'id': self.check_id,
                'option': self.option, 'host': self.host}


@dataclasses.dataclass(frozen=True)
class Baseline:
    """The fingerprints of an earlier report."""

    path: str
    entries: dict[str, Entry]

    def __contains__(self, fingerprint: object) -> bool:
        return fingerprint in self.entries

    def __len__(self) -> int:
        return len(self.entries)


@dataclasses.dataclass(frozen=True)
class Comparison:
    """A run's findings against a baseline."""

    #: Known findings (in the baseline), by severity.
    known: dict[Severity, int]
    #: Baseline findings this run did not find, in the baseline's order.
    fixed: list[Entry]

    @property
    def known_total(self) -> int:
        return sum(self.known.values())


def compare(baseline: Baseline, findings: Iterable[Finding],
            present: Iterable[Finding] = ()) -> Comparison:
    """Which of ``findings`` are known, and which baseline entries are
    no longer found, neither among ``findings`` nor among ``present``
    (findings that are still there but set apart, such as waived ones)."""
    known = {severity: 0 for severity in Severity}
    seen: set[str] = set()
    for found in findings:
        fingerprint = found.fingerprint
        if fingerprint in baseline:
            known[found.severity] += 1
            seen.add(fingerprint)
    seen.update(found.fingerprint for found in present)
    fixed = [entry for fingerprint, entry in baseline.entries.items()
             if fingerprint not in seen]
    return Comparison(known, fixed)


def _read(path: str) -> bytes:
    data = source.read_bytes(path, MAX_BASELINE_BYTES)
    if len(data) > MAX_BASELINE_BYTES:  # it grew since it was looked at
        raise LoadError(path, 'file is larger than %d bytes'
                        % MAX_BASELINE_BYTES)
    return data


def _name(item: dict[str, Any], field: str, index: int, path: str,
          required: bool = False) -> str | None:
    value = item.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_NAME:
        raise LoadError(path, 'findings[%d]: %s is missing or not a name'
                        % (index, field))
    return value


def document(path: str, data: bytes) -> dict[str, Any]:
    """The object of a JSON report of this tool, from its bytes, checked
    only so far: an object with a findings list and the fingerprints of
    this version (older and newer layouts alike).

    :raises LoadError: with a one-line reason that quotes nothing of the
        file, if it is not that.
    """
    try:
        doc = json.loads(data.decode('utf-8'))
    except UnicodeDecodeError:
        raise LoadError(path, 'not UTF-8, so not a JSON report') from None
    except json.JSONDecodeError as exc:
        raise LoadError(path, 'not JSON (line %d, column %d)'
                        % (exc.lineno, exc.colno)) from None
    except (ValueError, RecursionError):
        raise LoadError(path, 'not JSON that can be read') from None
    if not isinstance(doc, dict) or not isinstance(doc.get('findings'),
                                                   list):
        raise LoadError(path, 'not a JSON report of glance-conf-audit (no '
                        'findings list); write one with --format json')
    scheme = doc.get('fingerprints')
    if scheme != FINGERPRINT_SCHEME:
        raise LoadError(path, 'its fingerprints are not %s (written by '
                        'another version); write a new baseline'
                        % FINGERPRINT_SCHEME)
    return doc


def read_report(path: str) -> dict[str, Any]:
    """The JSON report at ``path``, read within :data:`MAX_BASELINE_BYTES`
    (see :func:`document`).

    :raises LoadError: if it cannot be read or is not a JSON report.
    """
    return document(path, _read(path))


def parse(path: str, data: bytes) -> Baseline:
    """A baseline from the bytes of a JSON report.

    :raises LoadError: with a one-line reason that quotes nothing of the
        file, if it is not a JSON report of this tool with comparable
        fingerprints.
    """
    doc = document(path, data)
    entries: dict[str, Entry] = {}
    for index, item in enumerate(doc['findings']):
        if not isinstance(item, dict):
            raise LoadError(path, 'findings[%d] is not an object' % index)
        fingerprint = item.get('fingerprint')
        if not isinstance(fingerprint, str) \
                or not _FINGERPRINT_RE.fullmatch(fingerprint):
            raise LoadError(path, 'findings[%d]: fingerprint is missing or '
                            'not 32 hexadecimal digits' % index)
        check_id = _name(item, 'id', index, path, required=True)
        entries.setdefault(fingerprint, Entry(
            fingerprint, str(check_id), _name(item, 'option', index, path),
            _name(item, 'host', index, path)))
    return Baseline(path, entries)


def load(path: str) -> Baseline:
    """Read the baseline at ``path`` (see :func:`parse`).

    :raises LoadError: if it cannot be read or is not a JSON report.
    """
    return parse(path, _read(path))


def shared_hosts(paths: Iterable[str]) -> list[str]:
    """Host names (see :func:`host_of`) that several fleet files share
    (one file named twice is still one): their findings would share
    fingerprints."""
    seen: dict[str, str] = {}
    shared: dict[str, None] = {}
    for path in paths:
        host = host_of(path)
        if seen.setdefault(host, path) != path:
            shared[host] = None
    return list(shared)


def host_of(path: str) -> str:
    """The host a fleet file is: its name without its last extension
    (``/fleet/compute-1.conf`` is ``compute-1``), so that the file can
    move to another directory and stay the same host."""
    name = os.path.basename(path.rstrip('/')) or path
    stem, _ = os.path.splitext(name)
    return stem or name
