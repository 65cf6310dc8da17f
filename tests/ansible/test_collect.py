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

"""The module ``collect`` itself (ansible/plugins/modules/collect.py).

It cannot import glance-conf (the hosts do not have it), so its secret
rule and its INI reading are copies; these tests hold them to the
audit's own (``checks.host.is_secret``, ``source.parse_text``), so the
copies cannot drift silently.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import multiprocessing
import os
import pathlib
import stat
import struct
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oslo_config import iniparser

from glance_conf.audit import bundle as bundle_reader
from glance_conf.audit import source
from glance_conf.audit.checks import host
from glance_conf.audit.exception import LoadError
from tests.ansible import ansible_env

_SPEC = importlib.util.spec_from_file_location(
    'glance_conf_collect',
    ansible_env.COLLECTION / 'plugins' / 'modules' / 'collect.py')
assert _SPEC is not None and _SPEC.loader is not None
collect = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(collect)

#: (key, value) pairs where a copy of the rule is most likely to drift.
CASES = [
    ('transport_url', 'rabbit://nova:pw1@mq1:5672,nova:pw2@mq2:5672/'),
    ('transport_url', 'rabbit://mq1:5672,mq2:5672/'),
    ('transport_url', 'rabbit://nova@mq1:5672/'),
    ('transport_url', 'rabbit://nova:p@ss:w0rd@mq1:5672/?ssl=1'),
    ('connection', 'mysql+pymysql://nova:dbpass@db/nova?charset=utf8'),
    ('connection', 'sqlite:////var/lib/nova/nova.sqlite'),
    ('connection', 'mysql+pymysql://db/nova?read_default_file=/etc/my.cnf'),
    ('fixed_key', '0123456789abcdef'),
    ('fixed_key', '/etc/nova/fixed.key'),
    ('memcache_secret_key', 'abc'),
    ('rbd_secret_uuid', '457eb676-33da-42ec-9a8c-9293d545c337'),
    ('password', 'hunter2'),
    ('Password', 'hunter2'),
    ('admin_password', ''),
    ('password_length', '12'),
    ('enable_instance_password', 'true'),
    ('metadata_proxy_shared_secret', 's3cr3t'),
    ('secret_file', '/etc/secret'),
    ('secret_path', 'etc/secret'),
    ('password_id', 'abc'),
    ('auth_token', 'gAAAAAB'),
    ('token', 'x'),
    ('admin_token', 'ADMIN'),
    ('api_servers', 'https://glance:9292'),
    ('endpoint_override', 'https://user:pass@glance:9292/v2?x=1#frag'),
    ('cafile', '/etc/nova/certs/ca.pem'),
    ('ssh_key', 'ssh-rsa AAAA'),
    ('user_id', 'abc'),
    ('region_name', 'RegionOne'),
    ('note', 'see http://a:b@c and more'),
    # castellan's vault: a secret word wins over the ID suffix.
    ('root_token_id', 's.VaultRootToken'),
    ('approle_secret_id', 'vault-approle-secret'),
    ('approle_role_id', 'role-42'),
    ('password_id', 'abc'),
    ('token_id', 'tok-id'),
    # osprofiler: *_keys counts as *_key.
    ('hmac_keys', 'SECRET_KEY_OF_HMAC'),
    ('hmac_keys', '/etc/nova/hmac.keys'),
    # oslo.cache: the argument named for a secret is one.
    ('backend_argument', 'password:cache-pw'),
    ('backend_argument', 'redis_password:cache-pw'),
    ('backend_argument', 'secret:cache-pw'),
    ('backend_argument', 'url:redis://cache:6379'),
    ('backend_argument', 'url:redis://u:cache-pw@cache:6379'),
    ('backend_argument', 'password:'),
]


def _masked_values(text: str) -> dict[tuple[str, str], source.Assignment]:
    raw = source.parse_text('nova.conf', text)
    return {(section, key): assignment
            for section, keys in raw.sections.items()
            for key, assignment in keys.items()}


@pytest.mark.parametrize('key, value', CASES)
def test_the_secret_rule_is_the_audits(key, value):
    assert collect.is_secret(key, value) == host.is_secret(key, value)


@pytest.mark.parametrize('key, value', CASES)
def test_masking_keeps_keys_lines_and_what_the_audit_judges(key, value):
    """The masked file reads as the original to the audit: same keys
    and lines, the same verdict of is_secret; no password is left."""
    text = '[DEFAULT]\nhost = c1\n\n[database]\n%s = %s\n' % (key, value)
    masked, _ = collect.parse_and_mask(text)
    before, after = _masked_values(text), _masked_values(masked)
    assert before.keys() == after.keys()
    for where, assignment in before.items():
        assert after[where].line == assignment.line
        assert host.is_secret(where[1], after[where].value) == \
            host.is_secret(where[1], assignment.value)
    for secret in ('pw1', 'pw2', 'p@ss', 'dbpass', 'hunter2', 's3cr3t',
                   'gAAAAAB', 'ADMIN', '0123456789abcdef', 'charset=utf8',
                   'x=1', 'frag', 'ssh-rsa', ':pass@', 'VaultRootToken',
                   'vault-approle-secret', 'tok-id', 'SECRET_KEY_OF_HMAC',
                   'cache-pw'):
        if secret in value and (host.is_secret(key, value) or '?' in value
                                or '#' in value):
            assert secret not in masked, (key, masked)


@pytest.mark.parametrize('key, value, secret', [
    ('root_token_id', 's.VaultRootToken', True),
    ('approle_secret_id', 'x', True),
    ('approle_role_id', 'x', False),
    ('application_credential_id', 'x', False),
    ('rbd_secret_uuid', 'x', False),
    ('secret_file', 'x', False),
    ('hmac_keys', 'SECRET_KEY', True),
    ('hmac_keys', '/etc/nova/hmac.keys', False),
    ('backend_argument', 'password:x', True),
    ('backend_argument', 'memcached_secret:x', True),
    ('backend_argument', 'url:redis://cache:6379', False),
    ('backend_argument', 'password', False),
])
def test_the_rule_knows_vault_osprofiler_and_oslo_cache(key, value,
                                                       secret):
    """H3 (c): secrets the rule missed, in both copies."""
    assert collect.is_secret(key, value) is secret
    assert host.is_secret(key, value) is secret


def test_the_rules_constants_are_the_audits():
    names = ('SECRET_WORDS', 'SECRET_SUFFIXES', 'SECRET_NAMES',
             'NOT_SECRET_SUFFIXES', 'NOT_SECRET_NAMES', 'SECRET_ID_WORDS',
             'SECRET_ID_SUFFIX', 'SECRET_ARGUMENT_OPTIONS')
    assert {n: getattr(collect, n) for n in names} == \
        {n: getattr(host, n) for n in names}


@pytest.mark.parametrize('line, secret', [
    # No "=": oslo.config cuts at the first ":", the URL is no value.
    ('transport_url rabbit://nova:hunter2@mq', 'hunter2'),
    ('# see rabbit://nova:hunter2@mq', 'hunter2'),
    ('; old: https://h/x?token=hunter2', 'hunter2'),
    ('[DEFAULT] transport_url = rabbit://nova:hunter2@mq', 'hunter2'),
    ('[DEFAULT] password = hunter2', 'hunter2'),
    ('[rabbit://nova:hunter2@mq]', 'hunter2'),
    ('[broken password=hunter2', 'hunter2'),
    ('[vault]\nroot_token_id = hunter2', 'hunter2'),
    ('[vault]\napprole_secret_id = hunter2', 'hunter2'),
    ('[profiler]\nhmac_keys = hunter2', 'hunter2'),
    ('[cache]\nbackend_argument = password:hunter2', 'hunter2'),
    # An empty key: a password wrapped onto its own line.
    ('password =\n= hunter2', 'hunter2'),
    (': hunter2', 'hunter2'),
    ('\f= hunter2', 'hunter2'),
    ('\u3000: hunter2', 'hunter2'),
    ('= hunter2\n    and-the-rest-hunter2', 'hunter2'),
])
def test_every_kind_of_line_is_masked(line, secret):
    """H3 (a, b): whatever oslo.config makes of a line, no password, no
    query value and no refused "[" line leaves the host; lines and keys
    are kept."""
    text = '[DEFAULT]\nhost = c1\n%s\n' % line
    masked, _ = collect.parse_and_mask(text)
    assert secret not in masked
    assert masked.count('\n') == text.count('\n')
    try:
        before = _masked_values(text).keys()
    except LoadError as refused:
        with pytest.raises(LoadError) as caught:
            _masked_values(masked)
        assert caught.value.reason == refused.reason
    else:
        assert _masked_values(masked).keys() == before


SHADOW = ('root:$6$Salt1234$HashOfRootHashOfRoot:19000:0:99999:7:::\n'
          'nova:$6$Salt5678$HashOfNovaHashOfNova:19000:0:99999:7:::\n')


@pytest.mark.parametrize('text', [
    SHADOW,
    '# a note\n' + SHADOW + '[DEFAULT]\nhost = c1\n',
    'password = HashOfRoot\n    HashOfNova\n[DEFAULT]\n',
    '\f= HashOfRoot\n: HashOfNova\n[glance]\n',
    '; HashOfRoot\n# HashOfNova\n[DEFAULT]\n',
])
def test_every_line_before_the_first_section_is_masked_whole(text):
    """M2: oslo.config refuses an assignment before any section, so such
    a file (a shadow file a link in a config dir points to) is no nova
    config; none of its lines leaves the host, whatever its key."""
    masked, assignments = collect.parse_and_mask(text)
    assert 'HashOf' not in masked and 'Salt' not in masked
    assert masked.count('\n') == text.count('\n')
    assert all(section is not None for section, _, _, _ in assignments)


def test_a_linked_shadow_file_in_a_config_dir_never_reaches_the_bundle(
        tmp_path):
    """M2, end to end: a link in nova.conf.d to a root-only shadow file
    is followed (under the root, as root: as oslo.config would follow
    it), and none of its hashes is in the bundle."""
    root = _tree(tmp_path / 'r', '[DEFAULT]\nhost = c1\n')
    (root / 'etc' / 'shadow').write_text(SHADOW)
    (root / 'etc' / 'shadow').chmod(0o600)
    conf_d = root / 'etc' / 'nova' / 'nova.conf.d'
    conf_d.mkdir()
    (conf_d / 'zz.conf').symlink_to('/etc/shadow')
    made = collect.collect(['/etc/nova/nova.conf'],
                           ['/etc/nova/nova.conf.d'], str(root))
    assert made['config'][1]['path'] == '/etc/nova/nova.conf.d/zz.conf'
    assert made['config'][1]['text'] is not None
    dumped = json.dumps(made)
    assert '$6$' not in dumped and 'HashOf' not in dumped


class _OsloParser(iniparser.BaseParser):
    """oslo.config's own INI parser, recording nothing."""

    def assignment(self, key, value):
        pass

    def new_section(self, section):
        pass


def _refused_by_oslo(lines: list[str]) -> set[int]:
    """Indexes of the lines oslo.config's parser refuses: it stops at the
    first, so that one is blanked and the parse is run again."""
    lines, refused = list(lines), set()
    while True:
        try:
            _OsloParser().parse(lines)
        except iniparser.ParseError as error:
            refused.add(error.lineno - 1)
            lines[error.lineno - 1] = ''
            continue
        return refused


_LINE_SHAPES = st.tuples(
    st.sampled_from(['', ' ', '\t', '\f', '\x1c', '\u3000', '#', ';', '[']),
    st.sampled_from(['', 'password', 'host', 'root', 'a b', 'DEFAULT']),
    st.sampled_from(['', '=', ':', ' = ', ' : ', ' :=', '\f=']),
    st.sampled_from(['', ']', ' ', '"', '=x']))
_LINES = st.lists(st.one_of(
    _LINE_SHAPES, st.sampled_from(['', '[DEFAULT]', '[glance]', '[]'])),
    min_size=1, max_size=8)


@given(_LINES)
def test_no_line_oslo_config_refuses_leaves_the_host(shapes):
    """M2, over line shapes, oslo.config's own parser the oracle: a line
    it refuses (an empty key among them), or any line before the first
    section header, never reaches the bundle unmasked; and the audit
    refuses the masked text as it refuses the original, on the same
    line for the same reason."""
    lines = []
    for number, shape in enumerate(shapes):
        if isinstance(shape, str):
            lines.append(shape)
        else:
            prefix, key, separator, suffix = shape
            lines.append('%s%s%st%dz%s' % (prefix, key, separator, number,
                                          suffix))
    text = '\n'.join(lines) + '\n'
    masked, _ = collect.parse_and_mask(text)
    assert masked.count('\n') == text.count('\n')
    refused = _refused_by_oslo(lines)
    headers = [index for index, line in enumerate(lines)
               if index not in refused and line.startswith('[')]
    first_header = headers[0] if headers else len(lines)
    for index, line in enumerate(lines):
        if index in refused or index < first_header:
            assert 't%dz' % index not in masked, (line, masked)
    try:
        source.parse_text('nova.conf', text)
    except LoadError as error:
        with pytest.raises(LoadError) as caught:
            source.parse_text('nova.conf', masked)
        assert caught.value.reason == error.reason
    else:
        source.parse_text('nova.conf', masked)


def test_what_is_not_secret_is_kept_as_is():
    text = ('[glance]\ncafile = /etc/nova/certs/ca.pem\n'
            'rbd_secret_uuid = 457eb676\n[key_manager]\n'
            'fixed_key = /etc/nova/fixed.key\n')
    assert collect.parse_and_mask(text)[0] == text


_KEYS = st.sampled_from(['transport_url', 'connection', 'password',
                         'db_password', 'fixed_key', 'rbd_secret_uuid',
                         'password_length', 'auth_token', 'tls_ciphers',
                         'secret_file', 'my_key', 'api_servers'])
_VALUES = st.one_of(
    st.text(alphabet='ab:/@?#=&%.-_ 1', max_size=40),
    st.builds('{}://{}{}{}'.format,
              st.sampled_from(['rabbit', 'mysql+pymysql', 'https']),
              st.text(alphabet='ab:@%', max_size=12),
              st.text(alphabet='hm:,.@', max_size=12),
              st.text(alphabet='/?=&#ab', max_size=12)))


@given(_KEYS, _VALUES)
def test_the_rule_and_the_mask_agree_on_any_value(key, value):
    assert collect.is_secret(key, value) == host.is_secret(key, value)
    value = value.strip()
    masked, _ = collect.parse_and_mask('[DEFAULT]\n%s = %s\n' % (key, value))
    after = _masked_values(masked)[('DEFAULT', key)]
    assert host.is_secret(key, after.value) == host.is_secret(key, value)
    assert after.line == 2


def test_continuation_lines_comments_and_broken_lines_are_masked():
    text = ('[DEFAULT]\r\n'
            'password = first\r\n'
            '    second-part\r\n'
            '# password = old-one\r\n'
            '; transport_url = rabbit://u:commented@mq/\r\n'
            'not-an-assignment-but-a-pasted-secret\r\n'
            '  stray-continuation\r\n'
            '[glance]\r\ncafile = /ca.pem\r\n')
    masked, assignments = collect.parse_and_mask(text)
    for secret in ('first', 'second-part', 'old-one', 'commented',
                   'pasted-secret', 'stray-continuation'):
        assert secret not in masked
    # Line ends and line numbers are kept.
    assert masked.count('\r\n') == text.count('\r\n')
    assert ('glance', 'cafile', '/ca.pem', 9) in assignments
    original = text.replace('not-an-assignment-but-a-pasted-secret\r\n'
                            '  stray-continuation\r\n', '')
    masked_ok, _ = collect.parse_and_mask(original)
    value = _masked_values(masked_ok)[('DEFAULT', 'password')]
    assert value.line == 2 and host.is_secret('password', value.value)


def _tree(root: pathlib.Path, conf: str) -> pathlib.Path:
    return ansible_env.make_root(root, conf)


def test_bundle_is_read_by_the_audit(tmp_path):
    """The contract: what collect returns, glance-conf-audit loads."""
    root = _tree(tmp_path / 'r', '[glance]\ncafile = /etc/nova/certs/ca.pem'
                 '\n[DEFAULT]\ntransport_url = rabbit://n:pw@mq/\n')
    made = collect.collect(['/etc/nova/nova.conf'], [], str(root))
    assert made['format'] == 'glance-conf-bundle' and made['version'] == 1
    assert made['account'] == {'user': 'nova', 'uid': 42436, 'gid': 42436,
                               'groups': [42436]}
    assert [d['path'] for d in made['config_dirs']] == ['/etc/nova']
    ca = made['paths']['/etc/nova/certs/ca.pem']
    assert ca['error'] is None and ca['stat']['mode'] & 0o777 == 0o644
    assert [d['path'] for d in ca['directories']] == [
        '/', '/etc', '/etc/nova', '/etc/nova/certs']
    made.update(host='compute-1', group='az1')
    path = tmp_path / 'compute-1.json'
    path.write_text(json.dumps(made))
    loaded = bundle_reader.load(str(path))
    assert loaded.host == 'compute-1' and loaded.group == 'az1'
    assert 'pw' not in loaded.config[0].text.split('@')[0].split(':')[-1]


def test_files_then_dirs_in_oslo_order_and_the_last_value_wins(tmp_path):
    root = _tree(tmp_path / 'r', '[glance]\ncafile = /first.pem\n')
    conf_d = root / 'etc' / 'nova' / 'nova.conf.d'
    conf_d.mkdir()
    (conf_d / '20-b.conf').write_text('[ssl]\nca_file = /old-name.pem\n'
                                      '[glance]\ncafile = /last.pem\n')
    (conf_d / '10-a.conf').write_text('[glance]\nrbd_ceph_conf = /c.conf\n')
    (conf_d / '.hidden.conf').write_text('[glance]\ncafile = /no.pem\n')
    (conf_d / 'notes.txt').write_text('[glance]\ncafile = /no.pem\n')
    made = collect.collect(['/etc/nova/nova.conf'],
                           ['/etc/nova/nova.conf.d'], str(root))
    assert [c['path'] for c in made['config']] == [
        '/etc/nova/nova.conf', '/etc/nova/nova.conf.d/10-a.conf',
        '/etc/nova/nova.conf.d/20-b.conf']
    # The current name beats the deprecated one in the same file.
    assert sorted(made['paths']) == ['/c.conf', '/last.pem']
    assert made['paths']['/last.pem']['error'] == 'does not exist'
    assert [d['path'] for d in made['config_dirs']] == [
        '/etc/nova/nova.conf.d', '/etc/nova']


def test_libvirts_ceph_conf_is_recorded_for_gc402(tmp_path):
    """nova reads [libvirt] images_rbd_ceph_conf when rbd_ceph_conf is
    empty; GC402 asks the bundle for it."""
    root = _tree(tmp_path / 'r', '[glance]\nenable_rbd_download = true\n'
                 'rbd_user = g\n[libvirt]\nimages_rbd_ceph_conf = /c.conf\n')
    made = collect.collect(['/etc/nova/nova.conf'], [], str(root))
    assert made['paths']['/c.conf']['error'] == 'does not exist'
    path = tmp_path / 'compute-1.json'
    path.write_text(json.dumps(made))
    found = bundle_reader.load(str(path))
    assert found.host_facts().problem_reading('/c.conf') == 'does not exist'


def test_root_resolves_links_as_a_chroot(tmp_path):
    outside = tmp_path / 'outside'
    outside.mkdir()
    (outside / 'ca.pem').write_text('not the container\'s')
    root = _tree(tmp_path / 'r', '[glance]\ncafile = /etc/nova/certs/ca.pem'
                 '\ncertfile = /etc/nova/up.pem\nkeyfile = /loop\n')
    certs = root / 'etc' / 'nova' / 'certs'
    (certs / 'ca.pem').unlink()
    (root / 'srv').mkdir()
    (root / 'srv' / 'ca.pem').write_text('container CA')
    # An absolute target starts again at root, not at this host's /.
    (certs / 'ca.pem').symlink_to('/srv/ca.pem')
    # '..' stops at root: this reaches <root>/srv/ca.pem, not outside.
    (root / 'etc' / 'nova' / 'up.pem').symlink_to(
        '../../../../../../srv/ca.pem')
    (root / 'loop').symlink_to('/loop')
    made = collect.collect(['/etc/nova/nova.conf'], [], str(root))
    ca = made['paths']['/etc/nova/certs/ca.pem']
    assert ca['error'] is None
    assert ca['stat']['mode'] & 0o777 == (root / 'srv' / 'ca.pem').stat(
        ).st_mode & 0o777
    assert [d['path'] for d in ca['directories']] == ['/', '/srv']
    assert made['paths']['/etc/nova/up.pem']['error'] is None
    assert made['paths']['/loop']['error'] == (
        'cannot be examined (%s)' % os.strerror(40))


def test_cinders_bundle_records_its_image_clients_files(tmp_path):
    """service=cinder: its own file and account by default, the TLS
    files of its [DEFAULT] image client recorded (not nova's [glance]
    ones, which cinder does not read for images), secrets masked; the
    audit reads the bundle as cinder's."""
    root = _tree(tmp_path / 'r', '[glance]\n')
    ansible_env.add_service(root, 'cinder', ansible_env.CINDER_CONF.format(
        verify='[glance]\ncafile = /etc/cinder/other.pem'))
    made = collect.collect(None, [], str(root), service='cinder')
    assert made['service'] == 'cinder'
    assert [c['path'] for c in made['config']] == ['/etc/cinder/cinder.conf']
    assert made['account'] == {'user': 'cinder', 'uid': 42407,
                               'gid': 42407, 'groups': [42407]}
    assert list(made['paths']) == ['/etc/cinder/certs/ca.pem']
    assert 'rabbit-secret' not in json.dumps(made)
    path = tmp_path / 'ctl@cinder.json'
    path.write_text(json.dumps(dict(made, host='ctl')))
    assert bundle_reader.load(str(path)).service == 'cinder'


def test_glance_apis_bundle_names_no_file(tmp_path):
    root = _tree(tmp_path / 'r', '[glance]\n')
    ansible_env.add_service(root, 'glance', ansible_env.GLANCE_API_CONF.format(
        locations='true'))
    made = collect.collect(None, [], str(root), service='glance-api')
    assert [c['path'] for c in made['config']] == [
        '/etc/glance/glance-api.conf']
    assert made['account']['uid'] == 42415 and made['paths'] == {}
    assert 'db-secret' not in json.dumps(made)


def test_accounts_come_from_the_root_or_are_numbers(tmp_path):
    root = _tree(tmp_path / 'r', '[glance]\n')
    (root / 'etc' / 'group').write_text('nova:x:42436:\nlibvirt:x:500:nova\n')
    made = collect.collect(['/etc/nova/nova.conf'], [], str(root))
    assert made['account']['groups'] == [500, 42436]
    made = collect.collect(['/etc/nova/nova.conf'], [], str(root), 42436,
                           '42436')
    assert made['account'] == {'user': '42436', 'uid': 42436, 'gid': 42436,
                               'groups': [42436]}
    (root / 'etc' / 'passwd').write_text('root:x:0:0::/:/bin/sh\n')
    (root / 'etc' / 'group').write_text('root:x:0:\n')
    made = collect.collect(['/etc/nova/nova.conf'], [], str(root))
    assert made['account'] == {'user': 'nova', 'uid': None, 'gid': None,
                               'groups': []}
    with pytest.raises(collect.BadParameter,
                       match=r'^service_user: no such user in the '
                             r'/etc/passwd under root; give the number'):
        collect.collect(['/etc/nova/nova.conf'], [], str(root), 'nova')


@pytest.mark.parametrize('args, message', [
    ((['etc/nova/nova.conf'], []), 'config_files: item 1 is not an '
                                   'absolute path'),
    ((['/a', 'hunter2'], []), 'config_files: item 2 is not an absolute '
                              'path'),
    (([], ['x']), 'config_dirs: item 1 is not an absolute path'),
    ((['/a'], [], 'relative'), 'root must be an absolute path'),
    ((['/a'], [], '/no/such/dir'), 'root is not a directory on this host'),
    ((['/a'], [], None, True), 'service_user must be a name or a number'),
    ((['/a'], [], None, None, 'a:b'), 'service_group must be a name or a '
                                      'number'),
    ((['/a'], [], None, None, None, None, 'swift'),
     'service must be one of nova, cinder, glance-api'),
])
def test_bad_parameters_are_named_never_echoed(args, message):
    with pytest.raises(collect.BadParameter) as caught:
        collect.collect(*args)
    assert str(caught.value) == message
    assert 'hunter2' not in str(caught.value)


def test_limits(tmp_path):
    root = _tree(tmp_path / 'r', '[glance]\n')
    big = root / 'etc' / 'nova' / 'big.conf'
    big.write_text('#' * (collect.MAX_FILE_SIZE + 1))
    made = collect.collect(['/etc/nova/big.conf', '/etc/nova'], [],
                           str(root))
    assert [c['error'] for c in made['config']] == [
        'larger than 2097152 bytes', 'is a directory, not a file']
    assert made['config'][0]['text'] is None
    many = root / 'etc' / 'nova' / 'many'
    many.mkdir()
    for number in range(collect.MAX_CONFIG_FILES):
        (many / ('%03d.conf' % number)).write_text('')
    with pytest.raises(collect.BadParameter, match='257 config files; the '
                       'limit is 256'):
        collect.collect(['/etc/nova/nova.conf'], ['/etc/nova/many'],
                        str(root))
    assert (collect.MAX_FILE_SIZE, collect.MAX_CONFIG_FILES,
            collect.MAX_PATHS, collect.MAX_SYMLINKS) == (
        bundle_reader.MAX_TEXT_SIZE, bundle_reader.MAX_CONFIG_FILES,
        bundle_reader.MAX_NAMED_PATHS, 40)


#: What lies outside the container's root: none of it may be read.
OUTSIDE_MARK = 'root:$6$outside-the-root$'
#: The mode of the file outside: never in a bundle.
OUTSIDE_MODE = 0o601
#: Swaps of the race, and collects run while it lasts (bounded both).
SWAPS, COLLECTS = 1000000, 1000


def _swapper(root: pathlib.Path, outside: pathlib.Path, stop):
    """Swap, again and again, a file, /etc/passwd and a whole directory
    for links to what lies outside the root (as a container that can
    write its own /etc/nova can)."""
    etc, nova = root / 'etc', root / 'etc' / 'nova'
    pairs = [(nova / 'nova.conf', nova / 'evil.conf'),
             (etc / 'passwd', etc / 'evil-passwd'),
             (nova / 'certs', nova / 'evil-certs'),
             (nova, etc / 'evil-nova')]
    (nova / 'evil.conf').symlink_to(outside / 'nova.conf')
    (etc / 'evil-passwd').symlink_to(outside / 'passwd')
    (nova / 'evil-certs').symlink_to(outside)
    (etc / 'evil-nova').symlink_to(outside)
    for number in range(SWAPS):
        if stop.is_set():
            return
        real, evil = pairs[number % len(pairs)]
        spare = real.with_name('spare')
        os.rename(real, spare)
        os.rename(evil, real)
        os.rename(real, evil)
        os.rename(spare, real)


def test_swapping_a_component_for_a_link_never_reads_outside_root(
        tmp_path):
    """H1 (TOCTOU): while the module runs, a container swaps a file or a
    directory for a link to a host file; no byte of it, nor its mode, nor
    an account of it, may reach the bundle."""
    outside = tmp_path / 'outside'
    outside.mkdir()
    (outside / 'nova.conf').write_text('[DEFAULT]\nx = %s\n' % OUTSIDE_MARK)
    (outside / 'ca.pem').write_text(OUTSIDE_MARK)
    (outside / 'ca.pem').chmod(OUTSIDE_MODE)
    (outside / 'passwd').write_text('nova:x:777:777::/:/bin/sh\n')
    root = _tree(tmp_path / 'r', '[glance]\ncafile = /etc/nova/certs/ca.pem'
                 '\n')
    # Another process: it runs beside the module, as the container does.
    context = multiprocessing.get_context('fork')
    stop = context.Event()
    swapper = context.Process(target=_swapper, args=(root, outside, stop))
    swapper.start()
    made = []
    try:
        for _ in range(COLLECTS):
            made.append(collect.collect(['/etc/nova/nova.conf'], [],
                                        str(root)))
    finally:
        stop.set()
        swapper.join(60)
    for bundle in made:
        assert OUTSIDE_MARK not in json.dumps(bundle)
        assert bundle['account']['uid'] in (42436, None)
        for fact in bundle['paths'].values():
            assert fact['stat'] is None or \
                fact['stat']['mode'] & 0o777 != OUTSIDE_MODE


def test_a_fifo_as_passwd_group_or_config_never_blocks(tmp_path):
    """M2: a FIFO at <root>/etc/passwd, /etc/group or as a config file
    is refused by its fstat, never read (which blocks for ever). Run in
    a child process so that a hang is a failure, not a stuck test."""
    root = _tree(tmp_path / 'r', '[glance]\n')
    for name in ('passwd', 'group'):
        (root / 'etc' / name).unlink()
        os.mkfifo(root / 'etc' / name)
    os.mkfifo(root / 'etc' / 'nova' / 'fifo.conf')
    script = ('import importlib.util, json, sys\n'
              'spec = importlib.util.spec_from_file_location(\n'
              '    "c", sys.argv[1])\n'
              'c = importlib.util.module_from_spec(spec)\n'
              'spec.loader.exec_module(c)\n'
              'print(json.dumps(c.collect(["/etc/nova/fifo.conf"], [], '
              'sys.argv[2])))\n')
    done = subprocess.run(
        [sys.executable, '-c', script, _SPEC.origin, str(root)],
        capture_output=True, text=True, timeout=30, check=True)
    made = json.loads(done.stdout)
    assert made['account'] == {'user': 'nova', 'uid': None, 'gid': None,
                               'groups': []}
    assert made['config'][0]['error'] == 'is not a regular file'


class _Opens:
    """The kernel's own record of opens (inotify ``IN_OPEN``) of some
    paths. Walking a path with ``O_PATH`` and fstat'ing it is no open
    (no driver's ``open`` runs, no event); reading it is."""

    IN_OPEN = 0x20

    def __init__(self, paths: list[pathlib.Path]):
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        assert self._fd >= 0, os.strerror(ctypes.get_errno())
        self._names = {}
        for path in paths:
            wd = self._libc.inotify_add_watch(self._fd, bytes(path),
                                              self.IN_OPEN)
            assert wd >= 0, os.strerror(ctypes.get_errno())
            self._names[wd] = path

    def opened(self) -> list[pathlib.Path]:
        """The watched paths opened since the last call."""
        try:
            data = os.read(self._fd, 65536)
        except BlockingIOError:
            return []
        found, offset = [], 0
        while offset < len(data):
            wd, mask, _, size = struct.unpack_from('iIII', data, offset)
            if mask & self.IN_OPEN:
                found.append(self._names[wd])
            offset += 16 + size
        return found

    def close(self) -> None:
        os.close(self._fd)


def _special(path: pathlib.Path, kind: str) -> None:
    """A FIFO, or a character device that is /dev/null's twin (opening
    it is harmless, and seen as any device's open would be)."""
    if path.exists():
        path.unlink()
    if kind == 'fifo':
        os.mkfifo(path, 0o644)
    else:
        os.mknod(path, 0o644 | stat.S_IFCHR, os.stat('/dev/null').st_rdev)


@pytest.mark.parametrize('kind', ['fifo', 'chardev'])
def test_a_fifo_or_device_is_judged_by_type_never_opened(tmp_path, kind):
    """M9: at /etc/passwd, /etc/group, as a config file, a config dir's
    file or a path the config names, a FIFO or a device is refused by
    the fstat of the walk's O_PATH descriptor; nothing opens it (a
    container with CAP_MKNOD could otherwise make root open any device
    of the host's, and a watchdog arms on open)."""
    root = _tree(tmp_path / 'r', '[glance]\ncafile = /etc/nova/certs/ca.pem\n')
    conf_d = root / 'etc' / 'nova' / 'nova.conf.d'
    conf_d.mkdir()
    places = [root / 'etc' / 'passwd', root / 'etc' / 'group',
              root / 'etc' / 'nova' / 'extra.conf', conf_d / 'x.conf',
              root / 'etc' / 'nova' / 'certs' / 'ca.pem']
    for place in places:
        _special(place, kind)
    opens = _Opens(places)
    try:
        made = collect.collect(
            ['/etc/nova/nova.conf', '/etc/nova/extra.conf'],
            ['/etc/nova/nova.conf.d'], str(root))
        assert opens.opened() == []
    finally:
        opens.close()
    assert made['account']['uid'] is None
    errors = {entry['path']: entry['error'] for entry in made['config']}
    assert errors == {'/etc/nova/nova.conf': None,
                      '/etc/nova/extra.conf': 'is not a regular file',
                      '/etc/nova/nova.conf.d/x.conf': 'is not a regular file'}
    ca = made['paths']['/etc/nova/certs/ca.pem']['stat']
    assert not stat.S_ISREG(ca['mode'])


def test_a_device_renamed_over_a_file_after_the_walk_is_never_opened(
        tmp_path):
    """M9: between the walk and the read, a device renamed over the file
    is not opened: the file is read through the walk's descriptor, the
    very inode judged regular."""
    root = _tree(tmp_path / 'r', '[DEFAULT]\nhost = c1\n')
    conf = root / 'etc' / 'nova' / 'nova.conf'
    device = root / 'etc' / 'nova' / 'device'
    _special(device, 'chardev')
    opens = _Opens([device])
    root_fd = os.open(root, os.O_PATH | os.O_DIRECTORY)
    try:
        with collect._Walk(root_fd, '/etc/nova/nova.conf') as walk:
            os.rename(device, conf)
            data, facts, error = collect._read(walk, 4096)
        assert opens.opened() == []
    finally:
        os.close(root_fd)
        opens.close()
    assert (data, error) == (b'[DEFAULT]\nhost = c1\n', None)
    assert stat.S_ISREG(facts['mode'])


def _audit_collected(tmp_path, conf: str, *files: str):
    """Collect ``conf`` (and ``files`` under the root), write the bundle
    and audit it: the result, and the bundle."""
    from tests import bundles as make
    root = _tree(tmp_path / 'r', conf)
    for name in files:
        (root / name.lstrip('/')).parent.mkdir(parents=True, exist_ok=True)
        (root / name.lstrip('/')).write_text('x')
        (root / name.lstrip('/')).chmod(0o644)
    made = collect.collect(['/etc/nova/nova.conf'], [], str(root))
    made.update(host='compute-1')
    return make.audit(tmp_path / 'bundles', made), made


def test_a_path_with_a_password_is_keyed_masked_and_judged(tmp_path):
    """M1: no secret in a ``paths`` key; the audit, which reads the
    masked text, finds the facts under the masked value: a true verdict
    (the URL is no file: GC103), no "not recorded"."""
    result, made = _audit_collected(
        tmp_path, '[glance]\ncafile = https://nova:hunter2@pki/ca.pem?'
        'token=tok3n\n')
    assert 'hunter2' not in json.dumps(made)
    assert 'tok3n' not in json.dumps(made)
    assert list(made['paths']) == [
        'https://nova:********@pki/ca.pem?token=********']
    assert made['paths']['https://nova:********@pki/ca.pem?token=********'][
        'error'] == 'does not exist'
    assert not result.problems


@pytest.mark.parametrize('conf', [
    '[DEFAULT]\nstate_path = /var/lib/nova\n[glance]\n'
    'cafile = $state_path/ca.pem\n',
    '[DEFAULT]\nstate_path = /var/lib/nova\n[glance]\n'
    'cafile = ${state_path}/ca.pem\n',
    '[DEFAULT]\nstate_path = /var/lib/nova\n[glance]\n'
    'cafile = "${DEFAULT.state_path}/ca.pem"\n',
    '[DEFAULT]\nbase = /var\nstate_path = $base/lib/nova\n[glance]\n'
    'cafile = $DEFAULT.state_path/ca.pem\n',
])
def test_a_reference_is_resolved_as_oslo_config_does(tmp_path, conf):
    """L2: the path is recorded under the value oslo.config gives it on
    the host, so the audit judges it (present, 0644: no problem)."""
    result, made = _audit_collected(tmp_path, conf, '/var/lib/nova/ca.pem')
    assert list(made['paths']) == ['/var/lib/nova/ca.pem']
    assert made['paths']['/var/lib/nova/ca.pem']['error'] is None
    assert not result.problems
    assert 'GC103' not in {f.check_id for f in result.findings}


def test_a_reference_to_a_default_is_not_resolved_nor_judged(tmp_path):
    """L2: an option set in no file has the host's default, unknown
    here: recorded as not resolved; the audit does not judge the path
    (GC305 says so), never "does not exist"."""
    result, made = _audit_collected(
        tmp_path, '[glance]\ncafile = $state_path/ca.pem\n'
        'certfile = /a/$$x.pem\n')
    assert made['paths']['$state_path/ca.pem'] == {
        'stat': None, 'error': collect.NOT_RESOLVED, 'directories': []}
    assert made['paths']['/a/$x.pem']['error'] == 'does not exist'
    assert not result.problems
    assert [f.check_id for f in result.findings
            if f.option == 'glance.cafile'] == ['GC305']


def test_a_name_set_in_the_group_and_in_default_is_not_resolved(tmp_path):
    """oslo.config takes ``$name`` from the group only when the group
    has that option, which the module cannot know: when the group and
    [DEFAULT] both set it, differently, it resolves nothing (a "not
    recorded" error, never a verdict on the wrong file)."""
    _, made = _audit_collected(
        tmp_path, '[DEFAULT]\nstate_path = /var/lib/nova\n[glance]\n'
        'state_path = /srv\ncafile = $state_path/ca.pem\n')
    assert made['paths']['$state_path/ca.pem']['error'] == \
        collect.NOT_RESOLVED


def test_substitute_follows_oslo_config():
    values = {('DEFAULT', 'a'): '/x', ('glance', 'g'): '/g',
              ('DEFAULT', 'loop'): '$loop', ('DEFAULT', 'b'): '$a/b'}
    assert collect.substitute('$g/c', 'glance', values) == '/g/c'
    assert collect.substitute('$a/c', 'other', values) == '/x/c'
    assert collect.substitute('$glance.g', 'other', values) == '/g'
    assert collect.substitute('$b', 'glance', values) == '/x/b'
    assert collect.substitute('\\$a $$ $/ $', 'glance', values) == \
        '$a $ $/ $'
    assert collect.substitute('$nope', 'glance', values) is None
    assert collect.substitute('$loop', 'glance', values) is None


@pytest.mark.parametrize('make_it, error', [
    (lambda d: None, 'does not exist'),
    (lambda d: d.write_text(''), 'is not a directory'),
])
def test_a_config_dir_not_listed_comes_back_and_stops_the_host(
        tmp_path, make_it, error):
    """H2: the module returns the bundle with the dir's error (the play
    keeps it); the audit names host and dir and does not audit the
    host, whose config it does not have in full."""
    from tests import bundles as make
    root = _tree(tmp_path / 'r', '[glance]\n')
    make_it(root / 'etc' / 'nova' / 'nova.conf.d')
    made = collect.collect(['/etc/nova/nova.conf'],
                           ['/etc/nova/nova.conf.d'], str(root))
    assert made['config_dirs'][0] == {'path': '/etc/nova/nova.conf.d',
                                      'stat': made['config_dirs'][0]['stat'],
                                      'error': error}
    made.update(host='compute-1')
    result = make.audit(tmp_path / 'bundles', made)
    assert [(p.path, p.reason) for p in result.problems] == [
        ('compute-1:/etc/nova/nova.conf.d', 'on the host: ' + error)]
    assert result.files == 0
