"""GC2xx checks."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize('check,text,count', [
    ('GC201', '[glance]\nverify_glance_signatures = false\n', 1),
    ('GC201', '[glance]\n', 0),
    ('GC201', '[glance]\nverify_glance_signatures = true\n', 0),
    ('GC202', '[glance]\n', 1),
    ('GC202', '[glance]\nenable_certificate_validation = true\n', 0),
    ('GC202', '[glance]\nverify_glance_signatures = false\n', 0),
    ('GC203', '[glance]\nverify_glance_signatures = false\n'
              'enable_certificate_validation = true\n', 1),
    ('GC203', '[glance]\nenable_certificate_validation = true\n', 0),
    ('GC203', '[glance]\nverify_glance_signatures = false\n', 0),
])
def test_integrity_checks(audit_text, check, text, count):
    findings = audit_text(text, check)
    assert [f.check_id for f in findings] == [check] * count


def test_gc201_is_high_with_cwe_347(audit_text):
    [found] = audit_text('[glance]\nverify_glance_signatures = false\n',
                         'GC201')
    assert (found.severity.label, found.cwe, found.line) == ('high', 347, 2)
