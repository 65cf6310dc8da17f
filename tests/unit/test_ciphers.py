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

"""What is weak in a cipher string, said without quoting it.

The cipher-string type that refuses what OpenSSL would ignore is tested
with the other types, in test_types.py.
"""

from __future__ import annotations

import pytest

from glance_conf import _ciphers
from glance_conf import types


@pytest.mark.parametrize('ciphers,weak', [
    ('HIGH', []),
    ('eNULL:aNULL:NULL', ['eNULL', 'aNULL', 'NULL']),
    ('HIGH:RC4-SHA', ['RC4']),
    ('ECDHE+AESGCM,EXPORT ADH', ['EXPORT', 'ADH']),
    ('RSA+3DES', ['3DES']),
    ('EDH-RSA-DES-CBC3-SHA', ['DES']),
    ('HIGH:!aNULL:-eNULL:+RC4:@STRENGTH', []),
    # OpenSSL matches keywords case-sensitively: these select nothing.
    ('HIGH:rc4:enull:Anull', []),
])
def test_weak_cipher_keywords(ciphers, weak):
    assert _ciphers.weak_cipher_keywords(ciphers) == weak


def test_cipher_weaknesses_say_why_never_what():
    assert _ciphers.cipher_weaknesses('ECDHE+AESGCM') == []
    assert _ciphers.cipher_weaknesses('HIGH:aNULL:@SECLEVEL=0') == [
        'turns on aNULL',
        'lowers the OpenSSL security level to 0 (the floor is 2)']


def test_the_types_module_still_offers_the_cipher_rules():
    """Moved out of types.py, they are still reached there."""
    for name in ('WEAK_CIPHER_KEYWORDS', 'MIN_SECURITY_LEVEL',
                 'CIPHER_KEYWORDS', 'weak_cipher_keywords',
                 'cipher_weaknesses', 'cipher_context',
                 'unknown_cipher_words'):
        assert getattr(types, name) is getattr(_ciphers, name)
