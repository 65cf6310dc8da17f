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

"""The drop-in and the audit on configs rendered by deployment tools."""

from __future__ import annotations

import io
import json
import os
import pathlib
import re

import pytest
from oslo_config import cfg

import glance_conf
from glance_conf.cmd import audit as cli
from tests.functional.expect import expected_ids
from tests.functional.expect import known_bug

DEPLOYMENTS = pathlib.Path(__file__).parent / 'deployments'
#: nova's files: cinder's and glance-api's have their own test
#: (test_service_deployments.py).
FILES = sorted(path for path in DEPLOYMENTS.rglob('*.conf')
               if path.relative_to(DEPLOYMENTS).parts[0]
               not in ('cinder', 'glance-api'))
CANARY_RE = re.compile(r'[A-Za-z_]*_canary')


def _verdict_cases() -> list:
    """Each file as a case; a file whose reviewed verdicts the audit is
    known to miss today (its ``# xfail:`` line names the issue) is a
    strict xfail, so the fix has to remove the line."""
    return [pytest.param(path, id=path.stem, marks=pytest.mark.xfail(
        strict=True, reason=known_bug(path))) if known_bug(path)
        else pytest.param(path, id=path.stem) for path in FILES]


def test_the_corpus_has_every_tool() -> None:
    assert len(FILES) >= 22


@pytest.mark.parametrize('path', FILES, ids=lambda p: p.stem)
def test_the_drop_in_accepts_every_rendered_config(path: pathlib.Path
                                                   ) -> None:
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    conf(['--config-file', str(path)], project='nova',
         default_config_files=[], default_config_dirs=[])
    glance_conf.validate(conf)


@pytest.mark.parametrize('fmt', ['text', 'json', 'sarif'])
def test_no_canary_secret_reaches_a_fleet_report(fmt: str) -> None:
    canaries = set()
    for path in FILES:
        canaries.update(CANARY_RE.findall(path.read_text()))
    assert canaries  # the corpus really holds secrets to leak
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(['--format', fmt, '--fail-on', 'never',
                    *map(str, FILES)], out, err)
    assert code == 0, err.getvalue()
    report = out.getvalue() + err.getvalue()
    assert report.strip()
    assert not [c for c in canaries if c in report]


def _ids(argv: list[str]) -> set[str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run([*argv, '--format', 'json', '--fail-on', 'never'],
                   out, err)
    assert code == 0, err.getvalue()
    return {f['id'] for f in json.loads(out.getvalue())['findings']}


SEMANTICS = ['nova', 'glance-conf']


@pytest.mark.parametrize('defaults', SEMANTICS)
@pytest.mark.parametrize('path', _verdict_cases())
def test_fleet_mode_reports_exactly_what_is_expected(path, defaults):
    """The text alone, as in CI: a fleet of one host."""
    assert _ids([str(path), '--defaults', defaults]) == expected_ids(
        path, defaults)


_NAMED_PATHS = re.compile(r'^(?:cafile|certfile|keyfile|rbd_ceph_conf)'
                          r'\s*=\s*(/\S+)', re.M)


@pytest.mark.parametrize('defaults', SEMANTICS)
@pytest.mark.parametrize('path', _verdict_cases())
def test_service_mode_on_its_host_reports_the_same(path, defaults,
                                                   tmp_path):
    """Service mode, host checks on: the file root:root 0640 (as
    kolla-ansible installs it on the host), the service running as
    kolla's nova (42436), and the files the config names present under a
    --root tree, as on the host. The host adds nothing."""
    root = tmp_path / 'root'
    for named in _NAMED_PATHS.findall(path.read_text()):
        target = root / named.lstrip('/')
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text('x')
        target.chmod(0o644)
    root.mkdir(exist_ok=True)
    config = tmp_path / 'nova.conf'
    config.write_text(path.read_text())
    config.chmod(0o640)
    os.chown(config, 0, 0)
    ids = _ids(['--config-file', str(config), '--root', str(root),
                '--service-user', '42436', '--service-group', '42436',
                '--defaults', defaults])
    assert ids == expected_ids(path, defaults)


def test_no_real_file_has_a_value_the_drop_in_refuses():
    for path in FILES:
        for defaults in SEMANTICS:
            assert 'GC302' not in expected_ids(path, defaults), path


#: ``glance-conf-status upgrade check`` on each file: the checks that do
#: not succeed, by meaning of the defaults (every other check succeeds).
#: Reviewed against each file and its audit verdict above: the files
#: that do not set ``verify_glance_signatures`` (all but TripleO's and
#: the DCN sites') get a warning with glance-conf's defaults, where the
#: swap turns verification on (GC207); devstack's fixed-key
#: ``ConfKeyManager`` makes that a failure (GC204): it cannot serve a
#: certificate. The ``api_servers`` files warn of a name deprecated for
#: removal (GC304) under both. No file has a refused value (GC302) or a
#: bound above the recommended one (GC307).
_DEPRECATED = {'deprecated-names': 'warning'}
_TURNS_ON = {'signature-verification': 'warning'}
STATUS: dict[str, dict[str, dict[str, str]]] = {
    'charm-nova-compute': {'nova': _DEPRECATED,
                           'glance-conf': {**_TURNS_ON, **_DEPRECATED}},
    'central': {'nova': {}, 'glance-conf': {}},
    'dcn0': {'nova': {}, 'glance-conf': {}},
    'dcn1': {'nova': {}, 'glance-conf': {}},
    'devstack': {'nova': {},
                 'glance-conf': {'signature-verification': 'failure'}},
    'install-guide-compute': {'nova': _DEPRECATED,
                              'glance-conf': {**_TURNS_ON, **_DEPRECATED}},
    'kolla-ansible-compute': {'nova': _DEPRECATED,
                              'glance-conf': {**_TURNS_ON, **_DEPRECATED}},
    'nova-operator-compute': {'nova': {}, 'glance-conf': _TURNS_ON},
    'openstack-ansible-compute': {'nova': {}, 'glance-conf': _TURNS_ON},
    'openstack-helm-compute-tls': {'nova': _DEPRECATED,
                                   'glance-conf': {**_TURNS_ON,
                                                   **_DEPRECATED}},
    'openstack-helm-compute': {'nova': _DEPRECATED,
                               'glance-conf': {**_TURNS_ON, **_DEPRECATED}},
    'tripleo-compute': {'nova': {}, 'glance-conf': {}},
    # The second corpus. The Salt fleet and puppet-nova's signed host set
    # verify_glance_signatures themselves; puppet-nova's signed host sets
    # enable_certificate_validation, deprecated for removal (GC304).
    'chef-openstack-compute': {
        'nova': _DEPRECATED, 'glance-conf': {**_TURNS_ON, **_DEPRECATED}},
    'cmp01': {'nova': _DEPRECATED, 'glance-conf': _DEPRECATED},
    'cmp02': {'nova': _DEPRECATED, 'glance-conf': _DEPRECATED},
    'cmp03': {'nova': _DEPRECATED, 'glance-conf': _DEPRECATED},
    'ogalush-ussuri-centos8-compute': {
        'nova': _DEPRECATED, 'glance-conf': {**_TURNS_ON, **_DEPRECATED}},
    'packstack-queens-barbican': {
        'nova': _DEPRECATED, 'glance-conf': {**_TURNS_ON, **_DEPRECATED}},
    'puppet-nova-rbd-download-compute': {'nova': {},
                                         'glance-conf': _TURNS_ON},
    'puppet-nova-signed-compute': {'nova': _DEPRECATED,
                                   'glance-conf': _DEPRECATED},
    'rdo-nova34-package': {'nova': {}, 'glance-conf': _TURNS_ON},
    'ubuntu-operator-compute': {
        'nova': _DEPRECATED, 'glance-conf': {**_TURNS_ON, **_DEPRECATED}},
}
_CODES = {'success': 0, 'warning': 1, 'failure': 2}


def test_every_file_has_an_expected_status():
    assert sorted(STATUS) == sorted(p.stem for p in FILES)


@pytest.mark.parametrize('defaults', SEMANTICS)
@pytest.mark.parametrize('path', FILES, ids=lambda p: p.stem)
def test_upgrade_check_gives_the_expected_result(path, defaults, capsys):
    from glance_conf.cmd import status

    err = io.StringIO()
    code = status.run(['--config-file', str(path), '--defaults', defaults,
                       'upgrade', 'check', '--json'], err)
    out = capsys.readouterr().out
    results = {c['check'].removeprefix('glance-conf-'): c['result']
               for c in json.loads(out)['checks']}
    expected = STATUS[path.stem][defaults]
    assert {name: code for name, code in results.items() if code} == {
        name: _CODES[word] for name, word in expected.items()}
    assert code == max(results.values()), err.getvalue()
    assert err.getvalue() == ''
    assert not CANARY_RE.findall(out)
