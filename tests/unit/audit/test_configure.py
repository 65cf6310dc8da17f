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

from oslo_config import cfg

from glance_conf.audit import configure


def test_own_conf_never_loads_alternative_sources(write_conf):
    """No fetch: the driver would fail on this URI if it were tried."""
    path = write_conf('[DEFAULT]\nconfig_source = x\n[x]\n'
                      'driver = remote_file\nuri = http://[::1\n')
    conf = configure.new_conf()
    configure.parse(conf, ['--config-file', str(path)])
    assert conf.config_source == ['x'] and conf._sources == []


def test_one_conf_per_service_is_made_once_and_reused():
    confs = configure.Confs('nova')
    assert confs('nova') is confs('nova')
    assert confs('cinder') is not confs('nova')
    assert 'glance' in confs('nova') and 'glance' not in confs('cinder')


def test_oslo_config_errors_are_named_never_quoted():
    """oslo.config's parse errors quote the line, which may hold a
    secret: only the kind of problem is told."""
    quoting = cfg.ConfigFileParseError('nova.conf', 'password = hunter2')
    assert configure.oslo_reason(quoting) == \
        'oslo.config cannot parse it (ConfigFileParseError)'
    assert configure.oslo_reason(
        cfg.ConfigFilesNotFoundError(['x'])) == 'no such file'


def test_overlapping_runs_leave_oslo_config_logging_as_it_was():
    """Two runs in threads: the first out must not restore the level
    while the other still runs, nor the last leave it silenced."""
    import logging
    logger = logging.getLogger('oslo_config')
    before = logger.level
    first, second = configure.quiet_oslo_logging(), \
        configure.quiet_oslo_logging()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert logger.level > logging.CRITICAL  # the second still runs
    second.__exit__(None, None, None)
    assert logger.level == before
