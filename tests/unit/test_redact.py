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

"""Redaction of values shown to people."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glance_conf import redact
from tests import servers


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


@given(st.text(max_size=60))
def test_printable_shows_plain_text_as_it_is_and_escapes_the_rest(text):
    """Printable text without a backslash comes back unchanged; any
    other comes back printable, each character escaped or kept."""
    shown = redact.printable(text, 10_000)
    assert shown.isprintable()
    if text.isprintable() and '\\' not in text:
        assert shown == text
    else:  # each escape starts with a backslash
        assert shown != text
        assert shown.count('\\') >= sum(
            1 for ch in text if not ch.isprintable() or ch == '\\')


def test_redact_text_masks_urls_and_queries_among_words():
    assert redact.redact_text(
        'to https://u:pw@h:1/p?t=x failed, see /a?b=c') == \
        'to https://***@h:1/p?*** failed, see /a?***'
    assert redact.redact_text('no secrets here') == 'no secrets here'


def test_redact_text_masks_secrets_holding_quotes_and_brackets():
    """``'`` and ``<`` are legal in a URL password or query value."""
    text = ('REQ: curl -g -i -X GET "http://nova:p\'w<SECRET1@h:1/v2?t=a\'<'
            'SECRET2" -H "a: b"')
    out = redact.redact_text(text)
    assert 'SECRET' not in out
    assert out.startswith('REQ: curl -g -i -X GET "http://***@h:1/v2?***')


def test_redact_text_leaves_prose_alone():
    assert redact.redact_text('Is it up? Yes.') == 'Is it up? Yes.'


# Shapes that made the old, unanchored patterns quadratic, and others.
HOSTILE = [
    'a' * 2**20, 'a://' * 2**18, 'http://' * 2**17, '?' * 2**20,
    '@' * 2**20, 'http://u:' + ':' * 2**20, 'http://a@' * 2**17,
    'a ' * 2**19, "'<" * 2**19, '?a=' * 2**18,
]


@pytest.mark.parametrize('text', HOSTILE, ids=lambda t: repr(t[:10]))
def test_redact_text_is_fast_on_a_megabyte_of_hostile_text(text):
    with servers.Clock() as clock:
        out = redact.redact_text(text)
    assert clock.elapsed < 1.0
    assert out.endswith(redact.TRUNCATED)
    assert len(out) <= redact.MAX_TEXT_SCANNED + len(redact.TRUNCATED)


def test_redact_text_drops_the_token_cut_by_the_limit():
    """A URL cut before its ``@`` would otherwise show its password."""
    text = 'x ' * 10 + 'http://nova:SECRET@glance/'
    for limit in range(len(text)):
        out = redact.redact_text(text, limit)
        assert 'SECRET' not in out and 'nova' not in out
        assert out.endswith(redact.TRUNCATED)


# Characters legal (or tolerated) in a URL password or query value: no
# whitespace, which no URL holds unencoded.
URLISH = st.text(
    st.characters(codec='ascii', categories=('L', 'N', 'P', 'S')),
    max_size=20)
GLUE = st.sampled_from(['', ' ', '"', "'", '(', '<', ': ', '\n', '?', '@'])


@given(prefix=st.text(max_size=40), glue=GLUE, password=URLISH,
       value=URLISH, suffix=st.text(max_size=40), scheme=st.sampled_from(
           ['http', 'https', 'rbd+x']))
def test_no_url_password_or_query_value_survives(prefix, glue, password,
                                                 value, suffix, scheme):
    password, value = 'S3CR3T' + password, 'Q9V4L' + value
    url = '%s://nova:%s@glance:9292/v2?token=%s' % (scheme, password, value)
    out = redact.redact_text(prefix + glue + url + glue + suffix)
    assert password not in out and value not in out


@given(text=st.text(max_size=60), password=URLISH, value=URLISH,
       limit=st.integers(0, 200))
def test_nothing_survives_a_cut_at_any_limit(text, password, value, limit):
    password, value = 'S3CR3T' + password, 'Q9V4L' + value
    full = '%s http://nova:%s@glance/?t=%s %s' % (text, password, value,
                                                  text)
    out = redact.redact_text(full, limit)
    assert password not in out and value not in out
    assert len(out) <= limit + len(redact.TRUNCATED) or len(full) <= limit
