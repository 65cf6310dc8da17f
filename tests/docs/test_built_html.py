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

"""The built documentation mentions every option and every check ID.

Run by ``tox -e docs`` after the build (it reads doc/build/html).
"""

from __future__ import annotations

import html
import pathlib
import re

from glance_conf import glance
from glance_conf.audit import manager

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = ROOT / 'doc' / 'build' / 'html'



def _text(name: str) -> str:
    """The page's text: tags dropped, white-space collapsed."""
    raw = (BUILD / name).read_text(encoding='utf-8')
    return ' '.join(html.unescape(re.sub(r'<[^>]+>', '', raw)).split())


def test_every_option_is_in_the_reference():
    text = _text('configuration/index.html')
    for opt in glance.listed_opts():
        assert opt.dest in text, opt.dest


def test_every_check_id_is_in_the_catalogue():
    text = _text('audit/checks.html')
    for check in manager.load_checks():
        assert '%s: %s' % (check.id, check.title) in text
        assert 'CWE-%d' % check.cwe in text


def test_every_cwe_of_the_review_is_answered():
    text = _text('security-review.html')
    for cwe in (284, 435, 664, 691, 693, 697, 703, 707, 710):
        assert 'CWE-%d' % cwe in text


def test_quick_start_matches_the_readme():
    readme = (ROOT / 'README.rst').read_text()
    index = _text('index.html')
    commands = [' '.join(line.split()) for line in readme.splitlines()
                if line.startswith('    python3 -m pip install')]
    assert len(commands) == 2
    for command in commands:
        assert command in index


def test_sample_config_is_published():
    text = _text('configuration/sample.html')
    assert '[glance]' in text and '#verify_glance_signatures = true' in text
    assert '#num_retries = 3' in text
