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

"""Print one closing line with the test counts from a JUnit XML file."""

import sys
import xml.etree.ElementTree as ET  # nosec B405: our own pytest output

root = ET.parse(sys.argv[1]).getroot()  # nosec B314
suites = [root] if root.tag == 'testsuite' else list(root)
total = sum(int(s.get('tests', 0)) for s in suites)
failed = sum(int(s.get('failures', 0)) + int(s.get('errors', 0))
             for s in suites)
skipped = sum(int(s.get('skipped', 0)) for s in suites)
print('%d passed, %d failed, %d skipped'
      % (total - failed - skipped, failed, skipped))
