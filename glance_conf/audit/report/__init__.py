"""Report writers: text for people, JSON for scripts, SARIF for CI.

Each writer takes a :class:`~glance_conf.audit.runner.Result` and a text
stream, and streams the findings from the result's spool.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from typing import TextIO

from glance_conf.audit.report import json_report
from glance_conf.audit.report import sarif
from glance_conf.audit.report import text
from glance_conf.audit.runner import Result

TOOL_NAME = 'glance-conf-audit'

Writer = Callable[[Result, TextIO], None]

FORMATS: dict[str, Writer] = {
    'text': text.render,
    'json': json_report.render,
    'sarif': sarif.render,
}


def tool_version() -> str:
    try:
        return metadata.version('glance-conf')
    except metadata.PackageNotFoundError:
        return '0+unknown'
