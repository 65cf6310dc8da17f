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

"""Planning the declared fixes: each edits in place, and the re-audit
proves it."""

from __future__ import annotations

import os

import pytest

from glance_conf.audit import base
from glance_conf.audit import fix
from glance_conf.audit import manager
from glance_conf.audit import remedy
from glance_conf.audit.checks import integrity
from glance_conf.audit.finding import Severity

#: A [glance] section with nothing left to fix (under nova's defaults).
DONE = ('endpoint_override = https://glance:9292\ntimeout = 30\n'
        'tls_min_version = 1.2\nverify_glance_signatures = true\n')


def _fix(write_conf, text, defaults='nova', name=None):
    path = str(write_conf(text, name))
    return path, fix.fix([('--config-file', path)], defaults=defaults)


def _patched(write_conf, text, **kwargs):
    path, outcome = _fix(write_conf, text, **kwargs)
    return outcome.patched[path]


def test_insecure_true_becomes_false_in_place(write_conf):
    """The value changes; the key, its spacing, comments and order stay."""
    text = ('# head\n[glance]\n# TLS\ninsecure   =   yes\n' + DONE +
            '[DEFAULT]\ndebug = false\n')
    assert _patched(write_conf, text) == text.replace(
        'insecure   =   yes', 'insecure   =   False')


def test_api_insecure_is_renamed_and_turned_off(write_conf):
    path, outcome = _fix(write_conf, '[glance]\napi_insecure = True\n' + DONE)
    assert outcome.patched[path] == '[glance]\ninsecure = False\n' + DONE
    assert {c.check_id for c in outcome.changes} == {'GC101', 'GC304'}
    assert outcome.remaining == []


def test_api_insecure_is_dropped_where_insecure_wins(write_conf):
    """Within one file oslo.config reads insecure before api_insecure."""
    text = '[glance]\ninsecure = false\napi_insecure = false\n' + DONE
    assert _patched(write_conf, text) == \
        '[glance]\ninsecure = false\n' + DONE


def test_ssl_names_move_to_glance_with_their_continuation(write_conf):
    text = ('[ssl]\nversion = TLSv1_2\nca_file = /etc/ca.pem\n'
            '  /more\ncert_file = /c.pem\n[glance]\n' + DONE)
    path, outcome = _fix(write_conf, text)
    assert outcome.patched[path] == (
        '[ssl]\nversion = TLSv1_2\n[glance]\n' + DONE +
        'cert_file = /c.pem'.replace('cert_file', 'certfile') + '\n'
        'cafile = /etc/ca.pem\n  /more\n')
    added = {c.added for c in outcome.changes}
    assert ('glance', 'cafile', '/etc/ca.pem\n/more') in added
    assert any('[ssl] ca_file' in note for note in outcome.notes)


def test_ssl_name_creates_the_glance_section(write_conf):
    patched = _patched(write_conf, '[ssl]\nkey_file = /k.pem\n'
                       'cert_file = /c.pem\n', defaults='glance-conf')
    assert patched.startswith('[ssl]\n\n[glance]\n')
    assert 'keyfile = /k.pem\n' in patched and 'ca_file' not in patched


def test_ssl_name_is_dropped_where_glance_sets_the_new_name(write_conf):
    text = '[glance]\ncafile = /new.pem\n' + DONE + '[ssl]\nca_file = /old\n'
    assert _patched(write_conf, text) == \
        '[glance]\ncafile = /new.pem\n' + DONE + '[ssl]\n'


@pytest.mark.parametrize(('typo', 'right'), [
    ('num_retry', 'num_retries'),
    ('os_region_name', 'region_name'),
    ('collect-timing', 'collect_timing'),
    ('ca_file', 'cafile'),
])
def test_near_miss_takes_the_suggested_name(write_conf, typo, right):
    path, outcome = _fix(write_conf, '[glance]\n%s = 2 ; kept\n' % typo
                         + DONE)
    assert outcome.patched[path] == '[glance]\n%s = 2 ; kept\n' % right \
        + DONE
    assert [c.check_id for c in outcome.changes] == ['GC303']


def test_near_miss_beside_its_right_name_is_left_to_a_person(write_conf):
    """Which of the two values is meant is not guessed."""
    text = '[glance]\nnum_retry = 5\nnum_retries = 2\n' + DONE
    path, outcome = _fix(write_conf, text)
    assert outcome.patched[path] == text
    assert [f.check_id for f in outcome.remaining] == ['GC303']
    assert any('num_retry is ignored' in note for note in outcome.notes)


def test_removed_option_is_not_guessed(write_conf):
    path, outcome = _fix(write_conf, '[glance]\nhost = glance\n' + DONE)
    assert outcome.patched[path].startswith('[glance]\nhost = glance\n')
    assert [f.check_id for f in outcome.left
            if f.check_id == 'GC303'] == ['GC303']
    assert outcome.remaining == []


def test_signatures_off_is_turned_on_where_it_is_set(write_conf):
    text = DONE.replace('verify_glance_signatures = true',
                        'verify_glance_signatures=0')
    path, outcome = _fix(write_conf, '[glance]\n' + text)
    assert outcome.patched[path] == '[glance]\n' + DONE.replace(
        'verify_glance_signatures = true', 'verify_glance_signatures=True')
    assert integrity.SIGN_IMAGES.note in outcome.notes


def test_new_keys_go_after_the_last_glance_key(write_conf):
    text = ('[glance]\nendpoint_override = https://g:9292\n# trailing\n\n'
            '[DEFAULT]\n')
    assert _patched(write_conf, text) == (
        '[glance]\nendpoint_override = https://g:9292\n'
        'verify_glance_signatures = True\ntls_min_version = 1.2\n'
        'timeout = 60\n# trailing\n\n[DEFAULT]\n')


def test_new_keys_follow_the_files_separator_style(write_conf):
    patched = _patched(write_conf, '[glance]\nendpoint_override='
                       'https://g:9292\n', defaults='glance-conf')
    assert 'tls_min_version=1.2\n' in patched and 'timeout=60\n' in patched


def test_no_tls_floor_for_plain_http_endpoints(write_conf):
    """GC106 is not reported there (GC102 is, for a person)."""
    patched = _patched(write_conf, '[glance]\napi_servers = http://g:9292\n')
    assert 'tls_min_version' not in patched and 'timeout = 60' in patched


@pytest.mark.parametrize('ending', ['\r\n', '\r'])
def test_line_endings_are_kept(write_conf, tmp_path, ending):
    text = ending.join(['# c', '[glance]', 'insecure = true', '']) + \
        DONE.replace('\n', ending)
    path = tmp_path / 'crlf.conf'
    path.write_bytes(text.encode())
    outcome = fix.fix([('--config-file', str(path))])
    patched = outcome.patched[str(path)]
    assert patched == text.replace('insecure = true', 'insecure = False')
    assert outcome.remaining == []


def test_a_file_without_a_final_newline(write_conf):
    patched = _patched(write_conf, '[glance]\nendpoint_override = '
                       'https://g:9292\ntimeout = 1', defaults='glance-conf')
    assert patched == ('[glance]\nendpoint_override = https://g:9292\n'
                       'timeout = 1\nverify_glance_signatures = True\n'
                       'tls_min_version = 1.2\n')


def test_the_fragment_that_wins_is_edited(tmp_path):
    """In a config dir, the later fragment sets the value in use."""
    base = tmp_path / 'nova.conf'
    base.write_text('[glance]\n' + DONE)
    conf_d = tmp_path / 'nova.conf.d'
    conf_d.mkdir()
    (conf_d / '10-a.conf').write_text('[glance]\ninsecure = true\n')
    (conf_d / '20-b.conf').write_text('[glance]\nverify_glance_signatures'
                                      ' = false\n')
    outcome = fix.fix([('--config-file', str(base)),
                       ('--config-dir', str(conf_d))])
    assert outcome.changed == [str(conf_d / '10-a.conf'),
                               str(conf_d / '20-b.conf')]
    assert outcome.patched[str(conf_d / '20-b.conf')] == \
        '[glance]\nverify_glance_signatures = True\n'
    assert outcome.patched[str(conf_d / '10-a.conf')] == \
        '[glance]\ninsecure = False\n'
    assert outcome.remaining == []


def _edit(path):
    with open(path, 'a') as out:
        out.write('debug = true\n')


def test_write_all_writes_nothing_if_any_file_changed(tmp_path):
    """In a config dir, a fragment changed since the read stops the run
    before the first file is written."""
    conf_d = tmp_path / 'nova.conf.d'
    conf_d.mkdir()
    first, second = conf_d / '10-a.conf', conf_d / '20-b.conf'
    first.write_text('[glance]\napi_insecure = true\n' + DONE)
    second.write_text('[glance]\ninsecure = true\n')
    outcome = fix.fix([('--config-dir', str(conf_d))])
    assert outcome.changed == [str(first), str(second)]
    _edit(second)
    with pytest.raises(fix.FixError, match='20-b.conf: was replaced'):
        list(fix.write_all(outcome))
    assert first.read_text() == '[glance]\napi_insecure = true\n' + DONE
    assert sorted(os.listdir(conf_d)) == ['10-a.conf', '20-b.conf']


class _FewRetries(base.ValueCheck):
    """A site's own rule: at least three retries."""

    id = 'GC901'
    severity = Severity.LOW
    cwe = 1188
    title = 'Few retries'
    remediation = 'Set num_retries = 3.'
    option = 'num_retries'
    message = 'num_retries is %(value)s.'
    fix = remedy.SetOption('num_retries', '3')

    def unsafe(self, value):
        return value < 3


def test_a_site_check_declares_a_fix_and_fix_makes_it(write_conf):
    """Nothing in fix names a check: a check installed by a site that
    declares a fix gets it made, and proved, like a built-in one."""
    path = str(write_conf('[glance]\nnum_retries = 1\n' + DONE))
    checks = manager.load_checks() + [_FewRetries]
    outcome = fix.fix([('--config-file', path)], checks=checks)
    assert outcome.patched[path] == '[glance]\nnum_retries = 3\n' + DONE
    assert [c.check_id for c in outcome.changes] == ['GC901']
    assert outcome.remaining == []
    assert 'GC901' not in {f.check_id for f in outcome.left}
    assert 'GC901' in fix.fixable_ids(checks)
    skipped = fix.fix([('--config-file', path)], checks=checks,
                      skip=['GC901'])
    assert skipped.changes == []
    assert 'GC901' in {f.check_id for f in skipped.left}
