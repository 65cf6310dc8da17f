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

"""One JSON document with lists in it written item by item.

A report can hold more findings (and hosts) than fit in memory, so the
JSON and SARIF writers stream them into an otherwise complete document.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import TextIO

#: Spaces per nesting level of the document.
INDENT = 2


def _with(doc: Any, path: Sequence[str | int], value: Any) -> Any:
    """A copy of ``doc`` with ``value`` at ``path``; ``doc`` is unchanged."""
    if not path:
        return value
    key, rest = path[0], path[1:]
    if isinstance(doc, list) and isinstance(key, int):
        items = list(doc)
        items[key] = _with(items[key], rest, value)
        return items
    if isinstance(doc, Mapping) and isinstance(key, str):
        copy = dict(doc)
        copy[key] = _with(copy.get(key), rest, value)
        return copy
    raise TypeError('no %r in the document' % (key,))


def write_json_with_stream(out: TextIO, head_doc: Mapping[str, Any],
                           key_path: Sequence[str | int],
                           items: Iterable[Any]) -> None:
    """Write ``head_doc`` as indented JSON, its list at ``key_path`` being
    ``items``, written one compact line each as they come.

    :param key_path: keys (and list indexes) from the top of ``head_doc``
        to the streamed list, such as ``('runs', 0, 'results')``; the
        last key need not exist in ``head_doc``.
    """
    write_json_with_streams(out, head_doc, [(key_path, items)])


def write_json_with_streams(
        out: TextIO, head_doc: Mapping[str, Any],
        streams: Sequence[tuple[Sequence[str | int], Iterable[Any]]]
) -> None:
    """:func:`write_json_with_stream` with several lists, each at its key
    path: a report streams each per-host list (files, posture rows,
    findings) and keeps only counts and short lists in its head.

    The lists are written in the order they appear in the document, one
    after the other, so each iterable is read once.
    """
    # Each list's place is held by a random string: no value in the head
    # can equal it, so it is found exactly once, and escaping never
    # changes it.
    doc: Any = head_doc
    markers = []
    for key_path, items in streams:
        marker = json.dumps('stream-%s' % secrets.token_hex(16))
        doc = _with(doc, key_path, json.loads(marker))
        markers.append((marker, items))
    text = json.dumps(doc, indent=INDENT)
    markers.sort(key=lambda pair: text.index(pair[0]))
    for marker, items in markers:
        before, _, text = text.partition(marker)
        line = before[before.rfind('\n') + 1:]
        pad = ' ' * (len(line) - len(line.lstrip(' ')))
        out.write(before + '[')
        first = True
        for item in items:
            out.write(('\n' if first else ',\n') + pad + ' ' * INDENT)
            out.write(json.dumps(item, sort_keys=True))
            first = False
        out.write('\n' + pad + ']' if not first else ']')
    out.write(text + '\n')
