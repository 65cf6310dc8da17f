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
from glance_conf import locate
from glance_conf.audit import services
from glance_conf.audit import source
from glance_conf.audit.exception import SubstitutionLoop

GROUP = glance.GROUP_NAME


class _Invalid:
    """Marker for a value the option's type refuses."""

    def __repr__(self) -> str:
        return '<invalid>'


INVALID: Any = _Invalid()
#: A value not read yet (``None`` is a value).
_UNREAD = object()


class AuditedConf:
    """A parsed config, as one service would see it, and its source files.

    :param conf: a parsed ``ConfigOpts`` with the ``[glance]`` options
        registered.
    :param files: the files it was parsed from, in load order. When not
        given, they are read from ``conf.config_file`` and
        ``conf.config_dir``, without the command line's size limit: the
        service already parsed them, so the audit reads what it read.
    :param service: the service the files configure (one of
        :data:`glance_conf.audit.services.SERVICES`); ``conf`` holds that
        service's profile of options.
    """

    def __init__(self, conf: cfg.ConfigOpts,
                 files: Sequence[source.RawFile] | None = None,
                 service: str = services.NOVA) -> None:
        self.conf = conf
        self.service = service
        self._files = list(files) if files is not None else None
        # Keyed by (group, name): checks ask for ~150 values a config.
        self._values: dict[tuple[str, str], Any] = {}
        self._errors: dict[tuple[str, str], str] = {}
        self._unjudged: set[tuple[str, str]] = set()

    # -- files ---------------------------------------------------------------

    @property
    def files(self) -> list[source.RawFile]:
        """The raw files, in load order (later files win)."""
        if self._files is None:
            self._files = [source.read_file(path, strict=False)
                           for path in loaded_paths(self.conf)]
        return self._files

    def lookup(self, names: Sequence[tuple[str, str]]) -> source.Hit | None:
        """The assignment oslo.config uses for ``(section, key)`` names.

        oslo.config's precedence: the last file that sets any of the
        names wins; within one file, the first name in ``names`` wins
        (the current name before its deprecated ones). Keys are matched
        exactly, as oslo.config matches them.
        """
        for raw_file in reversed(self.files):
            for section, key in names:
                found = raw_file.get(section, key)
                if found is not None:
                    return source.Hit(raw_file, key, found)
        return None

    def raw(self, section: str, *names: str) -> source.Hit | None:
        """The assignment that wins for any of ``names`` in ``section``.

        Names are matched as oslo.config matches them in files: by dest,
        so ``collect-timing`` is looked up as ``collect_timing`` (a file
        that spells it with a hyphen is ignored, and GC303 says so).
        """
        return self.lookup([(section, name.replace('-', '_'))
                            for name in names])

    def keys(self, section: str) -> Iterator[source.Hit]:
        """Every assignment in ``section``, file by file."""
        for raw_file in self.files:
            for key, assignment in raw_file.sections.get(
                    source.section_name(section), {}).items():
                yield source.Hit(raw_file, key, assignment)

    # -- values --------------------------------------------------------------

    def value(self, name: str, group: str = GROUP) -> Any:
        """The effective value of ``[group] name``, or :data:`INVALID`.

        A value whose ``$`` references the audit cannot resolve as the
        service would is :data:`INVALID` too, and :meth:`unjudged` says
        so: it is neither accepted nor refused.

        :raises SubstitutionLoop: if resolving ``$`` references never ends.
        """
        key = (group, name)
        found = self._values.get(key, _UNREAD)
        if found is not _UNREAD:
            return found
        try:
            self._values[key] = getattr(
                self.conf if group == 'DEFAULT' else self.conf[group],
                name)
        except RecursionError:
            path, line = self.where(name, group)
            raise SubstitutionLoop(path or '?', '%s[%s] %s: its $ '
                                   'references never end (a value '
                                   'refers back to itself)'
                                   % ('line %d: ' % line if line else '',
                                      group, name)) from None
        except (cfg.NoSuchOptError, cfg.NoSuchGroupError,
                cfg.TemplateSubstitutionError):
            # oslo.config's message quotes the reference: keep it out.
            self._values[key] = INVALID
            self._unjudged.add(key)
        except (ValueError, cfg.Error) as exc:
            self._values[key] = INVALID
            self._errors[key] = str(exc)
        return self._values[key]

    def error(self, name: str, group: str = GROUP) -> str | None:
        """Why ``[group] name`` is refused by its type, if it is."""
        self.value(name, group)
        return self._errors.get((group, name))

    def unjudged(self, name: str, group: str = GROUP) -> bool:
        """Whether ``[group] name`` has ``$`` references the audit cannot
        resolve as the service would (an option of the service the audit
        does not know, or one left to the service's host-dependent
        default)."""
        self.value(name, group)
        return (group, name) in self._unjudged

    def where(self, name: str, group: str = GROUP
              ) -> tuple[str | None, int | None]:
        """File and line of the value oslo.config uses for ``[group] name``.

        For our ``[glance]`` options, deprecated names count, in
        oslo.config's own order (see :meth:`lookup`).
        """
        hit = self._used(name, group)
        if hit is None:
            return None, None
        return hit.path, hit.line

    def references(self, name: str, group: str = GROUP) -> bool:
        """Whether the value used for ``[group] name`` has ``$``
        references, so text of other options is substituted into it."""
        hit = self._used(name, group)
        return hit is not None and has_reference(hit.value)

    def _used(self, name: str, group: str) -> source.Hit | None:
        if self.service == services.NOVA:
            opt = glance_opt(name) if group == GROUP else None
        else:
            opt = services.profile(self.service).option(group, name)
        if opt is not None:
            return self.lookup(oslo_names(opt, group))
        return self.raw(group, name)

    def __getattr__(self, name: str) -> Any:
        # Let checks read ``conf.glance`` and friends like service code.
        return getattr(self.conf, name)


def has_reference(value: str) -> bool:
    """Whether ``value`` has a ``$name`` or ``${name}`` that oslo.config
    substitutes (``$$`` and ``\\$`` are literal dollars)."""
    value = value.replace('\\$', '$$')
    return any(match.group('named') or match.group('braced')
               for match in cfg.ConfigOpts.Template.pattern.finditer(value))


def oslo_names(opt: cfg.Opt, group: str = GROUP) -> list[tuple[str, str]]:
    """``(section, key)`` names oslo.config reads ``opt`` of ``group``
    from, in order.

    As ``Opt._get_from_namespace`` builds them: the dest first, then each
    deprecated name (its group defaulting to ``group``, its name to the
    dest).
    """
    names = [(group, opt.dest)]
    for dep in opt.deprecated_opts:
        if dep.name or dep.group:
            names.append((dep.group or group, dep.name or opt.dest))
    return names


def glance_opt(name: str) -> cfg.Opt | None:
    """Our option object for ``name`` (a dest or a name), if any."""
    return _OPTS.get(name.replace('-', '_'))


_OPTS = {opt.dest: opt for opt in glance.listed_opts()}


def loaded_paths(conf: cfg.ConfigOpts) -> list[str]:
    """The files a parsed ``conf`` loaded, in oslo.config's order."""
    return locate.loaded_paths(conf)
