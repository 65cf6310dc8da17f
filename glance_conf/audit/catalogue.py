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

"""The check catalogue as reStructuredText, for the documentation.

The docs page of the checks is generated from the check classes
themselves (ID, severity, CWE, references, title, docstring, remediation,
and whether the check needs the host), so it cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Sequence

from glance_conf.audit import base
from glance_conf.audit import manager

#: What the catalogue says of a check that looks at the host's files.
HOST = ('yes: it looks at the files on the service\'s host, so it runs in '
        'service mode, under ``--root`` and at run time; offline (fleet '
        'mode, ``--offline``) it is listed as not checked')
NO_HOST = 'no: it judges the text of the config'

#: Where each framework's items are published, by ``references`` prefix.
FRAMEWORK_URLS = {
    'security-guide':
        'https://docs.openstack.org/security-guide/compute/checklist.html',
    'ossn': 'https://wiki.openstack.org/wiki/OSSN/{id}',
    'nist-800-53': 'https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final',
}
#: What the references index calls each framework.
FRAMEWORK_NAMES = {
    'security-guide': 'OpenStack Security Guide',
    'ossn': 'OpenStack Security Note',
    'nist-800-53': 'NIST SP 800-53 Rev. 5',
}


def reference_link(reference: str) -> str:
    """A reference as an anonymous reST link to where it is published."""
    framework, _, ident = reference.partition('/')
    return '`%s <%s>`__' % (ident, FRAMEWORK_URLS[framework].format(
        id=ident))


def _references_index(checks: Sequence[manager.CheckClass]) -> list[str]:
    cited: dict[str, list[str]] = {}
    for check in checks:
        for reference in check.references:
            cited.setdefault(reference, []).append(check.id)
    order = list(FRAMEWORK_NAMES)

    def key(reference: str) -> tuple[int, str, int]:
        framework, _, ident = reference.partition('/')
        family, _, number = ident.rpartition('-')
        return order.index(framework), family, int(number.split('(')[0])
    return _table([(FRAMEWORK_NAMES[ref.partition('/')[0]],
                    ref.partition('/')[2], ', '.join(cited[ref]))
                   for ref in sorted(cited, key=key)],
                  ('Framework', 'Item', 'Checks'))


def _table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows])
              for i in range(len(header))]
    rule = '  '.join('=' * w for w in widths)

    def line(cells: Sequence[str]) -> str:
        return '  '.join(str(cell).ljust(width)
                         for cell, width in zip(cells, widths, strict=True))
    return [rule, line(header), rule, *map(line, rows), rule, '']


def render(checks: Sequence[manager.CheckClass] | None = None) -> str:
    """The areas table, a summary table, then one section per check."""
    if checks is None:
        checks = manager.load_checks()
    lines = _table([('GC%dxx' % area, title)
                    for area, title in sorted(base.AREAS.items())],
                   ('IDs', 'Area'))
    lines += _table([(c.id, c.severity.label, 'CWE-%d' % c.cwe,
                      'yes' if c.needs_host else 'no', ', '.join(c.services),
                      c.title)
                     for c in checks],
                    ('ID', 'Severity', 'CWE', 'Host', 'Service', 'Title'))
    lines += _references_index(checks)
    for check in checks:
        heading = '%s: %s' % (check.id, check.title)
        if check.live:
            kind = '``glance-conf-audit probe`` only'
        elif issubclass(check, base.FleetCheck):
            kind = 'fleet mode only'
        else:
            kind = 'every mode'
        lines += [
            '.. _%s:' % check.id.lower(), '',
            heading, '-' * len(heading), '',
            ':Severity: %s' % check.severity.label,
            ':CWE: `CWE-%d <https://cwe.mitre.org/data/definitions/%d.html>`_'
            % (check.cwe, check.cwe),
            ':References: %s' % (', '.join(
                reference_link(r) for r in check.references) or 'none'),
            ':Runs in: %s' % kind,
            ':Service: %s (``--service``)' % ', '.join(check.services),
            ':Needs the host: %s' % (HOST if check.needs_host else NO_HOST),
            ':Remediation: %s' % check.remediation, '',
            check.doc(), '',
        ]
    return '\n'.join(lines)
