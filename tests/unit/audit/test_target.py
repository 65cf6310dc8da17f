"""The audited view of a config."""

from __future__ import annotations

from oslo_config import cfg

import glance_conf
from glance_conf.audit import target
from tests.conftest import parse


def _target(*paths):
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, *paths)
    return target.AuditedConf(conf)


def test_value_turns_refused_values_into_invalid(write_conf):
    t = _target(write_conf('[glance]\ntimeout = -1\nnum_retries = 2\n'))
    assert t.value('timeout') is target.INVALID
    assert '[glance] timeout' in t.error('timeout')
    assert t.value('num_retries') == 2
    assert t.error('num_retries') is None


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


def test_reads_like_service_code(write_conf):
    t = _target(write_conf('[glance]\nnum_retries = 4\n'))
    assert t.glance.num_retries == 4
