"""The writer registry."""

from __future__ import annotations

from glance_conf.audit import report


def test_formats_and_version():
    assert sorted(report.FORMATS) == ['json', 'sarif', 'text']
    assert report.tool_version()
