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


"""GC85x glance-api checks: each on real glance-api.conf text, read
through glance's own option types."""

from __future__ import annotations

import pytest

from glance_conf.audit import manager
from glance_conf.audit import runner


def audit(tmp_path, text, *ids):
    """The findings of the checks ``ids`` on ``text`` as glance-api.conf."""
    path = tmp_path / 'glance-api.conf'
    path.write_text(text)
    checks = [c for c in manager.load_checks() if c.id in ids]
    assert len(checks) == len(ids)
    result = runner.audit_service([('--config-file', str(path))], checks,
                                  offline=True, service='glance-api')
    try:
        assert not result.problems, result.problems
        return list(result.findings)
    finally:
        result.close()


FILTERED = ('[import_filtering_opts]\nallowed_hosts = [images.example.com]\n')
RBD = '[DEFAULT]\nenabled_backends = fast:rbd,local:file\n'


@pytest.mark.parametrize('check,text,count', [
    ('GC850', '[DEFAULT]\nenabled_import_methods = [web-upload]\n', 1),
    ('GC850', '[glance_store]\ndefault_store = ceph\n', 1),
    ('GC850', '[import_filtering_opts]\nallowed_ports = 0\n', 1),
    ('GC850', '', 0),
    ('GC851', '[DEFAULT]\nshow_multiple_locations = true\n', 1),
    ('GC851', '[DEFAULT]\nshow_multiple_locations = false\n', 0),
    ('GC851', '', 0),
    ('GC852', RBD + 'show_image_direct_url = true\n', 1),
    ('GC852', '[DEFAULT]\nshow_image_direct_url = true\n'
              '[glance_store]\ndefault_store = rbd\n', 1),
    ('GC852', '[DEFAULT]\nshow_image_direct_url = true\n'
              '[glance_store]\nstores = file,rbd\n', 1),
    # Many stores: the single store's options no longer count.
    ('GC852', '[DEFAULT]\nshow_image_direct_url = true\n'
              'enabled_backends = a:file\n[glance_store]\n'
              'default_store = rbd\n', 0),
    ('GC852', RBD, 0),
    ('GC852', '[DEFAULT]\nshow_image_direct_url = true\n', 0),
    ('GC853', '[DEFAULT]\nshow_image_direct_url = true\n', 1),
    ('GC853', RBD + 'show_image_direct_url = true\n', 0),  # GC852's
    ('GC853', '', 0),
    # web-download is on by default, and any host is allowed.
    ('GC854', '', 1),
    ('GC854', FILTERED, 0),
    ('GC854', '[DEFAULT]\nenabled_import_methods = glance-direct\n', 0),
    ('GC854', '[import_filtering_opts]\ndisallowed_hosts = [10.0.0.1]\n', 1),
    ('GC854', FILTERED + 'allowed_schemes = [http,https,ftp]\n', 1),
    ('GC854', FILTERED + 'allowed_schemes = []\n', 1),
    ('GC854', FILTERED + 'allowed_ports = []\n', 1),
    # glance's lists are bracketed: a bare list is refused (GC850).
    ('GC850', '[import_filtering_opts]\nallowed_ports = 80\n', 1),
    ('GC854', 'allowed_ports = []\nallowed_schemes = []\n', 1),  # [DEFAULT]
    ('GC854', '[import_filtering_opts]\nallowed_ports = []\n'
              'allowed_schemes = []\n', 3),
    ('GC855', '[image_format]\nrequire_image_format_match = false\n', 1),
    ('GC855', '', 0),
    ('GC856', '[image_format]\nvmdk_allowed_types = monolithicFlat\n', 1),
    ('GC856', '[image_format]\nvmdk_allowed_types = streamOptimized\n', 0),
    ('GC856', '[image_format]\nvmdk_allowed_types =\n', 0),
    ('GC856', '', 0),
    ('GC857', '[image_format]\ngpt_safety_checks_nonfatal = mbr\n', 1),
    ('GC857', '', 0),
])
def test_glance_api_check(tmp_path, check, text, count):
    if text.startswith('allowed_'):
        text = '[DEFAULT]\n' + text
    found = audit(tmp_path, text, check)
    assert len(found) == count, found
    assert all(f.check_id == check for f in found)


def test_web_download_says_which_rule_each_finding_breaks(tmp_path):
    found = audit(tmp_path, '[import_filtering_opts]\nallowed_ports = []\n'
                  'allowed_schemes = [http,https,file]\n', 'GC854')
    assert [f.key for f in found] == ['hosts', 'schemes', 'ports']
    assert 'file, http, https' in found[1].message
    assert {f.option for f in found} == {'DEFAULT.enabled_import_methods'}


def test_a_finding_points_at_the_line_even_under_an_old_name(tmp_path):
    [found] = audit(tmp_path, '[DEFAULT]\nshow_image_direct_url = true\n'
                    'enabled_backends = fast:rbd\n', 'GC852')
    assert found.line == 2 and 'fast' in found.message


def test_vmdk_types_are_counted_not_quoted(tmp_path):
    [found] = audit(tmp_path, '[image_format]\nvmdk_allowed_types = '
                    'monolithicFlat,hunter2\n', 'GC856')
    assert 'hunter2' not in found.message and '2 VMDK' in found.message


def test_the_glance_api_range_is_glance_api_s_alone():
    for check in manager.load_checks():
        number = int(check.id[2:])
        assert (check.services == ('glance-api',)) is (850 <= number < 900)
