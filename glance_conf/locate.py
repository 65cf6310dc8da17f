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

"""Which file and line set an option, decided as oslo.config decides it.

oslo.config knows an option's value but not reliably where it came from
(``get_location`` names the last file that has the *section*, and fails
on a value its type refuses). Errors must name the file and line, so this
module reads the loaded files again with oslo.config's INI grammar
(:mod:`glance_conf.ini`) and applies oslo.config's precedence: the last
file that sets any of the option's names wins, and within one file the
current name beats its deprecated aliases.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from typing import NamedTuple

from oslo_config import cfg

from glance_conf import ini


class Location(NamedTuple):
    """Where a value was set: a file, and the line its assignment starts."""

    path: str
    line: int


def lines_of(path: str) -> dict[str, dict[str, int]]:
    """``{section: {key: line}}`` of one file (the line an assignment
    starts on), or ``{}`` if it cannot be read or parsed."""
    try:
        with open(path, encoding='utf-8') as handle:
            parsed = ini.parse(ini.physical_lines(handle.read()))
    except (OSError, UnicodeError, ini.SyntaxProblem):
        return {}
    return {section: {key: found.line for key, found in keys.items()}
            for section, keys in parsed.sections.items()}


def config_dir_files(directory: str) -> list[str]:
    """The files oslo.config loads from a config dir: ``*.conf`` (so not
    hidden ones), in name order. A directory it cannot list gives none."""
    return sorted(glob.glob(os.path.join(directory, '*.conf')))


def _flag_order(args: Sequence[str]) -> list[tuple[str, str]]:
    """``--config-file``/``--config-dir`` values, in command-line order."""
    found: list[tuple[str, str]] = []
    pending = None
    for arg in args:
        if pending is not None:
            found.append((pending, arg))
            pending = None
            continue
        for flag in ('--config-file', '--config-dir'):
            if arg == flag:
                pending = flag
            elif arg.startswith(flag + '='):
                found.append((flag, arg[len(flag) + 1:]))
    return found


def loaded_paths(conf: cfg.ConfigOpts) -> list[str]:
    """The files a parsed ``conf`` loaded, in the order oslo.config loaded
    them: its command line's ``--config-file`` and ``--config-dir`` in the
    order given (a later one wins), or, when it gave none, the default
    files and then the default dirs."""
    files = [str(p) for p in getattr(conf, 'config_file', None) or []]
    dirs = [str(p) for p in getattr(conf, 'config_dir', None) or []]
    ordered = _flag_order(getattr(conf, '_args', None) or [])
    if ordered and sorted(v for f, v in ordered if f == '--config-file') \
            == sorted(files) and sorted(
                v for f, v in ordered if f == '--config-dir') == sorted(dirs):
        pairs = ordered
    else:
        pairs = ([('--config-file', f) for f in files]
                 + [('--config-dir', d) for d in dirs])
    paths: list[str] = []
    for flag, value in pairs:
        paths += [value] if flag == '--config-file' else \
            config_dir_files(value)
    return paths


def locate(paths: Sequence[str], names: Sequence[tuple[str, str]]
           ) -> Location | None:
    """Where the value of an option with these ``(section, key)`` names
    comes from; the current name first, then its deprecated aliases."""
    wanted = [(ini.section_name(section), key) for section, key in names]
    for path in reversed(paths):
        sections = lines_of(path)
        for section, key in wanted:
            line = sections.get(section, {}).get(key)
            if line is not None:
                return Location(path, line)
    return None


def opt_names(group: str, opt: cfg.Opt) -> list[tuple[str, str]]:
    """The ``(section, key)`` names oslo.config reads ``opt`` by in files:
    its dest, then each deprecated alias."""
    names = [(group, opt.dest)]
    for dep in opt.deprecated_opts:
        if dep.name or dep.group:
            names.append((dep.group or group, dep.name or opt.dest))
    return names
