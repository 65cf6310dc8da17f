"""GC4xx checks."""

from __future__ import annotations

import pytest

RBD = '[glance]\nenable_rbd_download = true\n'
NAMED = RBD + 'rbd_user = glance-reader\nrbd_pool = images\n'


@pytest.mark.parametrize('check,text,count', [
    ('GC401', RBD, 2),
    ('GC401', RBD + 'rbd_user = nova\n', 1),
    ('GC401', NAMED, 0),
    ('GC401', '[glance]\n', 0),
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
