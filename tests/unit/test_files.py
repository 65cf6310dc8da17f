"""File helpers shared by the checks and the transport loader."""

from __future__ import annotations

import os

from glance_conf import _files


def test_problem_reading(tmp_path, monkeypatch):
    path = tmp_path / 'ca.pem'
    assert _files.problem_reading(str(path)) == 'does not exist'
    path.write_text('x')
    assert _files.problem_reading(str(path)) is None
    assert _files.problem_reading(str(tmp_path)) == \
        'is a directory, not a file'
    monkeypatch.setattr(os, 'access', lambda p, m: False)
    assert _files.problem_reading(str(path)) == 'is not readable'


def test_mode_and_owner(tmp_path):
    path = tmp_path / 'key.pem'
    path.write_text('x')
    path.chmod(0o640)
    assert _files.mode_and_owner(str(path)) == (0o640, os.getuid())
    assert _files.mode_and_owner(str(tmp_path / 'missing')) is None
