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


"""GC8xx cinder checks: each on real cinder.conf text, read through
cinder's own option types."""

from __future__ import annotations

import pytest

from glance_conf import _files
from glance_conf.audit import manager
from glance_conf.audit import runner

CINDER = ('cinder',)


def audit(tmp_path, text, *ids, host=None):
    """The findings of the checks ``ids`` on ``text`` as cinder.conf."""
    path = tmp_path / 'cinder.conf'
    path.write_text(text.format(tmp=tmp_path))
    checks = [c for c in manager.load_checks() if c.id in ids]
    assert len(checks) == len(ids)
    result = runner.audit_service([('--config-file', str(path))], checks,
                                  offline=host is None, host=host,
                                  service='cinder')
    try:
        assert not result.problems, result.problems
        return list(result.findings)
    finally:
        result.close()


@pytest.mark.parametrize('check,text,count', [
    ('GC800', 'verify_glance_signatures = yes', 1),
    ('GC800', 'glance_num_retries = -1', 1),
    ('GC800', 'glance_num_retries = 2', 0),
    ('GC801', 'glance_api_servers = http://g:9292', 1),
    ('GC801', 'glance_api_servers = g:9292,HTTP://h:9292', 2),
    ('GC801', 'glance_api_servers = https://g:9292,HTTPS://h', 0),
    ('GC801', '', 0),  # the catalog: its scheme is not in the file
    ('GC802', 'glance_api_insecure = true', 1),
    ('GC802', 'glance_api_insecure = false', 0),
    ('GC802', '', 0),
    ('GC805', 'glance_keyfile = /k.pem', 1),
    ('GC805', 'glance_keyfile = /k.pem\nglance_certfile = /c.pem', 0),
    ('GC806', '', 1),
    ('GC806', 'glance_request_timeout = 60', 0),
    ('GC807', 'glance_num_retries = 11', 1),
    ('GC807', 'glance_num_retries = 10', 0),
    ('GC807', '', 0),  # cinder's default, 3
    ('GC808', 'allowed_direct_url_schemes = file', 1),
    ('GC808', 'allowed_direct_url_schemes = cinder,file', 1),
    ('GC808', 'allowed_direct_url_schemes = cinder', 0),
    ('GC808', '', 0),
    ('GC809', 'verify_glance_signatures = disabled', 1),
    ('GC809', 'verify_glance_signatures = enabled', 0),
    ('GC809', '', 0),
    ('GC810', '', 1),  # cinder's default is enabled: unsigned pass
    ('GC810', 'verify_glance_signatures = enabled', 1),
    ('GC810', 'verify_glance_signatures = disabled', 0),  # GC809's
])
def test_cinder_check(tmp_path, check, text, count):
    found = audit(tmp_path, '[DEFAULT]\n%s\n' % text, check)
    assert len(found) == count
    assert all(f.check_id == check and f.option.startswith('DEFAULT.')
               for f in found)


def test_a_server_without_scheme_is_named_plain_http(tmp_path):
    [found] = audit(tmp_path, '[DEFAULT]\nglance_api_servers = g:9292\n',
                    'GC801')
    assert 'has no scheme, so cinder uses plain HTTP' in found.message
    assert found.line == 2 and found.file.endswith('cinder.conf')


def test_a_refused_value_is_never_quoted(tmp_path):
    [found] = audit(tmp_path, '[DEFAULT]\nglance_request_timeout = '
                    'hunter2-secret\n', 'GC800')
    assert 'hunter2' not in found.message + found.remediation
    assert found.option == 'DEFAULT.glance_request_timeout'


def test_a_server_password_is_masked(tmp_path):
    [found] = audit(tmp_path, '[DEFAULT]\nglance_api_servers = '
                    'http://u:hunter2@g:9292\n', 'GC801')
    assert 'hunter2' not in found.message


def test_tls_files_on_the_host(tmp_path):
    """GC803 and GC804 judge cinder's files as GC103 and GC104 judge
    nova's: a missing CA, an exposed key, then nothing."""
    key = tmp_path / 'key.pem'
    key.write_text('k')
    key.chmod(0o644)
    host = _files.Host(None, _files.Account.current())
    text = ('[DEFAULT]\nglance_ca_certificates_file = {tmp}/missing.pem\n'
            'glance_certfile = {tmp}/key.pem\n'
            'glance_keyfile = {tmp}/key.pem\n')
    found = audit(tmp_path, text, 'GC803', 'GC804', host=host)
    assert sorted((f.check_id, f.option) for f in found) == [
        ('GC803', 'DEFAULT.glance_ca_certificates_file'),
        ('GC804', 'DEFAULT.glance_keyfile')]
    assert 'readable by every user' in found[-1].message
    key.chmod(0o600)
    assert audit(tmp_path, text.replace('missing', 'key'), 'GC803',
                 'GC804', host=host) == []


def test_offline_the_host_checks_are_listed_not_passed(tmp_path):
    path = tmp_path / 'cinder.conf'
    path.write_text('[DEFAULT]\nglance_keyfile = /k.pem\n')
    result = runner.audit_service([('--config-file', str(path))],
                                  manager.load_checks(), offline=True)
    try:
        assert result.service == 'cinder'
        assert result.not_checked == ['GC803', 'GC804']
    finally:
        result.close()


def test_nova_checks_never_judge_cinder_conf(tmp_path):
    """cinder's [glance] holds keystoneauth options of its own: nova's
    rules about them are not cinder's."""
    found = audit(tmp_path, '[DEFAULT]\nglance_request_timeout = 5\n'
                  'verify_glance_signatures = disabled\n'
                  '[glance]\ninsecure = true\n', 'GC101', 'GC201', 'GC809')
    assert [f.check_id for f in found] == ['GC809']


def test_the_cinder_range_is_cinder_s_alone():
    for check in manager.load_checks():
        number = int(check.id[2:])
        assert (check.services == CINDER) is (800 <= number < 850), check.id
