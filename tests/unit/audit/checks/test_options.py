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

"""GC3xx checks."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize('check,text,count', [
    ('GC301', '[glance]\n', 1),
    ('GC301', '[glance]\ntimeout = 30\n', 0),
    ('GC301', '[glance]\ntimeout = -5\n', 0),  # GC302's business
    ('GC302', '[glance]\ntimeout = -5\n', 1),
    ('GC302', '[glance]\nnum_retries = 100\nrbd_user = a b\n', 2),
    ('GC302', '[glance]\nnum_retries = 10\n', 0),
    ('GC302', '[glance]\nnum_retries = 32\n', 0),
    ('GC302', '[glance]\nnum_retries = 33\n', 1),
    ('GC307', '[glance]\nnum_retries = 10\n', 0),
    ('GC307', '[glance]\nnum_retries = 11\n', 1),
    ('GC307', '[glance]\nnum_retries = 33\n', 0),  # GC302's business
    # nova-operator writes keystoneauth auth options into [glance]: nova
    # ignores them (include_auth=False); one info finding, no typos.
    ('GC303', '[glance]\nauth_url = https://k:5000\nusername = nova\n'
              'password = NOVA_PASS\nauth_type = password\n', 0),
    ('GC306', '[glance]\nauth_url = https://k:5000\nusername = nova\n'
              'password = NOVA_PASS\nauth_type = password\n', 1),
    ('GC306', '[glance]\nnum_retries = 3\n', 0),
    ('GC303', '[glance]\nnum_retry = 3\n', 1),
    ('GC303', '[glance]\nhost = g\nport = 9292\nprotocol = https\n'
              'allowed_direct_url_schemes = file\n', 4),
    ('GC303', '[glance]\nnum_retries = 3\n'
              'collect_timing = true\napi_insecure = false\n', 0),
    ('GC303', '[glance]\ncollect-timing = true\n', 1),
    ('GC303', '[other]\nnum_retry = 3\n', 0),
    ('GC304', '[glance]\napi_insecure = false\n', 1),
    ('GC304', '[ssl]\nca_file = /x\ncert_file = /y\nkey_file = /z\n', 3),
    ('GC304', '[glance]\napi_servers = https://g\n', 1),
    ('GC304', '[glance]\nenable_certificate_validation = true\n', 1),
    ('GC304', '[glance]\ninsecure = false\ncafile = /x\n', 0),
])
def test_option_checks(audit_text, check, text, count):
    findings = audit_text(text, check)
    assert [f.check_id for f in findings] == [check] * count


def test_gc302_message_names_rule_not_secret(audit_text):
    [found] = audit_text('[glance]\nendpoint_override = '
                         'https://nova:hunter2@glance/?token=tok3n\n', 'GC302')
    assert found.option == 'glance.endpoint_override'
    assert 'user-info' in found.message
    assert 'hunter2' not in found.message and 'tok3n' not in found.message
    assert found.line == 2


def test_gc303_suggests_closest_name(audit_text):
    [found] = audit_text('[glance]\nverify_glance_signature = true\n',
                         'GC303')
    assert found.remediation == 'Did you mean verify_glance_signatures?'
    [removed] = audit_text('[glance]\nhost = glance\n', 'GC303')
    assert 'removed' in removed.message


def test_gc303_explains_hyphenated_spelling(audit_text):
    [found] = audit_text('[glance]\ntls-min-version = 1.2\n', 'GC303')
    assert 'reads this option only as tls_min_version' in found.message
    assert found.remediation == 'Spell it tls_min_version.'


def test_gc304_names_the_replacement(audit_text):
    [found] = audit_text('[ssl]\nca_file = /x\n', 'GC304')
    assert found.option == 'ssl.ca_file'
    assert found.remediation == 'Set [glance] cafile instead.'
    assert found.severity.label == 'info'


# -- $ references ----------------------------------------------------------

from hypothesis import HealthCheck  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from glance_conf.audit import manager  # noqa: E402
from glance_conf.audit import runner  # noqa: E402
from glance_conf.audit.checks import options  # noqa: E402

_VALUE_CHECKS = [c for c in manager.load_checks()
                 if c.id in ('GC102', 'GC302', 'GC305')]


def _cli_audit(write_conf, text):
    """Audit through the command line's own ConfigOpts."""
    result = runner.audit_service(
        [('--config-file', str(write_conf(text)))], _VALUE_CHECKS)
    assert not result.problems
    return list(result.findings)


@pytest.mark.parametrize('text,expected', [
    # nova resolves $my_ip from its own [DEFAULT] my_ip: not refused.
    ('[glance]\nendpoint_override = https://$my_ip:9292\n', ['GC305']),
    ('[glance]\nendpoint_override = https://${host}:9292\n', ['GC305']),
    ('[glance]\nendpoint_override = https://${DEFAULT.my_ip}:92\n',
     ['GC305']),
    ('[glance]\nrbd_user = ${libvirt.rbd_user}\n', ['GC305']),
    ('[glance]\nendpoint_override = https://$unknown_x:9292\n', ['GC305']),
    # Set in the file, it resolves as in nova, and is judged.
    ('[DEFAULT]\nmy_ip = 192.0.2.5\n[glance]\n'
     'endpoint_override = http://$my_ip:9292\n', ['GC102']),
    ('[DEFAULT]\nmy_ip = 192.0.2.5\n[glance]\n'
     'endpoint_override = https://$my_ip:9292\n', []),
    ('[glance]\nregion_name = r1\nendpoint_override = https://g-$region_name'
     '\n', []),
    ('[DEFAULT]\nhost = a b\n[glance]\nendpoint_override = https://$host\n',
     ['GC302']),
])
def test_references_resolve_as_nova_or_are_not_judged(write_conf, text,
                                                        expected):
    found = _cli_audit(write_conf, text)
    assert [f.check_id for f in found] == expected
    for f in found:
        assert 'a b' not in f.message and 'my_ip' not in f.message
    if expected == ['GC302']:
        assert found[0].message == options.SUBSTITUTED_REFUSED % (
            'endpoint_override')


# A distinctive prefix: no option has it, and no message word contains it.
_NAME = st.from_regex(r'zq[a-z0-9_]{1,10}', fullmatch=True)
_OPTION = st.sampled_from(['endpoint_override', 'region_name', 'cafile',
                           'timeout', 'num_retries', 'api_servers',
                           'rbd_user'])


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_OPTION, _NAME, st.sampled_from(['$%s', '${%s}', 'https://$%s:1',
                                        '/etc/$%s/x', '1$%s']))
def test_a_reference_is_never_refused_nor_echoed(write_conf, audit_text,
                                                 option, name, shape):
    """Whatever it refers to, in either audit path."""
    text = '[glance]\n%s = %s\n' % (option, shape % name)
    for found in (_cli_audit(write_conf, text),
                  audit_text(text.replace('{', '{{').replace('}', '}}'),
                             'GC302', 'GC305')):
        assert [f.check_id for f in found] == ['GC305']
        assert name not in found[0].message + found[0].remediation


@pytest.mark.parametrize('key,suggestion', [
    ('num_retry', 'num_retries'), ('os_region_name', 'region_name'),
    ('verify_glance_signature', 'verify_glance_signatures'),
    ('endpoint_overide', 'endpoint_override'),
    ('keystone_url', None), ('service_user', None), ('bogus', None)])
def test_gc303_suggests_only_near_misses(audit_text, key, suggestion):
    [found] = audit_text('[glance]\n%s = x\n' % key, 'GC303')
    if suggestion:
        assert found.remediation == 'Did you mean %s?' % suggestion
    else:
        assert found.remediation == 'Remove it.'


def test_gc306_names_options_never_values(audit_text):
    [found] = audit_text('[glance]\nusername = nova\npassword = S3cr3tPw\n'
                         'auth_url = https://k:5000\n', 'GC306')
    assert found.severity.label == 'info'
    assert 'auth_url, password, username' in found.message
    assert 'holds a secret' in found.message
    assert 'S3cr3tPw' not in found.message + found.remediation
    assert found.line == 2


def test_gc307_says_the_attempts(audit_text):
    [found] = audit_text('[glance]\nnum_retries = 20\n', 'GC307')
    assert found.severity.label == 'low' and '21 attempts' in found.message
