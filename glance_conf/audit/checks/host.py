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

"""GC5xx: the config files themselves, and logging.

The permission checks (GC501, GC502, GC503, GC506) follow the OpenStack
Security Guide, Compute checklist: Check-Compute-01 (owner ``root``,
group ``nova``) and Check-Compute-02 (mode ``0640`` or stricter).
Group ``root`` and the service's group are not "others"; what the
service itself can rewrite is low; what anyone else can write is high;
what others can read is medium when the file holds a secret, low when
it does not.
"""

from __future__ import annotations

import abc
import os
import re
import stat
from collections.abc import Iterator

from glance_conf import _files
from glance_conf import redact
from glance_conf.audit import base
from glance_conf.audit import references as refs
from glance_conf.audit import source
from glance_conf.audit.cwe import EXTERNAL_CONTROL_OF_CONFIGURATION
from glance_conf.audit.cwe import IMPROPER_OWNERSHIP_MANAGEMENT
from glance_conf.audit.cwe import INCORRECT_PERMISSION_ASSIGNMENT
from glance_conf.audit.cwe import SENSITIVE_INFORMATION_IN_LOG
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import AuditedConf

#: Keys whose value is a secret, in any section: any name holding one of
#: these words, or ending in one of :data:`SECRET_SUFFIXES` (``fixed_key``,
#: ``memcache_secret_key``, osprofiler's ``hmac_keys``), or named in
#: :data:`SECRET_NAMES`.
SECRET_WORDS = ('password', 'secret')
SECRET_SUFFIXES = ('_key', '_keys')
SECRET_NAMES = ('admin_token', 'token', 'auth_token')
#: Names that only point at a secret, or merely mention one: a UUID
#: (``rbd_secret_uuid``), an ID, a file, a length or a switch.
NOT_SECRET_SUFFIXES = ('_uuid', '_id', '_file', '_path')
#: An ID named for a secret is one all the same: castellan's ``[vault]
#: root_token_id`` and ``approle_secret_id`` hold the token and the
#: secret themselves.
SECRET_ID_WORDS = ('password', 'secret', 'token')
SECRET_ID_SUFFIX = '_id'  # noqa: S105 - a name, not a password
#: Options whose value is ``name:value``, secret when ``name`` is
#: (oslo.cache's ``backend_argument = password:...``).
SECRET_ARGUMENT_OPTIONS = ('backend_argument',)
NOT_SECRET_NAMES = ('password_length', 'enable_instance_password')
#: Secret keys named in one finding; more are only counted.
MAX_SECRETS_NAMED = 5

_URL_SCHEME = re.compile(r'[A-Za-z][A-Za-z0-9+.-]*://')
_PASSWORD = re.compile(r':[^@]')
#: A name that may hold a secret by the rules below; any other name, with
#: no URL in its value, is decided at once (a 1 MiB file has 10^5 keys).
_MAYBE_SECRET = re.compile('|'.join(
    [re.escape(w) for w in SECRET_WORDS + SECRET_ID_WORDS]
    + ['%s$' % re.escape(s) for s in SECRET_SUFFIXES]
    + ['^%s$' % re.escape(n) for n in SECRET_NAMES
       + SECRET_ARGUMENT_OPTIONS]))
#: The files whose secrets were last listed, by identity: GC502 and GC506
#: both ask, and listing a large file twice doubled the audit's time.
_LISTED: dict[int, tuple[source.RawFile, list[str]]] = {}
_MAX_LISTED = 8


def _url_has_password(value: str) -> bool:
    """Whether a URL carries ``user:password@``.

    As :func:`glance_conf.redact.redact_url` reads it, everything from
    the scheme to the last ``@`` is user-info, so the several hosts of a
    ``transport_url`` are covered (a port there may be taken for a
    password: over-reporting a secret is the safe side).
    """
    match = _URL_SCHEME.search(value)
    if match is None:
        return False
    return _PASSWORD.search(value, match.end(),
                            max(value.rfind('@'), match.end())) is not None


def is_secret(key: str, value: str) -> bool:
    """Whether ``key = value`` in a config file holds a secret.

    A URL with a password in it counts whatever its key
    (``transport_url``, ``[database] connection``); an empty value never
    does, nor an absolute path under a ``*_key`` name (a key *file*). A
    secret word beats the ``_id`` suffix (``root_token_id``), and an
    argument option's value is judged by its argument's name
    (``backend_argument = password:...``).
    """
    value = value.strip()
    if not value:
        return False
    name = key.lower()
    if '://' not in value and not _MAYBE_SECRET.search(name):
        return False
    if _url_has_password(value):
        return True
    if name in NOT_SECRET_NAMES:
        return False
    if name.endswith(SECRET_ID_SUFFIX) and \
            any(w in name for w in SECRET_ID_WORDS):
        return True
    if name.endswith(NOT_SECRET_SUFFIXES):
        return False
    if name in SECRET_NAMES or any(w in name for w in SECRET_WORDS):
        return True
    if name in SECRET_ARGUMENT_OPTIONS:
        argument, colon, rest = value.partition(':')
        return bool(colon) and is_secret(argument, rest)
    return name.endswith(SECRET_SUFFIXES) and not value.startswith('/')


def secrets_in(raw_file: source.RawFile) -> list[str]:
    """``section.key`` of every secret the file holds, never a value."""
    listed = _LISTED.get(id(raw_file))
    if listed is not None and listed[0] is raw_file:
        return listed[1]
    found = ['%s.%s' % (section, key)
             for section, keys in raw_file.sections.items()
             for key, assignment in keys.items()
             if is_secret(key, assignment.value)]
    if len(_LISTED) >= _MAX_LISTED:
        _LISTED.clear()
    # The file is kept with its list, so its id cannot be reused meanwhile.
    _LISTED[id(raw_file)] = (raw_file, found)
    return found


class _FilePermissionCheck(base.Check):
    """Shared loop: at most one finding per loaded config file.

    The config files are judged as ``self.host`` finds them (on this
    machine where the command line names them, or from a bundle's
    recorded facts), with its service account.
    """

    needs_host = True

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        for raw_file in conf.files:
            info = self.host.examine(raw_file.path)
            if info is None:
                continue
            problem = self.problem(self.host.account, raw_file, info)
            if problem:
                message, key = problem
                # About the file itself, not a value in it.
                yield self.finding(None, 'Config file has mode %04o, owner '
                                   'uid %d, group %d: %s.' % (
                                       stat.S_IMODE(info.st_mode),
                                       info.st_uid, info.st_gid, message),
                                   raw_file.path, key=key)

    @abc.abstractmethod
    def problem(self, account: _files.Account, raw_file: source.RawFile,
                info: os.stat_result) -> tuple[str, str] | None:
        """What is wrong with this file, if anything: the message, and
        its permission class for the fingerprint (who, never a number)."""


class ConfigWritableByOthers(_FilePermissionCheck):
    """A loaded config file is writable by someone other than root and
    the service.

    That is, writable by every user, or by a group that is neither
    ``root`` nor the service's group. Any member can then point the
    service at their own Image endpoint, switch off TLS and signature
    verification, or plant options that run code. A file writable by
    group ``root`` only (kolla's host copies, ``0660 root:root``) is not
    reported: that group is privileged. A file the service itself can
    write is GC503's. The file's own bits are judged, not the
    directories above it.

    Fix: ``chown root:nova`` the file and ``chmod 0640`` it
    (Security Guide, Check-Compute-01 and -02).
    """

    id = 'GC501'
    severity = Severity.HIGH
    cwe = INCORRECT_PERMISSION_ASSIGNMENT
    title = 'Config file writable by others than root and the service'
    references = (refs.CHECK_COMPUTE_02, refs.AC_6)
    remediation = 'chown root:nova the file and chmod 0640 it.'

    def problem(self, account: _files.Account, raw_file: source.RawFile,
                info: os.stat_result) -> tuple[str, str] | None:
        writers = _files.strangers(account, info, _files.WRITE)
        if writers:
            return ('writable by %s' % ' and '.join(writers),
                    base.permission_class('writable', writers))
        return None


class ConfigDirectoryWritableByOthers(base.Check):
    """A directory that holds a loaded config file is writable by others.

    Others are every user, or a group that is neither ``root`` nor the
    service's. In a ``--config-dir``, oslo.config loads every ``*.conf``
    file, so whoever can write the directory can add ``99-mine.conf``
    with ``insecure = True`` and win over every other file; the sticky
    bit does not help, it only protects files already there. The
    directory of a file named with ``--config-file`` lets them replace
    the file itself, unless it has the sticky bit (``/tmp`` style) and
    the file is not theirs. Reported once per directory.

    Fix: ``chown root:nova`` the directory and ``chmod 0750`` it
    (Security Guide, Check-Compute-02).
    """

    id = 'GC507'
    severity = Severity.HIGH
    cwe = INCORRECT_PERMISSION_ASSIGNMENT
    title = 'Config directory writable by others than root and the service'
    references = (refs.CHECK_COMPUTE_02, refs.AC_6)
    remediation = 'chown root:nova the directory and chmod 0750 it.'
    needs_host = True

    def run(self, conf: AuditedConf) -> Iterator[Finding]:
        config_dirs = self.host.config_dirs(
            getattr(conf.conf, 'config_dir', None) or [])
        seen: set[str] = set()
        for raw_file in conf.files:
            directory = self.host.directory_of(raw_file.path)
            if directory in seen:
                continue
            seen.add(directory)
            info = self.host.examine(directory)
            if info is None:
                continue
            writers = _files.strangers(self.host.account, info,
                                       _files.WRITE)
            loads_all = directory in config_dirs
            if not writers or (info.st_mode & stat.S_ISVTX
                               and not loads_all):
                continue
            what = ('a config dir: anyone there can add a file that '
                    'oslo.config loads' if loads_all else
                    'without the sticky bit: the file can be replaced')
            yield self.finding(None, 'Directory %s has mode %04o, group %d: '
                               'writable by %s, %s.' % (
                                   redact.printable(directory, 200),
                                   stat.S_IMODE(info.st_mode), info.st_gid,
                                   ' and '.join(writers), what),
                               raw_file.path)


class ConfigReadableByOthers(_FilePermissionCheck):
    """A loaded config file that holds secrets is readable by others.

    Others are every user, or a group that is neither ``root`` nor the
    service's. A secret anywhere in the file counts, not only in
    ``[glance]``: the RabbitMQ password in ``transport_url``, the
    database password in ``[database] connection``, any ``*password*``,
    ``*secret*`` or ``*_key`` option (``memcache_secret_key``,
    ``metadata_proxy_shared_secret``, ``[key_manager] fixed_key``). The
    finding names the ``section.key`` of each secret, never its value.

    Fix: ``chown root:nova`` the file and ``chmod 0640`` it
    (Security Guide, Check-Compute-01 and -02).
    """

    id = 'GC502'
    severity = Severity.MEDIUM
    cwe = INCORRECT_PERMISSION_ASSIGNMENT
    title = 'Config file with secrets readable by others'
    references = (refs.CHECK_COMPUTE_02, refs.AC_6)
    remediation = 'chown root:nova the file and chmod 0640 it.'

    def problem(self, account: _files.Account, raw_file: source.RawFile,
                info: os.stat_result) -> tuple[str, str] | None:
        readers = _files.strangers(account, info, _files.READ)
        secrets = secrets_in(raw_file) if readers else []
        if not secrets:
            return None
        named = ', '.join(secrets[:MAX_SECRETS_NAMED])
        if len(secrets) > MAX_SECRETS_NAMED:
            named += ' and %d more' % (len(secrets) - MAX_SECRETS_NAMED)
        return ('readable by %s, and it holds secrets (%s; values not '
                'shown)' % (' and '.join(readers), named),
                base.permission_class('readable', readers))


class ConfigNotOwnedByRoot(_FilePermissionCheck):
    """A loaded config file is not owned by root, or the service can
    write it.

    Its owner can change its mode and content at will. When that is the
    service account (Ubuntu's ``nova:nova`` files, kolla's in-container
    copies owned by ``nova``), or the file is writable by the service's
    group, a compromised service can rewrite its own configuration: the
    rest of the host is not exposed, so this is low. Any other owner is
    an account the audit cannot judge: make sure it is an administrator
    (Security Guide, Check-Compute-01: owner ``root``, group ``nova``).

    Fix: ``chown root:nova`` the file and ``chmod 0640`` it.
    """

    id = 'GC503'
    severity = Severity.LOW
    cwe = IMPROPER_OWNERSHIP_MANAGEMENT
    title = 'Config file not owned by root, or writable by the service'
    references = (refs.CHECK_COMPUTE_01, refs.AC_6)
    remediation = 'chown root:nova the file and chmod 0640 it.'

    def problem(self, account: _files.Account, raw_file: source.RawFile,
                info: os.stat_result) -> tuple[str, str] | None:
        reasons, classes = [], []
        if info.st_uid == account.uid and info.st_uid != 0:
            reasons.append('the service account owns it, so the service '
                           'can rewrite its own config')
            classes.append('owned by the service')
        elif info.st_uid != 0:
            reasons.append('owned by uid %d, not root: that account can '
                           'rewrite it' % info.st_uid)
            classes.append('owned by another account')
        if info.st_mode & 0o020 and info.st_gid != 0 \
                and info.st_gid == account.gid:
            reasons.append('writable by the service\'s group, so the '
                           'service can rewrite its own config')
            classes.append('writable by the service\'s group')
        return ('; '.join(reasons), '; '.join(classes)) if reasons else None


class ConfigWithoutSecretsReadable(_FilePermissionCheck):
    """A loaded config file is readable by others; it holds no secret.

    Others are every user, or a group that is neither ``root`` nor the
    service's. With no secret in the file (no password, ``*secret*`` or
    ``*_key`` option, no URL with a password) this exposes the
    deployment's layout only, hence low; the Security Guide still asks
    for ``0640`` (Check-Compute-02), so that a secret added later is not
    exposed. A file with a secret is GC502's.

    Fix: ``chmod 0640`` the file, group ``nova``.
    """

    id = 'GC506'
    severity = Severity.LOW
    cwe = INCORRECT_PERMISSION_ASSIGNMENT
    title = 'Config file readable by others (no secret in it)'
    references = (refs.CHECK_COMPUTE_02, refs.AC_6)
    remediation = 'chmod 0640 the file, with group nova.'

    def problem(self, account: _files.Account, raw_file: source.RawFile,
                info: os.stat_result) -> tuple[str, str] | None:
        readers = _files.strangers(account, info, _files.READ)
        if readers and not secrets_in(raw_file):
            return ('readable by %s; it holds no secret' % ' and '.join(
                readers), base.permission_class('readable', readers))
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
    references = (refs.CM_6,)
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
    references = (refs.SI_7, refs.CM_6)
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
                'only.' % (redact.printable(name, 40), how),
                # The section and its driver, never the URI.
                key='%s\x1f%s' % (redact.printable(name, 40),
                                  redact.printable(driver.value, 40)
                                  if driver else ''))
