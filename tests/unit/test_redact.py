"""Redaction of values shown to people."""

from __future__ import annotations

import pytest

from glance_conf import redact


@pytest.mark.parametrize('value,expected', [
    ('https://glance:9292/v2', 'https://glance:9292/v2'),
    ('https://u:p@glance', 'https://***@glance'),
    ('https://u:p/q@glance/x', 'https://***@glance/x'),
    ('u:p@glance', '***@glance'),
    ('https://glance/?token=t', 'https://glance/?***'),
    ('https://glance/#frag', 'https://glance/#***'),
    ('https://u:p@glance/?t=1#f', 'https://***@glance/?***'),
    ('https://glance/\r\n', 'https://glance/\\r\\n'),
])
def test_redact_url(value, expected):
    assert redact.redact_url(value) == expected


def test_printable_escapes_and_shortens():
    assert redact.printable('a\x00b\\') == 'a\\x00b\\\\'
    assert redact.printable('x' * 300, 10) == 'x' * 10 + '...'


def test_redact_text_masks_urls_and_queries_among_words():
    assert redact.redact_text(
        'to https://u:pw@h:1/p?t=x failed, see /a?b=c') == \
        'to https://***@h:1/p?*** failed, see /a?***'
    assert redact.redact_text('no secrets here') == 'no secrets here'
