"""GC3xx checks."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize('check,text,count', [
    ('GC301', '[glance]\n', 1),
    ('GC301', '[glance]\ntimeout = 30\n', 0),
    ('GC301', '[glance]\ntimeout = -5\n', 0),  # GC302's business
    ('GC302', '[glance]\ntimeout = -5\n', 1),
    ('GC302', '[glance]\nnum_retries = 100\nrbd_user = a b\n', 2),
    ('GC302', '[glance]\nnum_retries = 10\n', 0),
    ('GC303', '[glance]\nnum_retry = 3\n', 1),
    ('GC303', '[glance]\nhost = g\nport = 9292\nprotocol = https\n'
              'allowed_direct_url_schemes = file\n', 4),
    ('GC303', '[glance]\nnum_retries = 3\n'
              'collect_timing = true\napi_insecure = false\n', 0),
    ('GC303', '[glance]\ncollect-timing = true\n', 1),
    ('GC303', '[other]\nnum_retry = 3\n', 0),
    ('GC304', '[glance]\napi_insecure = false\n', 1),
    ('GC304', '[ssl]\nca_file = /x\ncert_file = /y\nkey_file = /z\n', 3),
    ('GC304', '[glance]\napi_servers = https://g\n', 1),
    ('GC304', '[glance]\nenable_certificate_validation = true\n', 1),
    ('GC304', '[glance]\ninsecure = false\ncafile = /x\n', 0),
])
def test_option_checks(audit_text, check, text, count):
    findings = audit_text(text, check)
    assert [f.check_id for f in findings] == [check] * count


def test_gc302_message_names_rule_not_secret(audit_text):
    [found] = audit_text('[glance]\nendpoint_override = '
                         'https://nova:hunter2@glance/?token=tok3n\n', 'GC302')
    assert found.option == 'glance.endpoint_override'
    assert 'user-info' in found.message
    assert 'hunter2' not in found.message and 'tok3n' not in found.message
    assert found.line == 2


def test_gc303_suggests_closest_name(audit_text):
    [found] = audit_text('[glance]\nverify_glance_signature = true\n',
                         'GC303')
    assert found.remediation == 'Did you mean verify_glance_signatures?'
    [removed] = audit_text('[glance]\nhost = glance\n', 'GC303')
    assert 'removed' in removed.message


def test_gc303_explains_hyphenated_spelling(audit_text):
    [found] = audit_text('[glance]\ntls-min-version = 1.2\n', 'GC303')
    assert 'reads this option only as tls_min_version' in found.message
    assert found.remediation == 'Spell it tls_min_version.'


def test_gc304_names_the_replacement(audit_text):
    [found] = audit_text('[ssl]\nca_file = /x\n', 'GC304')
    assert found.option == 'ssl.ca_file'
    assert found.remediation == 'Set [glance] cafile instead.'
    assert found.severity.label == 'info'
