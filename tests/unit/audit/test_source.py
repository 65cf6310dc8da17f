"""Raw reading of config files: strict, and safe in its errors."""

from __future__ import annotations

import os

import pytest

from glance_conf.audit import source


def test_parse_keeps_last_value_and_line(write_conf):
    path = write_conf('# comment\n[DeFaUlT]\ndebug = true\n[glance]\n'
                      'timeout = 1\ntimeout = 2\napi_servers = a,\n  b\n')
    raw = source.read_file(str(path))
    assert raw.get('glance', 'timeout') == source.Assignment('2', 6)
    assert raw.get('glance', 'api_servers').value == 'a,\nb'
    assert raw.get('glance', 'api_servers').line == 7
    assert raw.get('DEFAULT', 'debug').value == 'true'
    assert raw.get('glance', 'missing') is None


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
    with pytest.raises(source.LoadError) as err:
        source.read_file(str(path))
    assert reason in str(err.value)
    assert str(path) in str(err.value)
    assert 'hunter2' not in str(err.value)


def test_missing_directory_and_large_file(tmp_path, monkeypatch):
    with pytest.raises(source.LoadError, match='no such file'):
        source.read_file(str(tmp_path / 'nope.conf'))
    with pytest.raises(source.LoadError, match='is a directory'):
        source.read_file(str(tmp_path))
    fifo = tmp_path / 'fifo.conf'
    os.mkfifo(fifo)
    with pytest.raises(source.LoadError, match='not a regular file'):
        source.read_file(str(fifo))
    with pytest.raises(source.LoadError, match='not a regular file'):
        source.read_file('/dev/zero')
    monkeypatch.setattr(source, 'MAX_FILE_SIZE', 10)
    big = tmp_path / 'big.conf'
    big.write_text('[glance]\n' + 'x = 1\n' * 10)
    with pytest.raises(source.LoadError, match='the limit is 10'):
        source.read_file(str(big))


def test_dir_files_matches_oslo_order(tmp_path):
    for name in ('b.conf', 'a.conf', 'c.txt'):
        (tmp_path / name).write_text('[glance]\n')
    assert source.dir_files(str(tmp_path)) == [
        str(tmp_path / 'a.conf'), str(tmp_path / 'b.conf')]
    with pytest.raises(source.LoadError, match='no such directory'):
        source.dir_files(str(tmp_path / 'missing'))


# -- same grammar as oslo.config ----------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from oslo_config import iniparser  # noqa: E402


class _Oslo(iniparser.BaseParser):
    def __init__(self):
        self.sections = {}
        self.section = None

    def new_section(self, section):
        self.section = 'DEFAULT' if section.lower() == 'default' else section
        self.sections.setdefault(self.section, {})

    def assignment(self, key, value):
        if self.section is None:
            raise iniparser.ParseError('no section', self.lineno, '')
        self.sections[self.section][key] = '\n'.join(value)


_line = st.one_of(
    st.just(''), st.just('[glance]'), st.just('[DEFAULT]'), st.just('[]'),
    st.just('[x'), st.just('# c'), st.just('; c'), st.just('  cont'),
    st.from_regex(r'[a-z_-]{0,6} ?[=:] ?[a-z0-9 "\':=]{0,8}', fullmatch=True),
    st.text(st.sampled_from('ab =:[]#;"\' \t'), max_size=8))


@settings(max_examples=400, deadline=None)
@given(st.lists(_line, max_size=12))
def test_parser_agrees_with_oslo_iniparser(lines):
    text = '\n'.join(lines)
    oslo = _Oslo()
    try:
        oslo.parse(text.splitlines())
        oslo_error = None
    except iniparser.ParseError as exc:
        oslo_error = exc.lineno
    try:
        ours = source.parse_text('x.conf', text)
    except source.LoadError as exc:
        assert oslo_error is not None, exc
        # oslo.config notices a missing section only when the assignment
        # ends; we name the line of the key itself.
        if 'before any section' not in exc.reason:
            assert 'line %d:' % oslo_error in exc.reason
        return
    assert oslo_error is None
    assert {s: {k: a.value for k, a in keys.items()}
            for s, keys in ours.sections.items()} == oslo.sections
