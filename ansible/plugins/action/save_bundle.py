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

"""Write one host's bundle to a directory of the controller.

An action plugin: it runs in the controller's worker process, so saving
a bundle costs no module run (a delegated ``copy`` would cost two per
host, more than the collection itself).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

#: The bundle format this plugin writes (the module's).
BUNDLE_FORMAT = 'glance-conf-bundle'
BUNDLE_VERSION = 1
#: Longest inventory name written as a file name (a file name's limit,
#: less "@glance-api.json" and the temporary prefix).
MAX_HOST_NAME = 200
#: The services a bundle may say it configures (the module's).
SERVICES = ('nova', 'cinder', 'glance-api')


def _file_name(host, service=None):
    """``<host>.json``, for an inventory name safe as a file name;
    ``<host>@<service>.json`` for another service than nova, so that a
    host running several has one bundle each."""
    if not isinstance(host, str) or not host or len(host) > MAX_HOST_NAME \
            or host.startswith('.') or '/' in host or '\x00' in host:
        raise AnsibleActionFail(
            'host: the inventory name cannot be a bundle file name (it is '
            'empty, starts with ".", holds "/" or is longer than %d)'
            % MAX_HOST_NAME)
    if service in (None, 'nova'):
        return host + '.json'
    return '%s@%s.json' % (host, service)


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(('bundle', 'dest', 'host', 'group'))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        bundle, dest = args.get('bundle'), args.get('dest')
        host, group = args.get('host'), args.get('group')
        if not isinstance(bundle, dict) \
                or bundle.get('format') != BUNDLE_FORMAT \
                or bundle.get('version') != BUNDLE_VERSION:
            raise AnsibleActionFail(
                'bundle: not a %s version %d (the result of '
                'glance_conf.audit.collect)' % (BUNDLE_FORMAT,
                                                BUNDLE_VERSION))
        if not isinstance(dest, str) or not os.path.isabs(dest) \
                or not os.path.isdir(dest):
            raise AnsibleActionFail('dest: not an existing directory given '
                                    'by an absolute path')
        if group is not None and (not isinstance(group, str) or not group):
            raise AnsibleActionFail('group: must be a non-empty name or '
                                    'null')
        if bundle.get('service') not in (None,) + SERVICES:
            raise AnsibleActionFail('bundle: its service is not one of %s'
                                    % ', '.join(SERVICES))
        name = _file_name(host, bundle.get('service'))
        bundle = dict(bundle, host=str(host),
                      group=None if group is None else str(group))
        path = os.path.join(dest, name)
        # Written aside, then renamed: a reader never sees half a file.
        fd, part = tempfile.mkstemp(prefix='.part-', dir=dest)
        try:
            with os.fdopen(fd, 'w', encoding='utf-8') as handle:
                json.dump(bundle, handle, indent=1, ensure_ascii=False)
            os.rename(part, path)
        except BaseException:
            os.unlink(part)
            raise
        result.update(changed=True, path=path)
        return result
