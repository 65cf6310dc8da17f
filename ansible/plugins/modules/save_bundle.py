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

# The documentation of the action plugin plugins/action/save_bundle.py,
# which does the work on the controller.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: save_bundle
short_description: Save a host's glance-conf bundle on the controller
version_added: "1.0.0"
description:
  - Writes the bundle that M(glance_conf.audit.collect) returned to
    O(dest)C(/<host>.json) on the controller, with O(host) and O(group)
    set, for C(glance-conf-audit --bundles); a bundle of another service
    than nova goes to O(dest)C(/<host>@<service>.json), so that a host
    running several services has one bundle each.
  - Runs on the controller, in the worker process itself (an action
    plugin), so it costs no module run on either side.
  - The file is written aside and renamed, with mode C(0600).
options:
  bundle:
    description: The C(bundle) that M(glance_conf.audit.collect) returned.
    type: dict
    required: true
  dest:
    description: An existing directory of the controller (absolute path).
    type: str
    required: true
  host:
    description:
      - The host's name in the reports, and the file's name; usually
        C(inventory_hostname). It must not start with C(.) or hold C(/).
    type: str
    required: true
  group:
    description:
      - The host's drift group (hosts are compared within their group),
        or null for none.
    type: str
attributes:
  check_mode:
    support: none
    description:
      - Run it with C(check_mode=false). It writes the report's input on
        the controller, even when the hosts are only checked.
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
- name: Save the bundle on the controller
  glance_conf.audit.save_bundle:
    bundle: "{{ collected.bundle }}"
    dest: /var/tmp/glance-conf-audit/bundles
    host: "{{ inventory_hostname }}"
    group: "{{ 'az1' if 'az1' in group_names else omit }}"
  check_mode: false
'''

RETURN = r'''
path:
  description: The file written.
  returned: success
  type: str
  sample: /var/tmp/glance-conf-audit/bundles/compute-01.json
'''
