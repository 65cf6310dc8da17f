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

"""The catalog lookup: bounded in all, whatever Keystone does."""

from __future__ import annotations

import pytest

from glance_conf.audit.probe import catalog
from tests import servers


def test_a_trickling_keystone_is_bounded_in_all():
    """requests' timeout is per read: a Keystone that sends a byte at a
    time would hold the lookup for minutes; the bounded call gives up
    at its time, and says only that it timed out."""
    keystone = servers.FaultServer().start()
    keystone.fault = servers.trickle(10_000, 0.05)
    ask = catalog.CatalogQuery(auth_url=keystone.url, username='nova',
                               password='s3cret')
    try:
        with servers.Clock() as clock, \
                pytest.raises(TimeoutError, match='^timed out$'):
            catalog.bounded_call(catalog.catalog_urls, ask, 1.0)
    finally:
        keystone.stop()
    assert clock.elapsed < 3
    assert keystone.requests == [('POST', '/v3/auth/tokens')]
