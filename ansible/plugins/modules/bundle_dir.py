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

# The documentation of the action plugin plugins/action/bundle_dir.py,
# which does the work on the controller.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: bundle_dir
short_description: Prepare the controller's directories for a fleet audit
version_added: "1.0.0"
description:
  - Creates O(output_dir) and O(bundle_dir) on the controller (mode
    C(0700)) and removes the bundles of an earlier run from O(bundle_dir)
    (its C(*.json) files, nothing else), so that a host that gives no
    bundle this time is not audited from an old one.
  - Relative paths are taken from the directory ansible-playbook runs
    in. Runs on the controller, in the worker process (an action plugin).
options:
  output_dir:
    description: Where the reports go.
    type: str
    default: glance-conf-audit
  bundle_dir:
    description: Where the bundles go.
    type: str
    default: <output_dir>/bundles
  clean:
    description:
      - Remove the bundles of an earlier run. With C(false), only make
        sure the directories exist and return their paths.
    type: bool
    default: true
attributes:
  check_mode:
    support: none
    description:
      - Run it with C(check_mode=false); it prepares the controller's
        directories, even when the hosts are only checked.
  diff_mode:
    support: none
    description: No diff.
  platform:
    platforms: posix
    support: full
    description: The controller.
author:
  # No GitHub handle: ansible-test's required form for that.
  - glance-conf developers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Prepare the directories
  glance_conf.audit.bundle_dir:
    output_dir: glance-conf-audit
  run_once: true
  check_mode: false
  register: dirs
'''

RETURN = r'''
cwd:
  description: The directory relative paths were taken from.
  returned: success
  type: str
  sample: /home/ops/site
output_dir:
  description: O(output_dir), absolute.
  returned: success
  type: str
  sample: /home/ops/site/glance-conf-audit
bundle_dir:
  description: O(bundle_dir), absolute.
  returned: success
  type: str
  sample: /home/ops/site/glance-conf-audit/bundles
removed:
  description: How many old bundle files were removed.
  returned: success
  type: int
  sample: 0
'''
