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

"""The HTML report's page: self-contained, escaped, and its heat-map.

What the page does once a browser runs it is tested in a real browser
(tests/browser); here, what the writer puts in the file.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from lxml import html as lxml_html

from glance_conf.audit import manager
from glance_conf.audit import result as result_mod
from glance_conf.audit import runner
from glance_conf.audit.report import html
from tests.unit.audit.report import htmlpage

HOSTILE = '<script>alert(1)</script>'


_render = htmlpage.render
_data = htmlpage.data


def _fleet(write_conf, *texts, group_by=None):
    paths = [str(write_conf(text, 'compute-%d.conf' % i))
             for i, text in enumerate(texts)]
    group_of = None
    if group_by:
        def group_of(path):
            group = group_by[int(re.search(r'compute-(\d+)', path).group(1))]
            return group if isinstance(group, tuple) else (group,)
    return runner.audit_fleet(paths, manager.load_checks(),
                              group_of=group_of)


def test_the_page_is_self_contained(result):
    """Nothing is fetched: no src, no stylesheet link, no url() or
    @import; the only links are to the checks' docs."""
    page = _render(result)
    doc, _ = _data(page)
    assert not doc.xpath('//*[@src] | //link | //iframe | //object')
    assert 'url(' not in page and '@import' not in page
    assert page.count('<script') == 2


def test_hostile_text_never_leaves_its_text_node(write_conf):
    """A key and a file name holding markup stay data: the island cannot
    close its script element, and parses back to the same text."""
    path = str(write_conf('[glance]\n%s = 1\n' % HOSTILE,
                          '<script>alert(2).conf'))
    res = runner.audit_fleet([path, str(write_conf(''))],
                             manager.load_checks())
    page = _render(res)
    assert '<script>alert' not in page
    assert page.count('<script') == 2
    _, data = _data(page)
    assert '<script>alert(2)' in [host[0] for host in data['hosts']]
    assert any(HOSTILE in row[7] for row in data['findings'])


def test_the_island_escapes_what_closes_a_script():
    text = html.island({'a': '</script><!-- & \u2028'})
    assert '<' not in text and '>' not in text and '&' not in text
    assert json.loads(text) == {'a': '</script><!-- & \u2028'}


def test_heatmap_marks_what_each_groups_drift_blames(write_conf):
    res = _fleet(write_conf, '[DEFAULT]\ndebug = true\n', '', '',
                 '[DEFAULT]\ndebug = true\n', '[DEFAULT]\ndebug = true\n',
                 group_by=['a', 'a', 'a', 'b', 'b'])
    data = html.heatmap(res)
    assert data['groups'] == ['a', 'b']
    col = data['opts'].index('DEFAULT.debug')
    assert [data['vals'][col][h[3][col]] for h in data['hosts']] == [
        'True', 'False', 'False', 'True', 'True']
    blamed = [[data['vals'][col][v] for v in g[col]] for g in data['blamed']]
    assert blamed == [['True'], []]
    # The cell of the blamed value shows its line; a default, none.
    assert [h[4][col] for h in data['hosts']] == [2, 0, 0, 2, 2]
    assert data['verd'][col][data['vals'][col].index('True')] == 'b'


@pytest.mark.parametrize('flag, value, expected', [
    (None, 'https://docs.example.org/audit/checks.html#x',
     'https://docs.example.org/audit/checks.html'),
    ('https://flag.example/checks.html',
     'https://docs.example.org/audit/checks.html',
     'https://flag.example/checks.html'),
    (None, 'javascript:alert(1)', ''),
    (None, '', ''),
])
def test_docs_url_is_the_flag_then_http_from_the_environment_else_the_page(
        monkeypatch, result, flag, value, expected):
    monkeypatch.setenv(html.DOCS_URL_ENV, value)
    result.rendering = result_mod.Rendering(docs_url=flag)
    assert html.docs_url(result) == expected


def test_every_table_header_has_a_scope(write_conf):
    doc, _ = _data(_render(_fleet(write_conf, '', '')))
    headers = doc.xpath('//th')
    assert headers and all(th.get('scope') for th in headers)


def test_lone_surrogates_and_control_characters_are_escaped(tmp_path):
    """The review's case: a --previous report and a waiver reason holding
    a lone surrogate and ESC crashed the writer ("internal error")."""
    import json as json_mod

    from glance_conf.cmd import audit as cli

    conf = tmp_path / 'h3.conf'
    conf.write_text('[glance]\n')
    previous = tmp_path / 'previous.json'
    previous.write_text(json_mod.dumps({
        'fingerprints': 'glanceConfAudit/v2',
        'findings': [{'fingerprint': 'a' * 32, 'id': '\ud800\x1b'}]}))
    waivers = tmp_path / 'waivers.yaml'
    waivers.write_text('- {id: GC201, reason: "\\ud800\\e", owner: o, '
                       'expires: 2099-12-31}\n')
    for extra in (['--previous', str(previous)], ['--waivers', str(waivers)]):
        out, err = io.StringIO(), io.StringIO()
        code = cli.run(['--offline', '--format', 'html', '--fail-on',
                        'never', str(conf), *extra], out, err)
        assert code == 0, err.getvalue()
        page = out.getvalue()
        assert '\x1b' not in page and '\ud800' not in page
        page.encode('utf-8')  # writable: no lone surrogate left


@pytest.mark.parametrize('texts, blamed', [
    # A secure minority: the weak majority is blamed, as GC601 blames it.
    (['[glance]\ninsecure = True\n'] * 2 + ['[glance]\ninsecure = False\n'],
     ['True']),
    (['[glance]\ntls_min_version = 1.3\n',
      '[glance]\ntls_min_version = 1.2\n'], ['1.2']),
])
def test_heatmap_blames_as_gc601_does(write_conf, texts, blamed):
    res = _fleet(write_conf, *texts)
    data = html.heatmap(res)
    [drift] = [f for f in res.findings if f.check_id == 'GC601']
    col = data['opts'].index(drift.option)
    assert [data['vals'][col][v] for v in data['blamed'][0][col]] == blamed
    assert drift.key == '\x1f'.join(blamed)


def test_heatmap_shows_a_host_in_each_of_its_groups(write_conf):
    res = _fleet(write_conf, '[glance]\ninsecure = True\n', '', '',
                 group_by=[('az1', 'compute'), ('az1', 'compute'),
                           ('compute',)])
    data = html.heatmap(res)
    assert data['groups'] == ['az1', 'compute']
    assert [(h[0], data['groups'][h[1]]) for h in data['hosts']] == [
        ('compute-0', 'az1'), ('compute-1', 'az1'),
        ('compute-0', 'compute'), ('compute-1', 'compute'),
        ('compute-2', 'compute')]
    col = data['opts'].index('glance.insecure')
    assert [[data['vals'][col][v] for v in g[col]]
            for g in data['blamed']] == [['True'], ['True']]


def test_the_header_states_the_service(result):
    result.service = 'cinder'
    doc = lxml_html.fromstring(_render(result))
    assert doc.get_element_by_id('service').text == 'cinder'
