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

"""What is probed: an endpoint made from a URL as nova reaches it."""

from __future__ import annotations

import pytest

from glance_conf.audit.probe import endpoints

TLS = endpoints.TlsSettings(cafile='/ca.pem')


@pytest.mark.parametrize('url, expected', [
    ('https://glance:9292/v2', 'https://glance:9292/'),
    ('https://lb/image/v2.1/', 'https://lb:443/image/'),
    ('https://user:pw@Glance.Example/?q=s3cret', 'https://glance.example:443/'),
    ('http://[::1]:9292', 'http://[::1]:9292/'),
    ('http://glance', 'http://glance:80/'),
])
def test_endpoint_url_drops_secrets(url, expected):
    assert endpoints.endpoint(url, TLS).url == expected


@pytest.mark.parametrize('url', ['ftp://glance', 'glance:9292', 'https://',
                                 'https://glance:99999'])
def test_endpoint_refuses_what_nova_cannot_reach(url):
    assert endpoints.endpoint(url, TLS) is None


def test_http_endpoints_share_no_tls():
    """Two hosts that differ only in cafile share an http endpoint."""
    a = endpoints.endpoint('http://glance:9292', TLS)
    b = endpoints.endpoint('http://glance:9292', endpoints.TlsSettings())
    assert a == b
    assert endpoints.endpoint('https://glance', TLS) != endpoints.endpoint(
        'https://glance', endpoints.TlsSettings())


@pytest.mark.parametrize('address, public', [
    ('8.8.8.8', True), ('2001:4860:4860::8888', True),
    ('10.0.0.1', False), ('172.16.0.1', False), ('192.168.1.1', False),
    ('127.0.0.1', False), ('169.254.1.1', False), ('100.64.0.1', False),
    ('::1', False), ('fe80::1%eth0', False), ('fd00::1', False),
    ('::ffff:10.0.0.1', False), ('::ffff:8.8.8.8', True),
    ('203.0.113.9', False),  # documentation range: never routed
])
def test_is_public(address, public):
    assert endpoints.is_public(address) is public


def test_an_ipv6_zone_id_is_decoded_as_urllib3_does():
    point = endpoints.endpoint('https://[fe80::1%25lo]:1/', TLS)
    assert point.host == 'fe80::1%lo'
    assert point.url == 'https://[fe80::1%lo]:1/'
