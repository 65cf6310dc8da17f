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

"""The probe benchmark runs and reports its figures (the bound itself is
the benchmark's to judge, not a unit test's: these machines are noisy)."""

from __future__ import annotations

from benchmarks import probe as bench


def test_measure_reports_the_ratio():
    figures = bench.measure(endpoints=4, jobs=2, repeat=1)
    assert figures['endpoints'] == 4 and figures['jobs'] == 2
    assert figures['one_probe_s'] >= bench.SERVER_DELAY
    assert figures['ratio'] == figures['all_probes_s'] / (
        2 * figures['one_probe_s'])
    assert figures['within_bound'] is (figures['ratio'] <= bench.BOUND)
