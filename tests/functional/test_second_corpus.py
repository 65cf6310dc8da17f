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

"""The second corpus's Salt fleet, compared as a fleet, from files and
from the hosts' bundles; and every corpus file's provenance.

Each file's own verdicts are held by ``test_deployments.py``. Here: the
three hosts differ by site (``my_ip``, ``host``, the VNC addresses) and
in one posture setting, signature verification, which one host (the
canary of a rollout) turns on while two keep it off. The reviewed drift
labels (``# expect drift:``) follow issue 23's rule: blame the weaker
side of a difference, whatever the counts.
"""

from __future__ import annotations

import io
import json
import pathlib
import re

import pytest
from oslo_config import cfg

from glance_conf.cmd import audit as cli
from tests import bundles as make
from tests.functional.expect import expected_drift
from tests.functional.expect import expected_ids
from tests.functional.test_deployments import FILES
from tests.functional.test_deployments import SEMANTICS

FLEET = sorted((pathlib.Path(__file__).parent / 'deployments'
                / 'salt-fleet').glob('*.conf'))
NOVA_CONF = '/etc/nova/nova.conf'
#: What the hosts of the fleet differ in by design.
SITE_VALUES = {('DEFAULT', 'my_ip'), ('DEFAULT', 'host'),
               ('vnc', 'vncserver_listen'),
               ('vnc', 'vncserver_proxyclient_address')}
_COMMIT = re.compile(r'\b[0-9a-f]{40}\b')


def _settings(path: pathlib.Path) -> dict[tuple[str, str], str]:
    """Every setting as oslo.config's parser reads it."""
    sections: dict[str, dict[str, list[str]]] = {}
    cfg.ConfigParser(str(path), sections).parse()
    return {(section, key): values[-1]
            for section, keys in sections.items()
            for key, values in keys.items()}


def _report(argv: list[str]) -> list[dict]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run([*argv, '--format', 'json', '--fail-on', 'never'],
                   out, err)
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())['findings']


def _from_files(defaults: str, tmp_path: pathlib.Path
                ) -> tuple[list[dict], dict[str, pathlib.Path]]:
    """Fleet mode on the files; findings and each host's file."""
    del tmp_path
    return (_report(['--defaults', defaults, *map(str, FLEET)]),
            {str(path): path for path in FLEET})


def _from_bundles(defaults: str, tmp_path: pathlib.Path
                  ) -> tuple[list[dict], dict[str, pathlib.Path]]:
    """Fleet mode from the hosts: each file as the host's
    ``/etc/nova/nova.conf``, ``0640 root:nova``, the service running as
    nova; the host checks run from these facts."""
    for path in FLEET:
        make.write(tmp_path, make.bundle(
            path.stem, files=[make.config(NOVA_CONF, path.read_text())],
            paths={}))
    return (_report(['--bundles', str(tmp_path), '--defaults', defaults]),
            {'%s:%s' % (path.stem, NOVA_CONF): path for path in FLEET})


MODES = [pytest.param(_from_files, id='files'),
         pytest.param(_from_bundles, id='bundles')]


def test_the_fleet_differs_by_site_and_in_one_posture_setting():
    """What the README says of the fleet, so the labels below hold."""
    hosts = [_settings(path) for path in FLEET]
    assert len(hosts) == 3
    differing = {key for key in set().union(*hosts)
                 if len({host.get(key) for host in hosts}) > 1}
    assert differing == SITE_VALUES | {('glance', 'verify_glance_signatures')}
    assert [h[('glance', 'verify_glance_signatures')] for h in hosts] == [
        'False', 'False', 'True']


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('defaults', SEMANTICS)
def test_site_values_are_never_drift(mode, defaults, tmp_path):
    findings, _ = mode(defaults, tmp_path)
    drift = {f['option'] for f in findings if f['id'] == 'GC601'}
    assert drift == {'glance.verify_glance_signatures'}


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('defaults', SEMANTICS)
def test_each_host_gets_its_verdicts_and_the_weaker_side_the_drift(
        mode, defaults, tmp_path):
    """Drift is one finding per setting: it points at a blamed host and
    its message names every blamed host, never the safe one."""
    findings, hosts = mode(defaults, tmp_path)
    blamed = {name for name, path in hosts.items() if expected_drift(path)}
    assert blamed == {name for name in hosts if 'cmp03' not in name}
    for name, path in hosts.items():
        mine = [f for f in findings if f['file'] == name]
        assert {f['id'] for f in mine} - {'GC601'} == \
            expected_ids(path, defaults), name
        assert not {f['option'] for f in mine if f['id'] == 'GC601'} - \
            expected_drift(path), name
    [drift] = [f for f in findings if f['id'] == 'GC601']
    assert drift['file'] in blamed
    weaker = drift['message'].split('the weaker side')[0]
    for name in hosts:
        host = name.split(':')[0].rsplit('/', 1)[-1].removesuffix('.conf')
        assert (host in weaker) == (name in blamed), (host, drift['message'])


@pytest.mark.parametrize('path', FILES, ids=lambda p: p.stem)
def test_every_corpus_file_names_its_source_and_commit(path):
    header = [line for line in path.read_text().splitlines()[:30]
              if line.startswith('#')]
    assert [line for line in header if re.match(r'# source repos? *:', line)]
    assert _COMMIT.search('\n'.join(header))


def test_the_cli_page_counts_the_silent_files_right():
    """doc/source/audit/cli.rst says how many corpus files never set
    ``verify_glance_signatures``; held to the corpus."""
    page = (pathlib.Path(__file__).parents[2] / 'doc' / 'source' / 'audit'
            / 'cli.rst').read_text()
    said = re.search(r'of\s+the (\d+) real configs in the test corpus, '
                     r'(\d+)\s+never set it', page)
    assert said, 'the sentence is gone from cli.rst'
    silent = [path for path in FILES if ('glance', 'verify_glance_'
                                         'signatures') not in _settings(path)]
    assert (int(said[1]), int(said[2])) == (len(FILES), len(silent))
