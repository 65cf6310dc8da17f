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

"""What the checks cite: the reference table and the Security Guide items.

Data, beside the checks that cite it: each check names the items it
maps to in ``references`` by the constants here (its CWE is ``cwe``).
:data:`ITEMS` are the Security Guide's Compute checklist items that the
``--compliance security-guide`` report
(:mod:`~glance_conf.audit.compliance`) gives a verdict on. Nothing here
runs a check or writes a report, so the checks import it without
importing the report.
"""

from __future__ import annotations

import dataclasses

#: OpenStack Security Guide, Compute checklist: "Is user/group ownership
#: of config files set to root/nova?"
CHECK_COMPUTE_01 = 'security-guide/Check-Compute-01'
#: "Are strict permissions set for configuration files?" (640/750).
CHECK_COMPUTE_02 = 'security-guide/Check-Compute-02'
#: "Does Nova communicate with Glance securely?"
CHECK_COMPUTE_05 = 'security-guide/Check-Compute-05'
#: OpenStack Security Note 0090: glance showing image locations to the
#: services that share its storage backend (Ceph), which nova's RBD
#: download needs.
OSSN_0090 = 'ossn/OSSN-0090'
#: OpenStack Security Note 0065: users of glance may be able to replace
#: active image data (the image locations ``show_multiple_locations``
#: lets users edit).
OSSN_0065 = 'ossn/OSSN-0065'
#: OpenStack Security Note 0078: the Image API fetching a URL a user
#: names can scan the network (glance's import docs cite it for
#: ``web-download``).
OSSN_0078 = 'ossn/OSSN-0078'
#: NIST SP 800-53 Rev. 5, AC-6: Least Privilege.
AC_6 = 'nist-800-53/AC-6'
#: CM-2: Baseline Configuration.
CM_2 = 'nist-800-53/CM-2'
#: CM-6: Configuration Settings.
CM_6 = 'nist-800-53/CM-6'
#: SC-7: Boundary Protection.
SC_7 = 'nist-800-53/SC-7'
#: SC-8: Transmission Confidentiality and Integrity.
SC_8 = 'nist-800-53/SC-8'
#: SC-12: Cryptographic Key Establishment and Management.
SC_12 = 'nist-800-53/SC-12'
#: SC-13: Cryptographic Protection.
SC_13 = 'nist-800-53/SC-13'
#: SC-17: Public Key Infrastructure Certificates (the signing and trusted
#: certificates image signature verification needs: GC204, GC205).
SC_17 = 'nist-800-53/SC-17'
#: SI-7: Software, Firmware, and Information Integrity.
SI_7 = 'nist-800-53/SI-7'


@dataclasses.dataclass(frozen=True)
class Item:
    """One Security Guide checklist item, as this tool checks it."""

    ref: str
    question: str
    #: What the Guide asks that this tool does not check.
    scope: str

    @property
    def name(self) -> str:
        return self.ref.partition('/')[2]


ITEMS = (
    Item(CHECK_COMPUTE_01, 'Is user/group ownership of config files set to '
         'root/nova?', 'the loaded config files only; api-paste.ini, '
         'policy.json, rootwrap.conf and /etc/nova are not checked'),
    Item(CHECK_COMPUTE_02, 'Are strict permissions set for configuration '
         'files?', 'the loaded config files only; api-paste.ini, '
         'policy.json, rootwrap.conf and /etc/nova are not checked'),
    Item(CHECK_COMPUTE_05, 'Does Nova communicate with Glance securely?',
         'the effective insecure (or its deprecated alias api_insecure) and '
         'the endpoints nova uses: api_servers, else endpoint_override'),
)
