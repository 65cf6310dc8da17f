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

"""Which file and line set an option, as oslo.config decides it."""

from __future__ import annotations

from oslo_config import cfg

import glance_conf
from glance_conf import glance
from glance_conf import locate


def _parsed(args):
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    conf(args, default_config_files=[], default_config_dirs=[])
    return conf


def test_paths_follow_the_command_line_order(tmp_path):
    confdir = tmp_path / 'd'
    confdir.mkdir()
    (confdir / '20.conf').write_text('[glance]\n')
    (confdir / '10.conf').write_text('[glance]\n')
    (confdir / '.hidden.conf').write_text('[glance]\n')  # oslo skips it
    (confdir / 'notes.txt').write_text('')
    single = tmp_path / 'nova.conf'
    single.write_text('[glance]\n')
    conf = _parsed(['--config-dir', str(confdir),
                    '--config-file=%s' % single])
    assert locate.loaded_paths(conf) == [
        str(confdir / '10.conf'), str(confdir / '20.conf'), str(single)]


def test_the_last_file_wins_and_the_current_name_beats_an_alias(tmp_path):
    first = tmp_path / 'a.conf'
    first.write_text('[glance]\ninsecure = false\n')
    second = tmp_path / 'b.conf'
    second.write_text('[GLANCE]\n\napi_insecure = true\ninsecure = false\n')
    conf = _parsed(['--config-file', str(first), '--config-file',
                    str(second)])
    opt = {o.dest: o for o in glance.listed_opts()}['insecure']
    names = locate.opt_names('glance', opt)
    assert names == [('glance', 'insecure'), ('glance', 'api_insecure')]
    assert locate.locate(locate.loaded_paths(conf), names) == (
        str(second), 4)
    assert locate.locate([str(first)], [('glance', 'timeout')]) is None


def test_a_continued_value_is_located_at_its_first_line(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text('[glance]\napi_servers = https://a,\n  https://b\n'
                    'timeout = 5\n')
    assert locate.lines_of(str(path)) == {
        'glance': {'api_servers': 2, 'timeout': 4}}
    assert locate.lines_of(str(tmp_path / 'missing.conf')) == {}
