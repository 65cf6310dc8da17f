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

"""Plan the fixes the checks declare, apply them to the text in memory,
and audit the result again.

Each check that a machine can fix declares how (its ``fix``, one of the
kinds of :mod:`glance_conf.audit.remedy`); nothing here names a check.
The line edited is the one oslo.config uses (the file that wins, in a
config dir the right fragment); a new key goes after the last
``[glance]`` key of the last file that has a ``[glance]`` section (after
the header if the section is empty; at the end of the last file, in a
new section, if none has one).

Fixes are applied one at a time, each on the text the previous one left,
until none applies; then the patched text is audited again, offline,
exactly as the command line audits files. A finding a fix targets that is
still there is reported as remaining: nothing is claimed that the audit
does not confirm.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence

from oslo_config import cfg

from glance_conf import _files
from glance_conf import definitions
from glance_conf import glance
from glance_conf import ini
from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit import configure
from glance_conf.audit import engine
from glance_conf.audit import manager
from glance_conf.audit import remedy
from glance_conf.audit import source
from glance_conf.audit import target
from glance_conf.audit.finding import Finding
from glance_conf.audit.fix import files as files_mod
from glance_conf.audit.fix.editor import Text
from glance_conf.audit.fix.files import FixError
from glance_conf.audit.fix.files import Layout
from glance_conf.audit.fix.files import Original
from glance_conf.audit.modes import service

GROUP = target.GROUP

#: Fixes applied to one set of files at most; each fix removes a finding,
#: so reaching this means a fix that does not, a bug to report.
MAX_FIXES = 200

#: Notes for renames that need someone to look after them.
SSL_MOVED = ('[ssl] %s moved to [glance] %s: if this service also '
             'serves TLS itself with oslo.service\'s [ssl] options, '
             'put it back there and accept GC304.')
BOTH_SET = ('[glance] %s is ignored, and %s is set in the same file: '
            'remove the one you do not mean (not guessed).')


@dataclasses.dataclass(frozen=True)
class Change:
    """One fix made: which finding it clears, where, and what it did.

    ``removed`` and ``added`` say it as oslo.config would read the file:
    the ``(section, key)`` whose assignment went, and the
    ``(section, key, value)`` that came; a fix that changes a value
    removes and adds the same key. ``summary`` names options, never an
    old value.
    """

    check_id: str
    path: str
    summary: str
    removed: tuple[str, str] | None
    added: tuple[str, str, str] | None


@dataclasses.dataclass
class Outcome:
    """What the fixes did and what the audit of the result found."""

    #: Config files in load order.
    paths: list[str]
    #: Each file as read, for :func:`write_all`.
    files: dict[str, Original]
    original: dict[str, str]
    patched: dict[str, str]
    changes: list[Change]
    #: What someone must do after the fixes (no secrets).
    notes: list[str]
    #: Findings a fix targets that the audit of the patched text still
    #: reports.
    remaining: list[Finding]
    #: Every other finding of the patched text, and the host's
    #: (permissions, missing files): left to a person.
    left: list[Finding]

    @property
    def changed(self) -> list[str]:
        return [p for p in self.paths
                if self.patched[p] != self.original[p]]


# -- what the checks declare ------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Declared:
    """One fix the checks declare, and the checks that declare it, in
    the order they were loaded: the first names the change."""

    fix: remedy.Fix
    checks: tuple[type[base.Check], ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(check.id for check in self.checks)


def declared(checks: Sequence[manager.CheckClass]) -> list[Declared]:
    """The distinct fixes ``checks`` declare, in the order they are
    tried (:func:`remedy.rank`). A fleet check's would have no file to
    fix."""
    found: list[Declared] = []
    for check in checks:
        fix = check.fix
        if fix is None or not issubclass(check, base.Check):
            continue
        for index, known in enumerate(found):
            if known.fix == fix:
                found[index] = Declared(fix, known.checks + (check,))
                break
        else:
            found.append(Declared(fix, (check,)))
    return sorted(found, key=lambda one: remedy.rank(one.fix))


def fixable_ids(checks: Sequence[manager.CheckClass]) -> list[str]:
    """The IDs of the checks that declare a fix, sorted."""
    return sorted(check.id for check in checks if check.fix is not None)


# -- the fixes ---------------------------------------------------------------

class _State:
    """The files being fixed, in load order, and a config read from them."""

    def __init__(self, layout: Layout, texts: dict[str, str],
                 defaults: str) -> None:
        self.layout = layout
        self.order = [m for _, _, members in layout for m in members]
        self.texts = {path: Text(path, text) for path, text in
                      texts.items()}
        self.defaults = defaults
        self.notes: list[str] = []

    def audited(self) -> target.AuditedConf:
        """The config as the service would read the current text."""
        with _mirror(self.layout,
                     {p: t.text for p, t in self.texts.items()}) as mirror:
            conf = configure.AuditConfigOpts()
            conf.register_opts([cfg.StrOpt(name)
                                for name in configure.NOVA_SUBSTITUTES])
            glance.register_opts(conf)
            glance.use_defaults(conf, self.defaults)
            try:
                conf([part for pair in mirror.args for part in pair],
                     project='nova', prog='glance-conf-audit',
                     default_config_files=[], default_config_dirs=[],
                     use_env=False)
            except (cfg.Error, ValueError, OSError) as exc:
                raise FixError('oslo.config cannot parse the files (%s)'
                               % type(exc).__name__) from None
            files = [source.parse_text(path, self.texts[path].text)
                     for path in self.order]
            audited = target.AuditedConf(conf, files)
            for opt in glance.listed_opts():
                audited.value(opt.dest)  # resolve while the files exist
            return audited

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def where_to_add(self) -> Text:
        """The file a new ``[glance]`` key goes to."""
        for path in reversed(self.order):
            if any(name == GROUP for name, _ in
                   self.texts[path].scan().headers):
                return self.texts[path]
        return self.texts[self.order[-1]]


def _reset(state: _State, one: Declared) -> Change | None:
    """A :class:`remedy.Reset`: the first assignment it applies to."""
    fix = one.fix
    assert isinstance(fix, remedy.Reset)  # noqa: S101 - by dispatch
    value = str(fix.value)
    for path in state.order:
        text = state.texts[path]
        for entry in text.scan().entries:
            if entry.section == GROUP and entry.key in fix.keys and \
                    fix.wrong(entry.values[0]):
                text.set_value(entry, value)
                return Change(one.ids[0], path, '[glance] %s = %s'
                              % (entry.key, value), (GROUP, entry.key),
                              (GROUP, entry.key, value))
    return None


def _rename(state: _State, one: Declared) -> Change | None:
    """A :class:`remedy.Rename`, on the last assignment first in each
    file (the one oslo.config reads); a key of another section moves to
    ``[glance]``."""
    fix = one.fix
    assert isinstance(fix, remedy.Rename)  # noqa: S101 - by dispatch
    for path in state.order:
        text = state.texts[path]
        for entry in reversed(text.scan().entries):
            new = fix.new_name(entry.section, entry.key)
            if new is None:
                continue
            old = '[%s] %s' % (entry.section, redact.printable(entry.key, 60))
            if text.find(GROUP, new):
                if not fix.alias:
                    state.note(BOTH_SET % (redact.printable(entry.key, 60),
                                           new))
                    continue
                text.take(entry)
                return Change(one.ids[0], path, '%s removed: [glance] %s is '
                              'set in the same file and wins' % (old, new),
                              (entry.section, entry.key), None)
            kept = source.parse_text(path, text.text).sections[
                entry.section][entry.key].value
            if entry.section == GROUP:
                text.rename(entry, new)
            else:
                lines = text.take(entry)
                lines[0].text = new + lines[0].text[len(entry.key):]
                text.insert(lines)
                state.note(SSL_MOVED % (entry.key, new))
            # An alias may be of another section: say where it went.
            summary = '%s renamed [glance] %s' if fix.alias else \
                '%s renamed %s'
            return Change(one.ids[0], path, summary % (old, new),
                          (entry.section, entry.key), (GROUP, new, kept))
    return None


def _set_option(state: _State, one: Declared) -> Change | None:
    """A :class:`remedy.SetOption`, while one of its checks reports: on
    the line oslo.config uses, or as a new key."""
    fix = one.fix
    assert isinstance(fix, remedy.SetOption)  # noqa: S101 - by dispatch
    conf = state.audited()
    if not any(True for check in one.checks for _ in check().run(conf)):
        return None
    opt = target.glance_opt(fix.option)
    assert opt is not None  # noqa: S101 - our own option names
    hit = conf.lookup(target.oslo_names(opt))
    if fix.note:
        state.note(fix.note)
    if hit is not None:
        text = state.texts[hit.path]
        [entry] = [e for e in text.scan().entries if e.start == hit.line - 1]
        text.set_value(entry, fix.value)
        return Change(one.ids[0], hit.path, '[%s] %s = %s'
                      % (entry.section, entry.key, fix.value),
                      (entry.section, entry.key),
                      (entry.section, entry.key, fix.value))
    text = state.where_to_add()
    text.insert([ini.Line(fix.option + text.separator() + fix.value, '')])
    return Change(one.ids[0], text.path, '[glance] %s = %s added'
                  % (fix.option, fix.value), None,
                  (GROUP, fix.option, fix.value))


#: How each kind of declared fix is applied.
_APPLY: dict[type, Callable[[_State, Declared], Change | None]] = {
    remedy.Reset: _reset, remedy.Rename: _rename,
    remedy.SetOption: _set_option,
}


# -- reading, re-auditing ---------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _Mirror:
    #: ``(flag, path)`` pairs naming the mirror, as the real ones.
    args: list[tuple[str, str]]
    #: mirror path -> the real file's path
    back: dict[str, str]


@contextlib.contextmanager
def _mirror(layout: Layout, texts: dict[str, str]) -> Iterator[_Mirror]:
    """The files' text written to a temporary tree that oslo.config reads
    as it reads the real one: each ``--config-dir`` a directory of the
    same file names (so the same order), each ``--config-file`` a file of
    the same name. The tree goes when the block ends."""
    with tempfile.TemporaryDirectory(prefix='glance-conf-fix-') as root:
        args: list[tuple[str, str]] = []
        back: dict[str, str] = {}
        for index, (flag, path, members) in enumerate(layout):
            place = os.path.join(root, str(index))
            os.mkdir(place, 0o700)
            for member in members:
                copy = os.path.join(place, os.path.basename(member))
                with open(copy, 'w', encoding='utf-8', newline='') as out:
                    out.write(texts[member])
                back[copy] = member
            args.append((flag, os.path.join(place, os.path.basename(path))
                         if flag == '--config-file' else place))
        yield _Mirror(args, back)


def _reaudit(state: _State, checks: Sequence[manager.CheckClass]
             ) -> list[Finding]:
    texts = {p: t.text for p, t in state.texts.items()}
    with _mirror(state.layout, texts) as mirror:
        result = service.audit_service(mirror.args, checks,
                                      defaults=state.defaults, offline=True)
        try:
            if result.problems:
                raise FixError('the patched text cannot be audited: %s'
                               % result.problems[0].reason)
            return [dataclasses.replace(
                found, file=mirror.back.get(found.file or '', found.file))
                for found in result.findings]
        finally:
            result.findings.close()


def fix(config_args: Sequence[tuple[str, str]], *,
        defaults: str = definitions.NOVA,
        host: _files.Host | None = None,
        checks: Sequence[manager.CheckClass] | None = None,
        skip: Sequence[str] = ()) -> Outcome:
    """Fix ``config_args``'s files in memory and audit the result.

    Nothing is written: see :func:`write_all`.

    :param config_args: ``('--config-file', path)`` and
        ``('--config-dir', path)`` pairs, in command-line order.
    :param host: run the host checks on the original files (their owner
        and mode, the files they name), whose findings are left to a
        person; ``None`` judges the text only.
    :param skip: check IDs whose fixes are not made (their findings are
        left to a person): ``GC201`` where images cannot be signed yet.
        A fix for several IDs is skipped when any of them is.
    :raises LoadError: if a file cannot be read or parsed, or is a
        symbolic link (see :func:`files.read`).
    :raises FixError: if the fixes do not settle, or the patched text
        cannot be read back (a bug, reported rather than written).
    """
    if checks is None:
        checks = manager.load_checks()
    fixes = {check.id: check.fix for check in checks
             if check.fix is not None}
    layout, files = files_mod.load(config_args)
    texts = {path: original.text for path, original in files.items()}
    state = _State(layout, texts, defaults)
    changes: list[Change] = []
    planned = [one for one in declared(checks) if not set(one.ids) & set(skip)]
    for _ in range(MAX_FIXES):
        for one in planned:
            change = _APPLY[type(one.fix)](state, one)
            if change is not None:
                changes.append(change)
                break
        else:
            break
    else:
        raise FixError('the fixes did not settle after %d changes; please '
                       'report it' % MAX_FIXES)
    found = _reaudit(state, checks)
    if host is not None:
        result = service.audit_service(
            config_args, engine.host_checks(checks), defaults=defaults,
            host=host)
        try:
            found += list(result.findings)
        finally:
            result.findings.close()
    return Outcome(
        paths=state.order, files=files, original=texts,
        patched={p: t.text for p, t in state.texts.items()},
        changes=changes, notes=state.notes,
        remaining=[f for f in found if remedy.fixable(f, fixes, skip)],
        left=[f for f in found if not remedy.fixable(f, fixes, skip)])




def write_all(outcome: Outcome) -> Iterator[tuple[str, str]]:
    """:func:`files.write` each changed file, yielding ``(path, backup)``.

    Every file is checked to be still the one read before the first is
    written, so a file changed meanwhile stops the run before it starts.
    """
    for path in outcome.changed:
        files_mod.unchanged(outcome.files[path])
    for path in outcome.changed:
        yield path, files_mod.write(outcome.files[path],
                                    outcome.patched[path])
