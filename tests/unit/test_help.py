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

"""Help-text reflow."""

from __future__ import annotations

from glance_conf import _help


def test_reflow_joins_paragraphs_and_wraps_bullets():
    text = """
Summary line.

A body that was wrapped
at an odd place.

* first bullet that is long enough to need wrapping at the narrow width
* second
"""
    out = _help.reflow(text, width=30)
    assert out.startswith('Summary line.\n\nA body that was wrapped at an\n')
    assert '\n* first bullet that is long\n  enough' in out
    assert out.endswith('\n* second')
    assert all(len(line) <= 30 for line in out.splitlines())
