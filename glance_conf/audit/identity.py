"""Who wrote a report: the tool's name, version and home page.

A leaf module (it imports nothing of the audit), so every writer and the
command line can name the tool without importing one another.
"""

from __future__ import annotations

from importlib import metadata

#: The command's name, and the tool's name in JSON and SARIF reports.
TOOL_NAME = 'glance-conf-audit'
#: The distribution whose version the reports give.
DISTRIBUTION = 'glance-conf'
INFORMATION_URI = 'https://pypi.org/project/glance-conf/'


def tool_version() -> str:
    """The installed version, or ``0+unknown`` when not installed."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return '0+unknown'
