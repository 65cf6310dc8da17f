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

"""HTML: one self-contained page for people, not scripts.

No external script, style, font or image: the page works offline, from
an email attachment or a CI artifact. It has a summary, a drift
heat-map of the fleet's posture (hosts by group x settings), the
findings (filterable and sortable), in a fleet of several services the
image trust path per group (each service's posture, and which one
weakens it), and with ``--previous`` what changed since an earlier
report.

Text from the configs reaches the page two ways, both escaped: in the
HTML itself (``html.escape``), and in a JSON island the page's script
renders, where ``<``, ``>`` and ``&`` are written as ``\\u003c``... so
the island can never close its ``<script>`` element, and the script
escapes again before it writes any text into the page.

Memory and size stay bounded: findings are read from the spool once,
and at most :data:`~.html_tables.MAX_FINDINGS_SHOWN` are put in the
page, the most severe first; the counts are always exact.
"""


from __future__ import annotations

import collections
import json
import os
import urllib.parse
from typing import TYPE_CHECKING
from typing import Any
from typing import TextIO

from glance_conf.audit import identity
from glance_conf.audit import posture
from glance_conf.audit.finding import Severity
from glance_conf.audit.report import html_tables
from glance_conf.audit.report.html_assets import BODY
from glance_conf.audit.report.html_assets import SCRIPT
from glance_conf.audit.report.html_assets import STYLE
from glance_conf.audit.report.html_tables import ALL_HOSTS
from glance_conf.audit.report.html_tables import escape as _e

if TYPE_CHECKING:
    from glance_conf.audit.result import Result

#: Hosts drawn per group of the heat-map, those their drift blames
#: first, and findings rows drawn, until the reader asks for all:
#: drawing 10,000 rows would keep a browser busy for seconds.
HOSTS_DRAWN_PER_GROUP = 100
FINDINGS_DRAWN = 500
#: Where each finding's check is documented: ``--docs-url``, else the
#: environment variable's address (http or https) where the docs are
#: hosted; with neither, the page describes each check itself and links
#: there, so no link depends on where the report is opened.
DOCS_URL_ENV = 'GLANCE_CONF_AUDIT_DOCS_URL'

#: The heat-map's columns: GC601's settings, short-labelled. The cipher
#: string is left out: a long free text is no heat-map cell (GC601 still
#: compares it).
COLUMNS = {
    'glance.verify_glance_signatures': 'Signature verification',
    'glance.enable_certificate_validation': 'Certificate validation',
    'glance.insecure': 'TLS verification skipped',
    'glance.endpoint_override': 'Endpoint scheme',
    'glance.tls_min_version': 'TLS floor',
    'glance.timeout': 'Timeout',
    'glance.debug': 'Image client debug',
    'DEFAULT.debug': 'Service debug',
}
#: The values that are safe (``good``) or not (``bad``) per column; any
#: other value is shown neutral.
GOOD = {
    'glance.verify_glance_signatures': {'True'},
    'glance.enable_certificate_validation': {'True'},
    'glance.insecure': {'False'},
    'glance.endpoint_override': {'https'},
    'glance.tls_min_version': {'1.2', '1.3'},
    'glance.timeout': {'set'},
    'glance.debug': {'False'},
    'DEFAULT.debug': {'False'},
}
BAD = {
    'glance.verify_glance_signatures': {'False'},
    'glance.enable_certificate_validation': {'False'},
    'glance.insecure': {'True'},
    'glance.endpoint_override': {'http', 'http,https'},
    'glance.tls_min_version': {posture.UNSET},
    'glance.timeout': {posture.UNSET},
    'glance.debug': {'True'},
    'DEFAULT.debug': {'True'},
}


def docs_url(result: Result) -> str:
    """The check catalogue's address: ``--docs-url``, else
    :data:`DOCS_URL_ENV` if it is an http(s) URL; ``''`` (this page's own
    descriptions) when neither is known."""
    if result.rendering.docs_url:
        return result.rendering.docs_url
    url = os.environ.get(DOCS_URL_ENV, '')
    if urllib.parse.urlsplit(url).scheme in ('http', 'https'):
        return url.split('#')[0]
    return ''



def island(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element."""
    # ASCII only: a lone surrogate (a name that is not UTF-8) becomes an
    # escape instead of text the page cannot be written in.
    text = json.dumps(data, separators=(',', ':'), ensure_ascii=True)
    return text.replace('&', '\\u0026').replace('<', '\\u003c').replace(
        '>', '\\u003e').replace('\u2028', '\\u2028').replace(
        '\u2029', '\\u2029')



def _verdict(option: str, value: str) -> str:
    if value in GOOD[option]:
        return 'g'
    return 'b' if value in BAD[option] else 'o'


def _blamed(setting: posture.Posture, index: dict[str, int],
            tally: collections.Counter[int]) -> list[int]:
    """The indexes of the values :func:`posture.blame` blames in one
    group's column; none where its hosts agree."""
    if len(tally) < 2:
        return []
    shown = {i: value for value, i in index.items()}
    blamed, _ = posture.blame(setting,
                              {shown[i]: n for i, n in tally.items()})
    return sorted(index[value] for value in blamed)


def heatmap(result: Result) -> dict[str, Any]:
    """The heat-map's data: a value table per column, each host's value
    indexes (-1: not compared) and lines, and the values each group's
    drift blames, as GC601 blames them."""
    options = list(COLUMNS)
    order = [p.option for p in posture.POSTURE]
    wanted = [order.index(option) for option in options]
    values: list[dict[str, int]] = [{} for _ in wanted]
    rows = sorted(result.posture, key=lambda r: (r.group, r.host))
    groups: list[str] = []
    hosts: list[list[Any]] = []
    tallies: list[list[collections.Counter[int]]] = []
    for row in rows:
        if not groups or groups[-1] != (row.group or ALL_HOSTS):
            groups.append(row.group or ALL_HOSTS)
            tallies.append([collections.Counter() for _ in wanted])
        cells = []
        for col, index in enumerate(wanted):
            value = row.values[index]
            cell = -1 if value is None else values[col].setdefault(
                value, len(values[col]))
            cells.append(cell)
            if cell >= 0:
                tallies[-1][col][cell] += 1
        hosts.append([row.host, len(groups) - 1, row.file, cells,
                      [row.lines[i] for i in wanted]])
    postures = {p.option: p for p in posture.POSTURE}
    blamed = [[_blamed(postures[option], values[col], tally)
               for col, (option, tally) in enumerate(zip(options, group,
                                                          strict=True))]
              for group in tallies]
    return {
        'cols': [COLUMNS[o] for o in options],
        'opts': options,
        'vals': [list(v) for v in values],
        'verd': [[_verdict(o, v) for v in vals]
                 for o, vals in zip(options, values, strict=True)],
        'groups': groups, 'hosts': hosts, 'blamed': blamed,
        'dropped': result.posture_dropped,
    }



def render(result: Result, out: TextIO) -> None:
    data = heatmap(result)
    seen = html_tables.findings(result, data['hosts'])
    rows = seen.rows()
    total = len(result.findings) + len(result.suppressed)
    checks = {c.id: c.title for c in result.checks}
    data.update({
        'findings': rows,
        'checks': [[c, checks.get(c, '')] for c in seen.checks],
        'sev': [s.label for s in Severity],
        'total': total, 'shownTotal': seen.shown_total(),
        'docs': docs_url(result), 'perGroup': HOSTS_DRAWN_PER_GROUP,
        'drawn': FINDINGS_DRAWN,
        'previous': result.previous is not None,
    })
    title = '%s report' % identity.TOOL_NAME
    out.write('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
              '<meta name="viewport" content="width=device-width">'
              '<title>%s</title><style>%s</style></head><body>'
              % (_e(title), STYLE))
    out.write('<header><h1>%s</h1><p>%s %s, %s mode, <span id="service">'
              '%s</span>, %d files.</p></header><main>' % (
                  _e(title), _e(identity.TOOL_NAME),
                  _e(identity.tool_version()), _e(result.mode),
                  _e(result.service), result.files))
    out.write(html_tables.summary(result, seen, len(result.posture)))
    out.write(html_tables.since(result, seen))
    out.write(html_tables.probe(result))
    out.write(seen.trust.html())
    out.write(BODY)
    out.write(html_tables.described(result, seen))
    out.write('</main><script type="application/json" id="gc-data">')
    out.write(island(data))
    out.write('</script><script>%s</script></body></html>\n' % SCRIPT)

