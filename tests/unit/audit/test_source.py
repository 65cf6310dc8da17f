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

"""Raw reading of config files: strict, and safe in its errors."""

from __future__ import annotations

import os

import pytest

from glance_conf.audit import source
from glance_conf.audit.exception import LoadError


def test_parse_keeps_last_value_and_line(write_conf):
    path = write_conf('# comment\n[DEFAULT]\ndebug = true\n[glance]\n'
                      'timeout = 1\ntimeout = 2\napi_servers = a,\n  b\n')
    raw = source.read_file(str(path))
    assert raw.get('glance', 'timeout') == source.Assignment('2', 6)
    assert raw.get('glance', 'api_servers').value == 'a,\nb'
    assert raw.get('glance', 'api_servers').line == 7
    assert raw.get('DEFAULT', 'debug').value == 'true'
    assert raw.get('glance', 'missing') is None
    # Hashable, as it was when frozen: a plugin may keep hits in a set.
    assert len({raw.get('glance', 'timeout'),
                source.Assignment('2', 6)}) == 1


@pytest.mark.parametrize('data,reason', [
    (b'[glance]\ntimeout = 1\x00\n', 'binary data'),
    (b'\xff\xfe[glance]\n', 'not valid UTF-8'),
    (b'[glance]\nok = 1\nbad = \xc3\x28\n', 'line 3'),
    (b'timeout = 1\n', 'before any section'),
    (b'[glance\n', 'syntax error at line 1'),
    (b'[glance]\npassword hunter2\n', 'syntax error at line 2'),
    (b'[glance]\n  continued\n', 'syntax error at line 2'),
])
def test_refused_files_name_the_problem_not_the_text(tmp_path, data, reason):
    path = tmp_path / 'bad.conf'
    path.write_bytes(data)
    with pytest.raises(LoadError) as err:
        source.read_file(str(path))
    assert reason in str(err.value)
    assert str(path) in str(err.value)
    assert 'hunter2' not in str(err.value)


def test_missing_directory_and_large_file(tmp_path, monkeypatch):
    with pytest.raises(LoadError, match='no such file'):
        source.read_file(str(tmp_path / 'nope.conf'))
    with pytest.raises(LoadError, match='is a directory'):
        source.read_file(str(tmp_path))
    fifo = tmp_path / 'fifo.conf'
    os.mkfifo(fifo)
    with pytest.raises(LoadError, match='not a regular file'):
        source.read_file(str(fifo))
    with pytest.raises(LoadError, match='not a regular file'):
        source.read_file('/dev/zero')
    monkeypatch.setattr(source, 'MAX_FILE_SIZE', 10)
    big = tmp_path / 'big.conf'
    big.write_text('[glance]\n' + 'x = 1\n' * 10)
    with pytest.raises(LoadError, match='the limit is 10'):
        source.read_file(str(big))


@pytest.mark.parametrize('size, grown, limit, read', [
    (5, 5, 10, 5),      # as examined
    (5, 8, 10, 8),      # grew, under the limit: all of it
    (5, 30, 10, 11),    # grew past the limit: one byte over, no more
    (0, 30, 10, 11),    # was empty when examined
    (30, 30, 10, 11),   # over the limit already
])
def test_a_capped_read_sees_a_file_that_grew(tmp_path, size, grown, limit,
                                             read):
    """The read is sized by the file as examined, yet a file that grew
    since is read on to one byte over the limit, so it is refused."""
    path = tmp_path / 'f.conf'
    path.write_bytes(b'x' * grown)
    with open(path, 'rb') as handle:
        assert len(source.read_capped(handle, size, limit)) == read


def test_dir_files_matches_oslo_order(tmp_path):
    for name in ('b.conf', 'a.conf', 'c.txt'):
        (tmp_path / name).write_text('[glance]\n')
    assert source.dir_files(str(tmp_path)) == [
        str(tmp_path / 'a.conf'), str(tmp_path / 'b.conf')]
    with pytest.raises(LoadError, match='no such directory'):
        source.dir_files(str(tmp_path / 'missing'))


def test_runtime_reads_are_not_capped(tmp_path, monkeypatch):
    """The runtime API audits what oslo.config parsed, however large."""
    monkeypatch.setattr(source, 'MAX_FILE_SIZE', 10)
    big = tmp_path / 'big.conf'
    big.write_text('[glance]\n' + 'x = 1\n' * 10 + 'nul = a\x00b\n')
    raw = source.read_file(str(big), strict=False)
    assert raw.get('glance', 'nul').value == 'a\x00b'


def test_unlistable_config_dir_is_not_empty(tmp_path):
    """A file is not a directory; listing errors never pass as empty."""
    path = tmp_path / 'file.conf'
    path.write_text('')
    with pytest.raises(LoadError, match='not a directory'):
        source.dir_files(str(path))


@pytest.mark.parametrize('text,section,key,value', [
    # oslo.config: section names are case-insensitive, except DEFAULT.
    ('[GLANCE]\ninsecure = true\n', 'glance', 'insecure', 'true'),
    ('[SSL]\nca_file = /a\n', 'ssl', 'ca_file', '/a'),
    ('[Glance]\ntimeout = 1\n[glance]\ntimeout = 2\n', 'glance', 'timeout',
     '2'),
    ('[default]\ndebug = true\n', 'default', 'debug', 'true'),
    # Only \n, \r and \r\n end a line, as in a text-mode file.
    ('[glance]\nregion_name = a\x0cinsecure = true\n', 'glance',
     'region_name', 'a\x0cinsecure = true'),
    ('[glance]\nregion_name = a\u2028insecure = true\n', 'glance',
     'region_name', 'a\u2028insecure = true'),
    ('[glance]\rtimeout = 3\r\n', 'glance', 'timeout', '3'),
])
def test_sections_and_lines_as_oslo_reads_them(write_conf, text, section,
                                               key, value):
    path = write_conf(text)
    raw = source.read_file(str(path))
    assert raw.get(section, key).value == value
    assert raw.get('glance', 'insecure') is None or section == 'glance'
    assert 'DEFAULT' not in raw.sections or 'DEFAULT' in text


# -- same grammar as oslo.config ----------------------------------------------

import tempfile  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from oslo_config import cfg  # noqa: E402

_SEPARATORS = ('\n', '\r\n', '\r', '\x0c', '\x0b', '\x85', '\u2028', '\x1c')

_line = st.one_of(
    st.just(''), st.just('[glance]'), st.just('[DEFAULT]'), st.just('[]'),
    st.sampled_from(['[GLANCE]', '[Glance]', '[SSL]', '[ssl]', '[default]',
                     '[Default]', '[DEFAULT ]', '[ glance]']),
    st.just('[x'), st.just('# c'), st.just('; c'), st.just('  cont'),
    st.just('\tcont'), st.just('\x0c[glance]'), st.just('\ufeff[glance]'),
    st.from_regex(r'[a-z_-]{0,6} ?[=:] ?[a-z0-9 "\':=$]{0,8}',
                  fullmatch=True),
    st.text(st.sampled_from('ab =:[]#;"\' \t\x0c\u2028\x85'), max_size=8))


def _oslo_sections(path):
    """oslo.config's own parse: its normalized sections, last value."""
    sections, normalized = {}, {}
    parser = cfg.ConfigParser(path, sections)
    parser._add_normalized(normalized)
    parser.parse()
    return {name: {key: values[-1] for key, values in keys.items()}
            for name, keys in normalized.items()}


@settings(max_examples=400, deadline=None)
@given(st.lists(_line, max_size=12), st.sampled_from(_SEPARATORS))
def test_parser_agrees_with_oslo_config(lines, separator):
    """Differential: what oslo.config's ConfigParser reads, we read."""
    text = separator.join(lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = tmp + '/x.conf'
        with open(path, 'w', encoding='utf-8', newline='') as handle:
            handle.write(text)
        try:
            oslo = _oslo_sections(path)
            oslo_error = None
        except cfg.ParseError as exc:
            oslo, oslo_error = None, exc.lineno
        try:
            ours = source.read_file(path)
        except LoadError as exc:
            assert oslo_error is not None, exc
            # oslo.config notices a missing section only when the
            # assignment ends; we name the line of the key itself.
            if 'before any section' not in exc.reason:
                assert 'line %d:' % oslo_error in exc.reason
            return
    assert oslo_error is None
    assert {s: {k: a.value for k, a in keys.items()}
            for s, keys in ours.sections.items()} == oslo
