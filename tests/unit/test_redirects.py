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

"""The redirect guard alone: whatever a ``Location`` says, it is refused
or leads to the origin the response came from.

Redirects followed (or refused) by a whole session, against loopback
servers, are tested in test_transport.py.
"""

from __future__ import annotations

import urllib.parse

import requests
from hypothesis import given
from hypothesis import strategies as st
from urllib3.util import parse_url

from glance_conf import _redirects
from glance_conf.exception import RedirectRefused

LOCATION_PIECES = st.lists(st.sampled_from([
    'http:', 'https:', '//', '/', '\\', '@', ':', '127.0.0.1', '8080',
    '9999', '99999', 'evil', '[', ']', '::1', '?', '#', '%2F', '%40', '%5C',
    '\t', ' ', 'a', '.', '%', ';', 'u:p',
]), max_size=12).map(''.join)


@given(location=LOCATION_PIECES)
def test_a_followed_location_connects_to_the_same_origin(location):
    """Whatever the Location, it is refused cleanly, or requests would
    connect to the very origin the response came from."""
    response = requests.Response()
    response.request = requests.Request(
        'GET', 'http://127.0.0.1:8080/v2/images').prepare()
    response.headers['Location'] = location
    try:
        target = _redirects.redirect_target(response)
    except RedirectRefused:
        return
    prepared = requests.Request('GET', target).prepare()
    parts = urllib.parse.urlsplit(prepared.url)
    assert (parts.scheme, parts.hostname, parts.port) == (
        'http', '127.0.0.1', 8080)
    assert '@' not in parts.netloc
    connected = parse_url(prepared.url)
    assert (connected.host, connected.port) == ('127.0.0.1', 8080)
