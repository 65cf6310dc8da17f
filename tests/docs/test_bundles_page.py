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

"""Run the command of the "Bundles" section of doc/source/audit/cli.rst.

Three hosts' bundles are written as the contract says (compute-03's
``cafile`` is missing); each ``$`` line of the section's console block is
run in one shell, and each line the page shows must be printed.
"""

from __future__ import annotations

import pathlib

from tests import bundles as make
from tests import pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = ROOT / 'doc' / 'source' / 'audit' / 'cli.rst'
CA = '/etc/nova/certs/ca.pem'


def section() -> list[pages.Step]:
    """``(command, shown lines)`` of the Bundles section's console."""
    text = PAGE.read_text()
    start = text.index('\nBundles\n-------\n')
    end = text.index('\nFile permissions\n', start)
    return pages.steps(text[start:end])


def test_the_bundles_command_prints_what_the_page_shows(tmp_path):
    for host in ('compute-01', 'compute-02'):
        make.write(tmp_path / 'bundles', make.bundle(host))
    make.write(tmp_path / 'bundles', make.bundle(
        'compute-03', paths={CA: make.missing(CA)}))
    steps = section()
    assert [c for c, _ in steps][0].startswith('glance-conf-audit --bundles')
    pages.run_as_shown(steps, tmp_path, pages.environ(), timeout=120)
