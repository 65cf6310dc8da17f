"""The report plugin namespace and its naming rule."""

from __future__ import annotations

import pytest

from glance_conf.audit import report


def test_namespace():
    assert report.NAMESPACE == 'glance_conf.audit.formats'


@pytest.mark.parametrize('name,ok', [
    ('json', True), ('sarif', True), ('junit-xml', True), ('x2', True),
    ('JSON', False), ('2x', False), ('', False), ('a b', False),
    ('a' * 33, False), ('json\n', False)])
def test_name_rule(name, ok):
    assert bool(report.NAME_RE.fullmatch(name)) is ok
