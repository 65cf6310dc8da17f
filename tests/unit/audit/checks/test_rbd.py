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

"""GC4xx checks."""

from __future__ import annotations

import pytest

RBD = '[glance]\nenable_rbd_download = true\n'
NAMED = RBD + 'rbd_user = glance-reader\nrbd_pool = images\n'


@pytest.mark.parametrize('check,text,count', [
    ('GC401', RBD, 1),
    ('GC401', RBD + 'rbd_user = nova\n', 0),
    ('GC401', NAMED, 0),
    ('GC401', '[glance]\n', 0),
    ('GC401', '[glance]\nrbd_user =\n', 0),
    ('GC402', NAMED + 'rbd_ceph_conf = /nonexistent/ceph.conf\n', 1),
    ('GC402', NAMED + 'rbd_ceph_conf = {ca}\n', 0),
    ('GC402', NAMED, 0),
    ('GC403', NAMED + '[libvirt]\nimages_type = rbd\n', 1),
    ('GC403', NAMED + '[libvirt]\nimages_type = qcow2\n', 0),
    ('GC403', '[glance]\n[libvirt]\nimages_type = rbd\n', 0),
])
def test_rbd_checks(audit_text, check, text, count):
    findings = audit_text(text, check)
    assert [f.check_id for f in findings] == [check] * count


def test_gc402_looks_under_root_as_the_service(write_conf, tmp_path):
    """rbd_ceph_conf is a path of the service's file system."""
    from oslo_config import cfg

    import glance_conf
    from glance_conf import _files
    from glance_conf import audit
    from glance_conf.audit import manager
    from tests.conftest import parse
    root = tmp_path / 'rootfs'
    (root / 'etc/ceph').mkdir(parents=True)
    (root / 'etc/ceph').chmod(0o755)
    ceph = root / 'etc/ceph/ceph.conf'
    ceph.write_text('[global]\n')
    ceph.chmod(0o600)
    path = write_conf(NAMED + 'rbd_ceph_conf = /etc/ceph/ceph.conf\n')
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, path)
    checks = [c for c in manager.load_checks() if c.id == 'GC402']
    nova = _files.Account(1234, 1234, frozenset({1234}))
    [found] = audit.run(conf, checks, host=_files.Host(str(root), nova))
    assert 'is not readable by the service account' in found.message
    ceph.chmod(0o644)
    assert audit.run(conf, checks, host=_files.Host(str(root), nova)) == []
    assert audit.run(conf, checks, offline=True) == []


def test_ceph_conf_is_judged_from_the_hosts_recorded_facts(tmp_path):
    from tests import bundles as make
    ceph = '/etc/ceph/ceph.conf'
    text = make.NOVA_CONF + 'rbd_ceph_conf = %s\n' % ceph
    result = make.audit(tmp_path, make.bundle(
        files=[make.config('/etc/nova/nova.conf', text)],
        paths={ceph: make.missing(ceph)}), ids=('GC402',))
    assert [f.message for f in result.findings] == [
        'rbd_ceph_conf %s does not exist.' % ceph]


# -- nova's fallbacks (nova/storage/rbd_utils.py, RBDDriver.__init__) ------

def test_gc401_takes_libvirts_rbd_user_as_nova_does(audit_text):
    """``user or CONF.libvirt.rbd_user``: rbd export runs as that client."""
    assert audit_text(RBD + '[libvirt]\nrbd_user = cinder\n', 'GC401') == []
    [found] = audit_text(RBD + '[libvirt]\nrbd_user =\n', 'GC401')
    assert found.option == 'glance.rbd_user'
    assert 'neither [glance] rbd_user nor [libvirt] rbd_user' in \
        found.message


def test_gc401_never_asks_for_rbd_pool(audit_text):
    """rbd_download passes the pool of the image's location URL to
    export_image: [glance] rbd_pool is not used by a download."""
    found = audit_text(RBD + 'rbd_user = glance-reader\n', 'GC401')
    assert found == []


def test_gc402_judges_libvirts_ceph_conf_when_glances_is_unset(
        audit_text, tmp_path):
    """``ceph_conf or CONF.libvirt.images_rbd_ceph_conf``."""
    text = NAMED + '[libvirt]\nimages_rbd_ceph_conf = /nonexistent/c.conf\n'
    [found] = audit_text(text, 'GC402')
    assert found.option == 'libvirt.images_rbd_ceph_conf'
    assert found.file == str(tmp_path / 'nova.conf') and found.line == 6
    assert found.message == (
        '[glance] rbd_ceph_conf is unset, so RBD downloads read [libvirt] '
        'images_rbd_ceph_conf: /nonexistent/c.conf does not exist.')
    assert audit_text(text.replace('/nonexistent/c.conf', '{ca}'),
                      'GC402') == []


def test_gc402_leaves_a_libvirt_reference_unjudged(audit_text):
    """``$`` references of nova's own section are nova's to resolve:
    never read as a literal path."""
    text = NAMED + '[libvirt]\nimages_rbd_ceph_conf = $state_path/c.conf\n'
    assert audit_text(text, 'GC402') == []


def test_gc402_glances_own_ceph_conf_wins_over_libvirts(audit_text):
    text = (NAMED + 'rbd_ceph_conf = {ca}\n[libvirt]\n'
            'images_rbd_ceph_conf = /nonexistent/c.conf\n')
    assert audit_text(text, 'GC402') == []


def test_gc402_leaves_libvirts_ceph_conf_alone_without_rbd_download(
        audit_text):
    text = ('[glance]\n[libvirt]\n'
            'images_rbd_ceph_conf = /nonexistent/c.conf\n')
    assert audit_text(text, 'GC402') == []


def test_libvirts_ceph_conf_is_judged_from_the_hosts_recorded_facts(
        tmp_path):
    from tests import bundles as make
    ceph = '/etc/ceph/compute.conf'
    text = make.NOVA_CONF + ('enable_rbd_download = true\nrbd_user = g\n'
                             '[libvirt]\nimages_rbd_ceph_conf = %s\n' % ceph)
    result = make.audit(tmp_path, make.bundle(
        files=[make.config('/etc/nova/nova.conf', text)],
        paths={ceph: make.missing(ceph)}), ids=('GC402',))
    assert [f.message for f in result.findings] == [
        '[glance] rbd_ceph_conf is unset, so RBD downloads read [libvirt] '
        'images_rbd_ceph_conf: %s does not exist.' % ceph]
