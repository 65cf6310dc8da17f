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

"""The generated catalogue page."""

from __future__ import annotations

from glance_conf.audit import base
from glance_conf.audit import catalogue
from glance_conf.audit import manager


def test_every_check_has_a_section_with_its_fields():
    text = catalogue.render()
    for check in manager.load_checks():
        assert '%s: %s\n%s' % (check.id, check.title,
                               '-' * len('%s: %s' % (check.id, check.title))
                               ) in text
        assert 'CWE-%d' % check.cwe in text
        assert check.doc().splitlines()[0] in text
    assert 'GC1xx  Transport security' in text
    assert ':Runs in: fleet mode only' in text


def test_each_check_says_whether_it_needs_the_host():
    text = catalogue.render()
    checks = manager.load_checks()
    assert text.count(':Needs the host: yes') == len(
        [c for c in checks if c.needs_host]) > 0
    assert text.count(':Needs the host: no') == len(
        [c for c in checks if not c.needs_host])
    section = text[text.index('GC501: '):text.index('GC502: ')]
    assert ':Needs the host: yes: it looks at the files' in section


def test_each_check_lists_its_references_as_links():
    text = catalogue.render()
    section = text[text.index('GC101: '):text.index('GC102: ')]
    assert (':References: `Check-Compute-05 <https://docs.openstack.org/'
            'security-guide/compute/checklist.html>`__, `SC-8 <https://'
            'csrc.nist.gov/pubs/sp/800/53/r5/upd1/final>`__') in section
    assert '`OSSN-0090 <https://wiki.openstack.org/wiki/OSSN/OSSN-0090>`__' \
        in text


def test_the_references_index_lists_the_citing_checks_guide_first():
    text = catalogue.render()
    rows = [line.strip().split(None, 4) for line in text.splitlines()
            if line.startswith(('OpenStack Security', 'NIST SP'))]
    assert rows[0][3:] == ['Check-Compute-01', 'GC503']
    nist = [line.split()[5] for line in text.splitlines()
            if line.startswith('NIST SP')]
    assert nist[:2] == ['AC-6', 'CM-2']
    assert nist.index('SC-8') < nist.index('SC-12')


def test_every_framework_has_a_name_and_a_url():
    assert set(catalogue.FRAMEWORK_NAMES) == set(catalogue.FRAMEWORK_URLS) \
        == set(base.FRAMEWORKS)


def test_each_check_names_the_service_it_judges():
    text = catalogue.render()
    section = text[text.index('GC801: '):text.index('GC802: ')]
    assert ':Service: cinder (``--service``)' in section
    section = text[text.index('GC851: '):text.index('GC852: ')]
    assert ':Service: glance-api' in section
    section = text[text.index('GC101: '):text.index('GC102: ')]
    assert ':Service: nova' in section
    assert 'GC8xx  The other services of the image trust path' in text
