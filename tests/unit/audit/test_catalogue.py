"""The generated catalogue page."""

from __future__ import annotations

from glance_conf.audit import catalogue
from glance_conf.audit import manager


def test_every_check_has_a_section_with_its_fields():
    text = catalogue.render()
    for check in manager.load_checks():
        assert '%s: %s\n%s' % (check.id, check.title,
                               '-' * len('%s: %s' % (check.id, check.title))
                               ) in text
        assert 'CWE-%d' % check.cwe in text
        assert check.doc().splitlines()[0] in text
    assert 'GC1xx  Transport security' in text
    assert ':Runs in: fleet mode only' in text
