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

"""The version document: the depth limit, outside strings only."""

from __future__ import annotations

import pytest

from glance_conf.audit.probe import discovery
from glance_conf.audit.probe import endpoints
from glance_conf.audit.probe import observation
from tests import tlsservers as T

TLS = endpoints.TlsSettings(cafile='/ca.pem')


@pytest.mark.parametrize('body, versions', [
    (T.VERSIONS, ('v2.17',)),
    (b'[' * (discovery.MAX_DEPTH + 1) + b']' * (discovery.MAX_DEPTH + 1), ()),
    (b'{"note": "' + b'[' * 1000 + b'", ' + T.VERSIONS[1:], ('v2.17',)),
    (b'{"note": "\\"' + b'{' * 1000 + b'", ' + T.VERSIONS[1:],
     ('v2.17',)),
])
def test_the_depth_limit_counts_brackets_outside_strings(body, versions):
    """Brackets inside a string do not nest; those outside do."""
    seen = observation.Observation(endpoints.endpoint('http://glance', TLS))
    discovery.discover(seen, discovery.Answer(300, body))
    assert seen.versions[:1] == versions
