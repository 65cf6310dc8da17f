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

"""A small result with findings and a load problem, for every writer."""

from __future__ import annotations

import pytest

from glance_conf.audit import baseline
from glance_conf.audit import manager
from glance_conf.audit import result as result_mod


@pytest.fixture
def result():
    checks = manager.load_checks()
    by_id = {c.id: c for c in checks}
    res = result_mod.Result('service', checks)
    res.files = 1
    res.findings.add(by_id['GC201']().finding(
        'glance.verify_glance_signatures', 'Signatures off.',
        '/etc/nova/nova.conf', 7))
    res.findings.add(by_id['GC301']().finding('glance.timeout', 'No timeout.',
                                              'nova.conf'))
    res.findings.add(by_id['GC502']().finding(None, 'Mode 0644.',
                                              'nova dir/nova.conf'))
    yield res
    res.findings.close()


@pytest.fixture
def compared(result):
    """``result`` compared with a baseline holding its GC201 finding and
    a finding fixed since."""
    gone = baseline.Entry('f' * 32, 'GC101', 'glance.insecure', 'compute-9')
    entries = {f.fingerprint: baseline.Entry(f.fingerprint, f.check_id,
                                             f.option, f.host)
               for f in result.findings if f.check_id == 'GC201'}
    result.use_baseline(baseline.Baseline('old report.json',
                                          {**entries, gone.fingerprint: gone}))
    return result
