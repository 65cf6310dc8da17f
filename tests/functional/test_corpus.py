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

"""Each corpus file produces exactly the findings its header expects."""

from __future__ import annotations

import pathlib

import pytest

from tests.functional.expect import expected_ids

CORPUS = pathlib.Path(__file__).parent / 'corpus'
FILES = sorted(CORPUS.glob('*.conf'))


def _expected(path: pathlib.Path, defaults: str) -> set[str]:
    return expected_ids(path, defaults)


def test_corpus_is_not_empty():
    assert len(FILES) >= 8


@pytest.mark.parametrize('defaults', ['nova', 'glance-conf'])
@pytest.mark.parametrize('path', FILES, ids=[p.stem for p in FILES])
def test_corpus_file(audit_text, path, defaults):
    findings = audit_text(path.read_text(), mode=0o640, defaults=defaults)
    assert {f.check_id for f in findings} == _expected(path, defaults)
    for found in findings:
        assert 's3cret' not in found.message
        assert 'token=abc' not in found.message
