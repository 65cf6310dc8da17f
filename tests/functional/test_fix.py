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

"""``fix --write`` on every real config: nothing fixable left, a second
run changes nothing, and oslo.config reads what the fixer says it wrote."""

from __future__ import annotations

import io
import pathlib
import shutil

import pytest
from oslo_config import cfg

from glance_conf.audit import fix
from glance_conf.audit import source
from glance_conf.cmd import audit as cli

HERE = pathlib.Path(__file__).parent
FILES = sorted(HERE.glob('corpus/*.conf')) + \
    sorted(HERE.glob('deployments/**/*.conf'))


def _oslo_values(path: pathlib.Path) -> dict[tuple[str, str], str]:
    """Every assignment as oslo.config's own parser reads it (the last
    value of a key wins, section names as it looks them up)."""
    sections: dict[str, dict[str, list[str]]] = {}
    cfg.ConfigParser(str(path), sections).parse()
    return {(source.section_name(section), key): values[-1]
            for section, keys in sections.items()
            for key, values in keys.items()}


def _model(text: str) -> dict[tuple[str, str], str]:
    raw = source.parse_text('model', text)
    return {(section, key): assignment.value
            for section, keys in raw.sections.items()
            for key, assignment in keys.items()}


def test_there_are_files():
    assert len(FILES) >= 20


@pytest.mark.parametrize('defaults', ['nova', 'glance-conf'])
@pytest.mark.parametrize('original', FILES,
                         ids=[p.name for p in FILES])
def test_fix_write_round_trips(tmp_path, ca_file, original, defaults):
    path = tmp_path / 'nova.conf'
    path.write_text(original.read_text().replace('{ca}', str(ca_file)))
    before = _oslo_values(path)
    outcome = fix.fix([('--config-file', str(path))], defaults=defaults)

    out, err = io.StringIO(), io.StringIO()
    code = cli.run(['fix', '--config-file', str(path), '--offline',
                    '--defaults', defaults, '--write'], out, err)
    assert code == 0, err.getvalue()
    # The fixer's model of its text is what oslo.config reads...
    after = _oslo_values(path)
    assert after == _model(path.read_text())
    # ... and it is the original with exactly the changes reported.
    expected = dict(before)
    for change in outcome.changes:
        if change.removed:
            expected.pop(change.removed)
        if change.added:
            section, key, value = change.added
            expected[(section, key)] = value
    assert after == expected
    # No fixable finding is left, and a second run is a no-op.
    again = fix.fix([('--config-file', str(path))], defaults=defaults)
    assert again.changes == [] and again.remaining == []
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(['fix', '--config-file', str(path), '--offline',
                    '--defaults', defaults], out, err) == 0
    assert out.getvalue() == ''


def test_a_deployment_as_a_config_dir(tmp_path):
    """openstack-helm's layout: a base file and a directory of fragments;
    each fix lands in the fragment whose value is in use."""
    conf_d = tmp_path / 'nova.conf.d'
    conf_d.mkdir()
    base = tmp_path / 'nova.conf'
    shutil.copy(HERE / 'deployments' / 'openstack-helm-compute-tls.conf',
                base)
    (conf_d / '50-override.conf').write_text(
        '[glance]\r\ninsecure = True\r\nverify_glance_signatures = no\r\n')
    args = ['--config-file', str(base), '--config-dir', str(conf_d)]
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(['fix', *args, '--offline', '--write'], out, err) == 0
    assert (conf_d / '50-override.conf').read_bytes() == (
        b'[glance]\r\ninsecure = False\r\n'
        b'verify_glance_signatures = True\r\n'
        b'tls_min_version = 1.2\r\ntimeout = 60\r\n')
    assert base.read_text() == (
        HERE / 'deployments' / 'openstack-helm-compute-tls.conf').read_text()
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(['fix', *args, '--offline'], out, err) == 0
