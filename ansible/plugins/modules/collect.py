#!/usr/bin/python
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

"""Collect one service's config on a host as a glance-conf bundle (v1).

It runs on the managed host with the Python standard library only: the
hosts do not have glance-conf. The secret rule (:func:`is_secret`) is a
copy of ``glance_conf.audit.checks.host.is_secret``; the test
``tests/ansible/test_collect.py`` holds the two to each other.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: collect
short_description: Collect a host's nova, cinder or glance-api config for glance-conf-audit
version_added: "1.0.0"
description:
  - Reads the config files and config dirs of one service of the image
    trust path (O(service)) it is given, in oslo.config's order (every file of O(config_files) as given, then the
    C(*.conf) files of each of O(config_dirs) sorted by name), and returns
    them as a glance-conf bundle (format C(glance-conf-bundle), version 1)
    that C(glance-conf-audit --bundles DIR) audits on the controller.
    The bundle says its service, so that a host running several (a
    controller with nova-api, cinder and glance-api) has one bundle
    per service, each audited as that service layers its files.
  - Secret values are masked on the host, before anything leaves it.
    Any option named C(*password*) or C(*secret*), C(*_key) or
    C(*_keys) (unless its value is an absolute path, a key file),
    C(token), C(admin_token) or C(auth_token) (not C(*_uuid), C(*_id),
    C(*_file), C(*_path); but an C(*_id) with C(password), C(secret) or
    C(token) in its name is secret, as castellan's C(root_token_id))
    becomes C(********), and so does the value of an oslo.cache
    C(backend_argument) whose argument is so named
    (C(password:********)).
  - On every line, whatever it is (an assignment, a comment, a section
    header, a line oslo.config refuses), the password in a URL
    (C(rabbit://nova:********@host)) and the values of a URL's query
    string are masked; a line oslo.config refuses is masked whole (a
    C([) line that is no section header becomes C([********), a line
    with an empty key, a password wrapped onto its own line, becomes
    C(=********)), and so is every line before the first section
    header (a file that starts otherwise, as a shadow file a link in a
    config dir points to, is no nova config). Masked text keeps its
    lines and keys, so findings keep their file and line.
  - Each config file comes with its mode, owner and group; so does every
    path the service's TLS and Ceph options name (as the last file that
    sets them, in oslo.config's order, sets them), with every directory
    on the way, present or not. For nova, the C([glance]) options
    C(cafile), C(certfile), C(keyfile) and C(rbd_ceph_conf), and the
    C([libvirt] images_rbd_ceph_conf) nova falls back on; for cinder,
    the C([DEFAULT]) options C(glance_ca_certificates_file),
    C(glance_certfile) and C(glance_keyfile) of its image client;
    glance-api's judged options name no file. With the service account's IDs, the audit judges
    permissions and presence from the host's own facts.
  - Read-only. It never changes anything, in check mode or not.
  - Needs only the Python standard library on the host.
options:
  service:
    description:
      - The service whose config is collected. It chooses the default
        O(config_files), O(service_user) and O(service_group), and the
        options whose paths are recorded.
    type: str
    choices: [nova, cinder, glance-api]
    default: nova
  config_files:
    description:
      - The config files, as the service names them (its C(--config-file)
        flags), in order. Absolute paths.
      - Defaults to the service's own file, C(/etc/nova/nova.conf),
        C(/etc/cinder/cinder.conf) or C(/etc/glance/glance-api.conf).
    type: list
    elements: str
  config_dirs:
    description:
      - The service's config dirs (its C(--config-dir) flags), in order;
        each contributes its C(*.conf) files, sorted by name, after all
        of O(config_files). Absolute paths.
      - A config dir that does not exist, is not a directory or cannot
        be listed does not fail the module. The bundle comes back with
        that dir's C(error); the audit names the host, the dir and the
        error, and does not audit the host (its config is not complete,
        and oslo.config itself refuses a missing C(--config-dir)).
    type: list
    elements: str
    default: []
  root:
    description:
      - The service's root file system on the host, for a service that
        runs in a container, for example C(/proc/<pid>/root) of kolla's
        C(nova_compute) container.
      - Every path (config files, config dirs, the paths the config names,
        C(/etc/passwd) and C(/etc/group) for the account) is then found
        under O(root) as a C(chroot) would find it. An absolute symbolic
        link starts again at O(root), C(..) stops at it, and after 40
        links a path is reported as unusable. Nothing outside O(root) is
        looked at. Paths in the bundle stay the service's paths.
    type: str
  service_user:
    description:
      - The service's user, a name or a number. A name is looked up in
        O(root)C(/etc/passwd) when O(root) is given (the container's
        accounts, for example kolla's C(nova), 42436), else on the host.
      - Defaults to the service's account, C(nova), C(cinder) or
        C(glance); when no account of that name exists, the IDs are
        reported as unknown. A name given that does not exist is an
        error.
    type: raw
  service_group:
    description:
      - The service's group, a name or a number, looked up as
        O(service_user) is. Defaults to the service's, as O(service_user).
    type: raw
attributes:
  check_mode:
    support: full
    description: Read-only; check mode runs it unchanged.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
  platform:
    platforms: linux
    support: full
    description: >-
      Linux hosts (and containers) running the service; the module walks paths
      with O_PATH and reads a file through C(/proc/self/fd), which only
      Linux has.
notes:
  - Files larger than 2 MiB are not read (their C(error) says so); at
    most 256 config files and 64 named paths are collected.
  - A C($name) or C(${name}) reference in a path is resolved as
    oslo.config does (the option of the same group, else of
    C([DEFAULT]); C($group.name)), from the values the config files
    set. One the module cannot resolve (an option set in no file, whose
    default only the service knows) is reported under its literal
    value with the error C(not resolved ($ reference)); the audit then
    does not judge that path.
  - Needs the rights to read the files, usually C(become=true).
seealso:
  - name: glance-conf-audit
    description: The audit that reads the bundles (C(--bundles DIR)).
    link: https://pypi.org/project/glance-conf/
author:
  # No GitHub handle: ansible-test's required form for that.
  - glance-conf developers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Collect nova.conf and nova.conf.d on compute hosts
  glance_conf.audit.collect:
    config_files: [/etc/nova/nova.conf]
    config_dirs: [/etc/nova/nova.conf.d]
  become: true
  register: collected

- name: Collect cinder's config on a storage host
  glance_conf.audit.collect:
    service: cinder
    config_dirs: [/etc/cinder/cinder.conf.d]
  become: true
  register: collected

- name: Inside kolla's nova_compute container, seen from the host
  glance_conf.audit.collect:
    config_files: [/etc/nova/nova.conf]
    root: "/proc/{{ nova_compute_pid }}/root"
    service_user: nova
    service_group: nova
  become: true
  register: collected

- name: Save the bundle on the controller
  ansible.builtin.copy:
    content: "{{ collected.bundle | to_nice_json }}"
    dest: "bundles/{{ inventory_hostname }}.json"
    mode: "0600"
  delegate_to: localhost
'''

RETURN = r'''
changed:
  description: Always false; the module only reads.
  returned: always
  type: bool
  sample: false
bundle:
  description:
    - The host's bundle, format C(glance-conf-bundle) version 1. The
      playbook C(glance_conf.audit.fleet) sets C(host) and C(group)
      and writes it to C(<bundle dir>/<inventory_hostname>.json), or
      C(<inventory_hostname>@<service>.json) for another service than
      nova.
  returned: success
  type: dict
  contains:
    format:
      description: Always C(glance-conf-bundle).
      type: str
      returned: always
      sample: glance-conf-bundle
    version:
      description: The bundle format's version.
      type: int
      returned: always
      sample: 1
    host:
      description: Null; the playbook sets the inventory name.
      type: str
      returned: always
      sample: null
    group:
      description: Null; the playbook sets the drift group.
      type: str
      returned: always
      sample: null
    service:
      description: O(service); the bundle's files configure it.
      type: str
      returned: always
      sample: cinder
    collected_at:
      description: When, in UTC (ISO 8601).
      type: str
      returned: always
      sample: "2026-11-29T14:00:00Z"
    root:
      description: O(root) as given, or null.
      type: str
      returned: always
      sample: /proc/1234/root
    account:
      description:
        - The service account as the host (or O(root)) knows it. C(uid)
          and C(gid) are null and C(groups) empty when unknown.
      type: dict
      returned: always
      sample: {"user": "nova", "uid": 42436, "gid": 42436,
               "groups": [42436]}
    config:
      description:
        - Every config file oslo.config would load, in its order, with
          the service path, the masked text (null when not read), why it
          was not read (C(error)), and its C(stat) (C(mode) is the full
          C(st_mode); C(uid), C(gid)), null when it cannot be stat'ed.
      type: list
      elements: dict
      returned: always
      sample: [{"path": "/etc/nova/nova.conf",
                "text": "[DEFAULT]\ntransport_url = rabbit://nova:********@mq\n",
                "error": null,
                "stat": {"mode": 33184, "uid": 0, "gid": 42436}}]
    config_dirs:
      description:
        - Each config dir given, then the directory of each config
          file, once each, with its C(stat) and C(error).
      type: list
      elements: dict
      returned: always
      sample: [{"path": "/etc/nova", "error": null,
                "stat": {"mode": 16877, "uid": 0, "gid": 0}}]
    paths:
      description:
        - Every path the service's path options name (nova's
          C([glance]) TLS and Ceph files, cinder's C([DEFAULT]) image
          client TLS files; see the description), keyed by the value as
          the audit reads it in the masked text (C($) references
          resolved, a URL's password and query masked), with its
          C(stat) (links followed under O(root)), C(error) (C(does not
          exist), C(cannot be examined (...)), C(not resolved ($
          reference))) and the C(directories) walked to reach it, from
          C(/) down.
      type: dict
      returned: always
      sample: {"/etc/nova/certs/ca.pem": {
                 "stat": {"mode": 33188, "uid": 0, "gid": 0},
                 "error": null,
                 "directories": [
                   {"path": "/", "stat": {"mode": 16877, "uid": 0,
                                          "gid": 0}}]}}
'''

import errno  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import stat  # noqa: E402
import time  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402

#: The bundle format this module writes.
BUNDLE_FORMAT = 'glance-conf-bundle'
BUNDLE_VERSION = 1

#: Largest config file read (the audit's own limit).
MAX_FILE_SIZE = 2 * 1024 * 1024
#: Most config files in one bundle.
MAX_CONFIG_FILES = 256
#: Most paths named by the config in one bundle.
MAX_PATHS = 64
#: Symbolic links followed in one path, as Linux does (ELOOP).
MAX_SYMLINKS = 40
#: ``$`` references resolved within one another, at most.
MAX_REFERENCE_DEPTH = 10
#: The error of a named path with a ``$`` reference the module cannot
#: resolve (an option set in no file: its default is not known here).
NOT_RESOLVED = 'not resolved ($ reference)'
#: What a secret value, or the secret part of one, becomes.
MASK = '********'

#: The secret rule: a copy of glance_conf.audit.checks.host (the test
#: tests/ansible/test_collect.py keeps the two equal).
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

#: The services whose config the module collects.
SERVICES = ('nova', 'cinder', 'glance-api')
#: Each service's own config file, and its account's name (kolla's
#: images and the distributions' packages alike).
SERVICE_FILES = {'nova': '/etc/nova/nova.conf',
                 'cinder': '/etc/cinder/cinder.conf',
                 'glance-api': '/etc/glance/glance-api.conf'}
SERVICE_ACCOUNTS = {'nova': 'nova', 'cinder': 'cinder',
                    'glance-api': 'glance'}

#: nova's options whose values are paths on the host: (section, name) of
#: the current name first, then its deprecated names (as nova registers
#: them: [ssl] ca_file... for keystoneauth's TLS files).
PATH_OPTIONS = (
    (('glance', 'cafile'), ('ssl', 'ca_file')),
    (('glance', 'certfile'), ('ssl', 'cert_file')),
    (('glance', 'keyfile'), ('ssl', 'key_file')),
    (('glance', 'rbd_ceph_conf'),),
    # nova's fallback when rbd_ceph_conf is empty (RBDDriver.__init__).
    (('libvirt', 'images_rbd_ceph_conf'),),
)
#: The same for each service: cinder's image client reads its TLS files
#: from [DEFAULT] (cinder/image/glance.py, _create_glance_client), and
#: no option glance-api's checks judge names a file.
SERVICE_PATH_OPTIONS = {
    'nova': PATH_OPTIONS,
    'cinder': (
        (('DEFAULT', 'glance_ca_certificates_file'),),
        (('DEFAULT', 'glance_certfile'),),
        (('DEFAULT', 'glance_keyfile'),),
    ),
    'glance-api': (),
}

_URL_SCHEME = re.compile(r'[A-Za-z][A-Za-z0-9+.-]*://')
_PASSWORD = re.compile(r':[^@]')
_LINE_END = re.compile(r'(\r\n|\r|\n)')
#: oslo.config's template (string.Template, its idpattern, any case).
_REFERENCE = re.compile(r'\$(?:(\$)|([_a-z][._a-z0-9]*)|'
                        r'\{([_a-z][._a-z0-9]*)\}|)', re.IGNORECASE)


class BadParameter(Exception):
    """A parameter the module refuses; the message names it, never its
    value."""


# --- The secret rule and masking -----------------------------------------

def _password_span(value):
    """``(start, end)`` of the password in a URL's user-info, or None.

    As glance_conf reads it: everything from the scheme to the last ``@``
    is user-info (so the several hosts of a transport_url are covered),
    and the password starts after its first ``:`` not followed by ``@``.
    """
    match = _URL_SCHEME.search(value)
    if match is None:
        return None
    at = max(value.rfind('@'), match.end())
    colon = _PASSWORD.search(value, match.end(), at)
    if colon is None:
        return None
    return colon.start() + 1, at


def is_secret(key, value):
    """Whether ``key = value`` holds a secret (the audit's own rule)."""
    value = value.strip()
    if not value:
        return False
    if _password_span(value) is not None:
        return True
    name = key.lower()
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


def _secret_by_name(key, value):
    return is_secret(key, value) and _password_span(value.strip()) is None


def _mask_query(value):
    """Mask the values of a URL's query string, and its fragment."""
    match = _URL_SCHEME.search(value)
    if match is None:
        return value
    start = max(value.rfind('@'), match.end())
    cut = value.find('?', start)
    fragment = value.find('#', start)
    if fragment != -1 and (cut == -1 or fragment < cut):
        return value[:fragment + 1] + MASK
    if cut == -1:
        return value
    query, hash_, unused = value[cut + 1:].partition('#')
    pairs = []
    for pair in query.split('&'):
        name, equal, unused = pair.partition('=')
        pairs.append(name + '=' + MASK if equal else MASK if pair else pair)
    masked = value[:cut + 1] + '&'.join(pairs)
    return masked + '#' + MASK if hash_ else masked


def mask_urls(text):
    """``text`` with the password and query values of its URL masked.

    Applied to every whole line, whatever oslo.config makes of it: a
    ``key rabbit://u:pw@h`` with no ``=`` (oslo.config cuts it at its
    first ``:``), a comment, a section header, a refused line.
    """
    span = _password_span(text)
    if span is not None:
        text = text[:span[0]] + MASK + text[span[1]:]
    return _mask_query(text)


def mask_value(key, value):
    """``value`` with its secret parts masked; ``value`` if it has none.

    A secret by name becomes :data:`MASK` whole (the value of an
    argument option, ``password:...``, keeps its name); a URL keeps its
    scheme, user and hosts, its password and query values masked.
    Either way :func:`is_secret` of the result equals that of ``value``.
    """
    if key.lower() in SECRET_ARGUMENT_OPTIONS:
        argument, colon, rest = value.partition(':')
        if colon and _secret_by_name(argument, rest):
            return argument + colon + MASK
    if _secret_by_name(key, value):
        return MASK
    return mask_urls(value)


def _split(line):
    """``(cut, key)`` of ``key = value`` / ``key: value`` (oslo.config's
    rule: the first ``=`` unless a ``:`` comes before it), or None."""
    colon, equal = line.find(':'), line.find('=')
    if colon < 0 and equal < 0:
        return None
    cut = equal if colon < 0 or (0 <= equal < colon) else colon
    return cut, line[:cut].strip()


def _section_name(name):
    return name if name == 'DEFAULT' else name.lower()


def _value_start(line, cut):
    """Where the value starts after the separator at ``cut``."""
    start = cut + 1
    while start < len(line) and line[start] in ' \t':
        start += 1
    return start


def _unquote(value):
    if value and value[0] == value[-1] and value[0] in '"\'':
        return value[1:-1]
    return value


def _mask_unsectioned(line):
    """A line before any section header, masked whole: a comment stays a
    comment, an assignment stays one (refused for that reason), else the
    line has no separator."""
    if line[0] in '#;':
        return line[0] + MASK
    split = _split(line)
    if split is None:
        return MASK
    cut, key = split
    return line[:cut + 1] + MASK if not key else MASK + ' = ' + MASK


def parse_and_mask(text):
    """Mask ``text`` line by line; return it with its assignments.

    The grammar is oslo.config's (as ``glance_conf.audit.source`` reads
    it): sections, ``key = value`` or ``key: value``, continuation lines
    (indented), comments (``#``, ``;``), and only ``\\n``, ``\\r`` and
    ``\\r\\n`` end a line. Line numbers and keys are kept. A commented-out
    assignment is masked too. Every line oslo.config would refuse is
    masked whole, as a line refused for the same reason: no separator, an
    empty key (a password wrapped onto its own line, ``= secret``), a
    stray continuation, a ``[`` line that is no section header. So is
    every line before the first section header: such a file is not a
    config (a shadow file a link in a config dir points to). Last, every
    line, whatever it is, has the password and the query values of its
    URL masked.

    :returns: ``(masked text, [(section, key, value, line)])``.
    """
    pieces = _LINE_END.split(text)
    lines, ends = pieces[0::2], pieces[1::2] + ['']
    assignments = []
    section = None
    # The assignment being read, if any: (first line, key, values,
    # section); a list so that flush() can take it.
    pending = []

    def flush():
        if not pending:
            return
        first, key, values, where = pending.pop()
        value = '\n'.join(values)
        assignments.append((where, key, value, first + 1))
        masked = mask_value(key, value)
        if masked == value:
            return
        parts = masked.split('\n') if masked != MASK else []
        parts += [MASK] * (len(values) - len(parts))
        head = lines[first]
        lines[first] = head[:_value_start(head, _split(head)[0])] + \
            (parts[0] or MASK)
        for offset, part in enumerate(parts[1:len(values)], 1):
            line = lines[first + offset]
            indent = line[:len(line) - len(line.lstrip())]
            lines[first + offset] = indent + (part.strip() or MASK)

    for index, raw in enumerate(lines):
        line = raw.rstrip()
        if not line:
            flush()
            continue
        if line[0] in ' \t':
            if pending:
                pending[0][2].append(line.lstrip())
            else:
                # A continuation of nothing: refused, and maybe secret.
                lines[index] = line[:len(line) - len(line.lstrip())] + MASK
            continue
        flush()
        first = line[0]
        if first == '[':
            if line.endswith(']') and len(line) > 2:
                section = _section_name(line[1:-1])
            elif line != '[]':
                # Refused ("[DEFAULT] password = x"), for the same
                # reason once masked; what follows "[" may be secret.
                lines[index] = '[' + MASK
            continue
        if section is None:
            # Before any section: oslo.config refuses an assignment
            # here, and nothing of it is nova's config yet.
            lines[index] = _mask_unsectioned(line)
            continue
        body = line[1:] if first in '#;' else line
        split = _split(body)
        if split is None:
            if first not in '#;':
                lines[index] = MASK
            continue
        cut, key = split
        offset = len(line) - len(body)
        value = _unquote(body[cut + 1:].strip())
        if first in '#;':
            masked = mask_value(key, value)
            if masked != value:
                lines[index] = line[:offset + _value_start(body, cut)] + \
                    masked.replace('\n', ' ')
            continue
        if not key:
            # Refused (an empty key): a password wrapped onto its own
            # line. What precedes the separator is blank.
            lines[index] = line[:cut + 1] + MASK
            continue
        pending.append((index, key, [value], section))
    flush()
    # Whatever a line is, a URL's password and query in it are masked.
    lines = [mask_urls(line) for line in lines]
    # zip without strict=: hosts may run Python older than 3.10.
    text = ''.join(line + end for line, end in zip(lines, ends))  # noqa: B905
    return text, assignments


# --- Paths, chroot-style, by file descriptor ------------------------------

#: How every component is opened: the object itself, never what a link
#: points to (a link is read, then resolved here, under root).
_STEP = getattr(os, 'O_PATH', 0) | os.O_NOFOLLOW | os.O_CLOEXEC
#: How a regular file, already judged by its ``O_PATH`` descriptor, is
#: opened for reading through that descriptor (see :func:`_read`).
_READ = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
#: Where a descriptor can be opened again as the very inode it holds.
_FD_PATH = '/proc/self/fd/%d'


class _Walk:
    """A path resolved under a root, chroot-style, one descriptor a step.

    Every component is opened relative to the directory before it,
    without following a link (``O_PATH | O_NOFOLLOW``); a link is read
    (``readlink``) and its target resolved here: an absolute one starts
    again at the root, ``..`` stops at it. So whatever is swapped on the
    host while the module runs, nothing outside the root is ever opened:
    the kernel is never asked to follow a link.

    :ivar chain: ``(name, fd)`` from the root (``('', root_fd)``) down
        to the last object reached.
    :ivar error: the :class:`OSError` that stopped the walk (the object
        after the chain's last one), or None: ``chain[-1]`` is the path.
    """

    def __init__(self, root_fd, path):
        self.chain = [('', root_fd)]
        self.error = None
        self._resolve(path)

    def _resolve(self, path):
        todo = list(reversed(path.split('/')))
        links = 0
        while todo:
            name = todo.pop()
            if name in ('', '.'):
                continue
            if name == '..':
                if len(self.chain) > 1:
                    os.close(self.chain.pop()[1])
                continue
            try:
                fd = os.open(name, _STEP, dir_fd=self.chain[-1][1])
            except OSError as exc:
                self.error = exc
                return
            if not stat.S_ISLNK(os.fstat(fd).st_mode):
                self.chain.append((name, fd))
                continue
            try:
                target = os.readlink('', dir_fd=fd)
            except OSError as exc:
                self.error = exc
                return
            finally:
                os.close(fd)
            links += 1
            if links > MAX_SYMLINKS:
                self.error = OSError(errno.ELOOP, os.strerror(errno.ELOOP))
                return
            if target.startswith('/'):
                self._back_to_root()
            todo.extend(reversed(target.split('/')))

    def _back_to_root(self):
        while len(self.chain) > 1:
            os.close(self.chain.pop()[1])

    def close(self):
        self._back_to_root()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    @property
    def fd(self):
        """The descriptor of the path reached (``O_PATH``)."""
        return self.chain[-1][1]

    def directories(self):
        """``[(service path, fd)]`` of the directories walked through to
        the path (to the point where the walk stopped)."""
        chain = self.chain if self.error else self.chain[:-1]
        names = [name for name, unused in chain[1:]]
        return [(_service(names[:depth]), fd)
                for depth, (unused, fd) in enumerate(chain)]


def _facts(info):
    return {'mode': info.st_mode, 'uid': info.st_uid, 'gid': info.st_gid}


def _stat(walk):
    """``(stat dict, error)`` of the path a walk reached."""
    if walk.error is not None:
        return None, _problem(walk.error)
    try:
        return _facts(os.fstat(walk.fd)), None
    except OSError as exc:
        return None, _problem(exc)


def _problem(exc):
    if exc.errno == errno.ENOENT:
        return 'does not exist'
    return 'cannot be examined (%s)' % (exc.strerror or 'error')


def _service(parts):
    return '/' + '/'.join(parts)


def _read(walk, limit):
    """``(bytes, stat dict, error)`` of the regular file a walk reached.

    The type is decided on the walk's own ``O_PATH`` descriptor before
    anything is opened: a FIFO or a device is refused unopened, as
    opening a device can act (a watchdog arms on open). The file is then
    opened through that descriptor (``/proc/self/fd``), not by its name,
    so what is read is the inode judged, even if a device was renamed
    over it since.
    """
    if walk.error is not None:
        return None, None, _problem(walk.error)
    try:
        info = os.fstat(walk.fd)
    except OSError as exc:
        return None, None, _problem(exc)
    if stat.S_ISDIR(info.st_mode):
        return None, _facts(info), 'is a directory, not a file'
    if not stat.S_ISREG(info.st_mode):
        return None, _facts(info), 'is not a regular file'
    try:
        fd = os.open(_FD_PATH % walk.fd, _READ)
    except OSError as exc:
        if exc.errno == errno.EACCES:
            return None, _facts(info), 'permission denied'
        return None, _facts(info), 'cannot be read (%s)' % exc.strerror
    with os.fdopen(fd, 'rb') as handle:
        try:
            return handle.read(limit), _facts(info), None
        except OSError as exc:
            return None, _facts(info), 'cannot be read (%s)' % exc.strerror


# --- What the module collects ----------------------------------------------

def read_config(root_fd, path):
    """One config file's entry, and its assignments."""
    entry = {'path': path, 'text': None, 'error': None, 'stat': None}
    with _Walk(root_fd, path) as walk:
        data, entry['stat'], entry['error'] = _read(walk, MAX_FILE_SIZE + 1)
    if entry['error']:
        return entry, []
    if len(data) > MAX_FILE_SIZE:
        entry['error'] = 'larger than %d bytes' % MAX_FILE_SIZE
        return entry, []
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError:
        entry['error'] = 'not valid UTF-8'
        return entry, []
    entry['text'], assignments = parse_and_mask(text)
    return entry, assignments


def dir_entry(root_fd, path, listed=True):
    """A directory's entry; its ``*.conf`` files in oslo.config's order
    (when ``listed``: a config dir, not only a config file's)."""
    entry = {'path': path, 'stat': None, 'error': None}
    with _Walk(root_fd, path) as walk:
        entry['stat'], entry['error'] = _stat(walk)
        if entry['error'] or not listed:
            return entry, []
        if not stat.S_ISDIR(entry['stat']['mode']):
            entry['error'] = 'is not a directory'
            return entry, []
        try:
            fd = os.open('.', os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC,
                         dir_fd=walk.fd)
            try:
                names = os.listdir(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            entry['error'] = 'cannot be listed (%s)' % exc.strerror
            return entry, []
    # glob('*.conf'), as oslo.config: no hidden files, sorted by name.
    return entry, [os.path.join(path, name) for name in sorted(names)
                   if name.endswith('.conf') and not name.startswith('.')]


def _winners(assignments_by_file):
    """``{(section, key): value}`` as oslo.config ends up with: a later
    line, and a later file, wins."""
    values = {}
    for assignments in assignments_by_file:
        for section, key, value, unused in assignments:
            values[(section, key)] = value
    return values


def substitute(value, group, values, depth=0):
    """``value`` with its ``$`` references resolved as oslo.config does
    (``Template.safe_substitute`` with its ``StrSubWrapper``), or None
    when one of them cannot be resolved here.

    ``$name`` and ``${name}`` are the option ``name`` of ``group``, else
    of ``[DEFAULT]`` (set in both, differently: not resolved, as oslo.config
    takes the group's only if it is an option of the group);
    ``$group.name`` that of ``group``; ``$$`` and
    ``\\$`` are ``$``; a ``$`` before anything else stays. An option set
    in no file has its default, which the host's service knows and this
    module does not: not resolved.
    """
    if depth > MAX_REFERENCE_DEPTH:
        return None
    value = value.replace('\\$', '$$')
    out, done = [], 0
    for match in _REFERENCE.finditer(value):
        out.append(value[done:match.start()])
        done = match.end()
        escaped, named, braced = match.groups()
        name = named or braced
        if escaped or name is None:
            out.append('$')
            continue
        if '.' in name:
            section, option = name.split('.', 1)
            where = [(_section_name(section), option)]
        else:
            where = [(group, name), ('DEFAULT', name)]
        found = [w for w in where if w in values]
        if not found or len({values[w] for w in found}) > 1:
            # Set nowhere (a default), or both in the group and in
            # [DEFAULT], differently: oslo.config takes the group's only
            # if the group has that option, which is not known here.
            return None
        resolved = substitute(values[found[0]], found[0][0], values,
                              depth + 1)
        if resolved is None:
            return None
        out.append(resolved)
    out.append(value[done:])
    return ''.join(out)


def named_paths(assignments_by_file, service='nova'):
    """``(group, value)`` of each of the service's path options
    (:data:`SERVICE_PATH_OPTIONS`) oslo.config applies, ``$`` references
    not resolved.

    The last file that sets any of an option's names wins; within one
    file, the current name before a deprecated one, and a later line
    before an earlier one.
    """
    found = []
    for names in SERVICE_PATH_OPTIONS[service]:
        winner = None
        for assignments in assignments_by_file:
            here = {}
            for section, key, value, unused in assignments:
                if (section, key) in names:
                    here[(section, key)] = value
            for name in names:
                if name in here:
                    winner = here[name]
                    break
        if winner:
            found.append((names[0][0], winner))
    return found


def record_paths(by_file, masked_by_file, root_fd, service='nova'):
    """``paths``: each named path's facts, keyed by its value as the
    audit reads it from the masked text (``$`` references resolved), so
    that no secret is in a key and the audit finds each one it asks
    for; the facts are those of the real value."""
    paths = {}
    real_values, masked_values = _winners(by_file), _winners(masked_by_file)
    for (group, real), (unused, masked) in zip(  # noqa: B905 - Py < 3.10
            named_paths(by_file, service),
            named_paths(masked_by_file, service)):
        if len(paths) >= MAX_PATHS:
            break
        path = substitute(real, group, real_values)
        key = substitute(masked, group, masked_values)
        if path is None or key is None:
            paths.setdefault(masked, {'stat': None, 'error': NOT_RESOLVED,
                                      'directories': []})
        elif key not in paths:
            paths[key] = path_entry(root_fd, path)
    return paths


def path_entry(root_fd, path):
    """A named path's facts: its stat (links resolved under the root)
    and that of every directory walked through to reach it."""
    entry = {'stat': None, 'error': None, 'directories': []}
    with _Walk(root_fd, path) as walk:
        entry['stat'], entry['error'] = _stat(walk)
        for service, fd in walk.directories():
            try:
                info = _facts(os.fstat(fd))
            except OSError:
                info = None
            entry['directories'].append({'path': service, 'stat': info})
    return entry


def _read_table(root_fd, name):
    """The lines of ``/etc/passwd`` or ``/etc/group`` under the root;
    none when it is not a regular file that can be read."""
    with _Walk(root_fd, name) as walk:
        data, unused, error = _read(walk, MAX_FILE_SIZE)
    if error:
        return []
    return [line.split(':') for line in
            data.decode('utf-8', 'replace').splitlines()
            if line and not line.startswith('#')]


def _number(value, parameter):
    """A user or group given as a number, else its name (a str)."""
    if isinstance(value, bool):
        raise BadParameter('%s must be a name or a number' % parameter)
    if isinstance(value, int):
        if value < 0:
            raise BadParameter('%s must not be negative' % parameter)
        return value
    if not isinstance(value, str) or not value or '\x00' in value \
            or ':' in value or '\n' in value:
        raise BadParameter('%s must be a name or a number' % parameter)
    return int(value) if value.isdigit() else value


def account(root_fd, user, group, under_root=True, service='nova'):
    """The service account: ``{"user", "uid", "gid", "groups"}``.

    Under ``root`` its names are those of ``<root>/etc/passwd`` and
    ``<root>/etc/group``, else the host's own. A name given that is not
    found is an error; the service's own (``nova``...) not found is
    unknown.
    """
    given_user, given_group = user is not None, group is not None
    default = SERVICE_ACCOUNTS[service]
    user = _number(default if user is None else user, 'service_user')
    group = _number(default if group is None else group, 'service_group')
    where = 'the /etc/%s under root' if under_root else 'this host\'s %s'
    passwd = _read_table(root_fd, '/etc/passwd')
    groups_table = _read_table(root_fd, '/etc/group')
    uid = primary = None
    if isinstance(user, int):
        uid = user
    else:
        for row in passwd:
            if len(row) >= 4 and row[0] == user and row[2].isdigit() \
                    and row[3].isdigit():
                uid, primary = int(row[2]), int(row[3])
                break
        if uid is None and given_user:
            raise BadParameter(
                'service_user: no such user in %s; give the number the '
                'service runs as (kolla\'s nova is 42436, cinder 42407, '
                'glance 42415)'
                % (where % 'passwd'))
    gid = None
    if isinstance(group, int):
        gid = group
    else:
        for row in groups_table:
            if len(row) >= 3 and row[0] == group and row[2].isdigit():
                gid = int(row[2])
                break
        if gid is None and given_group:
            raise BadParameter(
                'service_group: no such group in %s; give the number the '
                'service runs as (kolla\'s nova is 42436, cinder 42407, '
                'glance 42415)'
                % (where % 'group'))
    groups = set() if gid is None else {gid}
    if primary is not None:
        groups.add(primary)
        for row in groups_table:
            if len(row) >= 4 and row[2].isdigit() \
                    and user in row[3].split(','):
                groups.add(int(row[2]))
    return {'user': str(user), 'uid': uid, 'gid': gid,
            'groups': sorted(groups)}


def _paths(values, parameter):
    if not isinstance(values, list):
        raise BadParameter('%s must be a list of paths' % parameter)
    for number, value in enumerate(values, 1):
        if not isinstance(value, str) or not value.startswith('/') \
                or '\x00' in value:
            raise BadParameter('%s: item %d is not an absolute path'
                               % (parameter, number))
    return values


def collect(config_files, config_dirs, root=None, service_user=None,
            service_group=None, now=None, service='nova'):
    """The bundle of this host's ``service`` (see the module's RETURN).

    :param config_files: ``None``: the service's own file.
    :raises BadParameter: for a parameter the module refuses.
    """
    if service not in SERVICES:
        raise BadParameter('service must be one of %s' % ', '.join(SERVICES))
    if config_files is None:
        config_files = [SERVICE_FILES[service]]
    config_files = _paths(config_files, 'config_files')
    config_dirs = _paths(config_dirs, 'config_dirs')
    if root is not None:
        if not isinstance(root, str) or not root.startswith('/') \
                or '\x00' in root:
            raise BadParameter('root must be an absolute path')
        if not os.path.isdir(root):
            raise BadParameter('root is not a directory on this host')
    if not getattr(os, 'O_PATH', 0):
        raise BadParameter('this host has no O_PATH: the module needs '
                           'Linux')
    try:
        # The root itself is followed: /proc/<pid>/root is a link.
        root_fd = os.open(root or '/', os.O_PATH | os.O_DIRECTORY |
                          os.O_CLOEXEC)
    except OSError:
        raise BadParameter('root is not a directory on this host')
    try:
        return _collect(root_fd, root, config_files, config_dirs,
                        service_user, service_group, now, service)
    finally:
        os.close(root_fd)


def _collect(root_fd, root, config_files, config_dirs, service_user,
             service_group, now, service):
    bundle = {
        'format': BUNDLE_FORMAT, 'version': BUNDLE_VERSION,
        'host': None, 'group': None, 'service': service,
        'collected_at': time.strftime('%Y-%m-%dT%H:%M:%SZ',
                                      time.gmtime(now)),
        'root': root,
        'account': account(root_fd, service_user, service_group,
                           root is not None, service),
        'config': [], 'config_dirs': [], 'paths': {},
    }
    dirs, seen, files = [], set(), list(config_files)
    for path in config_dirs:
        entry, names = dir_entry(root_fd, path)
        if path not in seen:
            seen.add(path)
            dirs.append(entry)
        files.extend(names)
    if len(files) > MAX_CONFIG_FILES:
        raise BadParameter(
            'config_files and config_dirs name %d config files; the limit '
            'is %d' % (len(files), MAX_CONFIG_FILES))
    by_file = []
    for path in files:
        entry, assignments = read_config(root_fd, path)
        bundle['config'].append(entry)
        by_file.append(assignments)
        parent = os.path.dirname(path.rstrip('/')) or '/'
        if parent not in seen:
            seen.add(parent)
            dirs.append(dir_entry(root_fd, parent, listed=False)[0])
    bundle['config_dirs'] = dirs
    masked = [parse_and_mask(entry['text'])[1] if entry['text'] else []
              for entry in bundle['config']]
    bundle['paths'] = record_paths(by_file, masked, root_fd, service)
    return bundle


def main():
    module = AnsibleModule(
        argument_spec=dict(
            service=dict(type='str', choices=list(SERVICES),
                         default='nova'),
            config_files=dict(type='list', elements='str'),
            config_dirs=dict(type='list', elements='str', default=[]),
            root=dict(type='str'),
            service_user=dict(type='raw'),
            service_group=dict(type='raw'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        bundle = collect(params['config_files'], params['config_dirs'],
                         params['root'], params['service_user'],
                         params['service_group'],
                         service=params['service'])
    except BadParameter as exc:
        module.fail_json(msg=str(exc), changed=False)
    module.exit_json(changed=False, bundle=bundle)


if __name__ == '__main__':
    main()
