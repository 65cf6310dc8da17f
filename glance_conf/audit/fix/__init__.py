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

"""Fix what a machine can fix, and prove it with a second audit.

The fixes are the mechanical ones: ``insecure`` off, deprecated names
renamed (``[glance] api_insecure``, ``[ssl] ca_file``, ``cert_file``,
``key_file``), a near-miss option name spelled as GC303 suggests,
signature verification on, a TLS floor and a request timeout. Everything
else (a CA bundle path, a key manager, a plain-http endpoint, a file's
owner and mode) needs a person, and is left to one.

The package has one job per module: :mod:`.files` reads each file once
and writes it back only while it is still the file read; :mod:`.editor`
edits a file's lines with oslo.config's grammar (:mod:`glance_conf.ini`);
:mod:`.plan` applies the fixes the checks declare
(:mod:`glance_conf.audit.remedy`) and audits the result again;
:mod:`.show` prints the diff and the commands left to a person.
"""

from glance_conf.audit.fix.files import LINK
from glance_conf.audit.fix.files import MOVED
from glance_conf.audit.fix.files import FixError
from glance_conf.audit.fix.files import Original
from glance_conf.audit.fix.files import read
from glance_conf.audit.fix.files import write
from glance_conf.audit.fix.plan import Change
from glance_conf.audit.fix.plan import Outcome
from glance_conf.audit.fix.plan import fix
from glance_conf.audit.fix.plan import fixable_ids
from glance_conf.audit.fix.plan import write_all
from glance_conf.audit.fix.show import MASKED
from glance_conf.audit.fix.show import PERMISSION_IDS
from glance_conf.audit.fix.show import commands
from glance_conf.audit.fix.show import diff
from glance_conf.audit.fix.show import loading_error

__all__ = [
    'LINK', 'MASKED', 'MOVED', 'PERMISSION_IDS', 'Change', 'FixError',
    'Original', 'Outcome', 'commands', 'diff', 'fix', 'fixable_ids',
    'loading_error', 'read', 'write', 'write_all',
]
