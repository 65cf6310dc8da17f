"""Each corpus file produces exactly the findings its header expects."""

from __future__ import annotations

import pathlib

import pytest

CORPUS = pathlib.Path(__file__).parent / 'corpus'
FILES = sorted(CORPUS.glob('*.conf'))


def _expected(path: pathlib.Path) -> set[str]:
    first = path.read_text().splitlines()[0]
    assert first.startswith('# expect:'), path
    ids = first.split(':', 1)[1].split()
    return set() if ids == ['none'] else set(ids)


def test_corpus_is_not_empty():
    assert len(FILES) >= 8


@pytest.mark.parametrize('path', FILES, ids=[p.stem for p in FILES])
def test_corpus_file(audit_text, path):
    findings = audit_text(path.read_text(), mode=0o640)
    assert {f.check_id for f in findings} == _expected(path)
    for found in findings:
        assert 's3cret' not in found.message
        assert 'token=abc' not in found.message
