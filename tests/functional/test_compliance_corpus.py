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

"""The compliance report and JUnit on configs rendered by deployment
tools: the Security Guide verdicts agree with the checks' findings, the
evidence is the real value, no secret leaks, and JUnit stays valid."""

from __future__ import annotations

import io
import os
import re

import pytest

from glance_conf.audit import manager
from glance_conf.audit.finding import Severity
from glance_conf.cmd import audit as cli
from tests.functional.expect import expected_ids
from tests.functional.test_deployments import CANARY_RE
from tests.functional.test_deployments import FILES
from tests.unit.audit.report.test_junit import validated

_ITEM = re.compile(r'^  (Check-Compute-0\d)  +(pass|fail|not-checked) ',
                   re.M)
_ENDPOINT = re.compile(r'^\s*(api_servers|endpoint_override)\s*=\s*(\S+)',
                       re.M)


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out, err)
    assert code in (0, 1), err.getvalue()
    return out.getvalue()


def _compute_05(path):
    """What the Guide's Check-Compute-05 says of this file, by hand."""
    if {'GC101', 'GC102'} & expected_ids(path, 'nova'):
        return 'fail'
    return 'pass' if _ENDPOINT.search(path.read_text()) else 'not-checked'


@pytest.mark.parametrize('path', FILES, ids=lambda p: p.stem)
def test_offline_verdicts_follow_the_findings(path):
    text = _run('--offline', '--compliance', 'security-guide',
                '--config-file', str(path))
    assert dict(_ITEM.findall(text)) == {
        'Check-Compute-01': 'not-checked', 'Check-Compute-02': 'not-checked',
        'Check-Compute-05': _compute_05(path)}


@pytest.mark.parametrize('path', FILES, ids=lambda p: p.stem)
def test_on_the_host_a_root_0640_file_passes_01_and_02(path, tmp_path):
    config = tmp_path / 'nova.conf'
    config.write_text(path.read_text())
    config.chmod(0o640)
    os.chown(config, 0, 0)
    text = _run('--compliance', 'security-guide', '--root', str(tmp_path),
                '--config-file', str(config))
    verdicts = dict(_ITEM.findall(text))
    assert verdicts['Check-Compute-01'] == 'pass'
    assert verdicts['Check-Compute-02'] == 'pass'
    assert '%s: owner uid 0, group gid 0, mode 0640' % config in text


def test_the_fleet_report_names_each_file_and_leaks_no_secret():
    text = _run('--compliance', 'security-guide', *map(str, FILES))
    assert len(_ITEM.findall(text)) == 3 * len(FILES)
    for path in FILES:
        assert '\n%s\n' % path in text
    canaries = {c for p in FILES for c in CANARY_RE.findall(p.read_text())}
    assert canaries and not [c for c in canaries if c in text]


def test_junit_on_the_fleet_is_valid_and_fails_what_the_gate_fails():
    doc = validated(_run('--format', 'junit', '--fail-on', 'high',
                         *map(str, FILES)))
    failed = {(c.get('classname'), c.get('name').split()[0])
              for c in doc.iter('testcase') if c.find('failure') is not None}
    high = {c.id for c in manager.load_checks()
            if c.severity is Severity.HIGH}
    assert failed == {(str(p), i) for p in FILES
                      for i in expected_ids(p, 'nova') & high}
    assert failed
