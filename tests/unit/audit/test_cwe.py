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

"""Every check cites its CWE by a named constant."""

from __future__ import annotations

from glance_conf.audit import cwe
from glance_conf.audit import manager

NAMED = {name: value for name, value in vars(cwe).items()
         if name.isupper()}


def test_constants_are_distinct_cwe_numbers():
    assert len(set(NAMED.values())) == len(NAMED)
    assert all(isinstance(v, int) and v > 0 for v in NAMED.values())


def test_every_check_uses_a_named_constant():
    checks = manager.load_checks()
    assert {c.cwe for c in checks} <= set(NAMED.values())
    # ... and no constant is left over from a removed check.
    assert set(NAMED.values()) == {c.cwe for c in checks}
