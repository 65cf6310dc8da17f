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

"""The HTML report rendered, and its data island read back, for the
tests of the page and of its tables."""

from __future__ import annotations

import io
import json
from typing import Any

from lxml import html as lxml_html

from glance_conf.audit.report import html


def render(res: Any) -> str:
    out = io.StringIO()
    html.render(res, out)
    return out.getvalue()


def data(page: str) -> tuple[Any, Any]:
    doc = lxml_html.fromstring(page)
    [island] = doc.xpath('//script[@id="gc-data"]')
    return doc, json.loads(island.text)
