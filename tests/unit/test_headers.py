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

"""Every non-empty source file carries the Apache 2.0 header (H102)."""

from __future__ import annotations

import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _sources() -> list[str]:
    listed = subprocess.run(['git', 'ls-files', '*.py'], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    if listed.returncode:  # not a git checkout (an sdist): walk the tree
        return sorted(str(p.relative_to(ROOT)) for p in ROOT.rglob('*.py')
                      if '.tox' not in p.parts)
    return listed.stdout.split()


SOURCES = [s for s in _sources() if (ROOT / s).read_text().strip()]


def test_there_are_sources_to_check():
    assert len(SOURCES) > 50


@pytest.mark.parametrize('source', SOURCES)
def test_source_has_the_apache_header(source):
    head = (ROOT / source).read_text()[:1000]
    assert 'Licensed under the Apache License, Version 2.0' in head
