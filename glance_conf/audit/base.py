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

"""The check plugin interface.

A check is data (ID, severity, CWE, title, and a docstring that is its
documentation) plus one method, ``run``, that yields findings. Checks are
found through the ``glance_conf.audit.checks`` entry-point namespace.

A check says what is wrong and about which option:
``self.finding('insecure', message)``. The engine
(:mod:`glance_conf.audit.engine`) fills in the file and line.

A check that looks at the disk (a file's mode, whether a named file
exists) sets ``needs_host = True``. The engine runs it only where the
service's host is: on the host, or under ``--root``; offline (fleet
mode, ``--offline``) it is listed as not checked, never silently
passed. Such a check finds the service's files through ``self.host``
(:class:`glance_conf._files.Host`), which the engine sets.

A check names what it maps to in ``references``: Security Guide checklist
items, OpenStack Security Notes and NIST SP 800-53 controls, each as
``<framework>/<ID>`` (the form of a SARIF tag); its CWE is ``cwe``.
"""

from __future__ import annotations

import abc
import inspect
import re
from collections.abc import Iterable
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from glance_conf import _files
from glance_conf import glance
from glance_conf.audit import remedy
from glance_conf.audit import services as services_mod
from glance_conf.audit.finding import MAX_BLAMED
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import INVALID

if TYPE_CHECKING:
    from glance_conf.audit.target import AuditedConf

NAMESPACE = 'glance_conf.audit.checks'

#: ``GC`` and three digits; the hundreds say the area. GC8xx judges
#: other services than nova (``services.ID_RANGES``); GC9xx is left for
#: checks a site adds itself.
ID_RE = re.compile(r'GC[1-9][0-9]{2}')

AREAS = {
    1: 'Transport security (TLS, endpoints)',
    2: 'Image integrity (signatures, certificates)',
    3: 'Option values and names',
    4: 'Ceph RBD downloads',
    5: 'Host: config files and logging',
    6: 'Fleet consistency',
    7: 'Live probe of the Image endpoint (glance-conf-audit probe)',
    8: 'The other services of the image trust path: cinder\'s image '
       'client (GC800-GC849, --service cinder) and glance-api '
       '(GC850-GC899, --service glance-api)',
    9: 'Reserved for site-specific checks',
}

#: What a check's ``references`` may cite: ``<framework>/<ID>``, the ID
#: matching the framework's pattern.
FRAMEWORKS = {
    # The OpenStack Security Guide's checklists: Check-Compute-05.
    'security-guide': re.compile(r'Check-[A-Z][A-Za-z]+-[0-9]{2}'),
    # OpenStack Security Notes: OSSN-0090.
    'ossn': re.compile(r'OSSN-[0-9]{4}'),
    # NIST SP 800-53 Rev. 5 controls, with an enhancement: SC-8, SI-7(15).
    'nist-800-53': re.compile(r'[A-Z]{2}-[0-9]{1,2}(\([0-9]{1,2}\))?'),
}
#: A CWE as a SARIF tag, the form GitHub code scanning reads.
CWE_TAG = 'external/cwe/cwe-%d'


def permission_class(verb: str, who: list[str]) -> str:
    """The class of a file permission problem for a fingerprint:
    ``readable by every user``, ``writable by a group``: who has
    the right, by kind; a group's number is left out, so a file's identity
    does not change with the host's numbering."""
    return '%s by %s' % (verb, ' and '.join(
        'a group' if name.startswith('group ') else name for name in who))


class _Described:
    """Shared by both kinds of check: the fields and their documentation."""

    id: ClassVar[str]
    severity: ClassVar[Severity]
    cwe: ClassVar[int]
    title: ClassVar[str]
    remediation: ClassVar[str]
    #: Whether the check looks at the host's files (modes, owners,
    #: existence) rather than at the text of the config alone.
    needs_host: ClassVar[bool] = False
    #: Whether the check judges a live endpoint (``glance-conf-audit
    #: probe``) rather than files: the plain audit leaves it out.
    live: ClassVar[bool] = False
    #: The services whose files the check judges (see
    #: :mod:`glance_conf.audit.services`); the engine runs it only on a
    #: file of one of them.
    services: ClassVar[tuple[str, ...]] = (services_mod.NOVA,)
    #: What the check maps to, as ``<framework>/<ID>`` (see
    #: :data:`FRAMEWORKS`): ``security-guide/Check-Compute-05``,
    #: ``nist-800-53/SC-8``.
    references: ClassVar[tuple[str, ...]] = ()
    #: How a machine fixes this check's findings (a declaration of
    #: :mod:`~glance_conf.audit.remedy`); ``None``: a person does.
    fix: ClassVar[remedy.Fix | None] = None

    @classmethod
    def doc(cls) -> str:
        """The check's documentation: its docstring, dedented."""
        return inspect.cleandoc(cls.__doc__ or '')

    @classmethod
    def tags(cls) -> list[str]:
        """Its CWE and references, as SARIF tags."""
        return [CWE_TAG % cls.cwe, *cls.references]

    def finding(self, option: str | None, message: str,
                file: str | None = None, line: int | None = None,
                remediation: str | None = None,
                key: str | None = None,
                blamed: Iterable[tuple[int, Iterable[str]]] = ()
                ) -> Finding:
        """Build a finding of this check.

        :param option: a ``[glance]`` option's dest (``insecure``), or
            ``section.key`` for any other (``DEFAULT.debug``); ``None``
            for a finding about a file.
        :param file: only when the finding is about another place than
            the option's value (a raw key, a file's mode); otherwise the
            engine fills in the file and line of the value.
        :param key: the class of what is wrong, when the check and the
            option do not say it all (``http``, the rule broken, the
            permission class): part of the finding's fingerprint, so
            never a value, a count or a path.
        :param blamed: a fleet check's blamed sides, each as ``(hosts
            counted, files kept)``: see :func:`blamed_files`.
        """
        if option is not None and '.' not in option:
            option = '%s.%s' % (glance.GROUP_NAME, option)
        return Finding(check_id=self.id, severity=self.severity,
                       cwe=self.cwe, option=option, message=message,
                       remediation=remediation or self.remediation,
                       file=file, line=line, key=key,
                       blamed=blamed_files(blamed))


def keep_blamed(kept: list[Any], item: Any, count: int, shown: int
                ) -> None:
    """Keep ``item``, the ``count``-th host of one side of a fleet
    check: each up to ``MAX_BLAMED`` (the finding may list them all),
    then only the first ``shown`` (its message names them), since a side
    of more hosts names none in ``blamed``: memory stays that of the
    message on a large fleet."""
    if count <= MAX_BLAMED:
        kept.append(item)
    elif count == MAX_BLAMED + 1:
        del kept[shown:]


def blamed_files(sides: Iterable[tuple[int, Iterable[str]]]
                 ) -> tuple[str, ...]:
    """The file of every host the ``sides`` blame, each side given as
    ``(hosts counted, files kept)``; none when a side kept fewer than it
    counted, or when they are over ``MAX_BLAMED`` in all: a waiver's
    ``files`` could not tell that it covers every blamed host, and so
    does not cover the finding."""
    files: dict[str, None] = {}
    for counted, kept in sides:
        named = list(kept)
        if len(named) < counted:
            return ()
        files.update(dict.fromkeys(named))
    return tuple(files) if len(files) <= MAX_BLAMED else ()


class Check(_Described, abc.ABC):
    """A check of one service's configuration."""

    #: Where the service's files are and whom it runs as; the engine sets
    #: it before :meth:`run` for a check that ``needs_host``.
    host: _files.Host

    @abc.abstractmethod
    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        """Yield the findings for one parsed configuration."""


class ValueCheck(Check):
    """A check of one option's effective value, declared rather than
    written out (checkov's ``BaseResourceValueCheck``): the option, when
    its value is unsafe, and what to say about it.

    A value the service would refuse, or whose ``$`` references cannot
    be resolved, is never judged here (GC302 and GC305 report it).
    """

    #: The option's dest, in :attr:`group`.
    option: ClassVar[str]
    group: ClassVar[str] = glance.GROUP_NAME
    #: What the finding says; ``%(value)s`` is the value, for values that
    #: are never secrets (numbers, booleans).
    message: ClassVar[str]

    @abc.abstractmethod
    def unsafe(self, value: Any) -> bool:
        """Whether the effective ``value`` is a finding."""

    def describe(self, value: Any) -> str:
        """The finding's message for ``value``."""
        return self.message % {'value': value}

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        value = conf.value(self.option, self.group)
        if value is not INVALID and self.unsafe(value):
            option = self.option if self.group == glance.GROUP_NAME \
                else '%s.%s' % (self.group, self.option)
            yield self.finding(option, self.describe(value))


class RefusedValueCheck(Check):
    """Values of another service's options that its own types refuse.

    That service fails each time it reads such a value (oslo.config
    raises), and the audit cannot judge it either. The message names the
    option and the type, never the value: oslo.config's own reasons
    quote it, and it may be a secret pasted into the wrong option.
    """

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        profile = services_mod.profile(self.services[0])
        for group, opt in profile.opts:
            if conf.value(opt.dest, group) is INVALID \
                    and not conf.unjudged(opt.dest, group):
                yield self.finding(
                    '%s.%s' % (group, opt.dest), '[%s] %s: %s refuses its '
                    'value (the type is %r); it fails each time it reads '
                    'it. The value is not shown.' % (
                        group, opt.dest, profile.name, opt.type),
                    key=repr(opt.type))


class FleetCheck(_Described, abc.ABC):
    """A check that compares many hosts' configurations.

    ``observe`` is called once per host, in order; ``finish`` yields the
    findings once every host has been seen. Implementations must keep
    memory bounded whatever the number of hosts (:func:`keep_blamed`).
    A finding names the hosts it blames with ``finding(..., blamed=)``:
    without them, a waiver's ``files`` never covers it.
    """

    @abc.abstractmethod
    def observe(self, conf: AuditedConf) -> None:
        """Take note of one host's configuration."""

    @abc.abstractmethod
    def finish(self) -> Iterable[Finding]:
        """Yield the findings across every observed host."""
