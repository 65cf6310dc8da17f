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

"""GC601: drift in security posture, with bounded memory, and groups."""

from __future__ import annotations

import pytest
from oslo_config import cfg

import glance_conf
from glance_conf.audit import posture
from glance_conf.audit.checks import fleet
from glance_conf.audit.exception import LoadError
from glance_conf.audit.finding import MAX_BLAMED
from glance_conf.audit.target import AuditedConf
from tests.conftest import parse

BASE = ('[glance]\nendpoint_override = https://img-{n}.example:9292\n'
        'rbd_pool = pool-{n}\nrbd_user = user-{n}\n'
        'rbd_ceph_conf = /etc/ceph/site-{n}.conf\nregion_name = region-{n}\n'
        'cafile = /etc/ssl/site-{n}.pem\ntimeout = {n}\n')


def _observe(check, write_conf, texts, names=None):
    paths = []
    for i, text in enumerate(texts):
        conf = cfg.ConfigOpts()
        glance_conf.register_opts(conf)
        path = write_conf(text, names[i] if names else None)
        paths.append(str(path))
        parse(conf, path)
        check.observe(AuditedConf(conf))
    return paths


def _drift(write_conf, texts, names=None):
    check = fleet.FleetDrift()
    paths = _observe(check, write_conf, texts, names)
    return {f.option: f for f in check.finish()}, paths


def _site(n, extra=''):
    return BASE.format(n=n + 1) + extra


def test_identical_hosts_have_no_drift(write_conf):
    found, _ = _drift(write_conf, ['[glance]\ntimeout = 30\n'] * 3)
    assert found == {}


def test_site_specific_values_are_not_compared(write_conf):
    """Hosts, ports, pools, users, Ceph paths and regions differ by
    design between sites; the timeout's value too."""
    found, _ = _drift(write_conf, [_site(n) for n in range(4)])
    assert found == {}


def test_one_insecure_host_is_one_finding_naming_it(write_conf):
    texts = [_site(n) for n in range(4)] + [_site(9, 'insecure = True\n')]
    found, paths = _drift(write_conf, texts)
    assert list(found) == ['glance.insecure']
    drift = found['glance.insecure']
    assert drift.check_id == 'GC601' and drift.severity.label == 'medium'
    assert 'False on 4 host(s)' in drift.message
    assert 'True on 1 host(s) (%s)' % paths[4] in drift.message
    assert drift.file == paths[4]


def test_example_hosts_are_bounded_per_value(write_conf):
    texts = ['[glance]\n'] * 7 + ['[glance]\ndebug = True\n'] * 6
    found, paths = _drift(write_conf, texts)
    message = found['glance.debug'].message
    assert 'True on 6 host(s) (%s, ...), the weaker side' % ', '.join(
        paths[7:7 + fleet.MAX_HOSTS_SHOWN]) in message
    assert 'False on 7 host(s) (%s, ...), safer (debug off)' % ', '.join(
        paths[:fleet.MAX_HOSTS_SHOWN]) in message
    assert paths[5] not in message


@pytest.mark.parametrize('setting, option', [
    ('verify_glance_signatures = False', 'glance.verify_glance_signatures'),
    ('enable_certificate_validation = True',
     'glance.enable_certificate_validation'),
    ('tls_min_version = 1.3', 'glance.tls_min_version'),
    ('tls_ciphers = HIGH', 'glance.tls_ciphers'),
    ('debug = True', 'glance.debug'),
])
def test_each_glance_posture_setting_is_compared(write_conf, setting,
                                                 option):
    found, _ = _drift(write_conf, ['[glance]\n'] * 2
                      + ['[glance]\n%s\n' % setting])
    assert list(found) == [option]


def test_signature_verification_is_compared_as_read(write_conf):
    """Unset reads as the registered default: no drift against it."""
    found, _ = _drift(write_conf, [
        '[glance]\n', '[glance]\nverify_glance_signatures = True\n'])
    assert found == {}


def test_service_debug_is_compared_as_oslo_log_reads_it(write_conf):
    found, _ = _drift(write_conf, ['[DEFAULT]\n', '[DEFAULT]\ndebug = no\n'])
    assert found == {}
    found, _ = _drift(write_conf, ['[DEFAULT]\n', '[DEFAULT]\ndebug = on\n'])
    assert 'True on 1 host(s)' in found['DEFAULT.debug'].message


def test_a_timeout_is_compared_set_or_not(write_conf):
    found, paths = _drift(write_conf, ['[glance]\ntimeout = 30\n'] * 2
                          + ['[glance]\n'])
    assert '(unset) on 1 host(s) (%s)' % paths[2] in \
        found['glance.timeout'].message


def test_endpoint_scheme_drift(write_conf):
    found, paths = _drift(write_conf, [
        '[glance]\nendpoint_override = https://a:9292\n',
        '[glance]\nendpoint_override = https://b:443\n',
        '[glance]\nendpoint_override = http://c:9292\n'])
    drift = found['glance.endpoint_override']
    assert 'https on 2 host(s)' in drift.message
    assert 'http on 1 host(s) (%s)' % paths[2] in drift.message


def test_api_servers_give_the_set_of_their_schemes(write_conf):
    found, _ = _drift(write_conf, [
        '[glance]\nendpoint_override = https://a:9292\n',
        '[glance]\napi_servers = https://b:9292,http://c:9292\n'])
    assert 'http,https on 1 host(s)' in \
        found['glance.endpoint_override'].message


def test_hosts_on_the_catalog_are_left_out_of_the_scheme(write_conf):
    """A central site on the catalog, edges on their own endpoint."""
    found, _ = _drift(write_conf, [
        '[glance]\n', '[glance]\nendpoint_override = https://a:9292\n'])
    assert found == {}


def test_empty_and_unset_values_are_named(write_conf):
    found, _ = _drift(write_conf, ['[glance]\ntls_ciphers = HIGH\n'] * 2
                      + ['[glance]\n'])
    assert '(unset) on 1 host(s)' in found['glance.tls_ciphers'].message


def test_drift_values_are_redacted(write_conf):
    found, _ = _drift(write_conf, [
        '[glance]\nendpoint_override = https://a\n',
        '[glance]\nendpoint_override = https://u:hunter2@b\n'])
    [drift] = found.values()
    assert '(invalid)' in drift.message and 'hunter2' not in drift.message


def test_drift_memory_is_bounded():
    tally = fleet._Tally()
    for i in range(500):
        tally.add('value-%d' % i, 'host-%d' % i)
    assert len(tally.values) == fleet.MAX_VALUES
    assert tally.other == 500 - fleet.MAX_VALUES
    for _ in range(MAX_BLAMED - 1):
        tally.add('value-0', 'again')
    assert len(tally.values['value-0'].hosts) == MAX_BLAMED
    # One more, and the value can name no one as blamed: it keeps only
    # the hosts its message names.
    for _ in range(100):
        tally.add('value-0', 'again')
    assert len(tally.values['value-0'].hosts) == fleet.MAX_HOSTS_SHOWN
    assert tally.values['value-0'].count == MAX_BLAMED + 100


def test_the_finding_lists_every_blamed_host(write_conf):
    """The message names five; the finding blames all seven weak hosts
    (the waivers' ``files`` must cover each), never a safe one."""
    texts = ['[glance]\n'] * 8 + ['[glance]\ndebug = True\n'] * 7
    found, paths = _drift(write_conf, texts)
    drift = found['glance.debug']
    assert drift.blamed == tuple(paths[8:])
    assert paths[8 + fleet.MAX_HOSTS_SHOWN] not in drift.message


def test_a_tie_blames_the_hosts_of_each_side(write_conf):
    texts = ['[glance]\ntls_ciphers = HIGH\n',
             '[glance]\ntls_ciphers = LOW\n']
    found, paths = _drift(write_conf, texts)
    assert sorted(found['glance.tls_ciphers'].blamed) == sorted(paths)


def test_more_blamed_hosts_than_kept_names_none():
    """A side counted beyond what was kept, or a value only counted:
    the finding cannot say who all is blamed, and names no one."""
    check = fleet.FleetDrift()
    tally = check._tallies[posture.POSTURE[0]]
    for i in range(3 * MAX_BLAMED):
        tally.add('safe', 'safe-%d' % i)
    for i in range(MAX_BLAMED + 1):
        tally.add('weak', 'weak-%d' % i)
    [drift] = check.finish()
    assert drift.blamed == ()
    del tally.values['weak']
    tally.other = 1  # one host with a value past MAX_VALUES
    [drift] = check.finish()
    assert drift.blamed == ()


def test_values_only_counted_leave_no_one_named():
    """Values past MAX_VALUES are one count: thirty production hosts
    with thirty cipher strings look like a majority, and only the two
    lab hosts would be blamed. Who all is blamed is not known."""
    check = fleet.FleetDrift()
    tally = check._tallies[posture.POSTURE[0]]
    tally.add('a', 'lab-1.conf')
    tally.add('a', 'lab-2.conf')
    tally.other = 30
    [drift] = check.finish()
    assert 'lab-1.conf' in drift.message and drift.blamed == ()


# -- fingerprints ---------------------------------------------------------

def _prints(write_conf, texts, names=None):
    found, _ = _drift(write_conf, texts, names)
    return {option: f.fingerprint for option, f in found.items()}


MAJORITY = '[glance]\ninsecure = False\n'
MINORITY = '[glance]\ninsecure = True\ndebug = True\n'


def test_fingerprints_ignore_the_hosts(write_conf):
    """A new identical host, another order, other file names: the same
    findings."""
    before = _prints(write_conf, [MAJORITY] * 3 + [MINORITY])
    assert set(before) == {'glance.insecure', 'glance.debug'}
    assert _prints(write_conf, [MAJORITY] * 4 + [MINORITY]) == before
    assert _prints(write_conf, [MINORITY] + [MAJORITY] * 3) == before
    assert _prints(write_conf, [MAJORITY] * 3 + [MINORITY],
                   ['w.conf', 'x.conf', 'y.conf', 'z.conf']) == before


def test_fingerprints_follow_the_blamed_value(write_conf):
    before = _prints(write_conf, [MAJORITY] * 3 + [MINORITY])
    after = _prints(write_conf, [MAJORITY] * 3 + [
        '[glance]\ninsecure = True\ndebug = True\ntls_ciphers = HIGH\n',
        '[glance]\ntls_ciphers = LOW\n'])
    assert after['glance.insecure'] == before['glance.insecure']
    # The weaker side is blamed whatever the counts: the same finding.
    weak_majority = _prints(write_conf, [MINORITY] * 3 + [MAJORITY])
    assert weak_majority['glance.insecure'] == before['glance.insecure']
    high = '[glance]\ntls_ciphers = HIGH\n'
    low = '[glance]\ntls_ciphers = LOW\n'
    assert _prints(write_conf, [high] * 3 + [low]) != \
        _prints(write_conf, [low] * 3 + [high])


# -- which side a difference blames -----------------------------------------

def test_a_secure_minority_is_never_blamed(write_conf):
    insecure = '[glance]\ninsecure = True\n'
    found, paths = _drift(write_conf, [insecure, insecure,
                                       '[glance]\ninsecure = False\n'])
    drift = found['glance.insecure']
    assert drift.file == paths[0]
    assert drift.message == (
        '[glance] insecure (TLS verification skipped) differs between '
        'hosts: True on 2 host(s) (%s, %s), the weaker side; False on 1 '
        'host(s) (%s), safer (TLS verified).' % tuple(paths))


@pytest.mark.parametrize('weak, safe', [
    ('tls_min_version = 1.2', 'tls_min_version = 1.3'),
    ('', 'tls_min_version = 1.2'),
    ('verify_glance_signatures = False', 'verify_glance_signatures = True'),
    ('enable_certificate_validation = False',
     'enable_certificate_validation = True'),
    ('insecure = True', 'insecure = False'),
    ('endpoint_override = http://g:9292',
     'endpoint_override = https://g:9292'),
    ('api_servers = http://a:9292,https://b:9292',
     'api_servers = https://b:9292'),
    ('debug = True', 'debug = False'),
    ('', 'timeout = 30'),
])
@pytest.mark.parametrize('order', [0, 1])
def test_a_tie_blames_the_weaker_side(write_conf, weak, safe, order):
    texts = ['[glance]\n%s\n' % weak, '[glance]\n%s\n' % safe]
    if order:
        texts.reverse()
    found, paths = _drift(write_conf, texts)
    [drift] = found.values()
    assert drift.file == paths[order]
    assert ', the weaker side; ' in drift.message


def test_service_debug_on_is_the_weaker_side(write_conf):
    found, paths = _drift(write_conf, ['[DEFAULT]\ndebug = false\n'] * 2
                          + ['[DEFAULT]\ndebug = true\n'])
    assert found['DEFAULT.debug'].file == paths[2]
    found, paths = _drift(write_conf, ['[DEFAULT]\ndebug = true\n'] * 2
                          + ['[DEFAULT]\ndebug = false\n'])
    assert found['DEFAULT.debug'].file == paths[0]


ECDHE = '[glance]\ntls_ciphers = ECDHE+AESGCM\n'


def test_where_no_value_is_safer_the_minority_is_blamed(write_conf):
    high = '[glance]\ntls_ciphers = HIGH\n'
    found, paths = _drift(write_conf, [high, ECDHE, high])
    drift = found['glance.tls_ciphers']
    assert drift.file == paths[1]
    assert drift.message == (
        '[glance] tls_ciphers differs between hosts, no value safer than '
        'another: HIGH on 2 host(s) (%s, %s), the majority; ECDHE+AESGCM on '
        '1 host(s) (%s), the minority.' % (paths[0], paths[2], paths[1]))


def test_a_tie_where_no_value_is_safer_blames_both(write_conf):
    found, paths = _drift(write_conf, [ECDHE,
                                       '[glance]\ntls_ciphers = HIGH\n'])
    drift = found['glance.tls_ciphers']
    assert drift.message == (
        '[glance] tls_ciphers differs between hosts, no value safer than '
        'another and none held by more hosts: ECDHE+AESGCM on 1 host(s) (%s); '
        'HIGH on 1 host(s) (%s); each side is blamed.' % (paths[0], paths[1]))
    assert drift.key == 'ECDHE+AESGCM\x1fHIGH'


# -- groups ---------------------------------------------------------------

def test_group_by_regex_names_groups_by_the_capture():
    group_of = fleet.group_by_regex(r'/(site-[a-z])/')
    assert group_of('/fleet/site-a/c0.conf') == ('site-a',)
    assert group_of('/fleet/other/c0.conf') == (posture.UNGROUPED,)
    assert fleet.group_by_regex(r'/(x*)c')('/c.conf') == (posture.UNGROUPED,)


@pytest.mark.parametrize('pattern, error', [
    ('(', 'not a valid regular expression'),
    ('site', 'exactly one capture group; it has 0'),
    ('(a)(b)', 'exactly one capture group; it has 2'),
])
def test_bad_group_by_regex_is_refused(pattern, error):
    with pytest.raises(ValueError, match=error):
        fleet.group_by_regex(pattern)


def test_too_many_groups_is_refused(monkeypatch):
    monkeypatch.setattr(fleet, 'MAX_GROUPS', 3)
    group_of = fleet.group_by_regex(r'(\d+)')
    assert fleet.count_groups(['1', '2', '3', '3'], group_of) == 3
    with pytest.raises(ValueError, match='more than 3 groups'):
        fleet.count_groups(['1', '2', '3', '4'], group_of)


def _groups(tmp_path, text):
    path = tmp_path / 'groups.yaml'
    path.write_text(text)
    return fleet.groups_from_file(str(path))


def test_groups_file_simple_mapping(tmp_path):
    group_of = _groups(tmp_path, 'edge: [dcn0, dcn1.conf]\n'
                                 'central:\n  - central\n')
    assert group_of('/x/dcn0.conf') == ('edge',)
    assert group_of('dcn1.conf') == ('edge',)
    assert group_of('/y/central.conf') == ('central',)
    assert group_of('/y/other.conf') == (posture.UNGROUPED,)


def test_a_host_is_in_every_group_that_lists_it(tmp_path):
    """Ansible inventories put a host in many groups (compute, az1)."""
    group_of = _groups(tmp_path, 'compute: [c0, c1]\naz1: [c0]\n'
                                 'az2: [c1, c1]\n')
    assert group_of('c0.conf') == ('az1', 'compute')
    assert group_of('c1.conf') == ('az2', 'compute')
    assert fleet.count_groups(['c0.conf', 'c1.conf', 'x.conf'],
                              group_of) == 4
    inventory = _groups(tmp_path, (
        'all:\n  children:\n'
        '    compute:\n      hosts: {c0: , c1: }\n'
        '    az1:\n      hosts: {c0: }\n'))
    assert inventory('/r/c0.conf') == ('az1', 'compute')
    assert inventory('/r/c1.conf') == ('compute',)


def test_groups_file_ansible_inventory(tmp_path):
    group_of = _groups(tmp_path, (
        'all:\n'
        '  vars: {ansible_user: heat-admin}\n'
        '  children:\n'
        '    central:\n'
        '      hosts:\n'
        '        central-compute-0:\n'
        '    edge:\n'
        '      children:\n'
        '        dcn0:\n'
        '          hosts: {dcn0-compute-0: , dcn0-compute-1: }\n'
        '        dcn1:\n'
        '          hosts:\n'
        '            dcn1-compute-0:\n'
        '              ansible_host: 192.0.2.7\n'
        '    empty:\n'))
    assert group_of('central-compute-0.conf') == ('central',)
    assert group_of('/r/dcn0-compute-1.conf') == ('dcn0',)
    assert group_of('dcn1-compute-0') == ('dcn1',)


@pytest.mark.parametrize('text, error', [
    ('a: [b\n', 'line 2: not valid YAML'),
    ('', 'empty; expected a mapping of groups'),
    ('- a\n- b\n', 'line 1: expected a mapping of groups'),
    ('a:\n  host: [x]\n', "line 2: group a: unknown key host"),
    ('a: 3\n', 'line 1: group a: expected a list of hosts'),
    ('a:\n  hosts: [x]\n', 'line 2: group a: hosts must be a mapping'),
    ('a: [[x]]\n', 'line 1: expected a host name'),
])
def test_malformed_groups_file_names_the_line(tmp_path, text, error):
    with pytest.raises(LoadError, match=error) as caught:
        _groups(tmp_path, text)
    assert caught.value.path.endswith('groups.yaml')
    assert '\n' not in str(caught.value)


def test_groups_file_of_aliases_is_bounded(tmp_path, monkeypatch):
    """Aliases multiply what a small file names; the walk stops."""
    monkeypatch.setattr(fleet, 'MAX_GROUP_ENTRIES', 1000)
    lines = ['c: &g0 {hosts: {h: }}']
    for i in range(1, 20):
        lines.append('c: &g%d {children: {c: *g%d, c: *g%d}}'
                     % (i, i - 1, i - 1))
    with pytest.raises(LoadError, match='more than 1000 entries'):
        _groups(tmp_path, '\n'.join(lines) + '\n')


def test_groups_file_nested_without_end_is_refused(tmp_path):
    with pytest.raises(LoadError, match='nested more than'):
        _groups(tmp_path, 'a: &x {children: {b: *x}}\n')
    with pytest.raises(LoadError, match='nested too deeply|not valid'):
        _groups(tmp_path, 'a: ' + '[' * 5000 + ']' * 5000 + '\n')


def test_groups_file_that_cannot_be_read(tmp_path):
    with pytest.raises(LoadError, match='no such file'):
        fleet.groups_from_file(str(tmp_path / 'missing.yaml'))


def test_the_tls_floor_is_compared_only_where_tls_is_used(write_conf):
    """A plain-http host has no TLS floor to keep in step (GC102 says
    what matters there); https hosts that differ still drift."""
    https = '[glance]\nendpoint_override = https://g:9292\n'
    found, _ = _drift(write_conf, [
        https + 'tls_min_version = 1.2\n', https + 'tls_min_version = 1.2\n',
        '[glance]\nendpoint_override = http://legacy:9292\n'])
    assert 'glance.tls_min_version' not in found
    found, _ = _drift(write_conf, [
        https + 'tls_min_version = 1.2\n', https + 'tls_min_version = 1.2\n',
        https])
    assert 'glance.tls_min_version' in found
