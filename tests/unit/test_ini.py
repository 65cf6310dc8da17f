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

"""The one INI grammar: oslo.config's, line for line."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from oslo_config import iniparser

from glance_conf import ini
from glance_conf.exception import GlanceConfError

_SEPARATORS = ('\n', '\r\n', '\r', '\x0c', '\x0b', '\x85', '\u2028')

_line = st.one_of(
    st.just(''), st.just('[glance]'), st.just('[DEFAULT]'), st.just('[]'),
    st.sampled_from(['[GLANCE]', '[Glance]', '[ssl]', '[default]',
                     '[ glance]', '[x', '# c', '; c', '  cont', '\tcont',
                     '\ufeff[glance]', 'k = "quoted"', "k: 'a'", 'k =',
                     ' ', '\t ']),
    st.from_regex(r'[a-z_-]{0,6} ?[=:] ?[a-z0-9 "\':=$]{0,8}',
                  fullmatch=True),
    st.text(st.sampled_from('ab =:[]#;"\' \t\x0c\u2028\x85'), max_size=8))
#: Lines oslo.config accepts, so that most texts parse to the end.
_valid = st.one_of(
    st.sampled_from(['', '[glance]', '[SSL]', '# c', '  cont', 'k =']),
    st.from_regex(r'[a-z_]{1,4} ?[=:] ?["\']?[a-z :=#"\']{0,5}["\']? ?',
                  fullmatch=True))


class _Recorder(iniparser.BaseParser):
    """oslo.config's parser, recording each assignment with the line it
    starts on, and refusing an option outside a section as
    ``cfg.ConfigParser`` does."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str, str, int]] = []
        self.section: str | None = None
        self.start = 0

    def new_section(self, section):
        self.section = section

    def _split_key_value(self, line):
        self.start = self.lineno
        return super()._split_key_value(line)

    def assignment(self, key, value):
        if self.section is None:
            self.error_no_section()
        self.found.append((ini.section_name(self.section), key,
                           '\n'.join(value), self.start))

    def error_no_section(self):
        raise self.parse_exc('Section must be started before assignment',
                             self.lineno, '')


def _oslo(text):
    """What oslo.config reads from ``text`` written to a file and read
    back in text mode (universal newlines), or the line it refuses."""
    recorder = _Recorder()
    try:
        recorder.parse(io.StringIO(text, newline=None))
    except iniparser.ParseError as exc:
        return None, exc.lineno
    return recorder.found, None


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(['[glance]', '[DEFAULT]', '']),
       st.lists(st.one_of(_valid, _valid, _line), max_size=12),
       st.sampled_from(_SEPARATORS))
def test_the_grammar_agrees_with_oslo_config(header, lines, separator):
    """Differential: every assignment's section, key, value and first
    line, and where a text is refused, as oslo.config's own parser."""
    text = separator.join([header] + lines)
    oslo, refused_at = _oslo(text)
    try:
        parsed = ini.parse(ini.physical_lines(text), entries=True)
    except ini.SyntaxProblem as exc:
        assert refused_at is not None, exc
        # oslo.config notices a missing section only where the value
        # ends; the grammar names the line of the key itself.
        if 'before any section' not in exc.reason:
            assert exc.lineno == refused_at
        return
    assert refused_at is None
    assert [(e.section, e.key, e.value, e.start + 1)
            for e in parsed.entries] == oslo


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(['[glance]', '[DEFAULT]', '']),
       st.lists(st.one_of(_valid, _valid, _line), max_size=12),
       st.sampled_from(_SEPARATORS))
def test_each_keys_last_assignment_is_its_last_entry(header, lines,
                                                      separator):
    """The sections a reader gets in one pass hold, for each key, its
    last entry's value and first line: continuation lines joined, as
    oslo.config joins them; every section named, keys or none."""
    text = separator.join([header] + lines)
    try:
        parsed = ini.parse(ini.physical_lines(text), entries=True)
    except ini.SyntaxProblem:
        return
    expected: dict[str, dict[str, ini.Assignment]] = {
        section: {} for section, _ in parsed.headers}
    for e in parsed.entries:
        expected[e.section][e.key] = ini.Assignment(e.value, e.start + 1)
    assert parsed.sections == expected
    assert list(parsed.sections) == list(expected)
    assert ini.parse(ini.physical_lines(text)).sections == expected


def test_a_value_over_many_lines_is_one_value():
    """A value's lines are joined once, where it ends (not again at each
    line, which would copy the value over and over): 200,000 continuation
    lines parse as one value, and the key after it keeps its line."""
    lines = ['[glance]', 'k = a'] + [' b'] * 200_000 + ['j = c']
    parsed = ini.parse(lines)
    assert parsed.sections['glance']['k'] == ini.Assignment(
        '\n'.join(['a'] + ['b'] * 200_000), 2)
    assert parsed.sections['glance']['j'].line == 200_003


@given(st.text(st.sampled_from('ab=[]\r\n \t\x0c\u2028'), max_size=40))
def test_split_lines_gives_the_text_back(text):
    lines = ini.split_lines(text)
    assert ''.join(line.text + line.end for line in lines) == text
    assert [line.text for line in lines] == \
        ini.physical_lines(text)[:len(lines)]


def test_entries_keep_their_lines_and_headers_their_place():
    parsed = ini.parse(ini.physical_lines(
        '[GLANCE]\napi_servers = "https://a",\n  https://b\n\n'
        '# note\n[DEFAULT]\ndebug: true\n'), entries=True)
    assert [(e.section, e.key, e.values, e.start, e.end)
            for e in parsed.entries] == [
        ('glance', 'api_servers', ['"https://a",', 'https://b'], 1, 3),
        ('DEFAULT', 'debug', ['true'], 6, 7)]
    assert parsed.headers == [('glance', 0), ('DEFAULT', 5)]


@pytest.mark.parametrize(('text', 'reason'), [
    ('[glance]\npassword hunter2\n', "line 2: no ':' or '='"),
    ('[glance]\n= hunter2\n', 'line 2: empty key'),
    ('  hunter2\n', 'line 1: unexpected continuation line'),
    ('[glance\n', 'line 1: section header must end with ]'),
    ('[]\n', 'line 1: empty section name'),
    ('password = hunter2\n', 'line 1: an option comes before any section'),
])
def test_errors_name_the_line_never_the_text(text, reason):
    with pytest.raises(ini.SyntaxProblem) as caught:
        ini.parse(ini.physical_lines(text))
    assert isinstance(caught.value, GlanceConfError)
    assert str(caught.value).startswith('syntax error at ' + reason)
    assert 'hunter2' not in str(caught.value)
