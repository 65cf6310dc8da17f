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

"""The report plugin namespace and its naming rule."""

from __future__ import annotations

import pytest

from glance_conf.audit import report


def test_namespace():
    assert report.NAMESPACE == 'glance_conf.audit.formats'


@pytest.mark.parametrize('name,ok', [
    ('json', True), ('sarif', True), ('junit-xml', True), ('x2', True),
    ('JSON', False), ('2x', False), ('', False), ('a b', False),
    ('a' * 33, False), ('json\n', False)])
def test_name_rule(name, ok):
    assert bool(report.NAME_RE.fullmatch(name)) is ok
