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

"""Reading bundles: the contract's shape, refused in one line, and the
host facts answered from the bundle, never from this machine's disk."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from glance_conf import _files
from glance_conf import exception
from glance_conf.audit import bundle
from glance_conf.audit.exception import LoadError
from tests import bundles as make

CA = '/etc/nova/certs/ca.pem'


def _load(tmp_path, data, raw=None):
    path = tmp_path / 'compute-01.json'
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(json.dumps(data))
    return bundle.load(str(path))


def _refused(tmp_path, data=None, raw=None):
    with pytest.raises(LoadError) as caught:
        _load(tmp_path, data, raw)
    assert caught.value.path.endswith('compute-01.json')
    assert '\n' not in caught.value.reason
    return caught.value.reason


def test_a_bundle_is_read_as_the_contract_says(tmp_path):
    """Host, group, account, files in order and every recorded fact."""
    data = make.bundle(group='az1', files=[
        make.config('/etc/nova/nova.conf', '[glance]\n'),
        make.config('/etc/nova/nova.conf.d/10.conf', '[DEFAULT]\n')])
    found = _load(tmp_path, data)
    assert (found.host, found.group) == ('compute-01', 'az1')
    assert [c.path for c in found.config] == [
        '/etc/nova/nova.conf', '/etc/nova/nova.conf.d/10.conf']
    assert found.account == _files.Account(
        make.NOVA, make.NOVA, frozenset({make.NOVA}))
    assert found.facts[CA].stat.st_mode == make.REGULAR | 0o644
    assert found.facts['/etc/nova/certs'].stat is not None
    assert found.config_dirs == {'/etc/nova', '/etc/nova/nova.conf.d'}


def test_a_bundle_may_say_its_service(tmp_path):
    """The field is optional: a bundle without it (v1 as first written)
    leaves the service to be recognised from its files."""
    assert _load(tmp_path, make.bundle()).service is None
    assert _load(tmp_path, make.bundle(service='cinder')).service == \
        'cinder'


def test_the_host_falls_back_to_the_file_name(tmp_path):
    assert _load(tmp_path, make.bundle(host=None)).host == 'compute-01'


@pytest.mark.parametrize('change, expected', [
    ({'format': 'something-else'}, 'not a glance-conf-bundle'),
    ({'version': 2}, 'bundle version 2 is not one this reader knows (1)'),
    ({'version': '1'}, 'bundle version not a number'),
    ({'version': True}, 'bundle version not a number'),
    ({'account': None}, 'account: expected an object'),
    ({'account': {'uid': -1}}, 'account.uid: expected a number'),
    ({'config': {}}, 'config: expected a list'),
    ({'config': [{'path': 'nova.conf', 'text': ''}]},
     'config[0].path: expected an absolute path'),
    ({'config': [{'path': '/n', 'text': None, 'error': None}]},
     'config[0] (/n): no text and no error'),
    ({'config': [{'path': '/n', 'text': 7}]},
     'config[0] (/n).text: expected a text or null'),
    ({'config': [{'path': '/n', 'text': '', 'stat': {'mode': 1.5}}]},
     'config[0] (/n).stat.mode: expected a number'),
    ({'config': [{'path': '/n', 'text': '[a]\n\x00'}]}, 'binary data'),
    ({'config': [{'path': '/n', 'text': '\udcff'}]},
     'config[0] (/n): the text is not valid UTF-8'),
    ({'host': 'two\nlines'}, 'host: expected a printable name'),
    ({'group': 7}, 'group: expected a non-empty text or null'),
    ({'service': 'swift'},
     'service: expected one of nova, cinder, glance-api or null'),
    ({'service': 7},
     'service: expected one of nova, cinder, glance-api or null'),
    ({'paths': []}, 'paths: expected an object'),
    ({'paths': {CA: {'directories': [{'path': 'etc'}]}}},
     'paths (entry 1).directories[0].path: expected an absolute path'),
    ({'config_dirs': [{'path': '/etc/nova', 'stat': 'x'}]},
     'config_dirs[0].stat: expected an object'),
])
def test_a_wrong_shape_is_refused_naming_the_field(tmp_path, change,
                                                   expected):
    data = dict(make.bundle(), **change)
    assert expected in _refused(tmp_path, data)


def test_the_limits_are_the_contracts(tmp_path):
    """A text over 2 MiB, too many files or paths: refused, named."""
    big = 'x' * (bundle.MAX_TEXT_SIZE + 1)
    assert 'larger than %d bytes' % bundle.MAX_TEXT_SIZE in _refused(
        tmp_path, make.bundle(files=[make.config('/n', big)]))
    # Counted in UTF-8 bytes, not characters: half as many 'é' is over.
    wide = '\u00e9' * (bundle.MAX_TEXT_SIZE // 2 + 1)

    def raw(text):
        return json.dumps(make.bundle(files=[make.config('/n', text)]),
                          ensure_ascii=False).encode('utf-8')
    assert 'larger than %d bytes' % bundle.MAX_TEXT_SIZE in _refused(
        tmp_path, raw=raw(wide))
    assert _load(tmp_path, None, raw(wide[:-1])).config[0].text == \
        wide[:-1]
    many = [make.config('/n%d' % i, '') for i in range(
        bundle.MAX_CONFIG_FILES + 1)]
    assert 'config: more than 256 entries' in _refused(
        tmp_path, make.bundle(files=many))
    paths = {'/p%d' % i: make.missing('/p%d' % i)
             for i in range(bundle.MAX_NAMED_PATHS + 1)}
    assert 'paths: more than 64 entries' in _refused(
        tmp_path, make.bundle(paths=paths))


#: Every integer of the default bundle, and its bound.
INTEGERS = [(keys, bundle.MAX_MODE if keys[-1] == 'mode' else bundle.MAX_ID)
            for keys in make.integers(make.bundle())]


def test_every_integer_of_the_format_is_bounded():
    """The contract's integers are a mode, uids and gids (the table
    below must see each of them)."""
    assert {keys[-1] if isinstance(keys[-1], str) else keys[-2]
            for keys, _ in INTEGERS} == {'mode', 'uid', 'gid', 'groups'}
    assert len(INTEGERS) == 24


@pytest.mark.parametrize('keys, limit', INTEGERS)
def test_an_integer_out_of_its_bounds_is_refused_naming_it(tmp_path, keys,
                                                           limit):
    """Issue 20 item 3: a ``mode`` of 2**32 made ``stat.S_ISDIR`` raise
    OverflowError in the host checks; what the kernel cannot record is
    refused when the bundle is read, naming the field, never the value.
    """
    data = make.bundle()
    where = make.field(data, keys)
    for value in (limit + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 64, 10 ** 100,
                  -1):
        if value <= limit:
            continue
        reason = _refused(tmp_path, make.replace(data, keys, value))
        assert reason == '%s: expected a number from 0 to %d%s' % (
            where, limit, ' or null' if keys in (
                ('account', 'uid'), ('account', 'gid')) else '')
        assert str(value) not in reason
    assert _load(tmp_path, make.replace(data, keys, limit)).host == \
        'compute-01'


def test_a_bundle_over_the_size_limit_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(bundle, 'MAX_BUNDLE_SIZE', 100)
    assert _refused(tmp_path, make.bundle()) == \
        'bundle is larger than 100 bytes'


#: Reads one bundle in a fresh process; prints how much its peak
#: resident memory grew, in bytes, and the reason it was refused.
_PEAK = """
import json, resource, sys
from glance_conf.audit import bundle
from glance_conf.audit.exception import LoadError

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

before, reason = peak(), None
try:
    bundle.load(sys.argv[1])
except LoadError as exc:
    reason = exc.reason
print(json.dumps([peak() - before, reason]))
"""

#: Peak memory of reading a bundle, at most, in multiples of its size:
#: the bytes and their text (4 bytes a character once one needs it),
#: then the parsed strings; the objects the parse builds are bounded by
#: MAX_JSON_TOKENS (about 3 MiB), well under one more file.
PEAK_MULTIPLE = 10


def _adversarial(shape: str, size: int) -> bytes:
    """A bundle of ``size`` bytes that costs the parser the most."""
    head = b'{"format": "glance-conf-bundle", "version": 1, "x": ['
    tail = b']}'
    if shape == 'pad':
        # As many cheap objects as the token count lets through, then
        # one string (with a character that needs 4 bytes in a str).
        many = b'{},' * (bundle.MAX_JSON_TOKENS // 2 - 32)
        pad = size - len(head + many + tail) - 6
        return head + many + b'"\xf0\x9f\x94\x91' + b'x' * pad + b'"' + tail
    unit = {'lists': b'[],', 'objects': b'{},', 'strings': b'"ab",',
            'numbers': b'1.5,', 'deep': b'[[[[[[[[[[1]]]]]]]]]],'}[shape]
    body = unit * ((size - len(head + tail)) // len(unit))
    return head + body[:-1] + b' ' * (size - len(head + body + tail) + 1) \
        + tail


#: Starts the process that measures from a small one: a process's
#: ru_maxrss starts at the peak of the one that spawned it (Linux keeps
#: it across fork and exec), and pytest's own would hide the growth.
_SMALL_PARENT = ('import subprocess, sys; '
                 'sys.exit(subprocess.run(sys.argv[1:]).returncode)')


def _peak(path):
    done = subprocess.run([sys.executable, '-S', '-c', _SMALL_PARENT,
                           sys.executable, '-c', _PEAK, str(path)],
                          capture_output=True, text=True, timeout=300,
                          check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize('shape', ['lists', 'objects', 'strings',
                                   'numbers', 'deep', 'pad'])
def test_reading_a_bundle_costs_a_small_multiple_of_it(tmp_path, shape):
    """Issue 20 item 7: a 64 MiB bundle of empty objects drove the
    controller to 1.7 GiB (the parser builds every object before any
    shape check). Just under the cap, whatever its shape, a bundle now
    costs at most PEAK_MULTIPLE times its size to read or refuse."""
    path = tmp_path / 'compute-01.json'
    path.write_bytes(_adversarial(shape, bundle.MAX_BUNDLE_SIZE - 16))
    size = path.stat().st_size
    assert bundle.MAX_BUNDLE_SIZE - 16 - 8 <= size <= \
        bundle.MAX_BUNDLE_SIZE
    grew, reason = _peak(path)
    assert grew <= PEAK_MULTIPLE * size, (grew / size, reason)
    if shape == 'pad':  # parsed: refused by its shape
        assert reason == 'account: expected an object'
    else:
        assert reason == 'more than %d JSON tokens; a real bundle holds a ' \
            'few hundred' % bundle.MAX_JSON_TOKENS


def test_a_bundle_over_the_cap_is_refused_before_it_is_read(tmp_path):
    """The size is checked on the open file before reading: a sparse
    file far over the cap costs nothing."""
    path = tmp_path / 'compute-01.json'
    with open(path, 'wb') as handle:
        handle.truncate(2 ** 40)
    grew, reason = _peak(path)
    assert reason == 'bundle is larger than %d bytes' % \
        bundle.MAX_BUNDLE_SIZE
    assert grew < bundle.MAX_BUNDLE_SIZE // 4


def test_the_cap_holds_a_config_at_the_command_lines_own_limit(tmp_path):
    """A host whose one file is as large as the command line audits is
    read from its bundle too."""
    data = make.bundle(files=[make.config(
        '/etc/nova/nova.conf', '#' * (bundle.MAX_TEXT_SIZE - 1) + '\n')])
    assert _load(tmp_path, data).config[0].text.startswith('#')


def test_only_json_tokens_count_not_marks_inside_strings(tmp_path):
    """The quick bound counts every quote and mark, in strings too; a
    config whose values hold more commas and colons than the cap is
    then counted exactly, and read."""
    data = make.bundle(files=[make.config(
        '/etc/nova/nova.conf',
        '[DEFAULT]\nx = %s\n' % (',:' * bundle.MAX_JSON_TOKENS))])
    assert _load(tmp_path, data).config[0].text.count(',:') == \
        bundle.MAX_JSON_TOKENS


def test_one_token_over_the_cap_is_refused(tmp_path):
    """Counted exactly at the cap: a bundle of the cap's tokens is
    parsed (and refused for its shape), one more is not parsed."""
    def of(tokens):
        # {"a": [1,1,...]}: '{', the string, ':', '[' and the commas.
        return ('{"a": [%s]}' % ','.join('1' * (tokens - 3))).encode()
    assert _refused(tmp_path, raw=of(bundle.MAX_JSON_TOKENS)).startswith(
        'not a glance-conf-bundle')
    assert 'JSON tokens' in _refused(tmp_path,
                                     raw=of(bundle.MAX_JSON_TOKENS + 1))


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from('"{[,:]}\\ a1'), max_size=64))
def test_a_text_holds_no_more_tokens_than_characters(text):
    """The length bound the token cap is checked with first is sound."""
    assert bundle._tokens(text) <= len(text)


def test_not_json_nor_utf8_is_refused_without_quoting(tmp_path):
    """The position is named; the text (a masked secret...) never is."""
    reason = _refused(tmp_path, raw=b'{"password": hunter2}')
    assert reason == 'not valid JSON (line 1, column 14)'
    assert _refused(tmp_path, raw=b'{"a": "\xff"}') == \
        'not valid UTF-8 (at byte 7)'
    assert 'nested too deeply' in _refused(tmp_path, raw=b'[' * 60_000)


def test_a_number_too_long_is_refused_not_an_internal_error(tmp_path):
    """M3: Python refuses integers of more than 4300 digits with a
    ValueError; it is this bundle's error, not the fleet's."""
    assert _refused(tmp_path, raw=b'{"version": 1%s}' % (b'0' * 5000)) == \
        'not valid JSON: a number too long'


def test_a_path_value_is_never_shown_in_a_shape_error(tmp_path):
    """A ``paths`` key is a config value: the entry is numbered."""
    data = make.bundle(paths={'https://u:SECRET@x/': {'stat': 'x'}})
    reason = _refused(tmp_path, data)
    assert 'SECRET' not in reason and 'paths (entry 1).stat' in reason


def test_files_are_the_json_in_name_order(tmp_path):
    for name in ('b.json', 'a.json', 'notes.txt'):
        (tmp_path / name).write_text('{}')
    assert bundle.files(str(tmp_path)) == [
        str(tmp_path / 'a.json'), str(tmp_path / 'b.json')]
    with pytest.raises(LoadError, match='no such directory'):
        bundle.files(str(tmp_path / 'gone'))
    (tmp_path / 'empty').mkdir()
    with pytest.raises(LoadError, match=r'no bundle \(\*\.json\)'):
        bundle.files(str(tmp_path / 'empty'))


def test_only_regular_files_are_bundles(tmp_path):
    """L1: a FIFO named *.json would block the reader; a link (stale
    or not) is no host of its own."""
    (tmp_path / 'a.json').write_text('{}')
    os.mkfifo(tmp_path / 'fifo.json')
    (tmp_path / 'stale.json').symlink_to(tmp_path / 'gone.json')
    (tmp_path / 'link.json').symlink_to(tmp_path / 'a.json')
    (tmp_path / 'dir.json').mkdir()
    assert bundle.files(str(tmp_path)) == [str(tmp_path / 'a.json')]


def test_load_never_blocks_on_a_fifo_nor_follows_a_link(tmp_path):
    os.mkfifo(tmp_path / 'fifo.json')
    (tmp_path / 'link.json').symlink_to(tmp_path / 'fifo.json')
    with pytest.raises(LoadError) as caught:
        bundle.load(str(tmp_path / 'fifo.json'))
    assert caught.value.reason == 'is not a regular file'
    with pytest.raises(LoadError) as caught:
        bundle.load(str(tmp_path / 'link.json'))
    assert caught.value.reason == 'is a symbolic link, not a bundle file'


def test_config_dirs_the_host_could_not_examine_are_kept(tmp_path):
    """H2: the reader keeps each config dir's error."""
    data = make.bundle(dirs=[
        make.directory('/etc/nova'),
        {'path': '/etc/nova/nova.conf.d', 'stat': None,
         'error': 'does not exist'}])
    assert _load(tmp_path, data).dir_errors == (
        ('/etc/nova/nova.conf.d', 'does not exist'),)


# -- the recorded host --------------------------------------------------------

def _host(tmp_path, **kwargs):
    return _load(tmp_path, make.bundle(**kwargs)).host_facts()


def test_facts_come_from_the_bundle_not_this_machine(tmp_path):
    """``/etc/nova/certs/ca.pem`` exists on no test machine."""
    assert not os.path.exists(CA)
    host = _host(tmp_path)
    assert host.problem_reading(CA) is None
    assert host.examine('compute-01:/etc/nova/nova.conf').st_mode == \
        make.REGULAR | 0o640
    assert host.directory_of('compute-01:/etc/nova/nova.conf') == \
        '/etc/nova'
    assert host.config_dirs([]) == {'/etc/nova'}


def test_recorded_problems_read_as_on_the_host(tmp_path):
    unreadable = make.present(CA, mode=0o600, uid=0)
    closed = make.present(CA)
    closed['directories'][-1]['stat'] = make.stat_of(0o700, 0, 0,
                                                     make.DIRECTORY)
    denied = {'stat': None, 'error': 'cannot be examined (Permission '
              'denied)', 'directories': []}
    cases = [(make.missing(CA), 'does not exist'),
             (unreadable, 'is not readable by the service account'),
             (closed, 'is in a directory the service account cannot '
              'enter'),
             (denied, 'cannot be examined (Permission denied)'),
             (make.present(CA, mode=0o644) | {
                 'stat': make.stat_of(0o755, kind=make.DIRECTORY)},
              'is a directory, not a file')]
    for fact, expected in cases:
        assert _host(tmp_path, paths={CA: fact}).problem_reading(CA) == \
            expected


def test_a_path_not_recorded_is_kept_not_judged(tmp_path):
    """Neither "does not exist" nor fine: the caller reports it."""
    host = _host(tmp_path)
    assert host.problem_reading('/var/lib/nova/ca.pem') is None
    assert host.examine('/var/lib/nova/key.pem') is None
    with pytest.raises(exception.NotRecorded) as caught:
        host.stat('/x')
    assert caught.value.errno == errno.ENODATA
    assert host.unrecorded == {'/var/lib/nova/ca.pem',
                               '/var/lib/nova/key.pem', '/x'}


def test_an_unknown_account_judges_nothing(tmp_path):
    host = _host(tmp_path, uid=None,
                 paths={CA: make.present(CA, mode=0o600)})
    assert host.problem_reading(CA) is None


@pytest.mark.parametrize('text, end', [
    ('"abc"', 5), ('"a\\"b"', 6), ('"a\\\\"b', 5), ('"\\\\\\""', 6),
    ('"never', -1), ('"a\\"', -1), ('""', 2),
])
def test_a_json_string_ends_at_its_unescaped_quote(text, end):
    assert bundle._string_end(text, 0) == end
    if end > 0:
        assert json.loads(text[:end]) is not None
