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

"""The audit's own config: what a file is judged in."""

from __future__ import annotations

from glance_conf.audit import configure


def test_own_conf_never_loads_alternative_sources(write_conf):
    """No fetch: the driver would fail on this URI if it were tried."""
    path = write_conf('[DEFAULT]\nconfig_source = x\n[x]\n'
                      'driver = remote_file\nuri = http://[::1\n')
    conf = configure.new_conf()
    configure.parse(conf, ['--config-file', str(path)])
    assert conf.config_source == ['x'] and conf._sources == []
