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

"""Prepare the controller's directories for a fleet audit.

An action plugin, so that relative paths are taken from the directory
ansible-playbook runs in (a local command runs in the playbook's own
directory), and so that it costs no module run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

#: What a bundle file's name ends with; the plugin removes only these
#: (and the plugin's own half-written ``.part-*`` files).
BUNDLE_SUFFIX = '.json'
PART_PREFIX = '.part-'


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(('output_dir', 'bundle_dir', 'clean'))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        cwd = os.getcwd()
        output = self._task.args.get('output_dir') or 'glance-conf-audit'
        bundles = self._task.args.get('bundle_dir') or os.path.join(
            output, 'bundles')
        for name, value in (('output_dir', output), ('bundle_dir', bundles)):
            if not isinstance(value, str) or '\x00' in value:
                raise AnsibleActionFail('%s must be a path' % name)
        output = os.path.join(cwd, output)
        bundles = os.path.join(cwd, bundles)
        try:
            for path in (output, bundles):
                os.makedirs(path, mode=0o700, exist_ok=True)
            removed = 0
            clean = self._task.args.get('clean', True)
            for entry in os.scandir(bundles) if clean else ():
                if entry.is_file(follow_symlinks=False) and (
                        entry.name.endswith(BUNDLE_SUFFIX)
                        or entry.name.startswith(PART_PREFIX)):
                    os.unlink(entry.path)
                    removed += 1
        except OSError as exc:
            raise AnsibleActionFail(
                'cannot prepare the bundle directory: %s'
                % exc.strerror) from None
        result.update(changed=bool(removed), cwd=cwd, output_dir=output,
                      bundle_dir=bundles, removed=removed)
        return result
