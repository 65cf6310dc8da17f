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

"""Run every command of doc/source/audit/probe.rst, as written, against
loopback glance-api look-alikes named by the configs it uses."""

from __future__ import annotations

import io
import json
import pathlib
import shlex

import pytest

from glance_conf.cmd import audit as cli
from tests import pages
from tests import servers
from tests import tlsservers as T

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = ROOT / 'doc' / 'source' / 'audit' / 'probe.rst'


def commands() -> list[str]:
    return [command for command, _ in pages.steps(PAGE.read_text())]


def test_the_page_shows_commands():
    """Each is a probe that prints nothing: what it writes is checked."""
    assert len(commands()) >= 3
    for command, shown in pages.steps(PAGE.read_text()):
        assert command.startswith('glance-conf-audit probe '), command
        assert shown == [], command


@pytest.mark.parametrize('command', commands())
def test_each_command_runs(command, tmp_path, monkeypatch):
    pki = T.Pki(tmp_path)
    server = T.ProbeServer(pki.context())
    monkeypatch.chdir(tmp_path)
    for name in ('compute-1', 'compute-2', 'nova'):
        T.config(tmp_path, name, [server.url], cafile=pki.cafile)
    argv = shlex.split(command)
    assert argv[0] == 'glance-conf-audit'
    out, err = io.StringIO(), io.StringIO()
    with servers.started(server):
        code = cli.run(argv[1:], out, err)
    assert (code, err.getvalue()) == (0, '')
    assert server.hits == 1  # every host shares the one endpoint
    if '--format json' in command:
        assert json.loads((tmp_path / 'probe.json').read_text())[
            'findings'] == []
    if '--format prometheus' in command:
        assert 'certificate_expiry_timestamp_seconds{' in (
            tmp_path / 'probe.prom').read_text()


def test_the_promises_are_tested():
    """What the page promises the security team is what the tests of
    the probe assert."""
    text = PAGE.read_text()
    for promise in ('No token, password, cookie or other credential',
                    'Host', 'User-Agent: glance-conf-audit-probe'):
        assert promise in text
