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

"""A project's defaults for the gate, so a repository runs it with no flags.

Read from ``--project-config FILE``, else from the current directory:
``.glance-conf-audit.yaml``, or the ``[tool.glance-conf-audit]`` table of
``pyproject.toml``; the current directory's only inside a git
repository (a ``.git`` in it or a parent), as a repository of templates
is where such a file belongs, never a directory root happens to audit
from. Either way a file someone else could change is refused, as git
refuses a repository owned by someone else: it would set root's gate.
Keys are those of the flags they stand for (``fail_on``, ``skip``,
``waivers``, ``baseline``, ``defaults``, ``format``, ``bundles``,
``docs_url``); a
flag on the command line wins, and FILE arguments or
``--config-file``/``--config-dir`` win over ``bundles``. Paths are
relative to the file's directory. Reading ``pyproject.toml`` needs
Python 3.11's ``tomllib``; on 3.10 a ``pyproject.toml`` with that table
is an error rather than a gate run without its settings.
"""

from __future__ import annotations

import dataclasses
import os
import stat as stat_mod
import sys
from collections.abc import Iterable
from typing import Any

import yaml  # type: ignore[import-untyped]

from glance_conf.audit import source
from glance_conf.audit.exception import LoadError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = None

YAML_NAME = '.glance-conf-audit.yaml'
PYPROJECT_NAME = 'pyproject.toml'
#: The ``pyproject.toml`` table, as ``[tool.<TABLE>]``.
TABLE = 'glance-conf-audit'
#: Keys that hold one text each.
TEXT_KEYS = ('fail_on', 'waivers', 'baseline', 'defaults', 'format',
             'bundles', 'docs_url')
#: Keys that hold a list of texts (or one comma-separated text).
LIST_KEYS = ('skip',)
KEYS = TEXT_KEYS + LIST_KEYS
#: Keys that name a file, relative to the config file's directory.
PATH_KEYS = ('waivers', 'baseline', 'bundles')
#: Files the config names that decide the gate as the config does: held
#: to the same trust (:func:`check_trusted`).
GATE_KEYS = ('waivers', 'baseline')
NEEDS_TOMLLIB = ('reading [tool.%s] needs Python 3.11 or later; put the '
                 'settings in %s instead' % (TABLE, YAML_NAME))


@dataclasses.dataclass(frozen=True)
class Used:
    """The project config a run used, and what it changed: every report
    names it, as it can turn findings off and move the gate."""

    path: str
    #: The settings that took effect (a flag given on the command line
    #: wins), by key: ``skip`` a list of IDs, the others texts.
    changed: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {'path': self.path, 'skip': self.changed.get('skip', []),
                'fail_on': self.changed.get('fail_on'),
                'changed': dict(self.changed)}

    def summary(self) -> str:
        """What it changed, in a few words: ``skip GC101, GC201; fail_on
        never``, or ``nothing``."""
        parts = ['%s %s' % (key, ', '.join(value) if isinstance(value, list)
                            else value)
                 for key, value in self.changed.items()]
        return '; '.join(parts) or 'nothing'


def in_repository(directory: str = '.') -> bool:
    """Whether ``directory`` is inside a git repository: a ``.git``
    (a directory, or a worktree's file) in it or in one of its parents."""
    here = os.path.realpath(directory)
    while True:
        if os.path.lexists(os.path.join(here, '.git')):
            return True
        parent = os.path.dirname(here)
        if parent == here:
            return False
        here = parent


def find(directory: str = '.') -> str | None:
    """The project config of ``directory``, if it has one and is inside
    a git repository (:func:`in_repository`); see :func:`stray`.

    :raises LoadError: if both files configure the tool: which one wins
        would be a guess.
    """
    return _present(directory) if in_repository(directory) else None


def stray(directory: str = '.') -> str | None:
    """A project config in ``directory`` that :func:`find` leaves out,
    as ``directory`` is in no repository; ``None`` if there is none."""
    if in_repository(directory):
        return None
    try:
        return _present(directory)
    except LoadError as exc:
        return exc.path


def _present(directory: str) -> str | None:
    found = []
    yaml_path = os.path.join(directory, YAML_NAME)
    if os.path.lexists(yaml_path):
        # A dangling link is named, and then fails to read: never a
        # gate silently run without its settings.
        found.append(yaml_path)
    pyproject = os.path.join(directory, PYPROJECT_NAME)
    if os.path.isfile(pyproject) and _has_table(pyproject):
        found.append(pyproject)
    if len(found) > 1:
        raise LoadError(found[0], 'both %s and [tool.%s] in %s configure '
                        'the tool; keep one' % (YAML_NAME, TABLE,
                                                PYPROJECT_NAME))
    return found[0] if found else None


def _has_table(path: str) -> bool:
    text = source.read_text(path)
    if tomllib is None:
        return '[tool.%s' % TABLE in text or '"%s"' % TABLE in text
    return isinstance(_table(path, text), dict)


def _table(path: str, text: str) -> Any:
    """The ``[tool.glance-conf-audit]`` table, or ``None``: a ``tool``
    that is not a table configures nothing here."""
    tool = _toml(path, text).get('tool')
    return tool.get(TABLE) if isinstance(tool, dict) else None


def _toml(path: str, text: str) -> dict[str, Any]:
    if tomllib is None:
        raise LoadError(path, NEEDS_TOMLLIB)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        # Its message may quote the file; say where only, as it is lost.
        raise LoadError(path, 'not valid TOML') from None


def _plain(node: Any) -> Any:
    """A YAML node as a text, a list of texts, or ``None``; else a
    ``LoadError``-worthy ``ValueError`` naming its line."""
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag.endswith(':null') else str(node.value)
    if isinstance(node, yaml.SequenceNode) and all(
            isinstance(item, yaml.ScalarNode) for item in node.value):
        return [str(item.value) for item in node.value]
    raise ValueError('line %d' % (node.start_mark.line + 1))


def _read_yaml(path: str, text: str) -> dict[str, tuple[Any, str]]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = 'line %d: ' % (mark.line + 1) if mark else ''
        raise LoadError(path, '%snot valid YAML' % where) from None
    except (yaml.YAMLError, RecursionError):
        raise LoadError(path, 'not valid YAML') from None
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise LoadError(path, 'line %d: expected a mapping of settings'
                        % (root.start_mark.line + 1))
    settings: dict[str, tuple[Any, str]] = {}
    for key_node, value in root.value:
        where = 'line %d: ' % (key_node.start_mark.line + 1)
        key = str(key_node.value) if isinstance(key_node,
                                                yaml.ScalarNode) else '?'
        try:
            settings[key] = (_plain(value), where)
        except ValueError:
            raise LoadError(path, '%s%s: expected a text or a list of '
                            'texts' % (where, _key(key))) from None
    return settings


def _key(key: str) -> str:
    # A key is a name the operator typed, never a value: shown, bounded.
    return key.encode('ascii', 'backslashreplace').decode()[:40]


def _others_can_write(info: os.stat_result, euid: int,
                      directory: bool = False) -> str | None:
    """Why an account other than ``euid`` (and root) could change the
    file or directory ``info`` describes; ``None`` if none can.

    In a sticky directory (``/tmp``) others may add names but not
    replace ours, so only its owner counts.
    """
    if info.st_uid not in (euid, 0):
        return 'owned by uid %d' % info.st_uid
    if directory and info.st_mode & stat_mod.S_ISVTX:
        return None
    if info.st_mode & stat_mod.S_IWOTH:
        return 'writable by every user'
    if info.st_mode & stat_mod.S_IWGRP and info.st_gid != 0:
        return 'writable by group gid %d' % info.st_gid
    return None


def check_trusted(path: str, euid: int | None = None) -> None:
    """Refuse a project config that another account could change.

    The file (its target, if a link) and the directory that holds its
    name must be owned by the user running the audit or by root, and
    writable by no other user and no group but root's.

    :param euid: the user running the audit; by default, this process's.
    :raises LoadError: naming what is wrong, never the file's content.
    """
    euid = os.geteuid() if euid is None else euid
    try:
        info = os.stat(path)
        parent = os.stat(os.path.dirname(path) or os.curdir)
        if os.path.islink(path):
            # The directory that holds the target decides what it is too.
            target = os.stat(os.path.dirname(os.path.realpath(path)))
            why = _others_can_write(target, euid, directory=True)
            if why is not None:
                raise LoadError(path, 'its target\'s directory is %s, and '
                                'the audit runs as uid %d: refused' % (
                                    why, euid))
    except FileNotFoundError:
        raise LoadError(path, 'no such file') from None
    except OSError as exc:
        raise LoadError(path, 'cannot read: %s' % exc.strerror) from None
    why = _others_can_write(info, euid)
    if why is None:
        why = _others_can_write(parent, euid, directory=True)
        why = why and 'its directory is %s' % why
    if why is not None:
        raise LoadError(path, '%s, and the audit runs as uid %d: another '
                        'account could set the gate; refused, as git '
                        'refuses a repository owned by someone else'
                        % (why, euid))


def load(path: str, choices: dict[str, Iterable[str]]) -> dict[str, Any]:
    """The settings of a project config, checked, as flag defaults.

    :param choices: the accepted values of the keys that have choices
        (``fail_on``, ``defaults``, ``format``).
    :returns: ``skip`` as a list of IDs, paths made relative to the
        current directory's view (joined to the file's directory), other
        keys as texts; keys not set are absent.
    :raises LoadError: for a file another account could change
        (:func:`check_trusted`), an unreadable or malformed file, an
        unknown key, or a value of the wrong kind; the key and, in YAML,
        the line are named.
    """
    check_trusted(path)
    text = source.read_text(path)
    if os.path.basename(path) == PYPROJECT_NAME or path.endswith('.toml'):
        table = _table(path, text)
        if not isinstance(table, dict):
            raise LoadError(path, 'no [tool.%s] table' % TABLE)
        raw = {key: (value, '') for key, value in table.items()}
    else:
        raw = _read_yaml(path, text)
    base = os.path.dirname(path)
    settings: dict[str, Any] = {}
    for key, (value, where) in raw.items():
        if key not in KEYS:
            raise LoadError(path, '%sunknown key %s (expected one of: %s)'
                            % (where, _key(key), ', '.join(KEYS)))
        if value is None:
            continue
        if key in LIST_KEYS:
            items = value.split(',') if isinstance(value, str) else value
            if not isinstance(items, list) or not all(
                    isinstance(item, str) for item in items):
                raise LoadError(path, '%s%s: expected a list of check IDs'
                                % (where, key))
            settings[key] = [i.strip() for i in items if i.strip()]
            continue
        if not isinstance(value, str) or not value.strip() \
                or not value.isprintable():
            raise LoadError(path, '%s%s: expected a non-empty text of '
                            'printable characters' % (where, key))
        value = value.strip()
        if key in choices and value not in choices[key]:
            raise LoadError(path, '%s%s: expected one of: %s'
                            % (where, key, ', '.join(sorted(choices[key]))))
        if key in PATH_KEYS and base not in ('', os.curdir):
            value = os.path.join(base, value)
        if key in GATE_KEYS and os.path.lexists(value):
            check_trusted(value)
        settings[key] = value
    return settings
