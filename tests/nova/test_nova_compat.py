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

"""Side by side with the real nova 34 ``nova.conf.glance`` (tox -e nova).

These tests import nova itself, so they run in their own tox environment
that installs nova; ``tox -e py3`` uses the facts copied into
``tests/fixtures`` instead.
"""

from __future__ import annotations

import nova.conf
import pytest
from nova.conf import glance as nova_glance
from oslo_config import cfg

import glance_conf
from glance_conf import glance

NOVA_CONF = nova.conf.CONF


def _table(conf):
    return {dest: info['opt']
            for dest, info in conf._groups['glance']._opts.items()}


def _parsed(conf):
    conf([], default_config_files=[], default_config_dirs=[])
    return conf


def test_ours_registers_in_a_process_where_nova_conf_is_imported():
    assert 'glance' in NOVA_CONF._groups  # nova registered its own
    for _ in range(3):
        conf = cfg.ConfigOpts()
        glance_conf.register_opts(conf)
        glance_conf.register_opts(conf)
        assert _parsed(conf).glance.verify_glance_signatures is True


def test_ours_on_novas_conf_is_refused_and_changes_nothing():
    before = dict(_table(NOVA_CONF))
    with pytest.raises(glance_conf.ConflictingOptError) as err:
        glance_conf.register_opts(NOVA_CONF)
    assert isinstance(err.value, cfg.DuplicateOptError)
    assert _table(NOVA_CONF) == before


def test_novas_own_register_opts_breaks_on_a_second_conf():
    # The sharp edge this project removes: nova's module-level group
    # shares its table, and its placeholder lambdas never compare equal.
    with pytest.raises(cfg.DuplicateOptError):
        nova_glance.register_opts(cfg.ConfigOpts())


def test_same_names_dests_classes_defaults_and_aliases_as_nova():
    theirs = _table(NOVA_CONF)
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    ours = _table(conf)
    assert set(theirs) <= set(ours)
    for dest, opt in theirs.items():
        mine = ours[dest]
        assert (mine.name, type(mine).__name__) == \
            (opt.name, type(opt).__name__), dest
        assert sorted((d.group, d.name) for d in mine.deprecated_opts) == \
            sorted((d.group, d.name) for d in opt.deprecated_opts), dest
        assert mine.deprecated_for_removal == opt.deprecated_for_removal
        if dest == 'verify_glance_signatures':
            assert (opt.default, mine.default) == (False, True)
        elif dest not in ('version', 'min_version', 'max_version'):
            assert mine.default == opt.default, dest


def test_our_listing_carries_the_aliases_novas_drops():
    [nova_opts] = nova_glance.list_opts().values()
    nova_aliases = {d.name for o in nova_opts for d in o.deprecated_opts}
    ours = {d.name for o in glance.listed_opts()
            for d in o.deprecated_opts}
    assert {'api_insecure', 'ca_file', 'cert_file', 'key_file'} <= ours
    assert not {'api_insecure', 'ca_file'} & nova_aliases


def test_values_nova_accepts_and_we_refuse(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text('[glance]\nnum_retries = 1000\n'
                    'api_servers = https://u:pw@glance:9292\n')
    theirs = cfg.ConfigOpts()
    theirs.register_opts(nova_glance.glance_opts, group='glance')
    theirs(['--config-file', str(path)], default_config_files=[])
    assert theirs.glance.num_retries == 1000
    assert theirs.glance.api_servers == ['https://u:pw@glance:9292']
    ours = cfg.ConfigOpts()
    glance_conf.register_opts(ours)
    ours(['--config-file', str(path)], default_config_files=[])
    with pytest.raises(glance_conf.InvalidOptionError) as err:
        glance_conf.validate(ours)
    assert [p.option for p in err.value.problems] == [
        '[glance] api_servers', '[glance] num_retries']
    assert 'pw@' not in str(err.value)
