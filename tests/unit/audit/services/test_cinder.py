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


"""cinder's profile: its image client options as cinder declares them
(``cinder/common/config.py``, ``cinder/image/glance.py``)."""

from __future__ import annotations

import pytest
from oslo_config import cfg

from glance_conf.audit.services import cinder


def _conf(tmp_path, text: str) -> cfg.ConfigOpts:
    path = tmp_path / 'cinder.conf'
    path.write_text(text)
    conf = cfg.ConfigOpts()
    conf.register_opts([opt for _, opt in cinder.opts()])
    conf(['--config-file', str(path)], default_config_files=[],
         default_config_dirs=[])
    return conf


def test_cinder_defaults(tmp_path):
    conf = _conf(tmp_path, '[DEFAULT]\n')
    assert (conf.glance_api_servers, conf.glance_num_retries,
            conf.glance_api_insecure, conf.glance_request_timeout,
            conf.allowed_direct_url_schemes,
            conf.verify_glance_signatures, conf.glance_catalog_info) == (
        None, 3, False, None, [], 'enabled', 'image:glance:publicURL')


@pytest.mark.parametrize('text', [
    'verify_glance_signatures = yes',  # choices: enabled, disabled
    'glance_num_retries = -1',         # min=0
    'glance_request_timeout = soon',
])
def test_cinder_refuses_what_its_types_refuse(tmp_path, text):
    conf = _conf(tmp_path, '[DEFAULT]\n%s\n' % text)
    with pytest.raises(ValueError):
        getattr(conf, text.split(' = ')[0])


def test_every_option_is_in_default():
    assert {group for group, _ in cinder.opts()} == {'DEFAULT'}
    assert all(key for section, key in cinder.MARKERS
               if section == 'DEFAULT')
