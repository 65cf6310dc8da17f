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

"""GC1xx checks: one positive and one negative case each, and edges."""

from __future__ import annotations

import os

import pytest
from oslo_config import cfg

import glance_conf
from glance_conf import _files
from glance_conf import audit
from glance_conf.audit import manager
from tests.conftest import SECURE
from tests.conftest import parse


@pytest.mark.parametrize('check,text,count', [
    ('GC101', '[glance]\ninsecure = true\n', 1),
    ('GC101', '[glance]\napi_insecure = true\n', 1),
    ('GC101', '[glance]\ninsecure = false\n', 0),
    ('GC101', '[glance]\n', 0),
    ('GC102', '[glance]\nendpoint_override = http://g:9292\n', 1),
    ('GC102', '[glance]\nendpoint_override = HTTP://g:9292\n', 1),
    ('GC102', '[glance]\napi_servers = http://a,https://b,http://c\n', 2),
    ('GC102', '[glance]\nendpoint_override = https://g:9292\n', 0),
    # Refused (GC302: user-info) yet used by a stock nova: still http.
    ('GC102', '[glance]\napi_servers = http://u@glance:9292\n'
              'endpoint_override = https://g:9292\n', 1),
    # nova uses api_servers when set: the override is never reached.
    ('GC102', '[glance]\napi_servers = https://a\n'
              'endpoint_override = http://g:9292\n', 0),
    ('GC103', '[glance]\ncafile = /nonexistent/ca.pem\n', 1),
    ('GC103', '[ssl]\nkey_file = /nonexistent/k.pem\n'
              'cert_file = /nonexistent/c.pem\n', 2),
    ('GC103', '[glance]\ncafile = {ca}\n', 0),
    ('GC105', '[glance]\nkeyfile = {ca}\n', 1),
    ('GC105', '[glance]\nkeyfile = {ca}\ncertfile = {ca}\n', 0),
    ('GC106', '[glance]\n', 1),  # the catalog: its scheme is unknown
    ('GC106', '[glance]\nendpoint_override = https://g:9292\n', 1),
    ('GC106', '[glance]\napi_servers = http://a,https://b\n', 1),
    # All plain HTTP: no TLS to pin (GC102 says what matters).
    ('GC106', '[glance]\napi_servers = http://a,http://b\n', 0),
    ('GC106', '[glance]\ntls_min_version = 1.2\n', 0),
    ('GC106', '[glance]\ntls_min_version = 1.3\n', 0),
    ('GC107', '[glance]\ntls_ciphers = HIGH:aNULL\n', 1),
    ('GC107', '[glance]\ntls_ciphers = ALL:@SECLEVEL=0\n', 1),
    ('GC107', '[glance]\ntls_ciphers = ECDHE+AESGCM:@SECLEVEL=1\n', 1),
    ('GC107', '[glance]\ntls_ciphers = HIGH:eNULL\n', 1),
    ('GC107', '[glance]\ntls_ciphers = ECDHE+AESGCM\n', 0),
    ('GC107', '[glance]\ntls_ciphers = HIGH:!aNULL:!eNULL:!RC4\n', 0),
    ('GC107', '[glance]\ntls_ciphers =\n', 0),
    ('GC107', '[glance]\ntls_ciphers = FOO\n', 0),  # GC302 reports it
    ('GC107', '[glance]\n', 0),
])
def test_transport_checks(audit_text, check, text, count):
    findings = audit_text(text, check)
    assert len(findings) == count
    assert all(f.check_id == check for f in findings)


def test_gc101_points_at_the_deprecated_alias(audit_text):
    [found] = audit_text('[DEFAULT]\n\n[glance]\napi_insecure = true\n',
                         'GC101')
    assert found.option == 'glance.insecure'
    assert found.file.endswith('nova.conf') and found.line == 4
    assert found.severity.label == 'high' and found.cwe == 295


def test_gc102_never_shows_credentials(audit_text):
    # A password in the URL is refused by the type (GC302), so GC102 sees
    # nothing; either way the secret is not in any finding.
    findings = audit_text('[glance]\napi_servers = http://a,'
                          'http://u:hunter2@b\n')
    assert findings
    assert not any('hunter2' in f.message for f in findings)


def test_gc103_unreadable_file(audit_text, monkeypatch, ca_file):
    real = os.access
    monkeypatch.setattr(os, 'access', lambda p, m: False
                        if str(p) == str(ca_file) else real(p, m))
    [found] = audit_text('[glance]\ncafile = {ca}\n', 'GC103')
    assert 'is not readable' in found.message


@pytest.mark.parametrize('mode,gid,flagged', [
    (0o600, 0, False), (0o400, 0, False), (0o604, 0, True),
    (0o602, 0, True), (0o644, 0, True),
    # Group root is privileged: 0640 root:root exposes the key to nobody.
    (0o640, 0, False), (0o620, 0, False),
    # Any other group is "others" (the service here is this process).
    (0o640, 4321, True), (0o620, 4321, True)])
def test_gc104_key_mode(audit_text, ca_file, mode, gid, flagged):
    os.chown(ca_file, 0, gid)
    ca_file.chmod(mode)
    findings = audit_text('[glance]\nkeyfile = {ca}\ncertfile = {ca}\n',
                          'GC104')
    assert bool(findings) is flagged
    if flagged:
        assert '%04o' % mode in findings[0].message


def test_secure_config_has_no_transport_finding(audit_text):
    ids = ('GC101', 'GC102', 'GC103', 'GC104', 'GC105', 'GC106', 'GC107')
    assert audit_text(SECURE, *ids) == []


def test_gc107_names_keywords_and_level_not_the_value(audit_text):
    [found] = audit_text('[glance]\ntls_ciphers = ECDHE+AESGCM:NULL-SHA:'
                         '@SECLEVEL=0\n', 'GC107')
    assert found.message == ('tls_ciphers turns on NULL; lowers the OpenSSL '
                             'security level to 0 (the floor is 2).')
    assert found.option == 'glance.tls_ciphers' and found.line == 2
    assert found.severity.label == 'high' and found.cwe == 327


# -- on the service's host, or under --root ---------------------------------

NOVA = 1234
ROOTED = '[glance]\ncafile = /etc/nova/certs/ca.crt\n' \
    'certfile = /etc/nova/certs/ca.crt\nkeyfile = /etc/nova/certs/key.pem\n'


@pytest.fixture
def container(tmp_path):
    """A container root file system, as kolla or openstack-helm lay it
    out: certificates under /etc/nova/certs, the key owned by nova."""
    root = tmp_path / 'rootfs'
    certs = root / 'etc/nova/certs'
    certs.mkdir(parents=True)
    (root / 'etc/nova').chmod(0o755)
    certs.chmod(0o755)
    (certs / 'ca.crt').write_text('-----BEGIN CERTIFICATE-----\n')
    (certs / 'ca.crt').chmod(0o644)
    (certs / 'key.pem').write_text('-----BEGIN PRIVATE KEY-----\n')
    os.chown(certs / 'key.pem', NOVA, NOVA)
    (certs / 'key.pem').chmod(0o600)
    return root


def _audit_under(conf_file, root, *ids):
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, conf_file)
    host = _files.Host(str(root), _files.Account(NOVA, NOVA,
                                                 frozenset({NOVA})))
    return audit.run(conf, [c for c in manager.load_checks()
                            if c.id in ids], host=host)


def test_container_paths_are_judged_under_root(write_conf, container):
    """kolla names container paths: /etc/nova/certs/ca.crt exists only
    under the container's root, and there it is fine."""
    path = write_conf(ROOTED)
    assert _audit_under(path, container, 'GC103', 'GC104') == []
    # The same paths looked up on this machine do not exist.
    missing = _audit_under(path, container.parent / 'elsewhere', 'GC103')
    assert len(missing) == 3
    assert 'does not exist' in missing[0].message


def test_key_unreadable_by_the_service_under_root(write_conf, container):
    key = container / 'etc/nova/certs/key.pem'
    os.chown(key, 0, 0)
    [found] = _audit_under(write_conf(ROOTED), container, 'GC103')
    assert found.option == 'glance.keyfile'
    assert 'is not readable by the service account' in found.message


def test_key_exposed_under_root(write_conf, container):
    (container / 'etc/nova/certs/key.pem').chmod(0o644)
    [found] = _audit_under(write_conf(ROOTED), container, 'GC104')
    assert 'mode 0644: readable by every user' in found.message


def test_a_link_out_of_root_is_never_followed(write_conf, container):
    """An absolute link in the container points into the container, not
    at this machine's file of the same name."""
    key = container / 'etc/nova/certs/key.pem'
    key.unlink()
    key.symlink_to('/etc/passwd')
    [found] = _audit_under(write_conf(ROOTED), container, 'GC103')
    assert 'does not exist' in found.message


def test_host_checks_do_not_run_offline(write_conf):
    path = write_conf('[glance]\ncafile = /nonexistent/ca.pem\n'
                      'keyfile = /nonexistent/key.pem\n')
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, path)
    checks = [c for c in manager.load_checks() if c.id in ('GC103',
                                                            'GC104')]
    assert audit.run(conf, checks, offline=True) == []
    assert [f.check_id for f in audit.run(conf, checks)] == ['GC103'] * 2


def test_tls_files_are_judged_from_the_hosts_recorded_facts(tmp_path):
    """GC103 and GC104 from a bundle: present, missing, exposed."""
    from tests import bundles as make
    ca, key = '/etc/nova/certs/ca.pem', '/etc/nova/certs/nova.key'
    text = make.NOVA_CONF + 'certfile = %s\nkeyfile = %s\n' % (ca, key)
    paths = {ca: make.present(ca), key: make.present(key, mode=0o604)}
    result = make.audit(tmp_path, make.bundle(
        files=[make.config('/etc/nova/nova.conf', text)], paths=paths),
        ids=('GC103', 'GC104'))
    assert not os.path.exists(ca)
    assert [(f.check_id, f.message) for f in result.findings] == [
        ('GC104', 'keyfile %s has mode 0604: readable by every user.'
         % key)]
    del paths[key]
    again = make.audit(tmp_path / 'again', make.bundle(
        files=[make.config('/etc/nova/nova.conf', text)], paths=paths),
        ids=('GC103', 'GC104'))
    assert len(again.findings) == 0
    assert [p.path for p in again.problems] == ['compute-01:%s' % key]
