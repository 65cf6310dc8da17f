"""The drop-in and the audit on configs rendered by deployment tools."""

from __future__ import annotations

import io
import pathlib
import re

import pytest
from oslo_config import cfg

import glance_conf
from glance_conf.cmd import audit as cli

DEPLOYMENTS = pathlib.Path(__file__).parent / 'deployments'
FILES = sorted(DEPLOYMENTS.rglob('*.conf'))
CANARY_RE = re.compile(r'[A-Za-z_]*_canary')


def test_the_corpus_has_every_tool() -> None:
    assert len(FILES) >= 11


@pytest.mark.parametrize('path', FILES, ids=lambda p: p.stem)
def test_the_drop_in_accepts_every_rendered_config(path: pathlib.Path
                                                   ) -> None:
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    conf(['--config-file', str(path)], project='nova',
         default_config_files=[], default_config_dirs=[])
    glance_conf.validate(conf)


@pytest.mark.parametrize('fmt', ['text', 'json', 'sarif'])
def test_no_canary_secret_reaches_a_fleet_report(fmt: str) -> None:
    canaries = set()
    for path in FILES:
        canaries.update(CANARY_RE.findall(path.read_text()))
    assert canaries  # the corpus really holds secrets to leak
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(['--format', fmt, '--fail-on', 'never',
                    *map(str, FILES)], out, err)
    assert code == 0, err.getvalue()
    report = out.getvalue() + err.getvalue()
    assert report.strip()
    assert not [c for c in canaries if c in report]
