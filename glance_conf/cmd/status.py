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

"""``glance-conf-status upgrade check``: will this config survive the swap?

Built on oslo.upgradecheck, so its output and exit codes are those of
every ``*-status upgrade check``: 0 success, 1 a warning, 2 a failure,
255 an error (a config file that cannot be read: one line, never a
traceback); bad usage exits 2, as argparse and nova-status do. With no
arguments it lists its categories, as nova-status does, and exits 2;
``--version`` prints the version. The options come first, as
oslo.config parses them:
``glance-conf-status --config-file /etc/nova/nova.conf upgrade check``.
Without ``--config-file``/``--config-dir``, nova's default files are read.
``--defaults nova`` judges a swap that keeps nova's defaults.

Before oslo.config parses anything, every file it will read is read once
with the audit's strict reader (:func:`glance_conf.audit.source.read_text`):
a file the audit cannot read (not UTF-8, NUL bytes, over the audit's size
limit) is an error (255) naming the file, not a traceback or a Failure.
``--defaults`` is taken from the command line only: oslo.config would
also read it from ``[DEFAULT]`` of the audited file, which must not choose
how it is judged. oslo.config's ``config_source`` is switched off: the
command reads local files only and fetches nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any
from typing import TextIO

from oslo_config import cfg
from oslo_upgradecheck import upgradecheck

from glance_conf import definitions
from glance_conf import redact
from glance_conf import upgradecheck as checks
from glance_conf.audit import identity
from glance_conf.audit import source
from glance_conf.audit.exception import LoadError

PROG = 'glance-conf-status'
#: The project whose default config files are read, as nova-status does.
PROJECT = 'nova'
#: oslo.upgradecheck's "not a check result" exit code.
EXIT_ERROR = 255
#: Bad usage: argparse's code, which every ``*-status`` command exits
#: with, oslo.upgradecheck's ``main`` letting argparse's exit through.
EXIT_USAGE = 2
#: The categories, listed when the command is given none: ``(name, one
#: line)``. oslo.upgradecheck's ``main`` builds ``upgrade`` only.
CATEGORIES = (
    ('upgrade', 'check [--json]: will this config work once nova loads '
     'glance_conf?'),
)

#: What --defaults does, for --help (oslo.config prints it as the epilog:
#: the option is not one of oslo.config's, see :func:`_split_defaults`).
DEFAULTS_HELP = (
    '--defaults {%s}: the defaults the drop-in is registered with after '
    'the swap: glance-conf (its own, the default) or nova (nova 34\'s, with '
    'glance_conf.glance.use_defaults(conf, "nova")).'
    % ','.join(definitions.SEMANTICS))

#: The usage line, naming --defaults, which oslo.config does not know.
USAGE = ('%s [--config-file PATH] [--config-dir DIR] [--defaults {%s}] '
         'upgrade check [--json]' % (PROG, ','.join(definitions.SEMANTICS)))

#: The environment variable oslo.config reads ``[DEFAULT] config_source``
#: from (``oslo_config/sources/_environment.py``).
CONFIG_SOURCE_ENV = 'OS_DEFAULT__CONFIG_SOURCE'
#: The name of the result shown when ``config_source`` is set.
CONFIG_SOURCE_CHECK = 'glance-conf-config-source'
#: Said when ``config_source`` is set; ``%s`` is where (never its value,
#: nor the URI of its sources, which may hold a token).
CONFIG_SOURCE_NOT_CHECKED = (
    'config_source is set (%s): options from alternative sources are not '
    'checked. glance-conf-status reads local files only and never fetches '
    'them; the checks judged the local files.')


def _run(_command: upgradecheck.UpgradeCommands, check: checks.Check,
         conf: cfg.ConfigOpts, defaults: str) -> upgradecheck.Result:
    return check(conf, defaults=defaults)


def _config_source(_command: upgradecheck.UpgradeCommands,
                   where: str) -> upgradecheck.Result:
    return upgradecheck.Result(upgradecheck.Code.WARNING,
                               CONFIG_SOURCE_NOT_CHECKED % where)


class Commands(upgradecheck.UpgradeCommands):
    """The glance-conf checks, on the config this command parsed, judged
    by ``defaults``; and, when ``config_source`` is set (``where``), a
    warning that what it names was not checked."""

    def __init__(self, conf: cfg.ConfigOpts,
                 defaults: str = definitions.GLANCE_CONF,
                 config_source: str | None = None) -> None:
        found: list[tuple[str, Any]] = [
            (name, (_run, {'check': check, 'conf': conf,
                           'defaults': defaults}))
            for name, check in checks.CHECKS]
        if config_source is not None:
            found.append((CONFIG_SOURCE_CHECK, (
                _config_source, {'where': config_source})))
        self._upgrade_checks = tuple(found)


class _ConfigOpts(cfg.ConfigOpts):
    """oslo.config, with ``--defaults`` described in ``--help``."""

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault('epilog', DEFAULTS_HELP)
        kwargs.setdefault('usage', USAGE)
        kwargs.setdefault('version', '%s %s' % (PROG,
                                                identity.tool_version()))
        super().__call__(*args, **kwargs)


class _NoExit(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise ValueError(message)


def _split_defaults(argv: Sequence[str]) -> tuple[str, list[str]]:
    """``--defaults`` and the rest of ``argv``, for oslo.config.

    Read here, not as an oslo.config option: those are read from
    ``[DEFAULT]`` of the config files and from ``OS_DEFAULT__*`` too, so
    the audited file could choose how it is judged.

    :raises SystemExit: on a bad value, after argparse's usage message.
    """
    parser = argparse.ArgumentParser(prog=PROG, add_help=False)
    parser.add_argument('--defaults', choices=definitions.SEMANTICS,
                        default=definitions.GLANCE_CONF)
    known, rest = parser.parse_known_args(list(argv))
    return known.defaults, rest


def _config_paths(argv: Sequence[str]) -> list[str]:
    """The files oslo.config will read for ``argv``, in its order
    (``oslo_config/cfg.py`` ``ConfigOpts._parse_config_files``): nova's
    default files unless ``--config-file`` is given, the existing default
    directories unless ``--config-dir`` is, then those given.

    :raises LoadError: for a ``--config-dir`` that cannot be listed.
    """
    peek = _NoExit(add_help=False)
    peek.add_argument('--config-file', dest='given', action='append',
                      type=lambda path: ('file', path), default=[])
    peek.add_argument('--config-dir', dest='given', action='append',
                      type=lambda path: ('dir', path), default=[])
    try:
        given: list[tuple[str, str]] = peek.parse_known_args(
            list(argv))[0].given
    except ValueError:
        return []  # oslo.config's own parser says what is wrong
    # By the flags' exact spelling, as oslo.config decides it
    # (``_parse_config_files``): with an abbreviation (--config-f) it
    # reads nova's default files as well as the one given.
    flags = {arg.split('=', 1)[0] for arg in argv}
    paths: list[str] = []
    if '--config-file' not in flags:
        paths += cfg.find_config_files(PROJECT)
    if '--config-dir' not in flags:
        for path in cfg.find_config_dirs(PROJECT):
            if os.path.exists(path):
                paths += source.oslo_dir_files(path)
    for kind, path in given:
        paths += [path] if kind == 'file' else source.dir_files(path)
    return paths


def _preflight(paths: Sequence[str]) -> str | None:
    """Read every file as the audit does; where ``config_source`` is set.

    :raises LoadError: for the first file the audit cannot read.
    """
    where = None
    for path in paths:
        text = source.read_text(path)
        try:
            hit = source.parse_text(path, text).get('DEFAULT',
                                                    'config_source')
        except LoadError:
            continue  # oslo.config names the file it cannot parse
        if hit is not None:
            where = ('[DEFAULT] config_source in %s line %d' % (
                redact.printable(path, 200), hit.line)
                if hit.value.strip() else None)
    if os.environ.get(CONFIG_SOURCE_ENV) is not None:
        where = ('the %s environment variable' % CONFIG_SOURCE_ENV
                 if os.environ[CONFIG_SOURCE_ENV].strip() else None)
    return where


def _files(names: Any) -> str:
    if isinstance(names, str):
        names = [names]
    return ', '.join(redact.printable(str(n), 200) for n in names or ['?'])


def _reason(exc: cfg.Error) -> str:
    """One line for a config that cannot be read; oslo.config's own
    messages can quote a line of the file, which may hold a secret."""
    if isinstance(exc, cfg.ConfigFilesNotFoundError):
        return 'cannot read %s: no such file' % _files(exc.config_files)
    if isinstance(exc, cfg.ConfigFilesPermissionDeniedError):
        return 'cannot read %s: permission denied' % _files(exc.config_files)
    if isinstance(exc, cfg.ConfigDirNotFoundError):
        what = 'not a directory' if os.path.exists(exc.config_dir) \
            else 'no such directory'
        return 'cannot read %s: %s' % (_files(exc.config_dir), what)
    if isinstance(exc, cfg.ConfigFileParseError):
        return 'cannot parse %s: not a file oslo.config can read' % _files(
            exc.config_file)
    return 'cannot load the configuration (%s)' % type(exc).__name__


def list_categories(out: TextIO) -> None:
    """The usage and the categories, one line each: what nova-status
    shows when it is given none."""
    width = max(len(name) for name, _ in CATEGORIES)
    out.write('usage: %s\n\ncategories:\n%s\n' % (USAGE, '\n'.join(
        '  %-*s  %s' % (width, name, line) for name, line in CATEGORIES)))


def run(argv: Sequence[str], stderr: TextIO) -> int:
    """Parse ``argv`` and run the checks; the exit code."""
    if not argv:
        list_categories(stderr)
        stderr.write('%s: error: give a category, such as: upgrade check\n'
                     % PROG)
        return EXIT_USAGE
    try:
        defaults, argv = _split_defaults(argv)
        where = _preflight(_config_paths(argv))
    except SystemExit as exc:
        return 0 if exc.code in (0, None) else EXIT_USAGE
    except LoadError as exc:
        reason = exc.reason
        if reason.startswith('cannot read: '):  # an OSError's strerror
            reason = reason.removeprefix('cannot read: ').lower()
        stderr.write('%s: error: cannot read %s: %s\n' % (
            PROG, redact.printable(exc.path, 200), reason))
        return EXIT_ERROR
    conf = _ConfigOpts()
    # Never load "alternative sources" (remote_file fetches a URL, and
    # logs it with its query): in a file or in OS_DEFAULT__CONFIG_SOURCE.
    conf.set_override('config_source', [])
    try:
        return upgradecheck.main(conf, PROJECT,
                                 Commands(conf, defaults, where), argv=argv)
    except cfg.Error as exc:
        stderr.write('%s: error: %s\n' % (PROG, _reason(exc)))
        return EXIT_ERROR
    except OSError as exc:
        # A path oslo.config opens itself (a directory given as a file).
        stderr.write('%s: error: cannot read %s: %s\n' % (
            PROG, _files(exc.filename), (exc.strerror or 'error').lower()))
        return EXIT_ERROR
    except SystemExit as exc:
        # argparse has printed the usage error, and exits 2 as
        # nova-status does; ``--help`` and ``--version`` exit 0.
        return 0 if exc.code in (0, None) else EXIT_USAGE
    except ValueError as exc:
        # What the pre-flight did not foresee (UnicodeDecodeError is one):
        # one line, never the text oslo.config quotes.
        stderr.write('%s: error: cannot load the configuration (%s)\n'
                     % (PROG, type(exc).__name__))
        return EXIT_ERROR


def main() -> int:
    return run(sys.argv[1:], sys.stderr)


if __name__ == '__main__':
    sys.exit(main())
