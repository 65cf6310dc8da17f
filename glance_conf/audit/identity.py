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
