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

"""The HTML report's document: self-contained, escaped, exact counts.

What the page does once a browser runs it is tested in a real browser
(tests/browser); here, what the writer puts in the file.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from lxml import html as lxml_html

from glance_conf.audit import baseline
from glance_conf.audit import manager
from glance_conf.audit import result as result_mod
from glance_conf.audit import runner
from glance_conf.audit import waivers
from glance_conf.audit.finding import Severity
from glance_conf.audit.report import html

HOSTILE = '<script>alert(1)</script>'


def _render(res):
    out = io.StringIO()
    html.render(res, out)
    return out.getvalue()


def _data(page):
    doc = lxml_html.fromstring(page)
    [island] = doc.xpath('//script[@id="gc-data"]')
    return doc, json.loads(island.text)


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


def test_summary_counts_are_exact(result):
    doc, data = _data(_render(result))
    counts = {b.get('data-sev'): b.findtext('strong')
              for b in doc.xpath('//button[@data-sev]')}
    assert counts == {str(int(s)): str(result.findings.counts[s])
                      for s in Severity}
    assert doc.get_element_by_id('defaults').text == 'nova'
    assert doc.get_element_by_id('failing').text == 'yes'
    assert data['total'] == len(data['findings']) == 3


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


def test_rows_are_capped_most_severe_first(result, monkeypatch):
    monkeypatch.setattr(html, 'MAX_FINDINGS_SHOWN', 2)
    doc, data = _data(_render(result))
    assert [row[0] for row in data['findings']] == [3, 2]
    assert (data['total'], data['shownTotal']) == (3, 2)


def test_known_and_waived_findings_are_told_apart(compared, tmp_path):
    waiver_file = tmp_path / 'waivers.yaml'
    waiver_file.write_text(
        '- id: GC301\n  reason: accepted for the lab\n  owner: ops\n'
        '  expires: 2999-01-01\n')
    found = [f for f in compared.findings if f.check_id == 'GC301']
    compared.waivers = waivers.load(str(waiver_file))
    compared.suppressed.add(found[0])
    _, data = _data(_render(compared))
    states = sorted((data['checks'][r[1]][0], r[8], r[9])
                    for r in data['findings'])
    assert ('GC201', 'known', '') in states
    assert ('GC301', 'waived', 'accepted for the lab') in states


def test_since_last_run_by_fingerprint(result):
    first = next(iter(result.findings))
    gone = baseline.Entry('e' * 32, 'GC101', 'glance.insecure', 'compute-9')
    result.previous = baseline.Baseline('last <week>.json', {
        first.fingerprint: baseline.Entry(first.fingerprint, 'GC201',
                                          first.option, None),
        gone.fingerprint: gone})
    page = _render(result)
    doc, data = _data(page)
    assert doc.get_element_by_id('since-new').text == '2'
    assert doc.get_element_by_id('since-open').text == '1'
    assert doc.get_element_by_id('since-fixed').text == '1'
    assert 'last &lt;week&gt;.json' in page
    assert sorted(r[10] for r in data['findings']) == [False, True, True]


def test_no_previous_no_since_section_and_no_probe_section(result):
    doc, _ = _data(_render(result))
    assert not doc.xpath('//*[@id="since"] | //*[@id="probe"]')


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


def test_without_a_docs_address_each_link_has_its_target_in_the_page(
        monkeypatch, result):
    """The links worked only where the built docs sat beside the report:
    now each check with a finding is described in the page itself."""
    monkeypatch.delenv(html.DOCS_URL_ENV, raising=False)
    doc, data = _data(_render(result))
    assert data['docs'] == ''
    ids = [c[0].lower() for c in data['checks']]
    assert ids
    for check_id in ids:
        [entry] = doc.xpath('//section[@id="checks"]//dt[@id="%s"]'
                            % check_id)
        text = entry.getnext().text_content()
        assert 'Fix:' in text and '``' not in text


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


def _trust_fleet(tmp_path, **kwargs):
    """az1: a controller whose cinder keeps its default, and glance-api
    shows locations; az2: a compute and a storage host whose cinder
    verifies nothing. nova verifies everywhere."""
    from tests import bundles as make

    def cinder(host, group, text=''):
        return make.bundle(host, group, files=[make.config(
            '/etc/cinder/cinder.conf', '[DEFAULT]\nglance_api_servers = '
            'https://g:9292\n' + text)], paths={}, service='cinder')
    def nova(host, group):
        # Certificates validated against the cloud's own: nova holds.
        return make.bundle(host, group, files=[make.config(
            '/etc/nova/nova.conf', make.NOVA_CONF
            + 'enable_certificate_validation = True\n'
            'default_trusted_certificate_ids = 5c6a2e3f\n')])
    glance = make.bundle('ctl', 'az1', files=[make.config(
        '/etc/glance/glance-api.conf', '[DEFAULT]\n'
        'show_multiple_locations = true\n')], paths={},
        service='glance-api')
    return make.audit(
        tmp_path, nova('ctl', 'az1'), cinder('ctl', 'az1'), glance,
        nova('cmp', 'az2'),
        cinder('st', 'az2', 'verify_glance_signatures = disabled\n'),
        **kwargs)


def _trust_rows(doc):
    return [[cell.text_content() for cell in row]
            for row in doc.xpath('//table[@id="trust"]/tbody/tr')]


def test_the_trust_path_per_group_names_the_service_that_weakens_it(
        tmp_path):
    res = _trust_fleet(tmp_path)
    doc = lxml_html.fromstring(_render(res))
    assert _trust_rows(doc) == [
        ['az1', 'nova', '1', 'refuses unsigned images', 'no'],
        ['az1', 'cinder', '1', 'lets unsigned images pass (1 of 1 hosts)',
         'GC610 x1'],
        ['az1', 'glance-api', '1',
         'shows and lets users edit image locations (1 of 1 hosts)',
         'GC851 x1, GC854 x1'],
        ['az2', 'nova', '1', 'refuses unsigned images', 'no'],
        ['az2', 'cinder', '1', 'verifies no image signature (1 of 1 hosts)',
         'GC610 x1, GC809 x1']]
    assert [li.text_content() for li in doc.xpath(
        '//ul[@id="trust-verdicts"]/li')] == [
        'az1: weakened by cinder, glance-api', 'az2: weakened by cinder']


def test_a_waived_finding_no_longer_weakens_the_path(tmp_path):
    """The page reads each finding's state from the result."""
    waiver_file = tmp_path / 'waivers.yaml'
    waiver_file.write_text(''.join(
        '- id: %s\n  reason: the lab needs it\n  owner: ops\n'
        '  expires: 2999-01-01\n' % check for check in ('GC851', 'GC854')))
    res = _trust_fleet(tmp_path / 'bundles',
                       waivers=waivers.load(str(waiver_file)))
    doc = lxml_html.fromstring(_render(res))
    row = next(r for r in _trust_rows(doc) if r[1] == 'glance-api')
    assert row[3:] == [
        'shows and lets users edit image locations (1 of 1 hosts)', 'no']
    assert [li.text_content() for li in doc.xpath(
        '//ul[@id="trust-verdicts"]/li')] == [
        'az1: weakened by cinder', 'az2: weakened by cinder']


def test_a_nova_only_fleet_has_no_trust_path_section(write_conf):
    res = _fleet(write_conf, '[glance]\n', '[glance]\n')
    assert 'id="trust-path"' not in _render(res)
