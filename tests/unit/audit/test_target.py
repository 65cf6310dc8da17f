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

"""The audited view of a config."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from oslo_config import cfg

import glance_conf
from glance_conf.audit import source
from glance_conf.audit import target
from glance_conf.audit.exception import SubstitutionLoop
from tests.conftest import parse


def _target(*paths):
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, *paths)
    return target.AuditedConf(conf)


def test_value_turns_refused_values_into_invalid(write_conf):
    t = _target(write_conf('[glance]\ntimeout = -1\nnum_retries = 2\n'))
    assert t.value('timeout') is target.INVALID
    assert 'out of range' in t.error('timeout')
    assert t.value('num_retries') == 2
    assert t.error('num_retries') is None


def test_each_value_is_read_once_none_too(write_conf):
    """Every check sees the same snapshot of a config: a value read
    once, ``None`` (unset) as much as any other, is not read again (a
    guard for the cache's one lookup, which must tell None from unread)."""
    t = _target(write_conf('[glance]\nnum_retries = 2\n'))
    assert t.value('timeout') is None
    assert t.value('num_retries') == 2
    t.conf.set_override('timeout', 30, 'glance')
    t.conf.set_override('num_retries', 3, 'glance')
    assert t.value('timeout') is None
    assert t.value('num_retries') == 2


def test_later_file_wins_and_where_follows_it(write_conf):
    first = write_conf('[glance]\ntimeout = 1\n[ssl]\nca_file = /a\n')
    second = write_conf('[glance]\n\ntimeout = 2\n')
    t = _target(first, second)
    assert t.value('timeout') == 2.0
    assert t.where('timeout') == (str(second), 3)
    # oslo.config's own location for an alias is wrong; ours is not.
    assert t.where('cafile') == (str(first), 4)
    assert t.where('keyfile') == (None, None)


def test_hyphenated_names_are_not_read_as_oslo_does(write_conf):
    t = _target(write_conf('[glance]\ncollect-timing = true\n'))
    assert t.value('collect_timing') is False
    assert t.where('collect_timing') == (None, None)
    t = _target(write_conf('[glance]\ncollect_timing = true\n'))
    assert t.value('collect_timing') is True
    assert t.where('collect_timing')[1] == 2


def test_files_come_from_config_file_and_dir(write_conf, tmp_path):
    conf_dir = tmp_path / 'nova.conf.d'
    conf_dir.mkdir()
    (conf_dir / '10-glance.conf').write_text('[glance]\ntimeout = 9\n')
    main = write_conf('[glance]\ntimeout = 1\n')
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    conf(['--config-file', str(main), '--config-dir', str(conf_dir)],
         default_config_files=[], default_config_dirs=[])
    t = target.AuditedConf(conf)
    assert [f.path for f in t.files] == [str(main),
                                         str(conf_dir / '10-glance.conf')]
    assert t.value('timeout') == 9.0
    assert t.where('timeout')[0].endswith('10-glance.conf')


def test_raw_and_keys_give_named_hits(write_conf):
    path = write_conf('[libvirt]\nimages_type = rbd\n[glance]\nx = 1\n')
    t = _target(path)
    hit = t.raw('libvirt', 'images_type')
    assert isinstance(hit, source.Hit)
    assert (hit.path, hit.key, hit.line, hit.value) == (
        str(path), 'images_type', 2, 'rbd')
    assert hit.file.path == hit.path and hit.assignment.line == 2
    [key] = t.keys('glance')
    assert (key.key, key.line, key.value) == ('x', 4, '1')


def test_reads_like_service_code(write_conf):
    t = _target(write_conf('[glance]\nnum_retries = 4\n'))
    assert t.glance.num_retries == 4


def test_where_follows_oslo_across_files_and_deprecated_names(write_conf):
    """oslo.config applies file 2's alias; the location must say so."""
    first = write_conf('[glance]\ninsecure = false\n')
    second = write_conf('[glance]\n\napi_insecure = true\n')
    t = _target(first, second)
    assert t.value('insecure') is True
    assert t.where('insecure') == (str(second), 3)
    # Within one file the current name wins, whatever the order.
    both = write_conf('[glance]\ninsecure = false\napi_insecure = true\n')
    t = _target(both)
    assert t.value('insecure') is False
    assert t.where('insecure') == (str(both), 2)


def test_section_names_are_matched_as_oslo_matches_them(write_conf):
    t = _target(write_conf('[GLANCE]\ninsecure = true\n[SSL]\nca_file = /c\n'
                           '[default]\ndebug = true\n'))
    assert t.value('insecure') is True
    assert t.where('insecure')[1] == 2
    assert t.where('cafile')[1] == 4
    assert t.raw('DEFAULT', 'debug') is None


def test_unresolved_reference_is_unjudged_not_refused(write_conf):
    t = _target(write_conf('[glance]\nendpoint_override = https://$my_ip\n'
                           'region_name = ${nope}x\ntimeout = 5\n'))
    for name in ('endpoint_override', 'region_name'):
        assert t.value(name) is target.INVALID
        assert t.unjudged(name) and t.error(name) is None
        assert t.references(name)
    assert not t.unjudged('timeout') and not t.references('timeout')


def test_reference_loop_is_a_load_error_naming_the_line(write_conf):
    path = write_conf('[glance]\n\nregion_name = $region_name\n')
    t = _target(path)
    with pytest.raises(SubstitutionLoop) as err:
        t.value('region_name')
    assert err.value.path == str(path)
    assert err.value.reason.startswith('line 3: [glance] region_name')


@pytest.mark.parametrize('value,expected', [
    ('https://$my_ip', True), ('${a.b}', True), ('$$my_ip', False),
    ('\\$my_ip', False), ('cost $5', False), ('a$', False)])
def test_has_reference_matches_oslo_templates(value, expected):
    assert target.has_reference(value) is expected


# -- where() against oslo.config ----------------------------------------------

_ALIASES = {'insecure': [('glance', 'insecure'), ('glance', 'api_insecure'),
                         ('GLANCE', 'api_insecure')],
            'cafile': [('glance', 'cafile'), ('ssl', 'ca_file'),
                       ('SSL', 'ca_file'), ('Glance', 'cafile')]}


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(_ALIASES)), st.data())
def test_where_points_at_the_value_oslo_applies(write_conf, dest, data):
    """Whatever the files and aliases, where() holds oslo's value."""
    files = []
    counter = 0
    for _ in range(data.draw(st.integers(1, 3))):
        lines = []
        for section, key in data.draw(st.lists(
                st.sampled_from(_ALIASES[dest]), max_size=3)):
            counter += 1
            value = ('true' if counter % 2 else 'false') \
                if dest == 'insecure' else '/ca/%d' % counter
            lines.append('[%s]\n%s = %s\n' % (section, key, value))
        files.append(write_conf(''.join(lines)))
    t = _target(*files)
    path, line = t.where(dest)
    if path is None:
        assert t.raw('glance', dest) is None
        return
    text = open(path).read().splitlines()[line - 1]
    applied = text.split('=', 1)[1].strip()
    effective = t.value(dest)
    assert str(effective).lower() == applied
