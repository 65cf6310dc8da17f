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
255 an error (bad usage, or a config file that cannot be read: one line,
never a traceback). The options come first, as oslo.config parses them:
``glance-conf-status --config-file /etc/nova/nova.conf upgrade check``.
Without ``--config-file``/``--config-dir``, nova's default files are read.
``--defaults nova`` judges a swap that keeps nova's defaults.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any
from typing import TextIO

from oslo_config import cfg
from oslo_upgradecheck import upgradecheck

from glance_conf import definitions
from glance_conf import redact
from glance_conf import upgradecheck as checks

PROG = 'glance-conf-status'
#: The project whose default config files are read, as nova-status does.
PROJECT = 'nova'
#: oslo.upgradecheck's "not a check result" exit code.
EXIT_ERROR = 255


#: Which defaults the drop-in will have after the swap, as
#: glance-conf-audit's --defaults.
DEFAULTS_OPT = cfg.StrOpt(
    'defaults', default=definitions.GLANCE_CONF,
    choices=definitions.SEMANTICS,
    help='the defaults the drop-in is registered with after the swap: '
         'glance-conf (its own, the default) or nova (nova 34\'s, with '
         'glance_conf.glance.use_defaults(conf, "nova"))')


def _run(_command: upgradecheck.UpgradeCommands, check: checks.Check,
         conf: cfg.ConfigOpts) -> upgradecheck.Result:
    return check(conf, defaults=conf.defaults)


class Commands(upgradecheck.UpgradeCommands):
    """The glance-conf checks, on the config this command parsed."""

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self._upgrade_checks = tuple(
            (name, (_run, {'check': check, 'conf': conf}))
            for name, check in checks.CHECKS)


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
        return 'cannot read %s: no such directory' % _files(exc.config_dir)
    if isinstance(exc, cfg.ConfigFileParseError):
        return 'cannot parse %s: not a file oslo.config can read' % _files(
            exc.config_file)
    return 'cannot load the configuration (%s)' % type(exc).__name__


def run(argv: Sequence[str], stderr: TextIO) -> int:
    """Parse ``argv`` and run the checks; the exit code."""
    conf = cfg.ConfigOpts()
    conf.register_cli_opt(DEFAULTS_OPT)
    try:
        return upgradecheck.main(conf, PROJECT, Commands(conf),
                                 argv=list(argv))
    except cfg.Error as exc:
        stderr.write('%s: error: %s\n' % (PROG, _reason(exc)))
        return EXIT_ERROR
    except OSError as exc:
        # A path oslo.config opens itself (a directory given as a file).
        stderr.write('%s: error: cannot read %s: %s\n' % (
            PROG, _files(exc.filename), (exc.strerror or 'error').lower()))
        return EXIT_ERROR
    except SystemExit as exc:
        # argparse has printed the usage error; 2 would read as FAILURE.
        return 0 if exc.code in (0, None) else EXIT_ERROR


def main() -> int:
    return run(sys.argv[1:], sys.stderr)


if __name__ == '__main__':
    sys.exit(main())
