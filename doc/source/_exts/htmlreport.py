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

"""The HTML report of the shipped example fleet, and its screenshot.

At every build: audit ``etc/glance_conf/examples/adoption/*.conf`` with
``--format html`` into ``_static/html-report-example.html``, then open
it in headless chromium (Debian's ``chromium``) and save a screenshot as
``_static/html-report.png``. Both are generated, never committed. A
machine without chromium fails the build, saying so.
"""

import os
import pathlib
import shutil
import subprocess
import sys

from sphinx.errors import ExtensionError

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
EXAMPLES = ROOT / 'etc' / 'glance_conf' / 'examples' / 'adoption'
STATIC = HERE.parent / '_static'
REPORT = STATIC / 'html-report-example.html'
SCREENSHOT = STATIC / 'html-report.png'
CHROMIUM = 'chromium'
#: How long chromium may take to start and draw the page.
TIMEOUT = 120


def build(app):
    STATIC.mkdir(exist_ok=True)
    files = sorted(p.name for p in EXAMPLES.glob('*.conf'))
    if not files:
        raise ExtensionError('htmlreport: no example fleet in %s' % EXAMPLES)
    # Run where the files are, so the report names them as an operator
    # would, not by this machine's paths.
    audit = subprocess.run(
        [sys.executable, '-m', 'glance_conf.cmd.audit', '--format', 'html',
         '--fail-on', 'never', '--output', str(REPORT), '--waivers',
         'waivers.yaml', *files], cwd=EXAMPLES, capture_output=True,
        text=True, timeout=TIMEOUT, check=False)
    if audit.returncode != 0:
        raise ExtensionError('htmlreport: the audit of the example fleet '
                             'failed (exit %d): %s'
                             % (audit.returncode, audit.stderr))
    browser = shutil.which(CHROMIUM)
    if browser is None:
        raise ExtensionError(
            'htmlreport: chromium is not installed, so the screenshot of '
            'the HTML report cannot be made: apt-get install chromium')
    if SCREENSHOT.exists():
        SCREENSHOT.unlink()
    run = subprocess.run(
        [browser, '--headless', '--disable-gpu', '--no-sandbox',
         '--hide-scrollbars', '--window-size=1200,1100',
         '--screenshot=%s' % SCREENSHOT, REPORT.as_uri()],
        capture_output=True, timeout=TIMEOUT, check=False,
        env=dict(os.environ, HOME=str(app.outdir)))
    if run.returncode != 0 or not SCREENSHOT.exists() \
            or SCREENSHOT.stat().st_size < 10_000:
        raise ExtensionError('htmlreport: chromium made no screenshot of %s '
                             '(exit %d)' % (REPORT, run.returncode))


def setup(app):
    app.connect('builder-inited', build)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
