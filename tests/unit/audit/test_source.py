"""Raw reading of config files: strict, and safe in its errors."""

from __future__ import annotations

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
