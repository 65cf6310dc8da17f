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

"""What the probe says of an exception: its kind, never its text."""

from __future__ import annotations

import errno
import ssl

import pytest

from glance_conf.audit.probe import observation


@pytest.mark.parametrize('exc, words', [
    (ValueError('https://u:s3cret@glance'), 'ValueError'),
    (RuntimeError('s3cret'), 'RuntimeError'),
    (TimeoutError('s3cret'), 'timed out'),
    (ConnectionRefusedError(errno.ECONNREFUSED, 'Connection refused'),
     'Connection refused'),
])
def test_reason_never_quotes_an_exceptions_text(exc, words):
    assert observation.reason(exc) == words


def test_reason_keeps_openssls_words_printable():
    """A verify message is OpenSSL's, but printed as the server sent
    the certificate: control characters never reach a report."""
    exc = ssl.SSLCertVerificationError(1, 'x')
    exc.verify_message = 'hostname mismatch\x1b[31m'
    assert observation.reason(exc) == (
        'certificate verify failed: hostname mismatch\\x1b[31m')
