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

"""The CWE numbers the checks cite, by name.

Each constant is a MITRE Common Weakness Enumeration ID
(``https://cwe.mitre.org/data/definitions/<ID>.html``); the comment is
the CWE's own title. A check's ``cwe`` is one of these, never a bare
number.
"""

from __future__ import annotations

#: External Control of System or Configuration Setting.
EXTERNAL_CONTROL_OF_CONFIGURATION = 15
#: Improper Input Validation.
IMPROPER_INPUT_VALIDATION = 20
#: Improper Ownership Management.
IMPROPER_OWNERSHIP_MANAGEMENT = 282
#: Improper Certificate Validation.
IMPROPER_CERTIFICATE_VALIDATION = 295
#: Improper Validation of Certificate Expiration.
CERTIFICATE_EXPIRATION = 298
#: Cleartext Transmission of Sensitive Information.
CLEARTEXT_TRANSMISSION = 319
#: Inadequate Encryption Strength.
INADEQUATE_ENCRYPTION_STRENGTH = 326
#: Use of a Broken or Risky Cryptographic Algorithm.
BROKEN_OR_RISKY_CRYPTO = 327
#: Improper Verification of Cryptographic Signature.
IMPROPER_SIGNATURE_VERIFICATION = 347
#: Uncontrolled Resource Consumption.
UNCONTROLLED_RESOURCE_CONSUMPTION = 400
#: Improper Interaction Between Multiple Correctly-Behaving Entities.
IMPROPER_INTERACTION_BETWEEN_ENTITIES = 435
#: Use of Obsolete Function.
OBSOLETE_FUNCTION = 477
#: Insertion of Sensitive Information into Log File.
SENSITIVE_INFORMATION_IN_LOG = 532
#: Improper Initialization.
IMPROPER_INITIALIZATION = 665
#: Exposure of Resource to Wrong Sphere.
WRONG_SPHERE = 668
#: Protection Mechanism Failure.
PROTECTION_MECHANISM_FAILURE = 693
#: Incorrect Permission Assignment for Critical Resource.
INCORRECT_PERMISSION_ASSIGNMENT = 732
#: Initialization of a Resource with an Insecure Default.
INSECURE_DEFAULT = 1188
