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
