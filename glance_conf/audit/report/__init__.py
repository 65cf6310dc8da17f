"""Report writers: text for people, JSON for scripts, SARIF for CI.

A writer is a function ``render(result, out)`` that takes a
:class:`~glance_conf.audit.runner.Result` and a text stream, and streams
the findings from the result's spool. Writers are plugins in the
``glance_conf.audit.formats`` entry-point namespace, the entry point's
name being the ``--format`` name; :func:`glance_conf.audit.manager.
load_formats` loads them and fails closed. A writer takes its tool
identity from :mod:`glance_conf.audit.identity`, never from this package.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import TextIO

if TYPE_CHECKING:
    from glance_conf.audit.runner import Result

NAMESPACE = 'glance_conf.audit.formats'

#: A format name: what ``--format`` accepts.
NAME_RE = re.compile(r'[a-z][a-z0-9-]{0,31}')

Writer = Callable[['Result', TextIO], None]
