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

"""GC2xx checks."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize('check,text,count', [
    ('GC201', '[glance]\nverify_glance_signatures = false\n', 1),
    ('GC201', '[glance]\n', 0),
    ('GC201', '[glance]\nverify_glance_signatures = true\n', 0),
    ('GC202', '[glance]\n', 1),
    ('GC202', '[glance]\nenable_certificate_validation = true\n', 0),
    ('GC202', '[glance]\nverify_glance_signatures = false\n', 0),
    ('GC203', '[glance]\nverify_glance_signatures = false\n'
              'enable_certificate_validation = true\n', 1),
    ('GC203', '[glance]\nenable_certificate_validation = true\n', 0),
    ('GC203', '[glance]\nverify_glance_signatures = false\n', 0),
])
def test_integrity_checks(audit_text, check, text, count):
    findings = audit_text(text, check)
    assert [f.check_id for f in findings] == [check] * count


def test_gc201_is_high_with_cwe_347(audit_text):
    [found] = audit_text('[glance]\nverify_glance_signatures = false\n',
                         'GC201')
    assert (found.severity.label, found.cwe, found.line) == ('high', 347, 2)


@pytest.mark.parametrize('text,nova,ours', [
    # Silent: nova's default is off; the drop-in's is on.
    ('[glance]\n', ['GC201'], ['GC202', 'GC207']),
    ('[glance]\nverify_glance_signatures = true\n', ['GC202'], ['GC202']),
    ('[glance]\nverify_glance_signatures = false\n', ['GC201'],
     ['GC201']),
    # Certificate validation with default trusted certificates makes nova
    # verify even with verify_glance_signatures off (_get_verifier).
    ('[glance]\nverify_glance_signatures = false\n'
     'enable_certificate_validation = true\n'
     'default_trusted_certificate_ids = abc\n', [], []),
    ('[glance]\nverify_glance_signatures = false\n'
     'enable_certificate_validation = true\n', ['GC201', 'GC203'],
     ['GC201', 'GC203']),
    ('[glance]\nverify_glance_signatures = true\n'
     'enable_certificate_validation = true\n', [], []),
])
def test_signatures_are_judged_by_the_effective_setting(audit_text, text,
                                                       nova, ours):
    ids = ('GC201', 'GC202', 'GC203', 'GC207')
    assert sorted(f.check_id for f in audit_text(
        text, *ids, defaults='nova')) == nova
    assert sorted(f.check_id for f in audit_text(
        text, *ids, defaults='glance-conf')) == ours


def test_silent_file_says_why_verification_is_off(audit_text):
    [found] = audit_text('[glance]\n', 'GC201', defaults='nova')
    assert 'does not set it' in found.message
    [found] = audit_text('[glance]\nverify_glance_signatures = no\n',
                         'GC201', defaults='nova')
    assert 'does not set' not in found.message and found.line == 2


def test_gc207_tells_a_migrating_operator_what_changes(audit_text):
    [found] = audit_text('[glance]\n', 'GC207', defaults='glance-conf')
    assert found.severity.label == 'low'
    assert 'unsigned images stop booting' in found.message
