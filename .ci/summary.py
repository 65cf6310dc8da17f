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
