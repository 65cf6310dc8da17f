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

"""Editing a file's lines in place: only the lines touched change."""

from __future__ import annotations

from glance_conf.audit.fix.editor import Text

TEXT = ('# head\r\n[glance]\r\napi_servers:  https://a,\r\n  https://b\r\n'
        'insecure=yes\r\n\r\n[ssl]\r\nca_file = /ca\r\n')


def test_untouched_text_comes_back_byte_for_byte():
    assert Text('x.conf', TEXT).text == TEXT


def test_a_value_set_keeps_its_spacing_and_drops_its_continuation():
    text = Text('x.conf', TEXT)
    [entry] = text.find('glance', 'api_servers')
    text.set_value(entry, 'https://c')
    assert text.text == TEXT.replace('https://a,\r\n  https://b',
                                     'https://c')


def test_a_key_moved_goes_after_the_last_key_with_the_files_ending():
    text = Text('x.conf', TEXT)
    assert text.separator() == '='
    [entry] = text.find('ssl', 'ca_file')
    lines = text.take(entry)
    lines[0].text = 'cafile' + lines[0].text[len(entry.key):]
    text.insert(lines)
    assert text.text == TEXT.replace('insecure=yes\r\n',
                                     'insecure=yes\r\ncafile = /ca\r\n') \
        .replace('ca_file = /ca\r\n', '')


def test_a_new_section_goes_at_the_end():
    text = Text('x.conf', '[DEFAULT]\ndebug = true')
    text.insert([], section='glance')
    assert text.text == '[DEFAULT]\ndebug = true\n\n[glance]\n'
