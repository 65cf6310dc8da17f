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

"""Shared fixtures: fresh config objects and the nova 34 facts."""

from __future__ import annotations

import json
import os
import pathlib
from typing import Any

import pytest
from hypothesis import settings
from oslo_config import cfg

import glance_conf
from tests import servers

# tox runs the property tests derandomized, so CI is repeatable; run
# pytest directly (or set HYPOTHESIS_PROFILE=explore) to search anew.
settings.register_profile('ci', derandomize=True, database=None)
settings.register_profile('explore', max_examples=2000)
settings.load_profile(os.environ.get('HYPOTHESIS_PROFILE', 'default'))

FIXTURES = pathlib.Path(__file__).parent / 'fixtures'


@pytest.fixture
def nova_facts() -> dict[str, Any]:
    """The 33 options nova 34 registers in [glance], keyed by dest."""
    data = json.loads(
        (FIXTURES / 'nova-34.0.0-glance-options.json').read_text())
    return {opt['dest']: opt for opt in data['options']}


@pytest.fixture
def conf() -> cfg.ConfigOpts:
    """A new ConfigOpts with the [glance] options registered."""
    c = cfg.ConfigOpts()
    glance_conf.register_opts(c)
    return c


@pytest.fixture
def write_conf(tmp_path: pathlib.Path):
    """Write an INI text to a file and return its path."""
    counter = iter(range(10_000))

    def _write(text: str, name: str | None = None) -> pathlib.Path:
        path = tmp_path / (name or 'nova-%d.conf' % next(counter))
        path.write_text(text)
        return path
    return _write


@pytest.fixture
def make_server():
    """Start loopback servers for one test, and stop them all after it.

    ``make_server(ctx, fault)`` is a :class:`tests.servers.FaultServer`
    (TLS with the server context ``ctx``) answering with ``fault``;
    ``make_server(refuse=True)`` a :class:`tests.servers.Refuser`, which
    resets every connection (it has no TLS and no fault).
    """
    started: list[servers.FaultServer | servers.Refuser] = []

    def make(ctx: Any = None, fault: servers.Fault | None = None,
             refuse: bool = False) -> Any:
        if refuse:
            server: Any = servers.Refuser().start()
        else:
            server = servers.FaultServer(ctx).start()
            if fault is not None:
                server.fault = fault
        started.append(server)
        return server
    yield make
    for server in started:
        server.stop()


def parse(conf: cfg.ConfigOpts, *files: pathlib.Path) -> cfg.ConfigOpts:
    args: list[str] = []
    for path in files:
        args += ['--config-file', str(path)]
    conf(args, project='nova', default_config_files=[],
         default_config_dirs=[])
    return conf


SECURE = """\
[glance]
endpoint_override = https://glance.example.com:9292
cafile = {ca}
timeout = 60
tls_min_version = 1.2
verify_glance_signatures = true
enable_certificate_validation = true
default_trusted_certificate_ids = 9f2e6c1a
"""


@pytest.fixture
def ca_file(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / 'ca.pem'
    path.write_text('-----BEGIN CERTIFICATE-----\n')
    return path


@pytest.fixture
def audit_text(tmp_path: pathlib.Path, ca_file: pathlib.Path):
    """Audit an INI text (``{ca}`` is an existing CA file) with some checks.

    Returns the findings of the checks named, or of every check, judged
    by the drop-in's defaults unless ``defaults='nova'``.
    """
    from glance_conf import audit
    from glance_conf.audit import manager

    def _audit(text: str, *ids: str, mode: int = 0o640,
               defaults: str = 'glance-conf'):
        path = tmp_path / 'nova.conf'
        path.write_text(text.format(ca=ca_file))
        path.chmod(mode)
        c = cfg.ConfigOpts()
        glance_conf.register_opts(c)
        glance_conf.glance.use_defaults(c, defaults)
        parse(c, path)
        checks = [k for k in manager.load_checks() if not ids or k.id in ids]
        assert not ids or len(checks) == len(ids)
        return audit.run(c, checks)
    return _audit
