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

"""Fixes declared on the checks, and the one answer to "is it fixable"."""

from __future__ import annotations

import pytest

from glance_conf.audit import manager
from glance_conf.audit import remedy
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity

#: check ID -> the fix it declares, from the installed checks.
FIXES = {check.id: check.fix for check in manager.load_checks()
         if check.fix is not None}


def _finding(check_id, option):
    return Finding(check_id, Severity.LOW, 1, option, 'm', 'r')


@pytest.mark.parametrize(('check_id', 'option', 'expected'), [
    ('GC101', 'glance.insecure', True),
    ('GC304', 'ssl.ca_file', True),
    ('GC304', 'glance.api_servers', False),
    ('GC303', 'glance.num_retry', True),
    ('GC303', 'glance.host', False),
    ('GC303', 'glance.zzzz', False),
    ('GC102', 'glance.api_servers', False),
])
def test_fixable(check_id, option, expected):
    assert remedy.fixable(_finding(check_id, option), FIXES) is expected


def test_a_skipped_check_is_not_fixable():
    found = _finding('GC101', 'glance.insecure')
    assert remedy.fixable(found, FIXES, skip=['GC101']) is False
    assert remedy.fixable(found, FIXES, skip=['GC301']) is True


def test_the_checks_declare_the_fixes_the_tool_documents():
    """The fixes ``glance-conf-audit fix`` describes, and no others; GC201
    and GC207 share one."""
    assert sorted(FIXES) == ['GC101', 'GC106', 'GC201', 'GC207', 'GC301',
                             'GC303', 'GC304']
    assert FIXES['GC201'] is FIXES['GC207']


def test_names_are_fixed_before_values():
    """An alias oslo.config reads is renamed before a key it ignores, and
    both before a value is set, so the value lands on the name that
    stays; new keys come in their declared order."""
    ranked = sorted(FIXES, key=lambda i: (remedy.rank(FIXES[i]), i))
    assert ranked == ['GC101', 'GC304', 'GC303', 'GC201', 'GC207', 'GC106',
                      'GC301']


@pytest.mark.parametrize(('text', 'wrong'), [
    ('true', True), ('Yes', True), ('1', True), ('false', False),
    ('off', False), ('maybe', False), ('', False)])
def test_reset_touches_only_booleans_other_than_its_value(text, wrong):
    assert remedy.Reset(('insecure',), False).wrong(text) is wrong
