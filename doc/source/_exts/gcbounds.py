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

"""``.. glance-conf-bounds::``: the table of what each option accepts.

Every number in it comes from the options' own types (their
``limits()``), defaults and ``glance_conf.definitions``' constants, so the
page cannot state a bound the code does not enforce. Sphinx is imported
only by :func:`setup`, so the tests read the table without it.
"""

from __future__ import annotations

import types as pytypes
from typing import Any

from glance_conf import definitions
from glance_conf import transport

#: The rows: the options a row is about (they must share their limits),
#: the row's label, and what it accepts, ``{o.max}`` naming the first
#: option's limits and default (``o.min``, ``o.max_items``...).
ROWS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (('api_servers',), '``api_servers``',
     'up to {o.max_items} URLs, each as ``endpoint_override``'),
    (('endpoint_override',), '``endpoint_override``',
     '``http``/``https`` (any case), a host name, IPv4 or bracketed IPv6 '
     'host (no zone ID such as ``%eth0``), an optional port 1-65535 and an '
     'optional path; at most {o.max_length} characters; no user-info, '
     'query, fragment, white-space, control or non-ASCII characters'),
    (('num_retries',), '``num_retries``',
     '{o.min} to {o.max} (default {o.default}); empty is refused; above '
     '{c.RECOMMENDED_NUM_RETRIES} the audit reports GC307'),
    (('connect_retries', 'status_code_retries'),
     '``connect_retries``, ``status_code_retries``',
     '{o.min} to {o.max}; empty means unset'),
    (('connect_retry_delay', 'status_code_retry_delay'),
     '``*_retry_delay``',
     '{o.min} to {o.max} seconds, finite; unset, empty and ``0`` all mean '
     'keystoneauth\'s exponential back-off ({t.BACKOFF_START} s, doubling, '
     'at most {t.MAX_RETRY_AFTER} s)'),
    (('timeout',), '``timeout``',
     'above {o.min}, at most {o.max} seconds, finite; empty means unset'),
    (('rbd_connect_timeout',), '``rbd_connect_timeout``',
     '{o.min} to {o.max} seconds (default {o.default}); empty is refused'),
    (('retriable_status_codes',), '``retriable_status_codes``',
     'up to {o.max_items} codes, each {o.item_min} to {o.item_max}, no '
     'empty entry'),
    (('valid_interfaces',), '``valid_interfaces``', '{c.VALID_INTERFACES}'),
    (('service_type',), '``service_type``',
     'lowercase letters, digits and hyphens'),
    (('rbd_user', 'rbd_pool'), '``rbd_user``, ``rbd_pool``',
     'letters, digits, ``.``, ``_``, ``-``; at most {o.max_length} '
     'characters; or empty'),
    (('default_trusted_certificate_ids',), 'trusted certificate IDs',
     '``default_trusted_certificate_ids``: up to {o.max_items} non-empty '
     'IDs of at most {o.item_max_length} characters, without white-space'),
    (('region_name', 'service_name'), '``region_name``, ``service_name``',
     'at most {o.max_length} characters, no control characters'),
    (('tls_ciphers',), '``tls_ciphers``',
     'at most {o.max_length} characters, no white-space; the local OpenSSL '
     'must select at least one cipher from it (weak settings: GC107)'),
    (('tls_min_version',), '``tls_min_version``', '{c.TLS_VERSIONS}'),
    (('cafile', 'certfile', 'keyfile', 'rbd_ceph_conf'), 'file paths',
     'absolute (starting with ``/``), at most {o.max_length} characters, '
     'no control characters; or empty for unset'),
    ((), 'booleans',
     'oslo.config\'s spellings (true/false, yes/no, on/off, 1/0)'),
)


def number(value: Any) -> Any:
    """A float that is a whole number reads as one (``3600``, not
    ``3600.0``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def fields(dest: str) -> pytypes.SimpleNamespace:
    """One option's limits and default, as the table states them."""
    definition = definitions.get(dest)
    values = {**definition.limits(), 'default': definition.default}
    return pytypes.SimpleNamespace(
        **{key: number(value) for key, value in values.items()})


def _constants() -> pytypes.SimpleNamespace:
    return pytypes.SimpleNamespace(
        RECOMMENDED_NUM_RETRIES=definitions.RECOMMENDED_NUM_RETRIES,
        VALID_INTERFACES=', '.join(definitions.VALID_INTERFACES),
        TLS_VERSIONS=' or '.join('``%s``' % v
                                 for v in definitions.TLS_VERSIONS))


def rows() -> list[tuple[str, str]]:
    """``(label, accepted values)`` per row.

    :raises ValueError: if the options of one row differ in their limits
        (the row would state one of them wrongly).
    """
    constants = _constants()
    wire = pytypes.SimpleNamespace(
        BACKOFF_START=number(transport.BACKOFF_START),
        MAX_RETRY_AFTER=number(transport.MAX_RETRY_AFTER))
    out = []
    for dests, label, text in ROWS:
        shared = [fields(dest) for dest in dests]
        limits = [definitions.get(dest).limits() for dest in dests]
        if any(each != limits[0] for each in limits):
            raise ValueError('the options of row %s differ in their limits'
                             % label)
        own = shared[0] if shared else None
        out.append((label, text.format(o=own, c=constants, t=wire)))
    return out


def render() -> str:
    """The table, as reStructuredText."""
    lines = ['.. list-table::', '   :header-rows: 1', '   :widths: 30 70',
             '', '   * - Option', '     - Accepted values']
    for label, text in rows():
        lines += ['   * - %s' % label, '     - %s' % text]
    return '\n'.join(lines) + '\n'


def setup(app):
    from docutils import nodes
    from docutils.parsers.rst import Directive
    from docutils.statemachine import StringList
    from sphinx.util.nodes import nested_parse_with_titles

    class BoundsDirective(Directive):
        has_content = False

        def run(self):
            node = nodes.section()
            node.document = self.state.document
            lines = StringList(render().splitlines(), source='gcbounds')
            nested_parse_with_titles(self.state, lines, node)
            return node.children

    app.add_directive('glance-conf-bounds', BoundsDirective)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
