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

"""The oslo.config.opts entry point, the generator and the validator."""

from __future__ import annotations

import subprocess
import sys

import pytest
from oslo_config import cfg
from stevedore import driver

from glance_conf import glance
from glance_conf import opts


def _run(module, *args, check=True):
    # Run the console script's main() through the interpreter under test,
    # so the test does not depend on which bin/ directory is on PATH.
    code = 'import sys; from oslo_config import %s as m; sys.exit(m.main())'
    return subprocess.run([sys.executable, '-c', code % module] + list(args),
                          capture_output=True, text=True, timeout=120,
                          check=check)


def test_list_opts_is_a_list_of_pairs():
    pairs = opts.list_opts()
    assert isinstance(pairs, list)
    assert len(pairs) == 1
    group, options = pairs[0]
    assert isinstance(group, cfg.OptGroup) and group.name == 'glance'
    assert options == glance.listed_opts()


def test_entry_point_is_installed():
    mgr = driver.DriverManager('oslo.config.opts', 'glance_conf',
                               invoke_on_load=False)
    assert mgr.driver is opts.list_opts


def test_generator_prints_every_option():
    result = _run('generator', '--namespace', 'glance_conf')
    sample = result.stdout
    assert '[glance]' in sample
    for opt in glance.listed_opts():
        assert '\n#%s =' % opt.dest in sample, opt.dest
    for name in ('version', 'min_version', 'max_version'):
        assert '\n#%s =' % name not in sample
    assert 'Deprecated group/name - [ssl]/ca_file' in sample
    assert 'Deprecated group/name - [glance]/api_insecure' in sample
    assert '#verify_glance_signatures = true' in sample


@pytest.mark.parametrize('text', [
    '[glance]\napi_insecure = true\n',
    '[ssl]\nca_file = /etc/ssl/ca.pem\n',
    '[ssl]\ncert_file = /c\nkey_file = /k\n',
    '[glance]\nendpoint_override = https://glance:9292\n',
])
def test_validator_accepts_options_and_aliases(tmp_path, text):
    path = tmp_path / 'nova.conf'
    path.write_text(text)
    result = _run('validator', '--namespace', 'glance_conf',
                  '--input-file', str(path), check=False)
    assert result.returncode == 0, result.stderr
    assert 'not part of the sample config' not in result.stderr


def test_validator_still_refuses_a_typo(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text('[glance]\nnum_retry = 3\n')
    result = _run('validator', '--namespace', 'glance_conf',
                  '--input-file', str(path), check=False)
    assert result.returncode == 1
    assert 'glance/num_retry is not part of the sample config' in \
        result.stderr
