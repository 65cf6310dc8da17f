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

"""What a check reports: an immutable finding with a severity."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from typing import Any

from glance_conf.audit.exception import UnknownSeverity

#: The name of the fingerprint scheme: SARIF's ``partialFingerprints``
#: key, and the ``fingerprints`` field of a JSON report. A baseline
#: written under another scheme cannot be compared with this one.
FINGERPRINT_SCHEME = 'glanceConfAudit/v2'

#: Hosts a finding about the whole fleet names as blamed (for the
#: waivers' ``files``); a fleet check keeps this many per side, and a
#: finding that blames more names none.
MAX_BLAMED = 100

#: ``json.dumps(..., sort_keys=True)``, its encoder built once: every
#: finding of a fleet is encoded as it is kept.
_SORTED = json.JSONEncoder(sort_keys=True).encode


class Severity(enum.IntEnum):
    """How bad a finding is; ordered, so ``>=`` compares severities."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read ``info``, ``low``, ``medium`` or ``high`` (any case).

        :raises UnknownSeverity: for any other text.
        """
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise UnknownSeverity(text, [s.label for s in cls]) from None


@dataclasses.dataclass(frozen=True)
class Finding:
    """One problem found by one check.

    Messages are built by the checks from option names and redacted
    values only; nothing in a finding is ever a secret.
    """

    check_id: str
    severity: Severity
    cwe: int
    #: ``group.name`` of the option concerned, or ``None`` for a file.
    option: str | None
    message: str
    remediation: str
    #: The config file the value came from, where known.
    file: str | None = None
    #: Line of the value in ``file``, where known.
    line: int | None = None
    #: What the finding is about, beyond its check and option: the class
    #: of the value (``http``, the rule a value breaks, the permission
    #: class of a file), never a value, a count or a list of hosts. A
    #: fleet finding's is what the minority holds, not who holds it.
    key: str | None = None
    #: The host, in fleet mode: the file's name without its last
    #: extension (``compute-1.conf`` is ``compute-1``). ``None`` in
    #: service mode and for a finding about the whole fleet.
    host: str | None = None
    #: What a live observation saw (the probe's protocol, cipher, days to
    #: expiry, resolved address), as ``(name, value)`` pairs in a fixed
    #: order; empty for a finding about the text of a config. Never part
    #: of the fingerprint: days to expiry change every day.
    evidence: tuple[tuple[str, str | int], ...] = ()
    #: A finding about the whole fleet: the file of every host it blames
    #: (the weaker or the minority side), so that a waiver's ``files``
    #: covers it only when it covers each of them. Empty for a finding
    #: about one host, and when the check counted more hosts than it
    #: kept. Never part of the fingerprint: hosts come and go.
    blamed: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        """A stable identity across runs, for baselines and SARIF.

        The check, the option, the host and the key; never the file,
        the line or the message. So it survives a config dir moved
        elsewhere, a value moved to another file of the dir, lines
        shifted and hosts added to a fleet, and changes with the check,
        the option, the host or the class of the value.
        """
        parts = [FINGERPRINT_SCHEME, self.check_id, self.option or '',
                 self.host or '', self.key or '']
        data = '\x1f'.join(parts).encode('utf-8', 'surrogateescape')
        return hashlib.sha256(data).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        return {
            'id': self.check_id,
            'severity': self.severity.label,
            'cwe': self.cwe,
            'option': self.option,
            'file': self.file,
            'line': self.line,
            'message': self.message,
            'remediation': self.remediation,
            'key': self.key,
            'host': self.host,
            'fingerprint': self.fingerprint,
            **({'evidence': dict(self.evidence)} if self.evidence else {}),
            **({'blamed': list(self.blamed)} if self.blamed else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(check_id=data['id'],
                   severity=Severity.parse(data['severity']),
                   cwe=int(data['cwe']), option=data['option'],
                   message=data['message'],
                   remediation=data['remediation'], file=data['file'],
                   line=data['line'], key=data.get('key'),
                   host=data.get('host'),
                   evidence=tuple((str(k), v) for k, v in
                                  (data.get('evidence') or {}).items()),
                   blamed=tuple(data.get('blamed') or ()))

    def to_json(self) -> str:
        return _SORTED(self.to_dict())


def about_the_fleet(found: Finding, mode: str) -> bool:
    """Whether ``found`` is about the whole fleet (GC601, GC610-GC612)
    rather than one host: in a fleet run, every other finding has its
    host. The waivers and the metrics' ``host`` label both ask."""
    return mode == 'fleet' and found.host is None
