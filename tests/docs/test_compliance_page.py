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

"""The compliance page's example is the command's real output.

Run by ``tox -e docs``; it reads the page's source, runs the command it
shows from the repository's root, and compares.
"""

from __future__ import annotations

import io
import os
import shlex

from glance_conf.cmd import audit as cli
from tests.docs.test_built_html import ROOT
from tests.docs.test_built_html import _text

PAGE = ROOT / 'doc' / 'source' / 'audit' / 'compliance.rst'
PROMPT = '    $ glance-conf-audit --offline --compliance'


def _example() -> tuple[list[str], str]:
    lines = PAGE.read_text().splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith(PROMPT))
    body = []
    for line in lines[start + 1:]:
        if line and not line.startswith('    '):
            break
        body.append(line[4:])
    return shlex.split(lines[start].strip()[2:])[1:], '\n'.join(body).strip()


def test_the_example_is_what_the_command_prints():
    argv, shown = _example()
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = cli.run(argv, out, err)
    finally:
        os.chdir(cwd)
    assert code == 1, err.getvalue()
    assert out.getvalue().strip() == shown


def test_the_page_is_built_and_says_where_it_goes_beyond_the_guide():
    text = _text('audit/compliance.html')
    for phrase in ('api_insecure', 'endpoint_override', 'catalog',
                   'OSSN-0090', '--format junit', 'not-checked'):
        assert phrase in text
