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

"""An audited file can never make the auditor fetch anything (issue #9).

oslo.config follows ``[DEFAULT] config_source`` to a ``remote_file``
driver, which does an HTTP GET. Every audit path is run against a file
that points at a real loopback server, which counts the requests: the
count must stay zero, the run must end in bounded time against a server
that stalls, and in bounded memory against one with a huge body.
"""

from __future__ import annotations

import http.server
import io
import json
import tracemalloc

import pytest
from oslo_config import cfg

import glance_conf
from glance_conf import audit
from glance_conf.audit import configure
from glance_conf.cmd import audit as cli
from tests import servers
from tests.conftest import parse

#: Bytes a hostile server would send, and the peak memory a run may use.
BIG_BODY = 256 * 1024 * 1024
MEMORY_BOUND = 64 * 1024 * 1024
#: Generous bound for a run that fetches nothing (the stall is 20 s).
TIME_BOUND = 10.0

SOURCE = ('[DEFAULT]\nconfig_source = x\n[x]\ndriver = remote_file\n'
          'uri = %s/nova.conf?token=t0k\n[glance]\ntimeout = 5\n')


def big_body(h: http.server.BaseHTTPRequestHandler) -> None:
    """A 256 MiB body, in bounded chunks, until the client goes away."""
    h.send_response(200)
    h.send_header('Content-Length', str(BIG_BODY))
    h.end_headers()
    chunk = b'#' * 65536
    for _ in range(BIG_BODY // len(chunk)):
        try:
            h.wfile.write(chunk)
        except OSError:
            break
    h.close_connection = True


@pytest.fixture(params=['stall', 'big_body'])
def server(request):
    srv = servers.FaultServer(lifetime=60).start()
    srv.fault = servers.stall(20) if request.param == 'stall' else big_body
    yield srv
    srv.stop()


def _cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(['--format', 'json', '--fail-on', 'never', *argv], out,
                   err)
    return code, json.loads(out.getvalue()), err.getvalue()


def test_cli_modes_fetch_nothing(server, write_conf):
    paths = [str(write_conf(SOURCE % server.url)) for _ in range(3)]
    tracemalloc.start()
    try:
        with servers.Clock() as clock:
            service = _cli('--config-file', paths[0])
            fleet = _cli(*paths)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert server.hits == 0
    assert clock.elapsed < TIME_BOUND and peak < MEMORY_BOUND
    for code, report, err in (service, fleet):
        assert code == 0 and not err
        sources = [f for f in report['findings'] if f['id'] == 'GC505']
        assert sources and all('t0k' not in f['message'] for f in sources)
    assert len([f for f in fleet[1]['findings'] if f['id'] == 'GC505']) == 3


def test_runtime_api_fetches_nothing_new(write_conf):
    """The service followed its source; run and enforce must not again."""
    srv = servers.FaultServer(lifetime=60).start()
    try:
        srv.fault = servers.ok(b'[glance]\nregion_name = from-remote\n')
        conf = cfg.ConfigOpts()
        glance_conf.register_opts(conf)
        parse(conf, write_conf(SOURCE % srv.url))
        assert srv.hits == 1  # the service's own, legitimate fetch
        assert conf.glance.region_name == 'from-remote'
        srv.fault = servers.stall(20)
        with servers.Clock() as clock:
            found = audit.run(conf)
            with pytest.raises(audit.AuditFailure):
                audit.enforce(conf, fail_at='medium')
        assert srv.hits == 1 and clock.elapsed < TIME_BOUND
        assert 'GC505' in {f.check_id for f in found}
    finally:
        srv.stop()


def test_the_audits_conf_keeps_no_source_driver(write_conf):
    """The override that keeps oslo.config from loading any source."""
    srv = servers.FaultServer(lifetime=30).start()
    try:
        conf = configure.new_conf()
        configure.parse(conf, ['--config-file',
                               str(write_conf(SOURCE % srv.url))])
        assert conf.config_source == ['x']
        assert conf._sources == [] and srv.hits == 0
    finally:
        srv.stop()
