"""Help-text reflow."""

from __future__ import annotations

from glance_conf import _help


def test_reflow_joins_paragraphs_and_wraps_bullets():
    text = """
Summary line.

A body that was wrapped
at an odd place.

* first bullet that is long enough to need wrapping at the narrow width
* second
"""
    out = _help.reflow(text, width=30)
    assert out.startswith('Summary line.\n\nA body that was wrapped at an\n')
    assert '\n* first bullet that is long\n  enough' in out
    assert out.endswith('\n* second')
    assert all(len(line) <= 30 for line in out.splitlines())
