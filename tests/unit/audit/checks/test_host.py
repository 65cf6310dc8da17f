"""GC5xx checks, with the full permission matrix.

Tests run as root, where every file is readable and owned by root, so
``os.stat`` is stubbed to show each mode and owner.
"""

from __future__ import annotations

import os

import pytest
from oslo_config import cfg

import glance_conf
from glance_conf import audit
from glance_conf.audit import manager
from glance_conf.audit.target import AuditedConf
from tests.conftest import parse

HOST_CHECKS = ('GC501', 'GC502', 'GC503')


@pytest.fixture
def target(write_conf):
    path = write_conf('[glance]\ntimeout = 30\n')
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, path)
    target = AuditedConf(conf)
    assert target.files  # read them before os.stat is stubbed
    return target, str(path)


def _stub_stat(monkeypatch, path, mode, uid):
    real = os.stat

    def fake(p, *args, **kwargs):
        result = real(p, *args, **kwargs)
        if str(p) != path:
            return result
        fields = list(result)
        fields[0] = (result.st_mode & ~0o7777) | mode
        fields[4] = uid
        return os.stat_result(fields)
    monkeypatch.setattr(os, 'stat', fake)


def test_permission_matrix(target, monkeypatch):
    conf, path = target
    checks = [c for c in manager.load_checks() if c.id in HOST_CHECKS]
    for uid in (0, 1000):
        for mode in range(0o1000):
            with monkeypatch.context() as m:
                _stub_stat(m, path, mode, uid)
                found = {f.check_id for f in audit.run(conf, checks)}
            expected = set()
            if mode & 0o022:
                expected.add('GC501')
            if mode & 0o004:
                expected.add('GC502')
            if uid != 0:
                expected.add('GC503')
            assert found == expected, (oct(mode), uid)


def test_secure_file_mode_has_no_finding(target, monkeypatch):
    conf, path = target
    _stub_stat(monkeypatch, path, 0o640, 0)
    checks = [c for c in manager.load_checks() if c.id in HOST_CHECKS]
    assert audit.run(conf, checks) == []


@pytest.mark.parametrize('text,count', [
    ('[glance]\ndebug = true\n', 1),
    ('[DEFAULT]\ndebug = True\n[glance]\ndebug = true\n', 2),
    ('[DEFAULT]\ndebug = false\n[glance]\n', 0),
    ('[glance]\n', 0),
])
def test_gc504_debug(audit_text, text, count):
    assert len(audit_text(text, 'GC504')) == count


def test_alternative_config_source_is_reported_redacted(write_conf):
    """GC505: values from elsewhere, which the audit did not fetch."""
    from glance_conf.audit import runner
    path = write_conf('[DEFAULT]\n\nconfig_source = remote, Other\n'
                      '[REMOTE]\ndriver = remote_file\n'
                      'uri = http://nova:hunter2@127.0.0.1:9/c?token=t0k\n')
    result = runner.audit_service(
        [('--config-file', str(path))],
        [c for c in manager.load_checks() if c.id == 'GC505'])
    found = list(result.findings)
    assert [(f.check_id, f.file, f.line) for f in found] == [
        ('GC505', str(path), 3)] * 2
    assert 'driver remote_file from http://***@127.0.0.1:9/c?***' in \
        found[0].message
    assert '[Other] (no driver)' in found[1].message
    assert 'hunter2' not in found[0].message and 't0k' not in \
        found[0].message


def test_no_config_source_no_finding(audit_text):
    assert audit_text('[glance]\n', 'GC505') == []
