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

"""The HTML report's sections from one pass over the findings: exact
counts, rows capped most severe first, each finding's state, since the
last run, the checks described in the page, and the image trust path
per group."""

from __future__ import annotations

from lxml import html as lxml_html

from glance_conf.audit import baseline
from glance_conf.audit import manager
from glance_conf.audit import runner
from glance_conf.audit import waivers
from glance_conf.audit.finding import Severity
from glance_conf.audit.report import html
from glance_conf.audit.report import html_tables
from tests.unit.audit.report import htmlpage

_render = htmlpage.render
_data = htmlpage.data


def _fleet(write_conf, *texts):
    paths = [str(write_conf(text, 'compute-%d.conf' % i))
             for i, text in enumerate(texts)]
    return runner.audit_fleet(paths, manager.load_checks())


def test_summary_counts_are_exact(result):
    doc, data = _data(_render(result))
    counts = {b.get('data-sev'): b.findtext('strong')
              for b in doc.xpath('//button[@data-sev]')}
    assert counts == {str(int(s)): str(result.findings.counts[s])
                      for s in Severity}
    assert doc.get_element_by_id('defaults').text == 'nova'
    assert doc.get_element_by_id('failing').text == 'yes'
    assert data['total'] == len(data['findings']) == 3


def test_rows_are_capped_most_severe_first(result, monkeypatch):
    monkeypatch.setattr(html_tables, 'MAX_FINDINGS_SHOWN', 2)
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


def test_the_bypass_the_path_names_is_the_cross_service_check():
    """The writer names GC610 by its stable ID; the check declares it."""
    from glance_conf.audit.checks import trustpath
    assert html_tables.VOLUME_BYPASS == \
        trustpath.SignatureBypassThroughVolumes.id
    assert html_tables.on_trust_path(html_tables.VOLUME_BYPASS, 'nova')
    assert not html_tables.on_trust_path('GC601', 'nova')
