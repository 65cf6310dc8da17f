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

"""GC5xx checks, with the permission matrix of real deployments.

Tests run as root, so files are given real owners and groups with
``os.chown``: numeric IDs stand for the service account (``nova`` is
1234 here, as ``--service-user 1234`` would say) and for a stranger.
"""

from __future__ import annotations

import os

import pytest
from oslo_config import cfg

import glance_conf
from glance_conf import _files
from glance_conf import audit
from glance_conf.audit import manager
from glance_conf.audit import runner
from glance_conf.audit import source
from glance_conf.audit.checks import host
from glance_conf.audit.finding import Severity
from tests.conftest import parse

PERMISSION_CHECKS = ('GC501', 'GC502', 'GC503', 'GC506')
NOVA, STRANGER = 1234, 999
SERVICE = _files.Host(None, _files.Account(NOVA, NOVA, frozenset({NOVA})))
SECRETS = ('[DEFAULT]\ntransport_url = rabbit://nova:RABBIT_canary@mq:5672/\n'
           '[neutron]\nmetadata_proxy_shared_secret = META_canary\n'
           '[glance]\ntimeout = 30\n')
NO_SECRET = '[glance]\ntimeout = 30\n'


@pytest.fixture
def judge(write_conf):
    """Audit a file of this text, mode, owner and group as nova (1234)."""
    def _judge(text, mode, uid, gid, host=SERVICE):
        path = write_conf(text)
        os.chown(path, uid, gid)
        path.chmod(mode)
        conf = cfg.ConfigOpts()
        glance_conf.register_opts(conf)
        parse(conf, path)
        checks = [c for c in manager.load_checks()
                  if c.id in PERMISSION_CHECKS]
        return audit.run(conf, checks, host=host)
    return _judge


@pytest.mark.parametrize('layout,text,mode,uid,gid,expected', [
    # kolla-ansible host copy: /etc/kolla/nova-compute/nova.conf.
    ('kolla host', SECRETS, 0o660, 0, 0, set()),
    # kolla_set_configs in the container: owner nova, 0600.
    ('kolla container', SECRETS, 0o600, NOVA, NOVA, {'GC503'}),
    # Ubuntu nova-common before its postinst fix, and charm upgrades.
    ('ubuntu nova:nova', SECRETS, 0o640, NOVA, NOVA, {'GC503'}),
    # Security Guide Check-Compute-01/02; Ubuntu, RDO, openstack-ansible.
    ('security guide', SECRETS, 0o640, 0, NOVA, set()),
    # EDPM host copy staged 0644, with the RabbitMQ password in it.
    ('edpm host', SECRETS, 0o644, 0, 0, {'GC502'}),
    # openstack-helm Secret volume, defaultMode 0444.
    ('helm secret volume', SECRETS, 0o444, 0, 0, {'GC502'}),
    # The shipped hardened example after a clone: no secret in it.
    ('clone, no secret', NO_SECRET, 0o644, 0, 0, {'GC506'}),
    # devstack: the service user (stack) owns its 0644 config.
    ('devstack', SECRETS, 0o644, NOVA, NOVA, {'GC502', 'GC503'}),
    ('world-writable', SECRETS, 0o666, 0, 0, {'GC501', 'GC502'}),
    ('world-writable, no secret', NO_SECRET, 0o646, 0, 0,
     {'GC501', 'GC506'}),
    ('service group writes', SECRETS, 0o660, 0, NOVA, {'GC503'}),
    ('stranger group writes', NO_SECRET, 0o660, 0, STRANGER,
     {'GC501', 'GC506'}),
    ('stranger group reads', SECRETS, 0o640, 0, STRANGER, {'GC502'}),
    ('stranger owns', NO_SECRET, 0o600, STRANGER, 0, {'GC503'}),
])
def test_real_layouts(judge, layout, text, mode, uid, gid, expected):
    found = judge(text, mode, uid, gid)
    assert {f.check_id for f in found} == expected, layout
    for one in found:
        assert 'canary' not in one.message
        assert one.severity is {'GC501': Severity.HIGH,
                                'GC502': Severity.MEDIUM,
                                'GC503': Severity.LOW,
                                'GC506': Severity.LOW}[one.check_id]


def test_kolla_host_copy_is_not_high_even_with_secrets(judge):
    """0660 root:root: group root is privileged, not "others"."""
    assert judge(SECRETS, 0o660, 0, 0) == []


def test_service_owned_file_is_low_never_medium(judge):
    for mode in (0o600, 0o640, 0o660, 0o400):
        found = judge(SECRETS, mode, NOVA, NOVA)
        assert [(f.check_id, f.severity) for f in found] == [
            ('GC503', Severity.LOW)], oct(mode)
        assert 'the service can rewrite its own config' in found[0].message


def test_secret_names_are_named_and_values_never_shown(judge):
    [found] = judge(SECRETS, 0o644, 0, 0)
    assert 'DEFAULT.transport_url' in found.message
    assert 'neutron.metadata_proxy_shared_secret' in found.message
    assert 'canary' not in found.message and 'RABBIT' not in found.message
    assert 'mode 0644, owner uid 0, group 0' in found.message


@pytest.mark.parametrize('uid,gid', [(0, 0), (0, NOVA), (NOVA, NOVA),
                                     (0, STRANGER), (STRANGER, STRANGER)])
def test_every_mode_follows_the_rules(judge, uid, gid):
    """The whole matrix, against the rules as the docs state them."""
    for mode in range(0o1000):
        found = {f.check_id for f in judge(SECRETS, mode, uid, gid)}
        trusted_group = gid in (0, NOVA)
        expected = set()
        if mode & 0o002 or (mode & 0o020 and not trusted_group):
            expected.add('GC501')
        if mode & 0o004 or (mode & 0o040 and not trusted_group):
            expected.add('GC502')
        if uid != 0 or (mode & 0o020 and gid == NOVA):
            expected.add('GC503')
        assert found == expected, (oct(mode), uid, gid)


def test_unknown_service_account_judges_no_group(judge):
    """``nova`` unknown on the auditing machine: its IDs are unknown, so
    no file is taken for the service's, and a file's group cannot be
    called "others": root:1234 0640, the Security Guide's own layout,
    is not reported; every user still is."""
    unknown = _files.Host(None, _files.Account())
    assert judge(SECRETS, 0o640, 0, NOVA, host=unknown) == []
    found = judge(SECRETS, 0o644, 0, NOVA, host=unknown)
    assert [f.check_id for f in found] == ['GC502']
    found = judge(SECRETS, 0o600, NOVA, 0, host=unknown)
    assert [f.check_id for f in found] == ['GC503']
    assert 'owned by uid 1234, not root' in found[0].message


def test_offline_runs_no_permission_check(write_conf):
    path = write_conf(SECRETS)
    path.chmod(0o666)
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, path)
    offline = {f.check_id for f in audit.run(conf, offline=True)}
    assert not offline & set(PERMISSION_CHECKS)
    assert {'GC501', 'GC502'} <= {f.check_id for f in audit.run(conf)}


@pytest.mark.parametrize('key,value,secret', [
    ('transport_url', 'rabbit://nova:pw@mq:5672/', True),
    ('transport_url', 'rabbit://a:p1@h1:5672,b:p2@h2:5672/', True),
    ('transport_url', 'rabbit://nova@mq:5672/', False),
    ('connection', 'mysql+pymysql://nova:pw@db/nova', True),
    ('connection', 'sqlite:////var/lib/nova/nova.sqlite', False),
    ('password', 'pw', True),
    ('password', '', False),
    ('rabbit_password', 'pw', True),
    ('memcache_secret_key', 'k', True),
    ('metadata_proxy_shared_secret', 's', True),
    ('application_credential_secret', 's', True),
    ('fixed_key', '0000', True),
    ('admin_token', 't', True),
    ('rbd_secret_uuid', '457eb676-33da-42ec-9a8c-9293d545c337', False),
    ('application_credential_id', 'abc', False),
    ('ssl_key_file', '/etc/nova/key.pem', False),
    ('vencrypt_client_key', '/etc/pki/nova-novnc/client-key.pem', False),
    ('password_length', '12', False),
    ('enable_instance_password', 'true', False),
    ('auth_type', 'password', False),
    ('api_servers', 'https://glance:9292', False),
    # castellan's vault: a secret word wins over the ID suffix.
    ('root_token_id', 's.VaultRootToken', True),
    ('approle_secret_id', 'x', True),
    ('approle_role_id', 'x', False),
    # osprofiler: *_keys counts as *_key; a path is a key file.
    ('hmac_keys', 'SECRET_KEY', True),
    ('hmac_keys', '/etc/nova/hmac.keys', False),
    # oslo.cache: an argument named for a secret.
    ('backend_argument', 'password:x', True),
    ('backend_argument', 'sentinel_password:x', True),
    ('backend_argument', 'url:redis://cache:6379', False),
])
def test_is_secret(key, value, secret):
    assert host.is_secret(key, value) is secret


#: Files whose only secret the rule once missed (their 0644 was GC506,
#: "no secret in it", and is now GC502).
MISSED_SECRETS = [
    '[vault]\nroot_token_id = s.VaultRootToken\n',
    '[vault]\napprole_secret_id = 1ef3-secret\n',
    '[profiler]\nhmac_keys = SECRET_KEY\n',
    '[cache]\nbackend_argument = password:cache-pw\n',
]


@pytest.mark.parametrize('text', MISSED_SECRETS)
def test_secrets_the_rule_once_missed_are_gc502(judge, text):
    assert {f.check_id for f in judge(text, 0o644, 0, 0)} == {'GC502'}


@pytest.mark.parametrize('text,count', [
    ('[glance]\ndebug = true\n', 1),
    ('[DEFAULT]\ndebug = True\n[glance]\ndebug = true\n', 2),
    ('[DEFAULT]\ndebug = false\n[glance]\n', 0),
    ('[glance]\n', 0),
])
def test_gc504_debug(audit_text, text, count):
    assert len(audit_text(text, 'GC504')) == count


def test_alternative_config_source_is_reported_redacted(write_conf):
    """GC505: values from elsewhere, which the audit did not fetch."""
    from glance_conf.audit import runner
    path = write_conf('[DEFAULT]\n\nconfig_source = remote, Other\n'
                      '[REMOTE]\ndriver = remote_file\n'
                      'uri = http://nova:hunter2@127.0.0.1:9/c?token=t0k\n')
    result = runner.audit_service(
        [('--config-file', str(path))],
        [c for c in manager.load_checks() if c.id == 'GC505'])
    found = list(result.findings)
    assert [(f.check_id, f.file, f.line) for f in found] == [
        ('GC505', str(path), 3)] * 2
    assert 'driver remote_file from http://***@127.0.0.1:9/c?***' in \
        found[0].message
    assert '[Other] (no driver)' in found[1].message
    assert 'hunter2' not in found[0].message and 't0k' not in \
        found[0].message


def test_no_config_source_no_finding(audit_text):
    assert audit_text('[glance]\n', 'GC505') == []


@pytest.mark.parametrize('dir_mode,in_config_dir,expected', [
    (0o777, True, ['GC507']),    # anyone adds 99-mine.conf
    (0o1777, True, ['GC507']),   # the sticky bit does not stop that
    (0o777, False, ['GC507']),   # anyone replaces the file
    (0o1777, False, []),         # /tmp style: the file is not theirs
    (0o770, True, ['GC507']),    # a stranger group
    (0o750, True, []),
])
def test_a_writable_directory_lets_others_win(tmp_path, dir_mode,
                                              in_config_dir, expected):
    """The review's case: a clean file in a world-writable config dir."""
    confdir = tmp_path / 'nova.conf.d'
    confdir.mkdir()
    path = confdir / '10-glance.conf'
    path.write_text('[glance]\n')
    os.chown(path, 0, NOVA)
    path.chmod(0o640)
    os.chown(confdir, 0, 5555)  # a group that is not the service's
    confdir.chmod(dir_mode)
    host = _files.Host(None, _files.Account(uid=NOVA, gid=NOVA))
    args = (('--config-dir', str(confdir)) if in_config_dir
            else ('--config-file', str(path)))
    checks = [c for c in manager.load_checks() if c.id == 'GC507']
    result = runner.audit_service([args], checks, host=host)
    found = list(result.findings)
    assert [f.check_id for f in found] == expected
    if found:
        assert str(confdir) in found[0].message


def test_file_checks_judge_the_hosts_recorded_facts(tmp_path):
    """The modes and owners a bundle recorded, for files that do not
    exist on this machine: the checks ask ``self.host``."""
    from tests import bundles as make
    assert not os.path.exists('/etc/nova/nova.conf')
    files = [make.config('/etc/nova/nova.conf', SECRETS, mode=0o644,
                         gid=0)]
    dirs = [make.directory('/etc/nova', mode=0o777)]
    result = make.audit(tmp_path, make.bundle(files=files, dirs=dirs),
                        ids=PERMISSION_CHECKS + ('GC507',))
    assert sorted((f.check_id, f.file) for f in result.findings) == [
        ('GC502', 'compute-01:/etc/nova/nova.conf'),
        ('GC507', 'compute-01:/etc/nova/nova.conf')]


def test_a_files_secrets_are_listed_once_and_per_file():
    """GC502 and GC506 both ask; a large file is scanned once, and no
    file is ever answered with another's list."""
    first = source.parse_text('a.conf', '[glance]\npassword = x\n')
    second = source.parse_text('b.conf', '[glance]\nregion_name = x\n')
    assert host.secrets_in(first) == ['glance.password']
    assert host.secrets_in(first) is host.secrets_in(first)
    assert host.secrets_in(second) == []
    for n in range(3 * host._MAX_LISTED):
        host.secrets_in(source.parse_text('%d.conf' % n, '[a]\nb = c\n'))
    assert len(host._LISTED) <= host._MAX_LISTED
    assert host.secrets_in(first) == ['glance.password']
