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

"""The deadline that unblocks a read, alone.

Deadlines on a whole request (headers, interim responses, a trickled
body) against loopback servers are tested in test_transport.py.
"""

from __future__ import annotations

import socket
import time

import requests

from glance_conf import _deadlines


def test_a_deadline_unblocks_a_read_that_outlives_it():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        start = time.monotonic()
        with _deadlines.Deadline(ours, 0.1) as deadline:
            data = ours.recv(1)  # the peer never writes
        assert data == b'' and deadline.fired
        assert time.monotonic() - start < 5.0


def test_a_block_done_in_time_is_left_alone():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        with _deadlines.Deadline(ours, 5.0) as deadline:
            theirs.sendall(b'x')
            assert ours.recv(1) == b'x'
        time.sleep(0.05)
        assert not deadline.fired
        theirs.sendall(b'y')  # the socket still works
        assert ours.recv(1) == b'y'


def test_no_socket_is_found_in_a_response_without_one():
    assert _deadlines.socket_of(requests.Response()) is None
    with _deadlines.Deadline(None, 0.0) as deadline:
        time.sleep(0.05)
    assert deadline.fired
