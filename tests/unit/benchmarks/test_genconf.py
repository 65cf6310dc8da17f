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

"""The generated host configs are realistic and clean."""

from __future__ import annotations

import os

from benchmarks import genconf
from glance_conf.audit import manager
from glance_conf.audit import runner


def test_host_configs_are_about_6_kib_and_audit_cleanly(tmp_path):
    paths = genconf.write_fleet(str(tmp_path), 5)
    assert len(paths) == 5
    for path in paths:
        assert 5 * 1024 <= os.path.getsize(path) <= 7 * 1024
        assert os.stat(path).st_mode & 0o777 == 0o640
    result = runner.audit_fleet(paths, manager.load_checks())
    ids = {f.check_id for f in result.findings}
    assert result.files == 5 and not result.problems
    assert not ids & {'GC302', 'GC303', 'GC501', 'GC502'}
    result.findings.close()


def test_generation_is_deterministic_and_resumable(tmp_path):
    first = genconf.write_fleet(str(tmp_path / 'a'), 3)
    second = genconf.write_fleet(str(tmp_path / 'b'), 2)
    genconf.write_fleet(str(tmp_path / 'b'), 3)
    for a, b in zip(first, sorted((tmp_path / 'b').iterdir()), strict=True):
        assert open(a).read() == b.read_text()
    assert len(second) == 2
