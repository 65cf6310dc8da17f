"""The ``oslo.config.opts`` entry point.

``oslo-config-generator``, ``oslo-config-validator`` and
``oslo_config.sphinxext`` call :func:`list_opts` and expect a list of
``(group, options)`` pairs; a dict, as nova's aggregator uses, crashes the
generator.
"""

from __future__ import annotations

from oslo_config import cfg

from glance_conf import glance


def list_opts() -> list[tuple[cfg.OptGroup, list[cfg.Opt]]]:
    """Every listed ``[glance]`` option, with its deprecated aliases."""
    return list(glance.list_opts().items())
