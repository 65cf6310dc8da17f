"""The runtime API: glance_conf.audit.run and enforce."""

from __future__ import annotations

import logging

import pytest
from oslo_config import cfg

import glance_conf
from glance_conf import audit
from tests.conftest import SECURE
from tests.conftest import parse


def _conf(write_conf, text):
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, write_conf(text))
    return conf


def test_run_returns_findings_for_a_parsed_conf(write_conf):
    conf = _conf(write_conf, '[glance]\nverify_glance_signatures = false\n')
    ids = {f.check_id for f in audit.run(conf)}
    assert 'GC201' in ids and 'GC601' not in ids


def test_secure_config_has_nothing_at_low_or_above(audit_text):
    findings = audit_text(SECURE)
    assert [f for f in findings if f.severity >= audit.Severity.LOW] == []


def test_enforce_logs_every_finding_and_raises_at_threshold(write_conf,
                                                            caplog):
    conf = _conf(write_conf, '[glance]\nverify_glance_signatures = false\n')
    with caplog.at_level(logging.INFO, logger='glance_conf.audit'):
        with pytest.raises(audit.AuditFailure) as err:
            audit.enforce(conf, fail_at='high')
    assert 'Image signature verification is off' in caplog.text
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    assert {f.check_id for f in err.value.findings} >= {'GC201'}
    assert all(f.severity >= audit.Severity.HIGH for f in err.value.findings)
    assert 'GC201' in str(err.value)


def test_enforce_passes_below_threshold(write_conf, caplog):
    conf = _conf(write_conf, '[glance]\n')
    with caplog.at_level(logging.INFO, logger='glance_conf.audit'):
        findings = audit.enforce(conf, fail_at='high')
    assert {f.check_id for f in findings} >= {'GC301', 'GC202'}
    assert 'GC301' in caplog.text
    assert audit.enforce(conf, fail_at='never')


def test_enforce_never_logs_secrets(write_conf, caplog):
    conf = _conf(write_conf, '[glance]\napi_servers = '
                             'https://nova:hunter2@glance\n')
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(audit.AuditFailure) as err:
            audit.enforce(conf, fail_at='medium')
    assert 'hunter2' not in caplog.text + str(err.value)


def test_run_audits_a_file_over_the_cli_limit(write_conf):
    """oslo.config parsed it, so the runtime API audits it too."""
    from glance_conf.audit import source
    padding = '# %s\n' % ('x' * 1000)
    text = ('[glance]\nverify_glance_signatures = false\n'
            + padding * (source.MAX_FILE_SIZE // len(padding) + 1))
    conf = _conf(write_conf, text)
    with pytest.raises(audit.AuditFailure) as err:
        audit.enforce(conf)
    assert 'GC201' in {f.check_id for f in err.value.findings}
    assert 'GC201' in {f.check_id for f in audit.run(conf)}


def test_reference_loop_is_a_clear_error_not_a_crash(write_conf):
    conf = _conf(write_conf, '[glance]\nregion_name = $region_name\n')
    for call in (audit.run, audit.enforce):
        with pytest.raises(glance_conf.GlanceConfError) as err:
            call(conf)
        assert 'line 2: [glance] region_name' in str(err.value)
