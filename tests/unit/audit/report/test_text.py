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

"""Text report."""

from __future__ import annotations

import io

from glance_conf.audit import result as result_mod
from glance_conf.audit.report import text


def test_grouped_by_severity_worst_first(result):
    out = io.StringIO()
    text.render(result, out)
    report = out.getvalue()
    assert report.index('HIGH (1)') < report.index('MEDIUM (1)') < \
        report.index('LOW (1)')
    assert 'INFO' not in report
    assert 'GC201  glance.verify_glance_signatures  /etc/nova/nova.conf:7' \
        in report
    assert 'Fix: Set [glance] verify_glance_signatures = True' in report
    assert report.splitlines()[0].endswith(
        '3 finding(s): 1 high, 1 medium, 1 low, 0 info')


def test_errors_and_empty_report():
    res = result_mod.Result('fleet', [])
    res.problem('/x.conf', 'no such file')
    out = io.StringIO()
    text.render(res, out)
    assert 'ERRORS (1 file(s) could not be audited)' in out.getvalue()
    assert '/x.conf: no such file' in out.getvalue()
    clean = result_mod.Result('service', [])
    out = io.StringIO()
    text.render(clean, out)
    assert out.getvalue().endswith('No findings.\n')


def test_names_cannot_forge_report_lines(result):
    """A newline or escape sequence in a file name is shown escaped."""
    res = result_mod.Result('fleet', [])
    res.problem('/x\n\nNo findings.\n\x1b[2J.conf', 'no such file')
    [found] = list(result.findings)[:1]
    res.findings.add(found.__class__(**{**found.__dict__,
                                        'file': '/a\r\nb.conf'}))
    out = io.StringIO()
    text.render(res, out)
    report = out.getvalue()
    assert '\nNo findings.' not in report and '\x1b' not in report
    assert '/x\\n\\nNo findings.\\n\\x1b[2J.conf: no such file' in report
    assert '/a\\r\\nb.conf' in report


def test_offline_says_what_was_not_checked(result):
    """Silence about the host checks must not read as a pass."""
    out = io.StringIO()
    text.render(result, out)
    assert 'Not checked' not in out.getvalue()
    result.not_checked = ['GC103', 'GC501']
    out = io.StringIO()
    text.render(result, out)
    assert out.getvalue().splitlines()[1] == (
        'Not checked (offline): GC103, GC501. They look at the host\'s '
        'files; run on the host, or give --root.')


def test_known_and_fixed_findings_are_listed_apart(compared):
    out = io.StringIO()
    text.render(compared, out)
    report = out.getvalue()
    assert report.splitlines()[1] == (
        'Baseline old report.json: 1 known finding(s), not counted toward '
        '--fail-on; 1 fixed since.')
    assert 'HIGH (1)' not in report
    known = report.index('\nKNOWN, in the baseline (1)\n')
    assert report.index('MEDIUM (1)') < known
    assert report.index('high GC201  glance.verify_glance_signatures') > \
        known
    assert report.endswith('\nFIXED since the baseline (1)\n'
                           '  GC101  glance.insecure  on compute-9\n')


def test_without_a_baseline_nothing_is_known(result):
    out = io.StringIO()
    text.render(result, out)
    assert 'KNOWN' not in out.getvalue()
    assert 'Baseline' not in out.getvalue()
