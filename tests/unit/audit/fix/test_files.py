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

"""Reading a file once, pinned, and writing it back only while it is
still the file read."""

from __future__ import annotations

import os
import stat

import pytest

from glance_conf.audit import fix
from glance_conf.audit.exception import LoadError


def test_write_keeps_a_backup_mode_and_never_overwrites_one(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text('old\n')
    path.chmod(0o640)
    (tmp_path / 'nova.conf.orig').write_text('an older backup\n')
    backup = fix.write(fix.read(str(path)), 'new\n')
    assert backup == str(path) + '.orig.1'
    assert path.read_text() == 'new\n'
    assert (tmp_path / 'nova.conf.orig').read_text() == 'an older backup\n'
    assert open(backup).read() == 'old\n'
    for name in (path, backup):
        assert stat.S_IMODE(os.stat(name).st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'nova.conf', 'nova.conf.orig', 'nova.conf.orig.1']


def test_write_names_the_backup_as_the_file_was_named(tmp_path,
                                                      monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'nova.conf').write_text('old\n')
    assert fix.write(fix.read('nova.conf'), 'new\n') == 'nova.conf.orig'


def test_a_linked_directory_is_resolved_once(tmp_path):
    """``/etc/nova -> /etc/kolla/nova``: the file in it is written."""
    real = tmp_path / 'kolla'
    real.mkdir()
    (real / 'nova.conf').write_text('old\n')
    (tmp_path / 'nova').symlink_to(real)
    given = str(tmp_path / 'nova' / 'nova.conf')
    assert fix.write(fix.read(given), 'new\n') == given + '.orig'
    assert (real / 'nova.conf').read_text() == 'new\n'
    assert (real / 'nova.conf.orig').read_text() == 'old\n'


def test_a_config_file_that_is_a_link_is_refused(tmp_path):
    """Whoever can write its directory could point it elsewhere between
    the read and the write."""
    real = tmp_path / 'real.conf'
    real.write_text('[glance]\n')
    link = tmp_path / 'nova.conf'
    link.symlink_to(real)
    with pytest.raises(LoadError, match='is a symbolic link'):
        fix.read(str(link))


def test_a_file_with_other_hard_links_is_read_but_never_written(tmp_path):
    """The rename that writes it would leave the other name behind with
    the old text, silently; a file fix only reads may have many names."""
    conf = tmp_path / 'nova.conf'
    conf.write_text('[glance]\n')
    os.link(conf, tmp_path / 'nova.conf.deployed')
    original = fix.read(str(conf))
    with pytest.raises(fix.FixError, match='has 2 hard links'):
        fix.write(original, 'new\n')
    assert conf.read_text() == '[glance]\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'nova.conf', 'nova.conf.deployed']


def test_a_hard_link_made_after_the_read_is_caught(tmp_path):
    conf = tmp_path / 'nova.conf'
    conf.write_text('[glance]\n')
    original = fix.read(str(conf))
    os.link(conf, tmp_path / 'other-name.conf')
    with pytest.raises(fix.FixError, match='has 2 hard links'):
        fix.write(original, 'new\n')
    assert (tmp_path / 'other-name.conf').read_text() == '[glance]\n'


def _victim(tmp_path):
    victim = tmp_path / 'shadow'
    victim.write_bytes(b'root::19000:0:99999:7:::\n')
    victim.chmod(0o600)
    return victim


def _link_to(victim):
    def swap(path):
        link = path.with_name('.swap')
        link.symlink_to(victim)
        os.rename(link, path)
    return swap


def _copy(path):
    """The same bytes renamed over it, as a deployment tool renders."""
    copy = path.with_name('.copy')
    copy.write_bytes(path.read_bytes())
    os.rename(copy, path)


def _edit(path):
    with open(path, 'a') as out:
        out.write('debug = true\n')


def _move_directory(path):
    os.rename(path.parent, path.parent.with_name('moved'))
    path.parent.mkdir()
    path.write_text('[glance]\n')


@pytest.mark.parametrize('change', [
    'link', 'copy', 'edit', 'remove', 'directory'])
def test_write_refuses_a_file_that_changed_since_it_was_read(tmp_path,
                                                             change):
    """Linked to a victim, replaced by a copy, edited, removed or its
    directory swapped: nothing is written, anywhere."""
    victim = _victim(tmp_path)
    conf_d = tmp_path / 'nova.conf.d'
    conf_d.mkdir()
    path = conf_d / 'nova.conf'
    path.write_text('[glance]\n')
    original = fix.read(str(path))
    {'link': _link_to(victim), 'copy': _copy, 'edit': _edit,
     'remove': os.unlink, 'directory': _move_directory}[change](path)
    before = sorted(os.listdir(conf_d))
    with pytest.raises(fix.FixError) as caught:
        fix.write(original, '[glance]\ninsecure = False\n')
    assert str(caught.value) == '%s: %s' % (path, fix.MOVED)
    assert victim.read_bytes() == b'root::19000:0:99999:7:::\n'
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600
    assert sorted(os.listdir(conf_d)) == before
    assert sorted(os.listdir(tmp_path)) == sorted(
        ['shadow', 'nova.conf.d'] + ['moved'] * (change == 'directory'))
