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

"""The HTML report's inline style, skeleton and script fetch nothing,
and the script finds in the skeleton every element it fills."""

from __future__ import annotations

import re

from glance_conf.audit.report import html_assets


def test_the_assets_fetch_nothing():
    assert 'url(' not in html_assets.STYLE
    assert '@import' not in html_assets.STYLE
    for call in ('fetch(', 'XMLHttpRequest', 'import(', '.src'):
        assert call not in html_assets.SCRIPT


def test_the_script_cannot_close_its_own_element():
    script = html_assets.SCRIPT.lower()
    assert '</script' not in script and '<!--' not in script


def test_every_element_the_script_fills_is_in_the_skeleton():
    wanted = set(re.findall(r'\$\("([\w-]+)"\)', html_assets.SCRIPT))
    assert wanted
    assert wanted <= set(re.findall(r'id="([\w-]+)"', html_assets.BODY))
