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

"""The ``# expect nova: ...`` and ``# expect glance-conf: ...`` headers."""

from __future__ import annotations

import pathlib


def expected_ids(path: pathlib.Path, defaults: str) -> set[str]:
    """The check IDs a corpus file expects under ``defaults``."""
    prefix = '# expect %s:' % defaults
    for line in path.read_text().splitlines():
        if line.startswith(prefix):
            ids = line[len(prefix):].split()
            return set() if ids == ['none'] else set(ids)
    raise AssertionError('%s has no %r line' % (path, prefix))


def expected_drift(path: pathlib.Path) -> set[str]:
    """The options a fleet host is blamed for (``# expect drift: ...``),
    under both semantics; none when the line is absent."""
    prefix = '# expect drift:'
    for line in path.read_text().splitlines():
        if line.startswith(prefix):
            return set(line[len(prefix):].split())
    return set()


def known_bug(path: pathlib.Path) -> str | None:
    """Why the audit is known to miss this file's reviewed verdicts today
    (``# xfail: <issue and reason>``), or None."""
    prefix = '# xfail:'
    for line in path.read_text().splitlines():
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    return None
