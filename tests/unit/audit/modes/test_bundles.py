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

"""Bundles mode."""

from __future__ import annotations

CINDER_BUNDLE_CONF = '[DEFAULT]\nglance_api_servers = https://g:9292\n'


GLANCE_API_CONF = '[DEFAULT]\nshow_multiple_locations = true\n'


def test_bundles_are_hosts_named_by_their_bundle(tmp_path):
    """Labels ``host:path``, the bundle's host in findings and posture,
    one fleet when no bundle names a group."""
    from tests import bundles as make
    two = [make.config('/etc/nova/nova.conf', make.NOVA_CONF),
           make.config('/etc/nova/nova.conf.d/10.conf', '[glance]\n'
                       'insecure = True\n')]
    result = make.audit(tmp_path, make.bundle('a', files=two),
                        make.bundle('b'), make.bundle('c'))
    assert result.mode == 'fleet' and result.files == 4
    assert list(result.paths) == ['a:/etc/nova/nova.conf',
                            'a:/etc/nova/nova.conf.d/10.conf',
                            'b:/etc/nova/nova.conf', 'c:/etc/nova/nova.conf']
    assert [(r.host, r.group, r.file) for r in result.posture] == [
        ('a', '', 'a:/etc/nova/nova.conf'), ('b', '', 'b:/etc/nova/nova.conf'),
        ('c', '', 'c:/etc/nova/nova.conf')]
    assert result.groups == [] and result.not_checked == []
    gc101 = [f for f in result.findings if f.check_id == 'GC101']
    assert [(f.host, f.file) for f in gc101] == [
        ('a', 'a:/etc/nova/nova.conf.d/10.conf')]


def test_bundles_with_a_group_compare_within_groups(tmp_path):
    """A bundle with no group, beside grouped ones, is ungrouped."""
    from tests import bundles as make
    result = make.audit(tmp_path, make.bundle('a', 'az1'),
                        make.bundle('b'), ids=('GC601',))
    assert result.groups == ['(ungrouped)', 'az1']
    assert {r.host: r.group for r in result.posture} == {
        'a': 'az1', 'b': '(ungrouped)'}
    regrouped = make.audit(tmp_path, group_of=lambda host: ('g-' + host,))
    assert regrouped.groups == ['g-a', 'g-b']


def test_a_host_has_one_bundle_per_service(tmp_path):
    """A controller's nova, cinder and glance-api bundles are three
    audits of one host, each by its service's profile; with nova
    verifying, GC610 sees the host's cinder although it is one host."""
    from tests import bundles as make
    cinder = make.bundle('ctl', files=[make.config(
        '/etc/cinder/conf.d/10.conf', CINDER_BUNDLE_CONF)], paths={},
        service='cinder')
    glance = make.bundle('ctl', files=[make.config(
        '/etc/glance/g.conf', GLANCE_API_CONF)], paths={},
        service='glance-api')
    result = make.audit(tmp_path, make.bundle('ctl'), cinder, glance)
    try:
        assert result.problems == []
        assert result.service == 'mixed'
        assert result.file_services['ctl:/etc/cinder/conf.d/10.conf'] == \
            'cinder'
        assert result.file_services['ctl:/etc/glance/g.conf'] == \
            'glance-api'
        found = {(f.check_id, f.file) for f in result.findings}
        assert ('GC610', 'ctl:/etc/cinder/conf.d/10.conf') in found
        assert ('GC851', 'ctl:/etc/glance/g.conf') in found
    finally:
        result.close()


def test_a_second_bundle_of_a_host_and_service_is_refused(tmp_path):
    from tests import bundles as make
    # One says its service, the other is recognised as nova's.
    make.write(tmp_path, make.bundle('ctl'), 'ctl-copy.json')
    result = make.audit(tmp_path, make.bundle('ctl', service='nova'),
                        ids=('GC101',))
    try:
        assert [p.reason for p in result.problems] == [
            'host ctl has another bundle of nova too; each host has one '
            'per service']
    finally:
        result.close()


def test_a_bundle_of_another_service_than_given_is_refused(tmp_path):
    from tests import bundles as make
    result = make.audit(tmp_path, make.bundle('st', service='cinder'),
                        make.bundle('cmp'), ids=('GC101',),
                        service='nova')
    try:
        assert [(p.path.endswith('st@cinder.json'), p.reason)
                for p in result.problems] == [
            (True, 'the bundle is of cinder, not of nova (--service)')]
        assert list(result.hosts) == ['cmp']
    finally:
        result.close()
