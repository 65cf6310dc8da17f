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

"""Errors raised by glance_conf.

Every error keeps its inputs as attributes, in the manner of
``oslo_config.cfg``, so callers can react to the parts rather than parse
the message. No attribute or message ever holds a secret value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from keystoneauth1 import exceptions as ks_exc
from oslo_config import cfg

from glance_conf import redact


class GlanceConfError(Exception):
    """Base class of every error this library raises on purpose."""


class ConflictingOptError(GlanceConfError, cfg.DuplicateOptError):
    """An option of the same name is registered with another definition.

    Subclasses :class:`oslo_config.cfg.DuplicateOptError` so that code
    written for oslo.config's own duplicate check keeps catching it.
    """

    def __init__(self, group: str, opt_name: str,
                 differences: Sequence[str]) -> None:
        self.group = group
        self.opt_name = opt_name
        self.differences = tuple(differences)
        cfg.DuplicateOptError.__init__(self, opt_name)

    def __str__(self) -> str:
        return ('[%s] %s is already registered with a different '
                'definition (%s); nothing was registered'
                % (self.group, self.opt_name, '; '.join(self.differences)))


class Problem(NamedTuple):
    """One refused value: ``[group] option``, why, and where it was set."""

    option: str
    reason: str
    path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ''
        if self.path:
            where = ' (%s%s)' % (redact.printable(self.path, 300),
                                 ' line %d' % self.line if self.line else '')
        return '%s%s: %s' % (self.option, where, self.reason)


class InvalidOptionError(GlanceConfError, ValueError):
    """One or more ``[glance]`` values are refused by their types.

    One line per refused value: the option, the file and line that set
    it, and the reason. Reasons never quote what could be a secret.
    """

    def __init__(self, problems: Sequence[Problem | tuple[str, str]]
                 ) -> None:
        self.problems = tuple(Problem(*p) for p in problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = ['%d invalid option value(s):' % len(self.problems)]
        lines += ['  ' + str(problem) for problem in self.problems]
        return '\n'.join(lines)


class UnknownOptionError(GlanceConfError, ValueError):
    """A default was given for an option this library does not define."""

    def __init__(self, opt_name: str) -> None:
        self.opt_name = opt_name
        super().__init__('[glance] has no option named %r' % opt_name)


class RedirectRefused(GlanceConfError, ks_exc.ClientException):
    """The server redirected to another origin, from https to http, or to
    a location that cannot be trusted to mean one origin.

    Also a keystoneauth ``ClientException``, so callers that catch
    keystoneauth's errors around an Image API call keep catching it.
    """


class NotRecorded(GlanceConfError, OSError):
    """A path a host known only by its recorded facts has no facts for.

    Not "does not exist": nothing is known of it. Hosts that record
    (:class:`glance_conf._files.Host` subclasses) keep such paths, so
    that the caller can report them as not checked. An :class:`OSError`,
    as what a real host would raise in its place.
    """


class UnknownAccount(GlanceConfError, ValueError):
    """A service user or group name that this machine does not know.

    The message names the flag and says to give the number instead; it
    is safe to show.
    """
