"""GC601: fleet drift, with bounded memory."""

from __future__ import annotations

from oslo_config import cfg

import glance_conf
from glance_conf.audit.checks import fleet
from glance_conf.audit.target import AuditedConf
from tests.conftest import parse


def _observe(check, write_conf, texts):
    for text in texts:
        conf = cfg.ConfigOpts()
        glance_conf.register_opts(conf)
        parse(conf, write_conf(text))
        check.observe(AuditedConf(conf))


def test_identical_hosts_have_no_drift(write_conf):
    check = fleet.FleetDrift()
    _observe(check, write_conf, ['[glance]\ntimeout = 30\n'] * 3)
    assert list(check.finish()) == []


def test_drift_names_hosts_and_values(write_conf):
    check = fleet.FleetDrift()
    _observe(check, write_conf, ['[glance]\ntimeout = 30\n'] * 2
             + ['[glance]\ntimeout = 5\nverify_glance_signatures = no\n'])
    findings = {f.option: f for f in check.finish()}
    assert set(findings) == {'glance.timeout',
                             'glance.verify_glance_signatures'}
    drift = findings['glance.timeout']
    assert '30.0 on 2 host(s)' in drift.message
    assert '5.0 on 1 host(s)' in drift.message
    assert drift.file.endswith('nova-2.conf')
    assert drift.check_id == 'GC601' and drift.severity.label == 'medium'


def test_drift_memory_is_bounded(write_conf):
    check = fleet.FleetDrift()
    tally = check._tallies['region_name']
    for i in range(500):
        tally.add('region-%d' % i, 'host-%d' % i)
    assert len(tally.values) == fleet.MAX_VALUES
    assert tally.other == 500 - fleet.MAX_VALUES
    for _ in range(100):
        tally.add('region-0', 'again')
    assert len(tally.values['region-0'].hosts) == fleet.MAX_HOSTS_SHOWN
    assert tally.values['region-0'].count == 101


def test_drift_values_are_redacted(write_conf):
    check = fleet.FleetDrift()
    _observe(check, write_conf, [
        '[glance]\nendpoint_override = https://a\n',
        '[glance]\nendpoint_override = https://u:hunter2@b\n'])
    [found] = list(check.finish())
    assert '<invalid>' in found.message and 'hunter2' not in found.message
