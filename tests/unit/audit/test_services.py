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


"""Which service a file configures, and the profiles' option tables."""

from __future__ import annotations

import pytest
from oslo_config import cfg

from glance_conf.audit import services
from glance_conf.audit import source


def _raw(text: str, path: str = '/etc/x/some.conf') -> source.RawFile:
    return source.parse_text(path, text)


@pytest.mark.parametrize('path,expected', [
    ('/etc/cinder/cinder.conf', 'cinder'),
    ('/etc/glance/glance-api.conf', 'glance-api'),
    ('/etc/glance/glance-image-import.conf', 'glance-api'),
    ('/etc/nova/nova.conf', 'nova'),
    ('/etc/kolla/nova-compute/nova.conf', 'nova'),
])
def test_the_file_name_decides(path, expected):
    # Even against the content: the name is the operator's own word.
    text = '[DEFAULT]\nshow_image_direct_url = true\n' \
        if expected == 'cinder' else '[DEFAULT]\nglance_api_servers = a\n'
    assert services.recognise([path], [_raw(text, path)]) == expected


@pytest.mark.parametrize('text,expected', [
    ('[DEFAULT]\nglance_api_servers = http://g:9292\n', 'cinder'),
    ('[DEFAULT]\nvolume_driver = x\n', 'cinder'),
    ('[backend_defaults]\ntarget_helper = lioadm\n', 'cinder'),
    ('[glance_store]\ndefault_store = rbd\n', 'glance-api'),
    ('[image_format]\n', 'glance-api'),
    ('[DEFAULT]\nshow_multiple_locations = true\n', 'glance-api'),
    ('[libvirt]\nimages_type = rbd\n', 'nova'),
    ('[glance]\napi_servers = http://g:9292\n', 'nova'),
    # cinder's [glance] holds keystoneauth options, nova's too: no sign.
    ('[glance]\ncafile = /ca.pem\n', 'nova'),
    # Signs of two services: unsure, so nova.
    ('[DEFAULT]\nglance_api_servers = g\n[glance_store]\n', 'nova'),
    ('[DEFAULT]\nglance_api_servers = g\n[libvirt]\n', 'nova'),
    ('', 'nova'),
])
def test_else_the_sections_and_keys_of_one_service(text, expected):
    assert services.recognise(['/tmp/host-1.conf'], [_raw(text)]) \
        == expected


def test_names_of_two_services_are_unsure():
    paths = ['/etc/cinder/cinder.conf', '/etc/glance/glance-api.conf']
    files = [_raw('[DEFAULT]\nglance_api_servers = g\n', paths[0]),
             _raw('', paths[1])]
    assert services.recognise(paths, files) == 'nova'


def test_every_service_has_a_profile():
    assert set(services.PROFILES) == set(services.SERVICES)
    assert services.profile('cinder').project == 'cinder'
    assert services.profile('glance-api').project == 'glance'


def test_nova_judges_the_drop_in_options():
    judged = services.profile('nova').judged()
    assert ('glance', 'verify_glance_signatures') in judged
    assert ('glance', 'api_servers') in judged


def test_a_profile_registers_its_options_with_their_defaults():
    conf = cfg.ConfigOpts()
    services.profile('cinder').register(conf)
    conf([], default_config_files=[], default_config_dirs=[])
    assert conf.verify_glance_signatures == 'enabled'
    assert conf.glance_num_retries == 3
    assert conf.glance_api_servers is None
    # Twice on one config, or on another, is fine: the same options.
    services.profile('cinder').register(conf)
    other = cfg.ConfigOpts()
    services.profile('cinder').register(other)


def test_option_finds_a_judged_option_only():
    profile = services.profile('glance-api')
    opt = profile.option('image_format', 'disk_formats')
    assert opt is not None and opt.deprecated_opts[0].group == 'DEFAULT'
    assert profile.option('DEFAULT', 'disk_formats') is None
    assert services.profile('nova').option('glance', 'timeout') is None
