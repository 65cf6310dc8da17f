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
    #: What identifies this finding across runs, when the file and the
    #: message do not: a fleet finding names hosts and points at one of
    #: them, yet is the same finding when a host is added or moved.
    key: str | None = None

    @property
    def fingerprint(self) -> str:
        """A stable identity across runs, for SARIF and de-duplication.

        The check, the option and ``key`` when the check gives one;
        otherwise the check, the option, the file and the message.
        """
        if self.key is not None:
            parts = [self.check_id, self.option or '', self.key]
        else:
            parts = [self.check_id, self.option or '', self.file or '',
                     self.message]
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
            'fingerprint': self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(check_id=data['id'],
                   severity=Severity.parse(data['severity']),
                   cwe=int(data['cwe']), option=data['option'],
                   message=data['message'],
                   remediation=data['remediation'], file=data['file'],
                   line=data['line'], key=data.get('key'))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)
