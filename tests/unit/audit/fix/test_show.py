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

"""What fix shows: a diff without secrets, commands for a person."""

from __future__ import annotations

from glance_conf.audit import fix
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from tests.unit.audit.fix.test_plan import DONE
from tests.unit.audit.fix.test_plan import _fix


def test_diff_shows_only_changed_lines_never_a_password(write_conf):
    """Zero context: the password beside the fix never appears."""
    text = ('[glance]\npassword = PASS_canary\ninsecure = true\n'
            'username = nova\n' + DONE)
    path, outcome = _fix(write_conf, text)
    shown = '\n'.join(fix.diff(path, outcome.original[path],
                               outcome.patched[path]))
    assert '-insecure = true\n+insecure = False' in shown
    assert 'PASS_canary' not in shown and 'username' not in shown
    assert '@@ -3 +3 @@ [glance]' in shown


def test_diff_masks_a_secret_on_a_changed_line(write_conf):
    """A near-miss key holding a URL with a password is renamed, and the
    password is masked on both sides of the diff."""
    path, outcome = _fix(write_conf, '[glance]\nendpoint_overide = '
                         'https://u:s3cret@g:9292\ntimeout = 30\n')
    shown = '\n'.join(fix.diff(path, outcome.original[path],
                               outcome.patched[path]))
    assert 's3cret' not in shown
    assert '+endpoint_override = ***' in shown


def test_permission_commands_quote_the_path():
    found = Finding('GC502', Severity.MEDIUM, 1, None, 'm', 'r',
                    file="/etc/nova/it's.conf")
    assert fix.commands(found, 'nova') == [
        "chown root:nova '/etc/nova/it'\"'\"'s.conf'",
        "chmod 0640 '/etc/nova/it'\"'\"'s.conf'"]


def test_the_diff_never_shows_a_moved_value_that_could_be_a_secret():
    """The review's case: a PEM body pasted under [ssl] key_file, moved to
    [glance] keyfile, and a password pasted into api_insecure."""
    before = ('[ssl]\nkey_file = -----BEGIN PRIVATE KEY-----\n'
              '  MIIEvQ-SECRET-BODY\n[glance]\ninsecure = false\n'
              'api_insecure = S3CRETVAL4\n')
    after = ('[glance]\ninsecure = false\nkeyfile = -----BEGIN PRIVATE '
             'KEY-----\n  MIIEvQ-SECRET-BODY\n')
    shown = '\n'.join(fix.diff('nova.conf', before, after))
    assert 'SECRET-BODY' not in shown and 'S3CRETVAL4' not in shown
    assert 'BEGIN PRIVATE' not in shown
    assert fix.MASKED in shown
