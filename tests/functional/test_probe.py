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

"""``glance-conf-audit probe --bundles``, run as operators run it: one
host's inputs never stop the fleet's probe, and ``--deadline`` bounds
the whole run."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from tests import bundles
from tests import servers
from tests import tlsservers as T

#: The run's --deadline; the subprocess gets this plus a wide margin, as
#: a bound (a hung run fails the test), never as a measure.
DEADLINE = 5
BOUND = DEADLINE + 60


def _host(tmp, name: str, text: str) -> None:
    bundles.write(tmp / 'bundles', bundles.bundle(
        name, files=[bundles.config('/etc/nova/nova.conf', text)],
        paths={}))


def test_a_blocking_cafile_never_stops_the_fleet(tmp_path):
    """Issue 20 item 4: hosts whose cafile is a FIFO with no writer, or
    /dev/ptmx, are each reported (GC701, not a regular file); a host
    whose endpoint never answers the handshake is cut at the deadline
    although --timeout is long; the healthy host's expiring certificate
    is found."""
    pki = T.Pki(tmp_path)
    server = T.ProbeServer(pki.context(not_after=T.now() + 5 * T.DAY))
    fifo = tmp_path / 'fifo'
    os.mkfifo(fifo)
    blocking = {'compute-fifo': str(fifo)}
    if os.path.exists('/dev/ptmx'):
        blocking['compute-ptmx'] = '/dev/ptmx'
    with socket.create_server(('127.0.0.1', 0)) as mute:
        for name, cafile in blocking.items():
            # Each its own port: one endpoint per distinct TLS settings.
            _host(tmp_path, name, '[glance]\napi_servers = %s\ncafile = %s\n'
                  % (server.url, cafile))
        _host(tmp_path, 'compute-mute', '[glance]\napi_servers = '
              'https://127.0.0.1:%d\ncafile = %s\n'
              % (mute.getsockname()[1], pki.cafile))
        _host(tmp_path, 'compute-ok', '[glance]\napi_servers = %s\n'
              'cafile = %s\n' % (server.url, pki.cafile))
        with servers.started(server):
            done = subprocess.run(
                [sys.executable, '-m', 'glance_conf.cmd.audit', 'probe',
                 '--bundles', str(tmp_path / 'bundles'), '--format', 'json',
                 '--timeout', '600', '--deadline', str(DEADLINE)],
                capture_output=True, text=True, timeout=BOUND, check=False)
    assert done.returncode == 1, done.stderr
    found = {(f['host'], f['id']): f['message']
             for f in json.loads(done.stdout)['findings']}
    for name, cafile in blocking.items():
        assert '%s: is not a regular file' % cafile in found[
            (name, 'GC701')]
    # The deadline, not nova's timeout (600 s), cut the mute endpoint
    # short: not probed to the end, never "nova cannot connect".
    assert 'not probed to the end' in found[('compute-mute', 'GC706')]
    assert ('compute-ok', 'GC702') in found
    assert sorted(found) == sorted(
        [(name, 'GC701') for name in blocking]
        + [('compute-mute', 'GC706'), ('compute-ok', 'GC702')])
