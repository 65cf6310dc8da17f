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

"""The service-profile measure of the benchmark harness: its fleets are
the corpus's real files, recognised as their service, and its figures
are the ratios it reports (the bound is the benchmark's to judge: these
machines are noisy)."""

from __future__ import annotations

import filecmp
import glob
import json
import os

import pytest

from benchmarks import genconf
from benchmarks import run
from glance_conf.audit import manager
from glance_conf.audit import runner


def test_service_fleets_copy_every_deployment_in_turn(tmp_path):
    for service in run.PROFILED:
        sources = sorted(glob.glob(os.path.join(run.CORPUS, service, '*',
                                                '*.conf')))
        assert len(sources) >= 5
        paths = run.write_service_fleet(str(tmp_path / service), service,
                                        len(sources) + 1)
        for path, source in zip(paths, sources + sources[:1], strict=True):
            assert filecmp.cmp(path, source, shallow=False)
            assert os.stat(path).st_mode & 0o777 == 0o640
        result = runner.audit_fleet(paths, manager.load_checks())
        try:
            assert result.services_seen == {service}
            assert result.files == len(paths) and not result.problems
        finally:
            result.findings.close()


def test_profiles_report_the_ratio_against_the_oslo_loop(tmp_path):
    figures = run.bench_profiles(str(tmp_path), 3)
    assert sorted(figures) == sorted(run.PROFILED)
    for found in figures.values():
        assert found['files'] == 3 and found['bytes_per_file'] > 0
        assert found['ratio'] == pytest.approx(
            found['ours_ms_per_file'] / found['floor_ms_per_file'])
        assert found['met'] is (found['ratio'] <= run.FLEET_RATIO)
    rows = run.table_rows_of_profiles(figures)
    assert [r[0].split()[0] for r in rows] == list(run.PROFILED)


def _report_of(directory):
    with open(os.path.join(directory, 'report.' + run.REPORT),
              encoding='utf-8') as handle:
        return json.load(handle)


def test_the_fleet_figure_writes_its_report_inside_the_time(tmp_path):
    figure = run.bench_fleet(str(tmp_path), [2, 3, 4])
    # The report of the middle size's run, the one the ratio is taken at.
    assert _report_of(str(tmp_path))['files_audited'] == 3
    assert figure['report'] == run.REPORT
    assert figure['ratio_with_report'] > 0
    assert figure['met'] is (
        figure['ratio_with_report'] <= run.FLEET_RATIO
        and figure['ratio_vs_oslo_loop'] <= run.FLEET_RATIO
        and figure['linearity_mid_over_small'] <= 1.3
        and figure['linearity_large_over_small'] <= 1.3
        and figure['memory_large_over_small'] <= run.MEMORY_FLAT)


def test_the_bundles_figure_writes_its_report_inside_the_time(tmp_path):
    figure = run.bench_bundles(str(tmp_path), 3)
    assert _report_of(str(tmp_path))['files_audited'] == 3
    assert figure['met'] is (figure['ratio'] <= run.FLEET_RATIO
                             and figure['ratio_with_report']
                             <= run.FLEET_RATIO)


def test_memory_is_judged_flat_but_for_the_html_page(tmp_path):
    paths = genconf.write_fleet(str(tmp_path), 3)
    figure = run.bench_memory(paths, [2, 3])
    assert sorted(figure['peak_rss_mib']) == ['html', 'json', 'text']
    ratios = figure['large_over_small']
    assert figure['met'] is (ratios['text'] <= run.MEMORY_FLAT
                             and ratios['json'] <= run.MEMORY_FLAT
                             and ratios['html'] <= run.HTML_MEMORY_BOUND)
    assert run.MEMORY_FLAT < run.HTML_MEMORY_BOUND


def test_each_measure_runs_alternated_its_ratio_over_the_sums(monkeypatch):
    calls = []
    runs = iter([(3.0, 1.0), (5.0, 2.0), (2.0, 2.0), (4.0, 1.0)])

    def child(*args):
        calls.append(args[-1])
        seconds, floor = next(runs)
        return {'seconds': seconds, 'floor_seconds': floor,
                'peak_rss_kib': 10 * seconds}
    monkeypatch.setattr(run, '_fleet_child', child)
    monkeypatch.setattr(run, 'ROUNDS', 2)
    plain, reported = run._rounds(('ours', 'd', 1, 'nova', ''),
                                  ('ours', 'd', 1, 'nova', 'json'))
    assert calls == ['', 'json', '', 'json']
    assert run._ratio(plain) == (3.0 + 2.0) / (1.0 + 2.0)
    assert run._ratio(reported) == (5.0 + 4.0) / (2.0 + 1.0)
    assert plain['peak_rss_kib'] == 30.0


def test_the_floor_is_read_between_the_audits_slices(tmp_path):
    """The child reads the floor of every file, in slices, and reports
    both sides of the one run."""
    genconf.write_fleet(str(tmp_path), run.SLICE + 3)
    found = run._fleet_child('ours', str(tmp_path), run.SLICE + 3)
    assert found['seconds'] > 0 and found['floor_seconds'] > 0
    assert found['peak_rss_kib'] > 0
