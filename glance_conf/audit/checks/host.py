"""GC5xx: the config files themselves, and logging."""

from __future__ import annotations

import abc
from collections.abc import Iterator

from glance_conf import _files
from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit.cwe import EXTERNAL_CONTROL_OF_CONFIGURATION
from glance_conf.audit.cwe import IMPROPER_OWNERSHIP_MANAGEMENT
from glance_conf.audit.cwe import INCORRECT_PERMISSION_ASSIGNMENT
from glance_conf.audit.cwe import SENSITIVE_INFORMATION_IN_LOG
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import AuditedConf


class _FileModeCheck(base.Check):
    """Shared loop: one finding per loaded file whose mode matches."""

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        for raw_file in conf.files:
            found = _files.mode_and_owner(raw_file.path)
            if found is None:
                continue
            message = self.problem(*found)
            if message:
                # About the file itself, not a value in it.
                yield self.finding(None, message, raw_file.path)

    @abc.abstractmethod
    def problem(self, mode: int, uid: int) -> str | None:
        """What is wrong with a file of this mode and owner, if anything."""


class ConfigWritableByOthers(_FileModeCheck):
    """A loaded config file is writable by its group or by others.

    Whoever can write the file can point the service at their own Image
    endpoint, switch off TLS and signature verification, or read the
    secrets of every other section. (Security Guide, Check-Compute-02.)

    Fix: ``chown root:nova`` the file and ``chmod 0640`` it.
    """

    id = 'GC501'
    severity = Severity.HIGH
    cwe = INCORRECT_PERMISSION_ASSIGNMENT
    title = 'Config file writable by group or others'
    remediation = 'chown root:nova the file and chmod 0640 it.'

    def problem(self, mode: int, uid: int) -> str | None:
        if mode & 0o022:
            return 'Config file has mode %04o: writable by %s.' % (
                mode, 'group and others' if mode & 0o022 == 0o022
                else 'group' if mode & 0o020 else 'others')
        return None


class ConfigReadableByOthers(_FileModeCheck):
    """A loaded config file is readable by every user on the host.

    A ``nova.conf`` holds database, message-queue and Keystone passwords.
    (Security Guide, Check-Compute-02.)

    Fix: ``chmod 0640`` the file, group ``nova``.
    """

    id = 'GC502'
    severity = Severity.MEDIUM
    cwe = INCORRECT_PERMISSION_ASSIGNMENT
    title = 'Config file readable by others'
    remediation = 'chmod 0640 the file, with group nova.'

    def problem(self, mode: int, uid: int) -> str | None:
        if mode & 0o004:
            return 'Config file has mode %04o: readable by every user.' % mode
        return None


class ConfigNotOwnedByRoot(_FileModeCheck):
    """A loaded config file is not owned by root.

    Its owner can change its mode and content at will; if that is the
    service user, a compromised service can rewrite its own
    configuration. (Security Guide, Check-Compute-01.)

    Fix: ``chown root:nova`` the file.
    """

    id = 'GC503'
    severity = Severity.MEDIUM
    cwe = IMPROPER_OWNERSHIP_MANAGEMENT
    title = 'Config file not owned by root'
    remediation = 'chown root:nova the file.'

    def problem(self, mode: int, uid: int) -> str | None:
        if uid != 0:
            return 'Config file is owned by uid %d, not root.' % uid
        return None


class DebugLogging(base.Check):
    """Debug logging is on.

    Debug logs of the Image client show request details (URLs, headers,
    image metadata) and, in the service's own log, much more. Logs travel
    to places the config file does not.

    Fix: set ``debug = False`` in ``[glance]`` and ``[DEFAULT]``.
    """

    id = 'GC504'
    severity = Severity.LOW
    cwe = SENSITIVE_INFORMATION_IN_LOG
    title = 'Debug logging enabled'
    remediation = 'Set debug = False.'

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        if conf.value('debug') is True:
            yield self.finding('debug', 'Debug logging of the Image client '
                               'is on.')
        hit = conf.raw('DEFAULT', 'debug')
        if hit and hit.value.strip().lower() in ('true', '1', 'yes', 'on'):
            yield self.finding('DEFAULT.debug', 'Debug logging of the '
                               'service is on.')


class AlternativeConfigSource(base.Check):
    """Config values are loaded from a remote or alternative source.

    ``[DEFAULT] config_source`` names sections whose ``driver`` (an
    ``oslo.config.driver`` plugin such as ``remote_file``) makes the
    service load option values from elsewhere, for example an HTTP GET of
    ``uri`` at every start. Those values override nothing in the file
    but fill every option the file leaves unset, come from a place the
    file's permissions do not protect (over plain HTTP, from anyone on
    the path), and are invisible to this audit, which never fetches
    them: the audit judged the local files only.

    Fix: keep the ``[glance]`` settings in local files, or serve the
    source over verified HTTPS from a host as trusted as the config file.
    """

    id = 'GC505'
    severity = Severity.MEDIUM
    cwe = EXTERNAL_CONTROL_OF_CONFIGURATION
    title = 'Config values loaded from a remote or alternative source'
    remediation = ('Keep the settings in local files, or serve the source '
                   'over verified HTTPS from a trusted host.')

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        names = conf.value('config_source', 'DEFAULT')
        if not isinstance(names, list) or not names:
            return
        for name in names:
            driver = conf.raw(name, 'driver')
            uri = conf.raw(name, 'uri')
            how = 'driver %s' % redact.printable(
                driver.value, 40) if driver else 'no driver'
            if uri:
                how += ' from %s' % redact.redact_url(uri.value)
            yield self.finding(
                'DEFAULT.config_source',
                '[DEFAULT] config_source loads values from [%s] (%s); '
                'the audit did not fetch them and judged the local files '
                'only.' % (redact.printable(name, 40), how))
