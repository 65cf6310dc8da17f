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

"""Every error the audit raises, in one place.

Each is a :class:`glance_conf.exception.GlanceConfError`, so one
``except GlanceConfError`` catches whatever this library raises; where
callers already catch a foreign type (``ValueError``, oslo.config's
``TemplateSubstitutionError``), that type is mixed in, as
:class:`~glance_conf.exception.ConflictingOptError` does. Every error keeps
its inputs as attributes; no attribute or message holds a secret.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oslo_config import cfg

from glance_conf.exception import GlanceConfError


class LoadError(GlanceConfError):
    """A config file that cannot be read or parsed; the message is safe.

    Errors name the file and the line, never the line's text: a malformed
    line may hold a password.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__('%s: %s' % (path, reason))


class SubstitutionLoop(LoadError):
    """A value's ``$`` references never end: no service can read it."""


class Unresolved(GlanceConfError, cfg.TemplateSubstitutionError):
    """A ``$`` reference to a nova option left to its host default.

    Raised inside oslo.config's substitution, which is why it is also its
    ``TemplateSubstitutionError``; the audit reads such a value as
    neither accepted nor refused (GC305).
    """


class UnknownSeverity(GlanceConfError, ValueError):
    """A severity name that is not ``info``, ``low``, ``medium`` or
    ``high``; also a ``ValueError``, as it was before."""

    def __init__(self, text: str, known: Sequence[str]) -> None:
        self.text = text
        self.known = tuple(known)
        super().__init__('unknown severity %r; expected one of: %s'
                         % (text, ', '.join(self.known)))


class PluginLoadError(GlanceConfError):
    """A plugin of the audit could not be loaded or is malformed.

    Loading fails closed: the audit stops rather than run without it.
    """

    #: What the plugin is, for the message.
    kind = 'audit plugin'

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__('%s %r: %s' % (self.kind, name, reason))


class CheckLoadError(PluginLoadError):
    """A check plugin could not be loaded or is malformed."""

    kind = 'audit check'


class FormatLoadError(PluginLoadError):
    """A report format plugin could not be loaded or is malformed."""

    kind = 'report format'


class AuditFailure(GlanceConfError):
    """Start-up refused: findings at or above the chosen severity.

    :param findings: the :class:`~glance_conf.audit.finding.Finding`
        objects; typed loosely, as the findings module raises this
        module's errors and must not be imported by it.
    :param threshold: their :class:`~glance_conf.audit.finding.Severity`.
    """

    def __init__(self, findings: Sequence[Any], threshold: Any) -> None:
        self.findings = tuple(findings)
        self.threshold = threshold
        lines = ['%d [glance] finding(s) at or above %s:'
                 % (len(self.findings), threshold.label)]
        lines += ['  %s %s %s: %s' % (f.check_id, f.severity.label,
                                      f.option or f.file, f.message)
                  for f in self.findings]
        super().__init__('\n'.join(lines))


class EncryptedKey(GlanceConfError, ValueError):
    """A probe's key file needs a passphrase; the probe never asks for
    one (OpenSSL would prompt on the terminal, and wait)."""


class TlsFileRefused(GlanceConfError, ValueError):
    """A TLS file the probe does not load; the message says which and
    why."""


class RequestError(GlanceConfError):
    """A run that cannot start as asked
    (:func:`glance_conf.audit.request.execute`): a flag that contradicts
    another, or a file the run needs (waivers, a baseline, the bundles,
    the checks) that cannot be used.

    The message is one line that names the flag, ready for the command
    line's ``error:``; file names in it are escaped, and it quotes no
    value read from a file.
    """
