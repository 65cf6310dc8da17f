"""File helpers shared by the checks that look at the host.

``os.stat`` and ``os.access`` are looked up at call time, so tests can
stub them: running as root hides unreadable files and foreign owners.
"""

from __future__ import annotations

import os
import stat


def problem_reading(path: str) -> str | None:
    """Why the service user could not use ``path``, or ``None``."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return 'does not exist'
    except OSError as exc:
        return 'cannot be examined (%s)' % exc.strerror
    if stat.S_ISDIR(info.st_mode):
        return 'is a directory, not a file'
    if not os.access(path, os.R_OK):
        return 'is not readable'
    return None


def mode_and_owner(path: str) -> tuple[int, int] | None:
    """Permission bits and owner uid of ``path``, or ``None``."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode), info.st_uid
