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

"""The HTML report, opened in headless chromium: what a reader sees."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait

from glance_conf.audit.report import html
from tests.browser import conftest

COLUMNS = len(html.COLUMNS)


def load(browser, path):
    browser.get(path.as_uri())
    WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.TAG_NAME, 'body').get_attribute(
            'data-ready') == '1')


def texts(browser, selector):
    return [e.text for e in browser.find_elements(By.CSS_SELECTOR, selector)]


def screenshot(browser, name):
    conftest.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = conftest.ARTIFACTS / name
    assert browser.save_screenshot(str(path))
    return path.read_bytes()


def test_a_browser_starts():
    """No browser, a failure: the report is never left untested."""
    browser = conftest.start_browser()
    try:
        assert 'Chrome' in browser.capabilities['browserName'].title()
    finally:
        browser.quit()


def test_corpus_counts_match_the_json_report(browser, corpus_report):
    page, json_report, files = corpus_report
    load(browser, page)
    report = json.loads(json_report.read_text())
    shown = {b.get_attribute('data-sev'): int(b.find_element(
        By.TAG_NAME, 'strong').text)
        for b in browser.find_elements(By.CSS_SELECTOR, 'button.sev')}
    assert shown == {str(i): report['summary'][label]
                     for i, label in enumerate(('info', 'low', 'medium',
                                                'high'))}
    assert browser.find_element(By.ID, 'files').text == str(len(files))
    assert int(browser.find_element(By.ID, 'shown-count').text) == len(
        report['findings'])


def test_heatmap_has_a_row_per_host_and_marks_the_minority(browser,
                                                           corpus_report):
    page, _, files = corpus_report
    load(browser, page)
    rows = browser.find_elements(By.CSS_SELECTOR, '#heat tr[data-i]')
    assert len(rows) == len(files)
    cells = browser.find_elements(By.CSS_SELECTOR, '#heat tr[data-i] td')
    assert len(cells) == len(files) * COLUMNS
    groups = [g.split(' (')[0] for g in texts(browser, '#heat th.grp')]
    assert {'Group dcn', 'Group helm', 'Group kolla'} <= set(groups)
    # A minority cell says so in text, not by colour alone.
    odd = browser.find_elements(By.CSS_SELECTOR, '#heat td.m')
    assert odd and all(c.text.startswith('\u2260') for c in odd)
    # Clicking a cell names the file and line of the value.
    debug = browser.find_element(
        By.XPATH, '//tr[th[.="devstack"]]/td[%d]'
        % (list(html.COLUMNS).index('DEFAULT.debug') + 1))
    debug.click()
    info = browser.find_element(By.ID, 'cell-info').text
    assert info.startswith('devstack: DEFAULT.debug')
    assert 'devstack.conf:' in info


def test_a_severity_click_filters_the_table(browser, corpus_report):
    page, json_report, _ = corpus_report
    load(browser, page)
    high = json.loads(json_report.read_text())['summary']['high']
    browser.find_element(By.CSS_SELECTOR, 'button.sev[data-sev="3"]').click()
    severities = texts(browser, '#findings tbody td:first-child')
    assert severities == ['high'] * high
    assert browser.find_element(By.ID, 'shown-count').text == str(high)
    # Clicked again, the filter is off.
    browser.find_element(By.CSS_SELECTOR, 'button.sev[data-sev="3"]').click()
    assert len(texts(browser, '#findings tbody tr')) > high


def test_host_filter_and_sort(browser, corpus_report):
    page, _, _ = corpus_report
    load(browser, page)
    search = browser.find_element(By.ID, 'f-host')
    search.send_keys('devstack')
    hosts = set(texts(browser, '#findings tbody td:nth-child(3)'))
    assert hosts == {'devstack'}
    search.clear()
    search.send_keys(' ')  # an input event that empties nothing
    Select(browser.find_element(By.ID, 'f-check')).select_by_visible_text(
        'GC201')
    browser.find_element(By.CSS_SELECTOR, 'button[data-sort="2"]').click()
    hosts = [h for h in texts(browser, '#findings tbody td:nth-child(3)')]
    assert hosts == sorted(hosts)
    assert set(texts(browser, '#findings tbody td:nth-child(2)')) == {
        'GC201'}


def test_hostile_names_render_as_text(browser, corpus_report):
    page, _, _ = corpus_report
    load(browser, page)
    assert browser.execute_script('return window.pwned') is None
    assert browser.execute_script(
        'return document.querySelectorAll("script").length') == 2
    assert not browser.find_elements(By.CSS_SELECTOR, 'main img')
    assert conftest.HOSTILE_NAME in texts(browser, '#heat th[scope=row]')
    messages = texts(browser, '#findings tbody td:nth-child(6)')
    assert any(conftest.HOSTILE_KEY in m for m in messages)


def test_check_links_lead_to_the_checks_description(browser, corpus_report):
    """With no docs address, a check's link scrolls to its description
    in the page: no link depends on where the report is opened."""
    page, _, _ = corpus_report
    load(browser, page)
    link = browser.find_element(By.LINK_TEXT, 'GC201')
    assert link.get_attribute('href').endswith('#gc201')
    link.click()
    target = browser.find_element(By.ID, 'gc201')
    assert target.is_displayed()
    assert browser.execute_script(
        'return location.hash') == '#gc201'
    assert 'GC201' in target.text


@pytest.mark.parametrize('which', ['corpus', 'fleet'])
def test_screenshot_is_not_blank(browser, corpus_report, fleet_report,
                                 which):
    page = corpus_report[0] if which == 'corpus' else fleet_report
    load(browser, page)
    colours = conftest.png_colours(screenshot(browser, '%s.png' % which))
    assert colours > 20, colours


def test_the_2000_host_fleet(browser, fleet_report):
    """Hosts that differ come first; the others are drawn on a click."""
    load(browser, fleet_report)
    count = 'return document.querySelectorAll("#heat tr[data-i]").length'
    assert browser.execute_script(count) == 10 * html.HOSTS_DRAWN_PER_GROUP
    groups = [g.split(' (')[0] for g in texts(browser, '#heat th.grp')]
    assert groups == ['Group %d' % i for i in range(10)]
    for button in browser.find_elements(By.CSS_SELECTOR, 'button.more'):
        button.click()
    assert browser.execute_script(count) == conftest.FLEET_SIZE
    assert not browser.find_elements(By.CSS_SELECTOR, 'button.more')
    assert browser.find_element(By.ID, 'files').text == str(
        conftest.FLEET_SIZE)
    # Within a group, no host drawn after one that matches its majority
    # differs from it.
    for body in browser.find_elements(By.CSS_SELECTOR, '#heat tbody'):
        odd = browser.execute_script(
            'return Array.from(arguments[0].querySelectorAll("tr[data-i]"))'
            '.map(function(r){return r.querySelector("td.m")!==null;})',
            body)
        assert odd == sorted(odd, reverse=True)

