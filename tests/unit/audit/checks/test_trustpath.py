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

"""GC610-GC612: the trust path across nova, cinder and glance-api files,
observed as the fleet runner observes them (real files, real
oslo.config, one profile per service)."""

from __future__ import annotations

import pytest
from oslo_config import cfg

import glance_conf
from glance_conf.audit import services
from glance_conf.audit.checks import trustpath
from glance_conf.audit.target import AuditedConf
from tests.conftest import parse

NOVA_TLS = '[glance]\nendpoint_override = https://glance:9292\n'
CINDER_HTTP = '[DEFAULT]\nglance_api_servers = glance:9292\n'
CINDER_RBD = ('[DEFAULT]\nenabled_backends = ceph\n'
              '[ceph]\nvolume_driver = cinder.volume.drivers.rbd.RBDDriver\n')
GLANCE_LOCATIONS = '[DEFAULT]\nshow_multiple_locations = True\n'
GLANCE_DIRECT_RBD = ('[DEFAULT]\nshow_image_direct_url = True\n'
                     'enabled_backends = ceph:rbd\n')


def _finish(check, tmp_path, files):
    """Observe ``files`` (``(service, text)``) and finish ``check``;
    the findings, and the paths written, in order."""
    paths = []
    for n, (service, text) in enumerate(files):
        conf = cfg.ConfigOpts()
        if service == services.NOVA:
            glance_conf.register_opts(conf)
        else:
            services.profile(service).register(conf)
        path = tmp_path / ('%d-%s.conf' % (n, service))
        path.write_text(text)
        paths.append(str(path))
        parse(conf, path)
        check.observe(AuditedConf(conf, service=service))
    return list(check.finish()), paths


@pytest.mark.parametrize('cinder, option, line', [
    (CINDER_HTTP, 'DEFAULT.glance_api_servers', 2),
    ('[DEFAULT]\nglance_api_servers = http://glance:9292\n',
     'DEFAULT.glance_api_servers', 2),
    ('[DEFAULT]\nglance_api_servers = https://glance:9292\n'
     'glance_api_insecure = True\n', 'DEFAULT.glance_api_insecure', 3),
])
def test_cinder_weakens_novas_verified_transport(tmp_path, cinder, option,
                                                 line):
    [found], paths = _finish(trustpath.TransportWeakerThroughCinder(),
                             tmp_path, [('nova', NOVA_TLS),
                                        ('cinder', cinder)])
    assert (found.check_id, found.option, found.severity.label) == \
        ('GC611', option, 'medium')
    assert (found.file, found.line) == (paths[1], line)
    assert '%s:2' % paths[0] in found.message
    assert '%s:%d' % (paths[1], line) in found.message


@pytest.mark.parametrize('nova', [
    # nova's own transport is weak (GC101, GC102): nothing to weaken.
    '[glance]\napi_servers = http://glance:9292\n',
    NOVA_TLS + 'insecure = True\n',
    # The catalog's scheme is not in the file: nothing is claimed.
    '[glance]\n',
])
def test_nothing_when_nova_has_no_verified_tls(tmp_path, nova):
    found, _ = _finish(trustpath.TransportWeakerThroughCinder(), tmp_path,
                       [('nova', nova), ('cinder', CINDER_HTTP)])
    assert found == []


def test_nothing_when_cinder_uses_verified_tls(tmp_path):
    found, _ = _finish(trustpath.TransportWeakerThroughCinder(), tmp_path, [
        ('nova', NOVA_TLS),
        ('cinder', '[DEFAULT]\nglance_api_servers = HTTPS://glance:9292\n')])
    assert found == []


def test_cinder_servers_are_never_quoted(tmp_path):
    cinder = '[DEFAULT]\nglance_api_servers = http://u:s3cret@g:9292/?t=x\n'
    [found], _ = _finish(trustpath.TransportWeakerThroughCinder(), tmp_path,
                         [('nova', NOVA_TLS), ('cinder', cinder)])
    assert 's3cret' not in found.message and 't=x' not in found.message


def test_one_finding_per_weakness_with_bounded_file_lists(tmp_path):
    files = [('nova', NOVA_TLS)] * 7 + [('cinder', CINDER_HTTP)] * 8
    [found], paths = _finish(trustpath.TransportWeakerThroughCinder(),
                             tmp_path, files)
    assert found.message.count('.conf:2') == 2 * trustpath.MAX_FILES_NAMED
    assert 'and 2 more' in found.message and 'and 3 more' in found.message
    assert paths[-1] not in found.message
    # The weaker side is blamed, every one of its files; nova's are not.
    assert found.blamed == tuple(paths[7:])


@pytest.mark.parametrize('check, files', [
    (trustpath.SignatureBypassThroughVolumes, [
        ('nova', '[glance]\nverify_glance_signatures = True\n'),
        ('cinder', '[DEFAULT]\nverify_glance_signatures = disabled\n')]),
    (trustpath.TransportWeakerThroughCinder, [('nova', NOVA_TLS),
                                              ('cinder', CINDER_HTTP)]),
    (trustpath.LocationsTrustedByConsumers, [('glance-api', GLANCE_LOCATIONS),
                                             ('cinder', CINDER_RBD)]),
])
def test_each_check_blames_the_weaker_service(tmp_path, check, files):
    """A waiver's ``files`` covers the finding only if it covers these:
    the service that undoes the other's protection."""
    [found], paths = _finish(check(), tmp_path, files * 2)
    weak = files[1][0] if check is not \
        trustpath.LocationsTrustedByConsumers else 'glance-api'
    assert found.blamed == tuple(p for p in paths if p.endswith(
        '-%s.conf' % weak))
    assert len(found.blamed) == 2


@pytest.mark.parametrize('glance, consumer, severity, how', [
    (GLANCE_LOCATIONS, ('cinder', CINDER_RBD), 'high',
     'cinder\'s RBD backend clones it unverified'),
    (GLANCE_LOCATIONS, ('cinder', '[DEFAULT]\nallowed_direct_url_schemes'
                                  ' = cinder,file\n'), 'high',
     'cinder copies the file a file:// location names'),
    (GLANCE_DIRECT_RBD, ('nova', '[libvirt]\nimages_type = rbd\n'),
     'medium', 'nova clones it in Ceph unverified'),
    (GLANCE_DIRECT_RBD, ('nova', '[glance]\nenable_rbd_download = True\n'
                                 'rbd_user = nova\n'), 'medium',
     'nova exports the RBD image it names'),
])
def test_exposed_locations_that_consumers_trust(tmp_path, glance, consumer,
                                                severity, how):
    [found], paths = _finish(trustpath.LocationsTrustedByConsumers(),
                             tmp_path, [('glance-api', glance), consumer])
    assert (found.check_id, found.severity.label) == ('GC612', severity)
    assert (found.file, found.line) == (paths[0], 2)
    assert how in found.message
    assert '%s:2' % paths[0] in found.message and paths[1] in found.message


@pytest.mark.parametrize('glance, consumer', [
    # direct_url without a copy-on-write store: GC853's, not the path's.
    ('[DEFAULT]\nshow_image_direct_url = True\n', ('cinder', CINDER_RBD)),
    ('[DEFAULT]\nshow_multiple_locations = False\n', ('cinder', CINDER_RBD)),
    # Nobody uses the locations: the exposure alone is GC851.
    (GLANCE_LOCATIONS, ('cinder', '[DEFAULT]\nenabled_backends = lvm\n'
                                  '[ceph]\nvolume_driver = cinder.volume.'
                                  'drivers.rbd.RBDDriver\n')),
    (GLANCE_LOCATIONS, ('nova', '[DEFAULT]\ncompute_driver = '
                                'ironic.IronicDriver\n'
                                '[libvirt]\nimages_type = rbd\n')),
    (GLANCE_LOCATIONS, ('nova', NOVA_TLS)),
])
def test_nothing_without_exposure_or_trust(tmp_path, glance, consumer):
    found, _ = _finish(trustpath.LocationsTrustedByConsumers(), tmp_path,
                       [('glance-api', glance), consumer])
    assert found == []


def test_both_exposures_are_one_finding_each(tmp_path):
    found, _ = _finish(trustpath.LocationsTrustedByConsumers(), tmp_path, [
        ('glance-api', GLANCE_DIRECT_RBD + 'show_multiple_locations = on\n'),
        ('cinder', CINDER_RBD), ('nova', '[libvirt]\nimages_type = rbd\n')])
    assert sorted((f.key, f.severity.label) for f in found) == [
        ('show_image_direct_url', 'medium'),
        ('show_multiple_locations', 'high')]
    for finding in found:
        assert 'cinder\'s RBD backend' in finding.message
        assert 'nova clones it' in finding.message


def test_signature_bypass_names_both_sides(tmp_path):
    [found], paths = _finish(trustpath.SignatureBypassThroughVolumes(),
                             tmp_path, [
        ('nova', '[glance]\nverify_glance_signatures = True\n'),
        ('cinder', '[DEFAULT]\nverify_glance_signatures = disabled\n')])
    assert (found.check_id, found.severity.label) == ('GC610', 'high')
    assert '%s:2' % paths[0] in found.message and paths[1] in found.message
