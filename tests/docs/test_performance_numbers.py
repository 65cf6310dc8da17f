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

"""Every ratio the README and the performance page state is the one
``tox -e bench`` wrote to ``benchmarks/results/latest.json``.

Each table row is matched by the start of its label to the figure it
states; a row no rule knows fails, so a new row needs its rule here,
and a figure typed by hand (or left from an older run) fails too.
"""

from __future__ import annotations

import json
import pathlib
import re
from collections.abc import Callable
from typing import Any

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
RESULTS = json.loads((ROOT / 'benchmarks' / 'results' / 'latest.json')
                     .read_text(encoding='utf-8'))

Figure = Callable[[dict[str, Any]], str]


def _at(fmt: str, *keys: str) -> Figure:
    def figure(results: dict[str, Any]) -> str:
        value: Any = results
        for key in keys:
            value = value[key]
        return fmt % value
    return figure


#: A row's label, from its start (white-space folded), and its figure.
RULES: list[tuple[str, Figure]] = [
    (r'(New process: )?(``)?import( glance_conf``)? \+ ``register_opts``',
     _at('%.2f', 'import', 'ratio')),
    (r'``import nova\.conf\.glance``', _at('%.2f', 'import',
                                           'nova_over_ours')),
    (r'2,000 × ', _at('%.2f', 'register', 'ratio')),
    (r'[Ff]leet audit( per file)?,? with the JSON report written',
     _at('%.2f', 'fleet', 'ratio_with_report')),
    (r'[Ff]leet audit per file', _at('%.2f', 'fleet', 'ratio_vs_oslo_loop')),
    (r'[Rr]atio to the floor per file,? (at )?3,000 files', _at(
        '%.2f', 'fleet', 'linearity_mid_over_small')),
    (r'[Rr]atio to the floor per file,? (at )?10,000 files', _at(
        '%.2f', 'fleet', 'linearity_large_over_small')),
    (r'[Pp]eak memory', _at('%.2f', 'memory', 'large_over_small', 'text')),
    (r'cinder', _at('%.2f', 'profiles', 'cinder', 'ratio')),
    (r'glance-api', _at('%.2f', 'profiles', 'glance-api', 'ratio')),
    (r'(``glance-conf-audit --bundles`` of )?10,000 bundles.* with the '
     r'JSON report written', _at('%.2f', 'bundles', 'ratio_with_report')),
    (r'(``glance-conf-audit --bundles`` of )?10,000 bundles',
     _at('%.2f', 'bundles', 'ratio')),
    (r'(``glance-conf-audit probe`` of )?32 ', _at('%.2f', 'probe',
                                                   'ratio')),
    (r'(The )?Ansible', _at('%.2f', 'ansible', 'ratio')),
    (r'``oslo-config-validator``', _at('%.0f', 'validator', 'ratio')),
    (r'1 MiB config', _at('%.1f', 'adversarial', 'ratio_vs_oslo_parse')),
]


def _rule(label: str) -> Figure:
    for pattern, figure in RULES:
        if re.match(pattern, label):
            return figure
    raise AssertionError('no rule states which figure this row is: %r'
                         % label)


def readme_rows() -> list[tuple[str, str]]:
    """The README's performance table: (label, ratio) per row."""
    text = (ROOT / 'README.rst').read_text(encoding='utf-8')
    section = text.split('\nPerformance\n-----------\n', 1)[1]
    table = section.split('\n=====', 3)[2]  # between the header and end
    rows = []
    for line in table.splitlines()[1:]:
        label, ratio, _goal = re.split(r'\s{2,}', line.strip())
        rows.append((label, ratio))
    return rows


def page_rows() -> list[tuple[str, str]]:
    """The performance page's results table: (label, ratio) per row."""
    text = (ROOT / 'doc' / 'source' / 'performance.rst').read_text(
        encoding='utf-8')
    # The directive's options, a blank line, then the rows up to the next.
    table = text.split('.. list-table::', 1)[1].split('\n\n')[1]
    rows = []
    for item in re.split(r'\n   \* - ', '\n' + table.rstrip())[1:]:
        cells = re.split(r'\n     - ', item)
        rows.append((' '.join(cells[0].split()), cells[1].strip()))
    return rows[1:]  # the header


@pytest.mark.parametrize('rows', [readme_rows, page_rows],
                         ids=['README', 'performance page'])
def test_each_ratio_is_the_last_runs(rows):
    found = rows()
    assert len(found) >= 12
    for label, ratio in found:
        if ratio == r'\-':
            continue  # a row that states a time, checked below
        assert ratio == _rule(label)(RESULTS), label


def test_the_1_mib_audit_time_is_the_last_runs():
    said = '%.2f s' % RESULTS['adversarial']['audit_s']
    for name in ('README.rst', 'doc/source/performance.rst'):
        assert 'the audit took ' + said in ' '.join(
            (ROOT / name).read_text(encoding='utf-8').split()) or \
            'audit ' + said in (ROOT / name).read_text(encoding='utf-8'), \
            name


@pytest.mark.parametrize('name', ['README.rst', 'doc/source/performance.rst'])
def test_the_peak_memory_stated_is_the_last_runs(name):
    text = ' '.join((ROOT / name).read_text(encoding='utf-8').split())
    peaks = RESULTS['memory']['peak_rss_mib']
    for fmt in ('text', 'json', 'html'):
        small, large = (peaks[fmt][size] for size in ('300', '10000'))
        assert '%.1f' % small in text and '%.1f' % large in text, fmt


def test_a_row_no_rule_knows_is_refused():
    with pytest.raises(AssertionError, match='no rule'):
        _rule('a figure nobody measured')


def test_a_figure_typed_by_hand_is_caught():
    label, ratio = readme_rows()[0]
    assert _rule(label)(RESULTS) == ratio
    assert _rule(label)(RESULTS) != '%.2f' % (float(ratio) + 0.01)
