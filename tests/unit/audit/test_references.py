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

"""The reference table: what the checks cite is data the checks own."""

from __future__ import annotations

from glance_conf.audit import base
from glance_conf.audit import manager
from glance_conf.audit import references


def test_every_item_is_cited_by_a_check_and_every_citation_is_an_item():
    catalogue = manager.load_checks()
    cited = {r for c in catalogue for r in c.references
             if r.startswith('security-guide/')}
    assert cited == {item.ref for item in references.ITEMS}
    for item in references.ITEMS:
        framework, _, ident = item.ref.partition('/')
        assert base.FRAMEWORKS[framework].fullmatch(ident)


def test_every_reference_in_the_table_is_cited_by_a_check():
    """The table holds what the checks cite, nothing more."""
    table = {value for name, value in vars(references).items()
             if name.isupper() and isinstance(value, str)}
    cited = {r for c in manager.load_checks() for r in c.references}
    assert table and table == cited
