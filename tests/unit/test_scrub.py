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

"""Masking in log lines and exceptions, alone.

That no secret of a real request reaches a log line or an exception of
the session, against loopback servers, is tested in test_transport.py.
"""

from __future__ import annotations

import logging

import requests

from glance_conf import _scrub

CANARY = 'CANARY5d1e7b'


def test_an_exception_and_its_chain_are_masked_in_place():
    url = 'http://nova:%s@glance.example.com/v2?token=%s' % (CANARY, CANARY)
    cause = OSError('connecting to %s' % url)
    try:
        try:
            raise cause
        except OSError as exc:
            raise requests.exceptions.ConnectionError(
                exc, request=requests.Request('GET', url)) from exc
    except requests.exceptions.ConnectionError as exc:
        error = exc
    _scrub.scrub(error)
    assert type(error) is requests.exceptions.ConnectionError
    assert error.__cause__ is cause
    shown = [str(error), str(cause), error.request.url]
    assert 'glance.example.com' in shown[1]
    assert not [text for text in shown if CANARY in text]


def test_a_filtered_logger_masks_its_lines(caplog):
    _scrub.install_log_filter()
    with caplog.at_level(logging.DEBUG):
        logging.getLogger('urllib3.connectionpool').debug(
            'GET %s', 'https://glance.example.com/?token=' + CANARY)
    assert 'glance.example.com' in caplog.text
    assert CANARY not in caplog.text
