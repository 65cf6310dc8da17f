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

"""Fix what a machine can fix, and prove it with a second audit.

The fixes are the mechanical ones: ``insecure`` off, deprecated names
renamed (``[glance] api_insecure``, ``[ssl] ca_file``, ``cert_file``,
``key_file``), a near-miss option name spelled as GC303 suggests,
signature verification on, a TLS floor and a request timeout. Everything
else (a CA bundle path, a key manager, a plain-http endpoint, a file's
owner and mode) needs a person, and is left to one.

Files are edited as text, line by line, with oslo.config's INI grammar
(as :mod:`glance_conf.audit.source` reads it): comments, blank lines,
order, quoting and line endings (``\\n``, ``\\r\\n`` or ``\\r``) stay as
they were; a value's continuation lines go with it. The line edited is
the one oslo.config uses (the file that wins, in a config dir the right
fragment); a new key goes after the last ``[glance]`` key of the last
file that has a ``[glance]`` section (after the header if the section is
empty; at the end of the last file, in a new section, if none has one).

Fixes are applied one at a time, each on the text the previous one left,
until none applies; then the patched text is audited again, offline,
exactly as the command line audits files. A finding a fix targets that is
still there is reported as remaining: nothing is claimed that the audit
does not confirm.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import errno
import os
import re
import secrets
import shlex
import stat
import tempfile
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence

from oslo_config import cfg
from oslo_config import types as oslo_types

from glance_conf import _files
from glance_conf import definitions
from glance_conf import glance
from glance_conf import limits
from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit import engine
from glance_conf.audit import manager
from glance_conf.audit import runner
from glance_conf.audit import source
from glance_conf.audit import target
from glance_conf.audit.checks import host as host_checks
from glance_conf.audit.checks import integrity
from glance_conf.audit.checks import options
from glance_conf.audit.checks import transport as transport_checks
from glance_conf.audit.exception import LoadError
from glance_conf.audit.finding import Finding
from glance_conf.exception import GlanceConfError

GROUP = target.GROUP

#: The request timeout a fix sets, in seconds: the drop-in's own default.
TIMEOUT = '%d' % limits.DEFAULT_TIMEOUT
#: The TLS floor a fix sets.
TLS_FLOOR = '1.2'
#: Fixes applied to one set of files at most; each fix removes a finding,
#: so reaching this means a fix that does not, a bug to report.
MAX_FIXES = 200
#: Suffix of the backup ``--write`` keeps; ``.orig.1``, ``.orig.2``...
#: when it exists. It does not end in ``.conf``, so oslo.config does not
#: load a backup left in a ``--config-dir``.
BACKUP_SUFFIX = '.orig'
#: Backups kept beside one file at most.
MAX_BACKUPS = 100
#: What replaces a secret on a line of the diff.
MASKED = redact.MASK

#: Deprecated names a fix moves to the current one: (section, key) ->
#: the ``[glance]`` key that replaces it.
DEPRECATED = {
    (GROUP, 'api_insecure'): 'insecure',
    ('ssl', 'ca_file'): 'cafile',
    ('ssl', 'cert_file'): 'certfile',
    ('ssl', 'key_file'): 'keyfile',
}

#: Check IDs all of whose findings a fix targets.
FIXED_IDS = ('GC101', 'GC106', 'GC201', 'GC207', 'GC301')
#: The GC5xx checks about a config file's owner and mode.
PERMISSION_IDS = ('GC501', 'GC502', 'GC503', 'GC506')
#: The owner and mode the Security Guide asks of a config file
#: (Check-Compute-01 and -02); the group is the service's.
OWNER = 'root'
MODE = '0640'

#: Messages for the fixes that need someone to act after them.
SIGNATURES_ON = ('verify_glance_signatures is now on: sign every image, '
                 'and make sure the key manager ([key_manager]) serves the '
                 'signing certificates, or unsigned images the compute '
                 'host downloads stop booting; '
                 'then turn on enable_certificate_validation with '
                 'default_trusted_certificate_ids (GC202).')
SSL_MOVED = ('[ssl] %s moved to [glance] %s: if this service also '
             'serves TLS itself with oslo.service\'s [ssl] options, '
             'put it back there and accept GC304.')
BOTH_SET = ('[glance] %s is ignored, and %s is set in the same file: '
            'remove the one you do not mean (not guessed).')


class FixError(GlanceConfError):
    """The fixes could not be made; the message is safe to show."""


class _Line:
    """One physical line: its text and its ending (empty at the end)."""

    __slots__ = ('text', 'end')

    def __init__(self, text: str, end: str) -> None:
        self.text, self.end = text, end


def split_lines(text: str) -> list[_Line]:
    """Lines as oslo.config reads them (``\\n``, ``\\r\\n``, ``\\r``),
    each keeping its own ending."""
    parts = re.split(r'(\r\n|\r|\n)', text)
    lines = [_Line(parts[i], parts[i + 1])
             for i in range(0, len(parts) - 1, 2)]
    if parts[-1]:
        lines.append(_Line(parts[-1], ''))
    return lines


def _cut(text: str) -> int:
    """Where ``key = value`` (or ``key: value``) splits, as oslo.config
    splits it: at the first ``=`` unless a ``:`` comes before it."""
    colon, equal = text.find(':'), text.find('=')
    return equal if colon < 0 or (0 <= equal < colon) else colon


@dataclasses.dataclass(frozen=True)
class _Entry:
    """One assignment: its section, key, first line's value and lines."""

    section: str
    key: str
    value: str
    start: int
    end: int


@dataclasses.dataclass(frozen=True)
class _Scan:
    entries: list[_Entry]
    #: (section, index of its header line), in file order.
    headers: list[tuple[str, int]]

    def find(self, section: str, key: str) -> list[_Entry]:
        return [e for e in self.entries
                if e.section == section and e.key == key]


def _scan(lines: Sequence[_Line]) -> _Scan:
    """Classify lines with the grammar of :func:`source.parse_text`.

    The text has been parsed by it already, so it is well formed.
    """
    entries: list[_Entry] = []
    headers: list[tuple[str, int]] = []
    section = ''
    pending = False
    for index, line in enumerate(lines):
        text = line.text.rstrip()
        if not text:
            pending = False
        elif text[0] in ' \t':
            if pending:
                entries[-1] = dataclasses.replace(entries[-1], end=index + 1)
        elif text[0] == '[':
            pending = False
            section = source.section_name(text[1:-1])
            headers.append((section, index))
        elif text[0] in '#;':
            pending = False
        else:
            cut = _cut(text)
            value = text[cut + 1:].strip()
            if value and value[0] == value[-1] and value[0] in '"\'':
                value = value[1:-1]
            entries.append(_Entry(section, text[:cut].strip(), value,
                                  index, index + 1))
            pending = True
    return _Scan(entries, headers)


class _Text:
    """A file's text, as lines that fixes edit in place."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = split_lines(text)
        endings = [line.end for line in self.lines if line.end]
        self.ending = endings[0] if endings else '\n'

    @property
    def text(self) -> str:
        return ''.join(line.text + line.end for line in self.lines)

    def scan(self) -> _Scan:
        return _scan(self.lines)

    def rename(self, entry: _Entry, key: str) -> None:
        line = self.lines[entry.start]
        line.text = key + line.text[len(entry.key):]

    def set_value(self, entry: _Entry, value: str) -> None:
        """Set the value on the entry's first line, keeping the spacing
        around the separator; its continuation lines go."""
        line = self.lines[entry.start]
        text = line.text
        cut = _cut(text)
        rest = text[cut + 1:]
        if rest.strip():
            lead = rest[:len(rest) - len(rest.lstrip())]
        else:
            lead = ' ' if text[cut - 1:cut] == ' ' else ''
        trail = text[len(text.rstrip()):]
        line.text = text[:cut + 1] + lead + value + trail
        del self.lines[entry.start + 1:entry.end]

    def take(self, entry: _Entry) -> list[_Line]:
        """Remove the entry's lines and return them."""
        taken = self.lines[entry.start:entry.end]
        del self.lines[entry.start:entry.end]
        return taken

    def separator(self, section: str = GROUP) -> str:
        """How the last key of ``section`` is joined to its value
        (``' = '``, ``'='``, ``': '``...), for a new key to match."""
        keys = [e for e in self.scan().entries if e.section == section]
        if not keys:
            return ' = '
        text = self.lines[keys[-1].start].text
        cut = _cut(text)
        rest = text[cut + 1:]
        lead = rest[:len(rest) - len(rest.lstrip())] or ' ' * (
            text[cut - 1:cut] == ' ')
        return text[len(keys[-1].key):cut + 1] + lead

    def insert(self, lines: list[_Line], section: str = GROUP) -> None:
        """Put ``lines`` after the last key of ``section``, or right after
        its header if it has none, or in a new section at the end."""
        scan = self.scan()
        keys = [e for e in scan.entries if e.section == section]
        headers = [i for name, i in scan.headers if name == section]
        if keys:
            at = keys[-1].end
        elif headers:
            at = headers[-1] + 1
        else:
            if self.lines and self.lines[-1].text.strip():
                lines = [_Line('', '')] + [_Line('[%s]' % section, '')] + \
                    lines
            else:
                lines = [_Line('[%s]' % section, '')] + lines
            at = len(self.lines)
        if at and not self.lines[at - 1].end:
            self.lines[at - 1].end = self.ending
        for line in lines:
            line.end = line.end or self.ending
        self.lines[at:at] = lines


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
    #: Each file as read, for :func:`write`.
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


# -- what a fix targets -------------------------------------------------------

def suggestion(key: str) -> str | None:
    """The option a near-miss ``[glance]`` key means, as GC303 suggests
    it, as the dest oslo.config reads; ``None`` when there is none."""
    known = options._KNOWN
    if key in known or key in options.KSA_AUTH_OPTIONS:
        return None
    if key.replace('-', '_') in known:
        return known[key.replace('-', '_')]
    if key in options.REMOVED:
        return None
    if key in options.LEGACY_NAMES:
        return known.get(options.LEGACY_NAMES[key],
                         options.LEGACY_NAMES[key])
    close = difflib.get_close_matches(key, sorted(known), n=1,
                                      cutoff=options.NEAR_MISS)
    return known[close[0]] if close else None


def targeted(found: Finding, skip: Sequence[str] = ()) -> bool:
    """Whether a fix targets ``found`` (the fixes of ``skip`` aside)."""
    if found.check_id in skip:
        return False
    if found.check_id in FIXED_IDS:
        return True
    option = found.option or ''
    if found.check_id == 'GC304':
        section, _, key = option.partition('.')
        return (section, key) in DEPRECATED
    if found.check_id == 'GC303':
        return suggestion(option.partition('.')[2]) is not None
    return False


# -- the fixes ---------------------------------------------------------------

class _State:
    """The files being fixed, in load order, and a config read from them."""

    def __init__(self, layout: Layout, texts: dict[str, str],
                 defaults: str) -> None:
        self.layout = layout
        self.order = [m for _, _, members in layout for m in members]
        self.texts = {path: _Text(path, text) for path, text in
                      texts.items()}
        self.defaults = defaults
        self.notes: list[str] = []

    def audited(self) -> target.AuditedConf:
        """The config as the service would read the current text."""
        with _mirror(self.layout,
                     {p: t.text for p, t in self.texts.items()}) as mirror:
            conf = runner.AuditConfigOpts()
            conf.register_opts([cfg.StrOpt(name)
                                for name in runner.NOVA_SUBSTITUTES])
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

    def where_to_add(self) -> _Text:
        """The file a new ``[glance]`` key goes to."""
        for path in reversed(self.order):
            if any(name == GROUP for name, _ in
                   self.texts[path].scan().headers):
                return self.texts[path]
        return self.texts[self.order[-1]]


_Fix = Callable[[_State], Change | None]


def _true(value: str) -> bool:
    try:
        return oslo_types.Boolean()(value) is True
    except ValueError:
        return False


def _fix_insecure(state: _State) -> Change | None:
    """GC101: ``insecure`` (or ``api_insecure``) true becomes false, in
    every file, so a later reordering cannot bring it back."""
    for path in state.order:
        text = state.texts[path]
        for entry in text.scan().entries:
            if entry.section == GROUP and \
                    entry.key in ('insecure', 'api_insecure') and \
                    _true(entry.value):
                text.set_value(entry, 'False')
                return Change('GC101', path, '[glance] %s = False'
                              % entry.key, (GROUP, entry.key),
                              (GROUP, entry.key, 'False'))
    return None


def _fix_deprecated(state: _State) -> Change | None:
    """GC304: a deprecated name becomes its ``[glance]`` name, in the same
    file; where that file already sets the new name, the deprecated line
    is dropped (within one file the new name wins in oslo.config)."""
    for path in state.order:
        text = state.texts[path]
        scan = text.scan()
        # The last one first: it is the one oslo.config reads.
        for entry in reversed(scan.entries):
            new = DEPRECATED.get((entry.section, entry.key))
            if new is None:
                continue
            old = '[%s] %s' % (entry.section, entry.key)
            values = source.parse_text(path, text.text)
            if scan.find(GROUP, new):
                text.take(entry)
                return Change('GC304', path, '%s removed: [glance] %s is '
                              'set in the same file and wins' % (old, new),
                              (entry.section, entry.key), None)
            kept = values.sections[entry.section][entry.key].value
            if entry.section == GROUP:
                text.rename(entry, new)
            else:
                lines = text.take(entry)
                lines[0].text = new + lines[0].text[len(entry.key):]
                text.insert(lines)
                state.note(SSL_MOVED % (entry.key, new))
            return Change('GC304', path, '%s renamed [glance] %s'
                          % (old, new), (entry.section, entry.key),
                          (GROUP, new, kept))
    return None


def _fix_near_miss(state: _State) -> Change | None:
    """GC303: a near-miss ``[glance]`` key takes the name GC303 suggests,
    unless the same file sets that name too (which one is meant is not
    guessed)."""
    for path in state.order:
        text = state.texts[path]
        scan = text.scan()
        for entry in reversed(scan.entries):
            if entry.section != GROUP:
                continue
            new = suggestion(entry.key)
            if new is None:
                continue
            if scan.find(GROUP, new):
                state.note(BOTH_SET % (redact.printable(entry.key, 60), new))
                continue
            kept = source.parse_text(path, text.text).sections[GROUP][
                entry.key].value
            text.rename(entry, new)
            return Change('GC303', path, '[glance] %s renamed %s'
                          % (redact.printable(entry.key, 60), new),
                          (GROUP, entry.key), (GROUP, new, kept))
    return None


def _set_option(check_ids: Sequence[str], name: str, value: str,
                checks: Sequence[type[base.Check]],
                note: str | None = None) -> _Fix:
    """A fix that sets ``[glance] name = value`` when one of ``checks``
    reports: on the line oslo.config uses, or as a new key."""

    def fix(state: _State) -> Change | None:
        conf = state.audited()
        if not any(True for check in checks for _ in check().run(conf)):
            return None
        opt = target.glance_opt(name)
        assert opt is not None  # noqa: S101 - our own option names
        hit = conf.lookup(target.oslo_names(opt))
        if note:
            state.note(note)
        if hit is not None:
            text = state.texts[hit.path]
            [entry] = [e for e in text.scan().entries
                       if e.start == hit.line - 1]
            text.set_value(entry, value)
            return Change(check_ids[0], hit.path, '[%s] %s = %s'
                          % (entry.section, entry.key, value),
                          (entry.section, entry.key),
                          (entry.section, entry.key, value))
        text = state.where_to_add()
        text.insert([_Line(name + text.separator() + value, '')])
        return Change(check_ids[0], text.path, '[glance] %s = %s added'
                      % (name, value), None, (GROUP, name, value))
    return fix


_SIGNATURES = ('GC201', 'GC207')
_TLS_FLOOR = ('GC106',)
_TIMEOUT = ('GC301',)

#: The fixes, with the IDs of the findings each clears, in the order they
#: are tried: names before values, so a value is set on the name that
#: stays.
FIXES: tuple[tuple[tuple[str, ...], _Fix], ...] = (
    (('GC101',), _fix_insecure),
    (('GC304',), _fix_deprecated),
    (('GC303',), _fix_near_miss),
    (_SIGNATURES, _set_option(
        _SIGNATURES, 'verify_glance_signatures', 'True',
        (integrity.SignatureVerificationDisabled,
         integrity.VerificationTurnsOn), SIGNATURES_ON)),
    (_TLS_FLOOR, _set_option(_TLS_FLOOR, 'tls_min_version', TLS_FLOOR,
                             (transport_checks.TlsVersionNotPinned,))),
    (_TIMEOUT, _set_option(_TIMEOUT, 'timeout', TIMEOUT,
                           (options.NoRequestTimeout,))),
)
#: Every check ID a fix targets.
FIXABLE = tuple(i for ids, _ in FIXES for i in ids)


# -- reading, re-auditing ---------------------------------------------------

#: How the files were named: ``(flag, path, files)`` per command-line
#: flag, ``files`` being what it loads, in order.
Layout = list[tuple[str, str, list[str]]]


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


def load(config_args: Sequence[tuple[str, str]]
         ) -> tuple[Layout, dict[str, Original]]:
    """The files ``config_args`` name, each read once (see :func:`read`).

    :raises LoadError: for a file or directory that cannot be read or
        parsed, as the audit would refuse it, or a file that is a link.
    """
    layout: Layout = []
    files: dict[str, Original] = {}
    for flag, path in config_args:
        members = [path] if flag == '--config-file' else \
            source.dir_files(path)
        layout.append((flag, path, members))
        for member in members:
            files[member] = read(member)
            source.parse_text(member, files[member].text)
    return layout, files


def _reaudit(state: _State, checks: Sequence[manager.CheckClass]
             ) -> list[Finding]:
    texts = {p: t.text for p, t in state.texts.items()}
    with _mirror(state.layout, texts) as mirror:
        result = runner.audit_service(mirror.args, checks,
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

    Nothing is written: see :func:`write`.

    :param config_args: ``('--config-file', path)`` and
        ``('--config-dir', path)`` pairs, in command-line order.
    :param host: run the host checks on the original files (their owner
        and mode, the files they name), whose findings are left to a
        person; ``None`` judges the text only.
    :param skip: check IDs whose fixes are not made (their findings are
        left to a person): ``GC201`` where images cannot be signed yet.
        A fix for several IDs is skipped when any of them is.
    :raises LoadError: if a file cannot be read or parsed, or is a
        symbolic link (see :func:`read`).
    :raises FixError: if the fixes do not settle, or the patched text
        cannot be read back (a bug, reported rather than written).
    """
    if checks is None:
        checks = manager.load_checks()
    layout, files = load(config_args)
    texts = {path: original.text for path, original in files.items()}
    state = _State(layout, texts, defaults)
    changes: list[Change] = []
    for _ in range(MAX_FIXES):
        for ids, one in FIXES:
            if set(ids) & set(skip):
                continue
            change = one(state)
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
        result = runner.audit_service(
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
        remaining=[f for f in found if targeted(f, skip)],
        left=[f for f in found if not targeted(f, skip)])


# -- showing and writing ----------------------------------------------------

def _printable(text: str) -> str:
    # Escaped in full: an escape takes at most 10 characters.
    return redact.printable(text, 10 * len(text) + 1)


def _holds_secret(key: str, value: str) -> bool:
    return bool(value) and (
        host_checks.is_secret(key, value)
        or redact.redact_url(value, 10 * len(value) + 1) != _printable(value))


#: A value the diff may show: a boolean word, a number or version, an
#: absolute path, or an http(s) URL without user-info, query or fragment.
#: Anything else could be a secret pasted into the wrong option.
_PLAIN_VALUE = re.compile(r'(?:true|false|yes|no|on|off|[0-9][0-9.]*'
                          r'|/[^\s]*|https?://[^@\s?#]*)', re.IGNORECASE)


def _shown_line(text: str) -> str:
    """A line of the diff: control characters escaped, a secret masked.

    Fixes only touch options of their own, but a line they move or
    rename may hold a value pasted into the wrong option, or a PEM body
    on continuation lines: a continuation line is always masked, and a
    value is shown only when it is plainly no secret.
    """
    if text[:1] in (' ', '\t'):
        body = text.lstrip(' \t')
        if body.strip():
            return text[:len(text) - len(body)] + MASKED
    elif text.strip() and text[0] not in '#;[' and _cut(text) >= 0:
        cut = _cut(text)
        value = text[cut + 1:].strip().strip('"\'')
        if value and (_holds_secret(text[:cut].strip(), value)
                      or not _PLAIN_VALUE.fullmatch(value)):
            return _printable(text[:cut + 1].rstrip()) + ' ' + MASKED
    return _printable(text)


def diff(path: str, before: str, after: str) -> Iterator[str]:
    """A unified diff of one file, without context lines.

    Only lines a fix changed are shown: an untouched line may hold a
    password. Each hunk header names the section of its first line, as
    ``git diff`` names a function. Secrets are masked (see
    :func:`_shown_line`); a masked line makes the diff unfit for
    ``patch``, which ``--write`` does not need.
    """
    old = [line.text for line in split_lines(before)]
    new = [line.text for line in split_lines(after)]
    sections = _sections(old)
    shown = _printable(path)
    for line in difflib.unified_diff(old, new, shown, shown, n=0,
                                     lineterm=''):
        if line.startswith('@@'):
            start = int(line[4:].split(',')[0].split(' ')[0])
            section = sections[max(start - 1, 0)] if sections else ''
            yield line + (' [%s]' % section if section else '')
        elif line.startswith(('---', '+++')):
            yield line
        else:
            yield line[0] + _shown_line(line[1:])


def _sections(lines: Sequence[str]) -> list[str]:
    """The section each line belongs to (the line after it, for a
    deletion's zero-line hunk, is the one named)."""
    current = ''
    out = []
    for text in lines:
        stripped = text.rstrip()
        if stripped.startswith('['):
            current = source.section_name(stripped[1:-1])
        out.append(current)
    return out


@dataclasses.dataclass(frozen=True)
class Original:
    """A config file as ``fix`` read it: where it is, which file it is
    (device and inode, of it and of its directory) and its bytes.

    :func:`write` writes there only while it is still that file.
    """

    #: As named on the command line.
    path: str
    #: Its directory, symbolic links resolved once, when it was read.
    directory: str
    name: str
    directory_id: tuple[int, int]
    file_id: tuple[int, int]
    data: bytes
    text: str


#: Flags for opening a config file: never through a link, never blocking
#: on a FIFO.
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
#: Flags for creating a file beside it: new, never through a link.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


#: Why a config file that is a symbolic link is not fixed.
LINK = ('is a symbolic link; fix edits only a file named directly '
        '(name the file it points to)')
#: Why a file is not written: it is no longer the file read.
MOVED = ('was replaced, moved or changed since fix read it; nothing '
         'written (run fix again)')


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def read(path: str) -> Original:
    """Read ``path`` for fixing, and pin it.

    The directory part is resolved once (a linked ``/etc/nova`` is
    fine); the file itself is opened relative to it without following a
    link. A config file that is itself a symbolic link is refused: its
    target could be changed by whoever can write the directory, between
    this read and the write.

    :raises LoadError: as :func:`source.read_text` would, or for a link.
    """
    directory = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    name = os.path.basename(path)
    try:
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY |
                         os.O_CLOEXEC)
    except FileNotFoundError:
        raise LoadError(path, 'no such file') from None
    except OSError as exc:
        raise LoadError(path, 'cannot read: %s' % exc.strerror) from None
    try:
        try:
            fd = os.open(name, _READ, dir_fd=dir_fd)
        except FileNotFoundError:
            raise LoadError(path, 'no such file') from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise LoadError(path, LINK) from None
            raise LoadError(path, 'cannot read: %s' % exc.strerror) from None
        with os.fdopen(fd, 'rb') as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise LoadError(path, 'is a directory, not a file')
            if not stat.S_ISREG(info.st_mode):
                raise LoadError(path, 'is not a regular file')
            data = handle.read(source.MAX_FILE_SIZE + 1)
        return Original(path, directory, name,
                         _identity(os.fstat(dir_fd)), _identity(info), data,
                         source.decode(path, data))
    finally:
        os.close(dir_fd)


def write(original: Original, text: str) -> str:
    """Write ``text`` over ``original``, keeping a backup.

    Everything happens in ``original``'s directory, opened again and
    checked to be the one read (device and inode), and nothing follows a
    link: the file must still be the one read (device, inode and bytes),
    and is checked once more just before the new text is renamed over it.
    A swap after that check is harmless: ``rename`` replaces a name in
    that directory, it never writes through what the name points to.
    The backup (``.orig``, or ``.orig.N`` if taken) is written whole to a
    temporary name, then linked to its name, never over an existing file.
    The new text goes to a temporary file (not named ``*.conf``, so a
    service starting meanwhile does not read it) with the original's mode
    and owner, then replaces the file in one ``rename``. Both are synced,
    then the directory. On any failure, whatever was created is removed
    and the file is as it was.

    :returns: the backup's path, beside ``original.path`` as given.
    :raises FixError: if the file is no longer the one read, the owner
        cannot be kept or a write fails.
    """
    path = _printable(original.path)
    created: list[str] = []
    dir_fd = _directory(original)
    try:
        info = _still(original, dir_fd)
        backup = _backup(original, dir_fd, info, created)
        temp = _create(original, dir_fd, info, text.encode('utf-8'),
                       created)
        if _identity(os.stat(original.name, dir_fd=dir_fd,
                             follow_symlinks=False)) != original.file_id:
            raise FixError('%s: %s' % (path, MOVED))
        os.rename(temp, original.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        created.clear()  # written: the backup stays
        os.fsync(dir_fd)
    except BaseException as exc:
        for name in created:
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=dir_fd)
        if isinstance(exc, OSError):
            raise FixError('%s: cannot write: %s'
                           % (path, exc.strerror)) from None
        raise
    finally:
        os.close(dir_fd)
    return os.path.join(os.path.dirname(original.path), backup)


def write_all(outcome: Outcome) -> Iterator[tuple[str, str]]:
    """:func:`write` each changed file, yielding ``(path, backup)``.

    Every file is checked to be still the one read before the first is
    written, so a file changed meanwhile stops the run before it starts.
    """
    for path in outcome.changed:
        dir_fd = _directory(outcome.files[path])
        try:
            _still(outcome.files[path], dir_fd)
        finally:
            os.close(dir_fd)
    for path in outcome.changed:
        yield path, write(outcome.files[path], outcome.patched[path])


def _directory(original: Original) -> int:
    """A descriptor of the directory ``original`` was read in."""
    try:
        return os.open(original.directory, os.O_RDONLY | os.O_DIRECTORY |
                       os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        raise FixError('%s: %s' % (_printable(original.path),
                                   MOVED)) from None


def _still(original: Original, dir_fd: int) -> os.stat_result:
    """The file's status, if it is still the file read; else refuse."""
    path = _printable(original.path)
    if _identity(os.fstat(dir_fd)) != original.directory_id:
        raise FixError('%s: %s' % (path, MOVED))
    try:
        fd = os.open(original.name, _READ, dir_fd=dir_fd)
    except OSError:
        raise FixError('%s: %s' % (path, MOVED)) from None
    with os.fdopen(fd, 'rb') as handle:
        info = os.fstat(handle.fileno())
        if _identity(info) != original.file_id or \
                handle.read(len(original.data) + 1) != original.data:
            raise FixError('%s: %s' % (path, MOVED))
    return info


def _create(original: Original, dir_fd: int, info: os.stat_result,
            data: bytes, created: list[str]) -> str:
    """A new file beside the original holding ``data``, synced, with its
    mode and owner; its name goes into ``created`` once it exists."""
    for _ in range(MAX_BACKUPS):
        name = '.%s.%s.tmp' % (original.name, secrets.token_hex(8))
        try:
            fd = os.open(name, _CREATE, 0o600, dir_fd=dir_fd)
        except FileExistsError:
            continue
        created.append(name)
        with os.fdopen(fd, 'wb') as out:
            _keep_owner(out.fileno(), info, original.path)
            os.fchmod(out.fileno(), info.st_mode & 0o7777)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        return name
    raise FixError('%s: cannot create a temporary file beside it'
                   % _printable(original.path))


def _keep_owner(fd: int, info: os.stat_result, path: str) -> None:
    if (os.fstat(fd).st_uid, os.fstat(fd).st_gid) == \
            (info.st_uid, info.st_gid):
        return
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except PermissionError:
        raise FixError('%s: cannot keep its owner (uid %d, gid %d); run '
                       'as root or as its owner' % (
                           _printable(path), info.st_uid,
                           info.st_gid)) from None


def _backup(original: Original, dir_fd: int, info: os.stat_result,
            created: list[str]) -> str:
    """Keep the original's bytes under the first free backup name.

    Written whole under a temporary name first: a full disk leaves no
    truncated backup. ``link`` gives it its name and, unlike ``rename``,
    never replaces a backup that exists.
    """
    temp = _create(original, dir_fd, info, original.data, created)
    for number in range(MAX_BACKUPS):
        name = original.name + BACKUP_SUFFIX + (
            '.%d' % number if number else '')
        try:
            os.link(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd,
                    follow_symlinks=False)
        except FileExistsError:
            continue
        created.append(name)
        os.unlink(temp, dir_fd=dir_fd)
        created.remove(temp)
        return name
    raise FixError('%s: %d backups exist already; remove old ones'
                   % (_printable(original.path), MAX_BACKUPS))


def commands(found: Finding, group: str) -> list[str]:
    """The commands that give a config file the Guide's owner and mode.

    Printed, never run: a person decides.
    """
    path = shlex.quote(found.file or '')
    return ['chown %s:%s %s' % (OWNER, shlex.quote(group), path),
            'chmod %s %s' % (MODE, path)]


def loading_error(exc: LoadError) -> str:
    return '%s: %s' % (_printable(exc.path), exc.reason)
