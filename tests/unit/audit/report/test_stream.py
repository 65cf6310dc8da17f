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

"""One JSON document with lists streamed into it."""

from __future__ import annotations

import io
import json

import pytest

from glance_conf.audit.report import stream


def _write(head, path, items):
    out = io.StringIO()
    stream.write_json_with_stream(out, head, path, items)
    return out.getvalue()


@pytest.mark.parametrize('items', [[], [{'b': 1, 'a': 2}],
                                   [{'n': i} for i in range(5)]])
def test_items_land_at_the_key_path(items):
    head = {'$schema': 's', 'runs': [{'tool': {'x': '"results": []'},
                                      'results': []}]}
    text = _write(head, ('runs', 0, 'results'), iter(items))
    doc = json.loads(text)
    assert doc['runs'][0]['results'] == items
    assert doc['runs'][0]['tool'] == {'x': '"results": []'}
    assert head['runs'][0]['results'] == []  # the caller's is unchanged
    assert text.endswith('}\n')


def test_a_new_key_and_one_line_per_item():
    text = _write({'mode': 'fleet'}, ('findings',), [{'b': 1, 'a': 2}] * 2)
    assert json.loads(text) == {'mode': 'fleet',
                                'findings': [{'a': 2, 'b': 1}] * 2}
    assert text.splitlines()[-5:] == [
        '  "findings": [', '    {"a": 2, "b": 1},', '    {"a": 2, "b": 1}',
        '  ]', '}']


def test_items_are_written_as_they_come():
    """Nothing is held back: the head is out before the first item."""
    out = io.StringIO()

    def items():
        assert out.getvalue().endswith('"findings": [')
        yield {'n': 1}
        assert out.getvalue().endswith('{"n": 1}')
        yield {'n': 2}

    stream.write_json_with_stream(out, {'a': 1}, ['findings'], items())
    assert json.loads(out.getvalue())['findings'] == [{'n': 1}, {'n': 2}]


def test_a_path_into_nothing_is_refused():
    with pytest.raises(TypeError):
        _write({'runs': 'x'}, ('runs', 0, 'results'), [])


def test_several_lists_each_at_its_place_in_document_order():
    """Each list is written where it stands, whichever order they are
    given in, and each iterable is read once, as it comes."""
    out = io.StringIO()
    read = []

    def items(name, n):
        for i in range(n):
            read.append(name)
            yield {name: i}

    head = {'mode': 'fleet', 'files': None, 'summary': {'high': 1},
            'posture': None}
    stream.write_json_with_streams(out, head, [
        (('findings',), items('finding', 2)),
        (('posture',), iter([['h', 'g', 'f', [None], [0]]])),
        (('files',), items('file', 3))])
    doc = json.loads(out.getvalue())
    assert list(doc) == ['mode', 'files', 'summary', 'posture', 'findings']
    assert doc['files'] == [{'file': i} for i in range(3)]
    assert doc['posture'] == [['h', 'g', 'f', [None], [0]]]
    assert doc['findings'] == [{'finding': i} for i in range(2)]
    assert doc['summary'] == {'high': 1}
    assert read == ['file'] * 3 + ['finding'] * 2
    assert out.getvalue().endswith('}\n')
