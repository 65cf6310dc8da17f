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


"""glance-api's profile: its options as glance and glance_store declare
them (``glance/common/config.py``, ``import_filtering_opts``,
``glance_store/backend.py``)."""

from __future__ import annotations

import pytest
from oslo_config import cfg

from glance_conf.audit.services import glance_api


def _conf(tmp_path, text: str) -> cfg.ConfigOpts:
    path = tmp_path / 'glance-api.conf'
    path.write_text(text)
    conf = cfg.ConfigOpts()
    for group, opt in glance_api.opts():
        conf.register_opt(opt, group=None if group == 'DEFAULT' else group)
    conf(['--config-file', str(path)], default_config_files=[],
         default_config_dirs=[])
    return conf


def test_glance_defaults(tmp_path):
    conf = _conf(tmp_path, '')
    assert conf.show_image_direct_url is False
    assert conf.show_multiple_locations is False
    assert conf.enabled_import_methods == ['glance-direct', 'web-download',
                                           'copy-image']
    assert conf.image_format.require_image_format_match is True
    assert conf.image_format.vmdk_allowed_types == ['streamOptimized',
                                                    'monolithicSparse']
    assert conf.import_filtering_opts.allowed_schemes == ['http', 'https']
    assert conf.import_filtering_opts.allowed_hosts == []
    assert conf.import_filtering_opts.allowed_ports == [80, 443]
    assert conf.glance_store.default_store == 'file'
    assert conf.enabled_backends is None


def test_disk_formats_is_read_from_its_old_section_too(tmp_path):
    conf = _conf(tmp_path, '[DEFAULT]\ndisk_formats = raw\n')
    assert conf.image_format.disk_formats == ['raw']


@pytest.mark.parametrize('section,text', [
    ('DEFAULT', 'enabled_import_methods = [web-upload]'),
    ('import_filtering_opts', 'allowed_ports = 0'),
    ('glance_store', 'default_store = ceph'),
])
def test_glance_refuses_what_its_types_refuse(tmp_path, section, text):
    conf = _conf(tmp_path, '[%s]\n%s\n' % (section, text))
    name = text.split(' = ')[0]
    with pytest.raises(ValueError):
        getattr(conf if section == 'DEFAULT' else conf[section], name)
