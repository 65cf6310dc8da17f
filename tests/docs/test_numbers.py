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

"""Every bound the docs state is the code's.

The configuration reference's table is generated from the types
(``doc/source/_exts/gcbounds.py``); the prose pages state bounds by hand,
so each statement is read back here and compared with the constant or
the option's limits. A sentence reworded so that its pattern no longer
matches fails the test: update the pattern with it. No build needed.
"""

from __future__ import annotations

import pathlib
import re
import sys

import pytest

from glance_conf import definitions
from glance_conf import transport
from glance_conf.audit import probe

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / 'doc' / 'source' / '_exts'))

import gcbounds  # noqa: E402

_N = r'([0-9]+(?:\.[0-9]+)?)'


def _text(name: str) -> str:
    """A page with its white-space folded, so patterns span line ends."""
    return ' '.join((ROOT / name).read_text().split())


def _limit(dest: str, key: str) -> float:
    return definitions.get(dest).limits()[key]


# -- the generated table ------------------------------------------------------

#: The numbers a row may spell out: the TCP port range, IP versions, an
#: interface name, oslo.config's boolean spellings, the value ``0`` and
#: check IDs are no bounds of ours.
_NOT_BOUNDS = re.compile(r'1-65535|IPv[46]|%eth0|1/0|``0``|GC[0-9]{3}')


@pytest.mark.parametrize('row', gcbounds.ROWS, ids=lambda r: r[1])
def test_no_bound_is_typed_into_the_table(row):
    _, label, text = row
    assert not re.search('[0-9]', _NOT_BOUNDS.sub('', label + text))


def test_the_reference_page_uses_the_generated_table():
    page = (ROOT / 'doc/source/configuration/index.rst').read_text()
    assert '.. glance-conf-bounds::' in page
    assert '===  ' not in page.split('Why each ceiling')[0]


def test_the_table_states_each_options_limits():
    rows = dict(gcbounds.rows())
    assert rows['``num_retries``'].startswith(
        '0 to %d (default 3);' % definitions.MAX_NUM_RETRIES)
    assert 'above %d the audit' % definitions.RECOMMENDED_NUM_RETRIES in \
        rows['``num_retries``']
    assert rows['``timeout``'].startswith(
        'above 0, at most %d seconds' % definitions.MAX_TIMEOUT)
    assert definitions.get('timeout').type.min_exclusive
    assert rows['``api_servers``'].startswith(
        'up to %d URLs' % definitions.MAX_API_SERVERS)
    assert 'each 400 to 599' in rows['``retriable_status_codes``']
    assert 'at most %d s)' % transport.MAX_RETRY_AFTER in \
        rows['``*_retry_delay``']


def test_a_row_whose_options_differ_is_refused(monkeypatch):
    monkeypatch.setattr(gcbounds, 'ROWS', (
        (('num_retries', 'connect_retries'), 'x', '{o.max}'),))
    with pytest.raises(ValueError, match='row x differ'):
        gcbounds.rows()


# -- bounds stated in prose -------------------------------------------------

#: (page, pattern, the values its groups must read as).
STATED = [
    ('README.rst', r'retries stop at %s \(the audit reports more than %s\)'
     % (_N, _N), (definitions.MAX_NUM_RETRIES,
                  definitions.RECOMMENDED_NUM_RETRIES)),
    ('README.rst', r'``Retry-After`` capped at %s s, a %s s timeout when '
     r'none is set' % (_N, _N), (transport.MAX_RETRY_AFTER,
                                 transport.DEFAULT_TIMEOUT)),
    ('README.rst', r'expires within %s days' % _N,
     (probe.DEFAULT_EXPIRY_DAYS,)),
    ('README.rst', r'TLS below %s' % _N, (definitions.TLS_VERSIONS[0],)),
    ('doc/source/migration.rst', r'``num_retries`` at most %s, one try per '
     r'``api_servers`` entry \(above %s the audit reports GC307\)'
     % (_N, _N), (definitions.MAX_NUM_RETRIES,
                  definitions.RECOMMENDED_NUM_RETRIES)),
    ('doc/source/migration.rst', r'retry delays %s to %s s' % (_N, _N),
     (_limit('connect_retry_delay', 'min'),
      _limit('connect_retry_delay', 'max'))),
    ('doc/source/security-review.rst', r'``num_retries`` %s to %s '
     r'\(default %s; above %s,' % (_N, _N, _N, _N),
     (0, definitions.MAX_NUM_RETRIES, definitions.get('num_retries').default,
      definitions.RECOMMENDED_NUM_RETRIES)),
    ('doc/source/security-review.rst', r'delays %s to %s s' % (_N, _N),
     (_limit('status_code_retry_delay', 'min'),
      _limit('status_code_retry_delay', 'max'))),
    ('doc/source/security-review.rst', r'applies a %s s timeout when none '
     r'is set, caps ``Retry-After`` at %s s' % (_N, _N),
     (transport.DEFAULT_TIMEOUT, transport.MAX_RETRY_AFTER)),
]


@pytest.mark.parametrize('page, pattern, values', STATED,
                         ids=lambda x: x if isinstance(x, str) and
                         len(x) < 40 else None)
def test_each_bound_stated_in_prose_is_the_codes(page, pattern, values):
    found = re.findall(pattern, _text(page))
    assert found, 'not stated as expected in %s: %s' % (page, pattern)
    for stated in found:
        stated = stated if isinstance(stated, tuple) else (stated,)
        assert [float(s) for s in stated] == [float(v) for v in values]


#: Where an option is named, then its bounds: ``x`` 1 to 300, ``x``
#: above 0 and at most 3600, ``x`` at most 32, ``x`` and ``y`` 0 to 10.
_NAMED = re.compile(
    r'((?:``[a-z_]+``(?:,? and |, )?)+) (?:%s to %s|above %s and at most %s'
    r'|at most %s)' % (_N, _N, _N, _N, _N))
_PAGES = ('README.rst', 'doc/source/migration.rst',
          'doc/source/security-review.rst')


@pytest.mark.parametrize('page', _PAGES)
def test_each_bound_stated_next_to_an_option_is_its_limit(page):
    """Whatever the sentence, an option's name followed by its range is
    held to the option's type."""
    checked = 0
    for match in _NAMED.finditer(_text(page)):
        names = re.findall(r'``([a-z_]+)``', match.group(1))
        low = match.group(2) or match.group(4)
        high = match.group(3) or match.group(5) or match.group(6)
        for name in names:
            try:
                limits = definitions.get(name).limits()
            except KeyError:
                continue  # not one of our options: not ours to hold
            assert float(high) == limits['max'], (page, match.group(0))
            if low is not None:
                assert float(low) == limits['min'], (page, match.group(0))
            checked += 1
    if page != 'README.rst':
        assert checked, 'no bound found next to an option in %s' % page


def test_the_scan_catches_a_wrong_number():
    text = '``rbd_connect_timeout`` 1 to 30 s'
    [match] = _NAMED.finditer(text)
    assert float(match.group(3)) != _limit('rbd_connect_timeout', 'max')
