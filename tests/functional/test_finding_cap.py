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

"""Issue 20 item 8: 1 MiB of near-miss keys cannot flood the report.

Before the cap, such a file made 52,000 GC303 findings and a 17 MiB JSON
report. It is audited here as an attacker would write it, through the
engine and through the command line, and the gate is compared with what
every check finds when nothing is left out.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from oslo_config import cfg

import glance_conf
from glance_conf import audit
from glance_conf.audit import base
from glance_conf.audit import engine
from glance_conf.audit import manager
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import AuditedConf
from tests.conftest import parse

CAP = engine.MAX_FINDINGS_PER_CHECK_IN_FILE
#: One config with nothing worse than medium but its near-miss keys, so
#: each threshold of the gate gives its own answer.
HEAD = ('[glance]\nendpoint_override = https://glance.example.com:9292\n'
        'timeout = 60\ntls_min_version = 1.2\n'
        'verify_glance_signatures = true\n'
        'enable_certificate_validation = true\n'
        'default_trusted_certificate_ids = 9f2e6c1a\n')
THRESHOLDS = ('info', 'low', 'medium', 'high', 'never')
#: Each test audits the flood once or twice, near-miss suggestions and
#: all: tens of seconds on a busy machine. Nothing here times anything.
pytestmark = pytest.mark.timeout(400)


@pytest.fixture(scope='module')
def flood(tmp_path_factory):
    """1 MiB: the settings above, then one near-miss key a line."""
    lines, size, number = [HEAD], len(HEAD), 0
    while size < 1024 * 1024:
        line = 'api_server%05d = x\n' % number
        lines.append(line)
        size += len(line)
        number += 1
    path = tmp_path_factory.mktemp('flood') / 'nova.conf'
    path.write_text(''.join(lines))
    return path, number


def _gate(severities, fail_on):
    return int(fail_on != 'never' and any(
        s >= Severity.parse(fail_on) for s in severities))


def _conf(path):
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    glance_conf.glance.use_defaults(conf, 'glance-conf')
    return parse(conf, path)


def test_the_engine_caps_the_flood_and_keeps_the_gate(flood):
    path, keys = flood
    conf = _conf(path)
    found = audit.run(conf, offline=True)
    gc303 = [f for f in found if f.check_id == 'GC303']
    assert len(gc303) == CAP + 1
    summary = gc303[-1]
    assert (summary.option, summary.file, summary.severity) == (
        None, str(path), Severity.MEDIUM)
    assert summary.message.startswith('%d more GC303 finding(s)'
                                      % (keys - CAP))
    # Every check again, with nothing left out: the same gate.
    target = AuditedConf(conf)
    every = [f.severity for check in manager.load_checks()
             if issubclass(check, base.Check) and not check.needs_host
             for f in check().run(target)]
    assert len(every) >= keys
    for fail_on in THRESHOLDS:
        assert _gate([f.severity for f in found], fail_on) == \
            _gate(every, fail_on), fail_on


def _cli(*args):
    return subprocess.run(
        [sys.executable, '-m', 'glance_conf.cmd.audit', *args],
        capture_output=True, text=True, timeout=110, check=False)


@pytest.mark.parametrize('fail_on,code', [('medium', 1), ('high', 0)])
def test_the_command_line_reports_the_cap(flood, fail_on, code):
    """The JSON report of the flood: the first hundred, one summary
    with the count, and the exit code of the uncapped findings (worst
    medium, found above)."""
    path, keys = flood
    done = _cli('--config-file', str(path), '--offline', '--defaults',
                'glance-conf', '--format', 'json', '--fail-on', fail_on)
    assert (done.returncode, done.stderr) == (code, '')
    report = json.loads(done.stdout)
    gc303 = [f for f in report['findings'] if f['id'] == 'GC303']
    assert len(gc303) == CAP + 1
    assert [f['line'] for f in gc303[:CAP]] == list(
        range(HEAD.count('\n') + 1, HEAD.count('\n') + 1 + CAP))
    summary = gc303[-1]
    assert summary['message'].startswith('%d more GC303 finding(s) in this '
                                         'file were left out' % (keys - CAP))
    assert (summary['key'], summary['severity'], summary['line']) == (
        'left out (medium) in nova.conf', 'medium', None)
    assert report['summary']['medium'] == CAP + 1
    assert len(done.stdout) < 256 * 1024
