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

"""The tool's identity, one leaf module for every writer."""

from __future__ import annotations

from importlib import metadata

from glance_conf.audit import identity
from glance_conf.cmd import audit as cli


def test_name_is_the_commands():
    assert identity.TOOL_NAME == cli.PROG == 'glance-conf-audit'


def test_version_is_the_installed_one(monkeypatch):
    assert identity.tool_version() == metadata.version('glance-conf')
    monkeypatch.setattr(identity, 'DISTRIBUTION', 'no-such-dist-xyz')
    assert identity.tool_version() == '0+unknown'
