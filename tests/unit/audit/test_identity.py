"""The tool's identity, one leaf module for every writer."""

from __future__ import annotations

from importlib import metadata

from glance_conf.audit import identity
from glance_conf.cmd import audit as cli


def test_name_is_the_commands():
    assert identity.TOOL_NAME == cli.PROG == 'glance-conf-audit'


def test_version_is_the_installed_one(monkeypatch):
    assert identity.tool_version() == metadata.version('glance-conf')
    monkeypatch.setattr(identity, 'DISTRIBUTION', 'no-such-dist-xyz')
    assert identity.tool_version() == '0+unknown'
