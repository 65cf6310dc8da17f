"""What a check looks at: a parsed ``ConfigOpts`` plus the files behind it.

Checks read options the way service code does (``conf.glance.timeout``)
through :meth:`AuditedConf.value`, which turns a value the strict types
refuse into :data:`INVALID` instead of an exception, so one bad value does
not hide every other finding. The raw files answer what oslo.config
cannot: which file and line set a value, under which (possibly
deprecated) name, and what sections nobody registered say.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any

from oslo_config import cfg

from glance_conf import glance
from glance_conf.audit import source

GROUP = glance.GROUP_NAME


class _Invalid:
    """Marker for a value the option's type refuses."""

    def __repr__(self) -> str:
        return '<invalid>'


INVALID: Any = _Invalid()


class AuditedConf:
    """A parsed config, as one service would see it, and its source files.

    :param conf: a parsed ``ConfigOpts`` with the ``[glance]`` options
        registered.
    :param files: the files it was parsed from, in load order. When not
        given, they are read from ``conf.config_file`` and
        ``conf.config_dir``.
    """

    def __init__(self, conf: cfg.ConfigOpts,
                 files: Sequence[source.RawFile] | None = None) -> None:
        self.conf = conf
        self._files = list(files) if files is not None else None
        self._values: dict[str, Any] = {}
        self._errors: dict[str, str] = {}

    # -- files ---------------------------------------------------------------

    @property
    def files(self) -> list[source.RawFile]:
        """The raw files, in load order (later files win)."""
        if self._files is None:
            self._files = [source.read_file(path)
                           for path in loaded_paths(self.conf)]
        return self._files

    def raw(self, section: str, *names: str) -> tuple[
            source.RawFile, str, source.Assignment] | None:
        """The assignment that wins for any of ``names`` in ``section``.

        Names are matched as oslo.config matches them in files: by dest,
        so ``collect-timing`` is looked up as ``collect_timing`` (a file
        that spells it with a hyphen is ignored, and GC303 says so).
        Returns ``(file, key, assignment)`` or ``None``.
        """
        keys = {name.replace('-', '_') for name in names}
        for raw_file in reversed(self.files):
            entries = raw_file.sections.get(section)
            if not entries:
                continue
            for key in keys:
                if key in entries:
                    return raw_file, key, entries[key]
        return None

    def keys(self, section: str) -> Iterator[tuple[source.RawFile, str,
                                                   source.Assignment]]:
        """Every ``(file, key, assignment)`` set in ``section``."""
        for raw_file in self.files:
            for key, assignment in raw_file.sections.get(section,
                                                         {}).items():
                yield raw_file, key, assignment

    # -- values --------------------------------------------------------------

    def value(self, name: str, group: str = GROUP) -> Any:
        """The effective value of ``[group] name``, or :data:`INVALID`."""
        key = '%s.%s' % (group, name)
        if key not in self._values:
            try:
                self._values[key] = getattr(self.conf[group], name)
            except (ValueError, cfg.Error) as exc:
                self._values[key] = INVALID
                self._errors[key] = str(exc)
        return self._values[key]

    def error(self, name: str, group: str = GROUP) -> str | None:
        """Why ``[group] name`` is :data:`INVALID`, if it is."""
        self.value(name, group)
        return self._errors.get('%s.%s' % (group, name))

    def where(self, name: str) -> tuple[str | None, int | None]:
        """File and line that set ``[glance] name``, aliases included."""
        opt = glance_opt(name)
        hit = None
        if opt is not None:
            hit = self.raw(GROUP, opt.dest)
            if hit is None:
                for dep in opt.deprecated_opts:
                    hit = self.raw(dep.group or GROUP, dep.name or opt.name)
                    if hit:
                        break
        if hit is None:
            return None, None
        return hit[0].path, hit[2].line

    def __getattr__(self, name: str) -> Any:
        # Let checks read ``conf.glance`` and friends like service code.
        return getattr(self.conf, name)


def glance_opt(name: str) -> cfg.Opt | None:
    """Our option object for ``name`` (a dest or a name), if any."""
    return _OPTS.get(name.replace('-', '_'))


_OPTS = {opt.dest: opt for opt in glance.list_opts()[glance.glance_group]}


def loaded_paths(conf: cfg.ConfigOpts) -> list[str]:
    """The files a parsed ``conf`` loaded: its config files, then dirs."""
    paths = [str(p) for p in getattr(conf, 'config_file', None) or []]
    for directory in getattr(conf, 'config_dir', None) or []:
        paths += source.dir_files(directory)
    return paths
