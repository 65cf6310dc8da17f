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

"""Run the several-reports example of doc/source/audit/cli.rst's
``--output`` option, on two rendered configs of the corpus."""

from __future__ import annotations

import json
import pathlib
import shutil
import textwrap

from tests import pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = ROOT / 'doc' / 'source' / 'audit' / 'cli.rst'
DEPLOYMENTS = ROOT / 'tests' / 'functional' / 'deployments'


def example() -> list[pages.Step]:
    text = PAGE.read_text()
    start = text.index('``--output FILE``\n')
    end = text.index('``--fail-on {', start)
    # The option's description is indented under it.
    body = text[start:end].split('\n', 1)[1]
    return pages.steps(textwrap.dedent(body))


def test_one_run_writes_the_three_reports_the_page_shows(tmp_path):
    rendered = tmp_path / 'rendered'
    rendered.mkdir()
    for name in ('devstack.conf', 'kolla-ansible-compute.conf'):
        shutil.copy(DEPLOYMENTS / name, rendered / name)
    steps = example()
    assert steps[0].command.startswith('glance-conf-audit --format json')
    pages.run_as_shown(steps, tmp_path, pages.environ(), timeout=120)
    report = json.loads((tmp_path / 'audit.json').read_text())
    assert report['files_audited'] == 2


def convert_example() -> list[pages.Step]:
    text = PAGE.read_text()
    start = text.index('Re-rendering a saved report: ``convert``\n')
    end = text.index('``convert`` takes ``--format``', start)
    return pages.steps(text[start:end])


def test_convert_writes_what_the_run_would_have_written(tmp_path):
    """The ``convert`` section's commands, run as shown; the SARIF they
    convert is the one a direct run writes."""
    rendered = tmp_path / 'rendered'
    rendered.mkdir()
    for name in ('devstack.conf', 'kolla-ansible-compute.conf'):
        shutil.copy(DEPLOYMENTS / name, rendered / name)
    steps = convert_example()
    assert [s.command.split()[1] for s in steps[:2]] == ['--format',
                                                         'convert']
    ran = pages.run_as_shown(steps, tmp_path, pages.environ(), timeout=120)
    assert [r.status for r in ran] == [0, 0, 0]
    direct = pages.run_as_shown([pages.Step(
        'glance-conf-audit --format sarif --fail-on never rendered/*.conf',
        [])], tmp_path, pages.environ(), timeout=120)[0]
    assert json.loads('\n'.join(direct.printed)) == json.loads(
        (tmp_path / 'audit.sarif').read_text())
