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

"""The project config: defaults for the gate, which flags override."""

from __future__ import annotations

import datetime
import io
import json
import os
import sys

import pytest

from glance_conf.audit import projectconfig
from glance_conf.audit.exception import LoadError
from glance_conf.cmd import audit as cli

CHOICES = {'fail_on': ['info', 'low', 'medium', 'high', 'never'],
           'defaults': ['nova', 'glance-conf'],
           'format': ['json', 'sarif', 'text']}
#: GC101 high, GC301 low (no timeout), GC106 info.
CONF = ('[glance]\ninsecure = true\nendpoint_override = https://g:9292\n'
        'verify_glance_signatures = true\n'
        'enable_certificate_validation = true\n')
SOON = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
#: Python 3.11+ reads pyproject.toml; 3.10 refuses a table it cannot
#: read (each test below states both outcomes, none is skipped).
HAS_TOMLLIB = projectconfig.tomllib is not None
WAIVER = ('- id: GC101\n  reason: lab CA\n  owner: alice\n  expires: %s\n'
          % SOON)


@pytest.fixture
def repo(tmp_path):
    """A git repository's top directory (only ``.git`` is looked for)."""
    (tmp_path / '.git').mkdir()
    return tmp_path


@pytest.fixture
def project(repo, monkeypatch):
    """A repository of config templates, as the current directory."""
    (repo / 'nova.conf').write_text(CONF)
    monkeypatch.chdir(repo)
    return repo


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(['--offline', '--config-file', 'nova.conf', *argv], out,
                   err)
    return code, out.getvalue(), err.getvalue()


# -- Reading --------------------------------------------------------------


def test_yaml_settings_are_read_and_paths_are_relative_to_it(tmp_path):
    (tmp_path / 'ci').mkdir()
    path = tmp_path / 'ci' / 'gate.yaml'
    path.write_text('fail_on: high\nskip: [GC301, GC504]\n'
                    'waivers: waivers.yaml\nbaseline: /srv/base.json\n'
                    'defaults: glance-conf\nformat: sarif\n')
    assert projectconfig.load(str(path), CHOICES) == {
        'fail_on': 'high', 'skip': ['GC301', 'GC504'],
        'waivers': str(tmp_path / 'ci' / 'waivers.yaml'),
        'baseline': '/srv/base.json', 'defaults': 'glance-conf',
        'format': 'sarif'}


def test_pyproject_table_is_read(repo):
    path = repo / 'pyproject.toml'
    path.write_text('[project]\nname = "x"\n\n[tool.glance-conf-audit]\n'
                    'fail_on = "low"\nskip = "GC301,GC504"\n')
    assert projectconfig.find(str(repo)) == str(path)
    if not HAS_TOMLLIB:
        with pytest.raises(LoadError, match='needs Python 3.11'):
            projectconfig.load(str(path), CHOICES)
        return
    assert projectconfig.load(str(path), CHOICES) == {
        'fail_on': 'low', 'skip': ['GC301', 'GC504']}


def test_a_pyproject_without_the_table_is_not_a_config(repo):
    (repo / 'pyproject.toml').write_text('[tool.ruff]\nline-length = 1\n')
    assert projectconfig.find(str(repo)) is None


def test_two_configs_in_one_directory_is_an_error(repo):
    (repo / 'pyproject.toml').write_text('[tool.glance-conf-audit]\n')
    (repo / projectconfig.YAML_NAME).write_text('fail_on: high\n')
    with pytest.raises(LoadError, match='keep one'):
        projectconfig.find(str(repo))


@pytest.mark.parametrize('body, reason', [
    ('fail_on: high\nfail-on: low\n',
     'line 2: unknown key fail-on (expected one of: fail_on, waivers, '
     'baseline, defaults, format, bundles, docs_url, skip)'),
    ('fail_on: critical\n', 'line 1: fail_on: expected one of: high, info, '
     'low, medium, never'),
    ('format: [json]\n', 'line 1: format: expected a non-empty text of '
                         'printable characters'),
    ('skip: {GC301: yes}\n', 'line 1: skip: expected a text or a list of '
     'texts'),
    ('- fail_on\n', 'line 1: expected a mapping of settings'),
    ('fail_on: [\n', 'line 2: not valid YAML'),
])
def test_bad_yaml_settings_name_the_key_and_line(tmp_path, body, reason):
    path = tmp_path / 'gate.yaml'
    path.write_text(body)
    with pytest.raises(LoadError) as caught:
        projectconfig.load(str(path), CHOICES)
    assert caught.value.reason == reason


@pytest.mark.parametrize('body, reason', [
    ('[tool.glance-conf-audit]\nfailon = "x"\n', 'unknown key failon'),
    ('[tool.glance-conf-audit]\nfail_on = 3\n',
     'fail_on: expected a non-empty text of printable characters'),
    ('[tool.glance-conf-audit]\nskip = [1]\n',
     'skip: expected a list of check IDs'),
    ('[tool.glance-conf-audit\n', 'not valid TOML'),
])
def test_bad_toml_settings_name_the_key(tmp_path, body, reason):
    path = tmp_path / 'pyproject.toml'
    path.write_text(body)
    with pytest.raises(LoadError) as caught:
        projectconfig.load(str(path), CHOICES)
    assert caught.value.reason.startswith(
        reason if HAS_TOMLLIB else projectconfig.NEEDS_TOMLLIB)


def test_values_are_never_echoed(tmp_path):
    path = tmp_path / 'gate.yaml'
    path.write_text('fail_on: s3cr3t\n')
    with pytest.raises(LoadError) as caught:
        projectconfig.load(str(path), CHOICES)
    assert 's3cr3t' not in str(caught.value)


def test_without_tomllib_a_pyproject_table_is_refused(repo,
                                                      monkeypatch):
    """Python 3.10 has no tomllib: the gate stops rather than run
    without the project's settings."""
    monkeypatch.setattr(projectconfig, 'tomllib', None)
    (repo / 'pyproject.toml').write_text('[tool.glance-conf-audit]\n'
                                             'fail_on = "low"\n')
    path = projectconfig.find(str(repo))
    with pytest.raises(LoadError) as caught:
        projectconfig.load(path, CHOICES)
    assert caught.value.reason == projectconfig.NEEDS_TOMLLIB
    (repo / 'pyproject.toml').write_text('[tool.ruff]\n')
    assert projectconfig.find(str(repo)) is None


# -- On the command line ----------------------------------------------------


def test_no_config_keeps_the_flag_defaults(project):
    code, out, _ = run()
    assert code == 1 and out.startswith('glance-conf-audit (service mode, '
                                        'nova defaults)')


def test_config_sets_the_defaults(project):
    """A repository of templates runs the gate with no flags."""
    (project / 'waivers.yaml').write_text(WAIVER)
    (project / projectconfig.YAML_NAME).write_text(
        'fail_on: low\nformat: json\nwaivers: waivers.yaml\n'
        'skip: [GC106]\ndefaults: glance-conf\n')
    code, out, _ = run()
    doc = json.loads(out)
    assert doc['defaults'] == 'glance-conf'
    assert [f['id'] for f in doc['suppressed']] == ['GC101']
    assert 'GC106' not in [f['id'] for f in doc['findings']]
    assert code == (1 if doc['summary']['low'] else 0)


def test_the_docs_address_comes_from_the_config(project):
    """SARIF rules link the published catalogue (``helpUri``)."""
    (project / projectconfig.YAML_NAME).write_text(
        'format: sarif\ndocs_url: https://docs.example.org/checks.html#x\n')
    _, out, _ = run()
    rules = json.loads(out)['runs'][0]['tool']['driver']['rules']
    assert {r['helpUri'] for r in rules if r['id'] == 'GC101'} == {
        'https://docs.example.org/checks.html#gc101'}


def test_flags_override_the_config(project):
    (project / 'waivers.yaml').write_text(WAIVER)
    (project / projectconfig.YAML_NAME).write_text(
        'fail_on: never\nformat: json\nskip: [GC101]\n')
    assert run()[0] == 0
    code, out, _ = run('--fail-on', 'high', '--format', 'text',
                       '--skip', 'GC504')
    # --skip replaces the config's list: GC101 runs again.
    assert code == 1 and out.startswith('glance-conf-audit (') \
        and 'GC101' in out
    code, out, _ = run('--skip', '', '--waivers', 'waivers.yaml',
                       '--fail-on', 'high')
    assert code == 0 and json.loads(out)['suppressed']


def test_pyproject_config_on_the_command_line(project):
    (project / 'pyproject.toml').write_text(
        '[tool.glance-conf-audit]\nfail_on = "never"\n')
    assert run()[0] == (0 if HAS_TOMLLIB else 2)
    assert run('--fail-on', 'high')[0] == (1 if HAS_TOMLLIB else 2)


def test_project_config_flag_names_the_file(project):
    (project / 'elsewhere').mkdir()
    (project / 'elsewhere' / 'waivers.yaml').write_text(WAIVER)
    (project / 'elsewhere' / 'gate.yaml').write_text(
        'waivers: waivers.yaml\nformat: json\n')
    code, out, _ = run('--project-config',
                       os.path.join('elsewhere', 'gate.yaml'))
    assert json.loads(out)['waivers']['file'] == os.path.join(
        'elsewhere', 'waivers.yaml')


def test_baseline_is_kept_for_the_baseline_flag(project, monkeypatch):
    """``baseline`` is a default for ``--baseline``: the parsed arguments
    carry it, relative to the config's directory."""
    (project / projectconfig.YAML_NAME).write_text('baseline: base.json\n')
    seen = {}
    real = cli._with_project_config

    def spy(*args):
        seen['args'] = real(*args)
        return seen['args']
    monkeypatch.setattr(cli, '_with_project_config', spy)
    run()
    assert seen['args'][0].baseline == 'base.json'


@pytest.mark.parametrize('body, message', [
    ('fail_on: hihg\n', 'line 1: fail_on: expected one of'),
    ('colour: true\n', 'line 1: unknown key colour'),
    ('docs_url: ftp://docs.example/checks.html\n',
     'docs_url: not an http(s) URL'),
])
def test_a_bad_config_is_exit_2_naming_the_key(project, body, message):
    (project / projectconfig.YAML_NAME).write_text(body)
    code, out, err = run()
    assert code == 2 and out == ''
    assert err.startswith('glance-conf-audit: error: project config ./%s: %s'
                          % (projectconfig.YAML_NAME, message))
    assert len(err.splitlines()) == 1


def test_a_pyproject_whose_tool_is_not_a_table_configures_nothing(repo):
    (repo / 'pyproject.toml').write_text('tool = 1\n')
    assert projectconfig.find(str(repo)) is None


def test_a_path_with_a_control_character_is_refused(tmp_path):
    path = tmp_path / projectconfig.YAML_NAME
    path.write_text('waivers: "a\\x00b"\n')
    with pytest.raises(LoadError, match='printable'):
        projectconfig.load(str(path), {})


def test_a_dangling_config_link_is_named_not_ignored(repo):
    (repo / projectconfig.YAML_NAME).symlink_to(repo / 'gone.yaml')
    assert projectconfig.find(str(repo)) == str(
        repo / projectconfig.YAML_NAME)


def test_bundles_is_a_path_relative_to_the_config(tmp_path):
    (tmp_path / 'ci').mkdir()
    path = tmp_path / 'ci' / 'gate.yaml'
    path.write_text('bundles: collected\n')
    assert projectconfig.load(str(path), CHOICES) == {
        'bundles': str(tmp_path / 'ci' / 'collected')}


def test_files_on_the_command_line_win_over_the_configs_bundles(project):
    """Not a usage error: the project's bundles give way, as defaults
    do, to the inputs the command line names."""
    (project / projectconfig.YAML_NAME).write_text('bundles: nowhere\n')
    code, out, err = run()
    assert code == 1 and err == ''
    assert out.startswith('glance-conf-audit (service mode')


# -- Who may change the gate (issue 20, item 5) -------------------------------

#: A config planted to turn the gate off: drops GC101's high finding.
PLANTED = 'skip: [GC101, GC201]\nfail_on: never\n'
#: The same, as a pyproject.toml table.
PLANTED_TOML = ('[tool.glance-conf-audit]\nskip = ["GC101", "GC201"]\n'
                'fail_on = "never"\n')
#: Another account than root's, for files it owns.
OTHER_UID = 65534


@pytest.fixture
def bare(tmp_path, monkeypatch):
    """A directory in no git repository (root's /root, /tmp...), as the
    current directory."""
    assert not projectconfig.in_repository(str(tmp_path))
    (tmp_path / 'nova.conf').write_text(CONF)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize('name, body', [
    (projectconfig.YAML_NAME, PLANTED),
    ('pyproject.toml', PLANTED_TOML),
])
def test_outside_a_repository_the_cwd_config_is_not_used(bare, name, body):
    (bare / name).write_text(body)
    code, out, err = run()
    assert code == 1 and 'GC101' in out and 'Project config' not in out
    assert err == ('glance-conf-audit: warning: ./%s not used: the current '
                   'directory is in no git repository; name it with '
                   '--project-config\n' % name)


def test_outside_a_repository_the_named_config_is_used(bare):
    (bare / 'gate.yaml').write_text(PLANTED)
    code, out, _ = run('--project-config', 'gate.yaml')
    assert code == 0 and '  GC101' not in out
    assert 'Project config: gate.yaml, which set fail_on never; skip ' \
        'GC101, GC201.\n' in out


@pytest.mark.parametrize('where', ['.git', 'sub/.git', 'file'])
def test_a_git_directory_or_file_in_the_cwd_or_a_parent_is_a_repository(
        tmp_path, where):
    """``.git`` is a file in a worktree or a submodule."""
    cwd = tmp_path / 'sub' / 'templates'
    cwd.mkdir(parents=True)
    if where == 'file':
        (tmp_path / '.git').write_text('gitdir: /elsewhere\n')
    else:
        (tmp_path / where).mkdir()
    assert projectconfig.in_repository(str(cwd))
    (cwd / projectconfig.YAML_NAME).write_text('fail_on: high\n')
    assert projectconfig.find(str(cwd)) == str(cwd / projectconfig.YAML_NAME)
    assert projectconfig.stray(str(cwd)) is None


@pytest.mark.parametrize('name, body', [
    (projectconfig.YAML_NAME, PLANTED),
    pytest.param('pyproject.toml', PLANTED_TOML, marks=pytest.mark.skipif(
        sys.version_info < (3, 11), reason='reading pyproject.toml needs '
        'tomllib, Python 3.11 or later (a test below holds the refusal)')),
])
def test_every_report_names_the_config_and_what_it_changed(project, name,
                                                           body):
    (project / name).write_text(body)
    code, out, err = run()
    assert code == 0 and err == ''
    assert out.splitlines()[1] == ('Project config: ./%s, which set fail_on '
                                   'never; skip GC101, GC201.' % name)
    code, out, _ = run('--format', 'json', '--fail-on', 'high')
    assert code == 0
    assert json.loads(out)['project_config'] == {
        'path': './' + name, 'skip': ['GC101', 'GC201'], 'fail_on': None,
        'changed': {'skip': ['GC101', 'GC201']}}
    _, out, _ = run('--format', 'sarif')
    props = json.loads(out)['runs'][0]['properties']['projectConfig']
    assert props['skip'] == ['GC101', 'GC201'] and props['fail_on'] == \
        'never'
    _, out, _ = run('--format', 'html')
    assert ('<dd id="project-config">./%s, which set fail_on never; skip '
            'GC101, GC201</dd>' % name) in out
    _, out, _ = run('--format', 'prometheus')
    assert 'project_config="./%s"' % name in out


def test_without_a_config_the_reports_say_none(project):
    _, out, _ = run('--format', 'json')
    assert json.loads(out)['project_config'] is None
    _, out, _ = run()
    assert 'Project config' not in out


def _owned(path, uid=0, gid=0, mode=0o644):
    os.chown(path, uid, gid)
    os.chmod(path, mode)
    return path


@pytest.mark.parametrize('uid, gid, mode, euid, reason', [
    (0, 0, 0o644, 0, None),
    (0, 0, 0o664, 0, None),            # root's group may write
    (1000, 1000, 0o644, 1000, None),   # the user's own file
    (0, 0, 0o644, 1000, None),         # root's file, for a user
    (OTHER_UID, 0, 0o644, 0, 'owned by uid 65534'),
    (1001, 1001, 0o644, 1000, 'owned by uid 1001'),
    (0, 1000, 0o664, 0, 'writable by group gid 1000'),
    (0, 0, 0o646, 0, 'writable by every user'),
    (1000, 1000, 0o664, 1000, 'writable by group gid 1000'),
])
def test_a_config_another_account_can_change_is_refused(tmp_path, uid, gid,
                                                        mode, euid, reason):
    """As git refuses a repository owned by someone else: the owner may
    be the user running the audit or root, and no group but root's and
    no other user may write it."""
    path = tmp_path / 'gate.yaml'
    path.write_text('fail_on: never\n')
    _owned(path, uid, gid, mode)
    if reason is None:
        projectconfig.check_trusted(str(path), euid)
        return
    with pytest.raises(LoadError) as caught:
        projectconfig.check_trusted(str(path), euid)
    assert caught.value.reason.startswith(reason + ', and the audit runs '
                                          'as uid %d' % euid)


@pytest.mark.parametrize('uid, mode, reason', [
    (0, 0o755, None),
    (0, 0o1777, None),                  # sticky: names stay their owner's
    (0, 0o777, 'its directory is writable by every user'),
    (OTHER_UID, 0o755, 'its directory is owned by uid 65534'),
    (OTHER_UID, 0o1777, 'its directory is owned by uid 65534'),
])
def test_the_directory_holding_the_config_counts_too(tmp_path, uid, mode,
                                                     reason):
    """Whoever can write the directory can put another file in its
    place."""
    where = tmp_path / 'ci'
    where.mkdir()
    path = where / 'gate.yaml'
    path.write_text('fail_on: never\n')
    _owned(where, uid, 0, mode)
    if reason is None:
        projectconfig.check_trusted(str(path), 0)
        return
    with pytest.raises(LoadError) as caught:
        projectconfig.check_trusted(str(path), 0)
    assert caught.value.reason.startswith(reason)


@pytest.mark.parametrize('name, body', [
    (projectconfig.YAML_NAME, PLANTED),
    ('pyproject.toml', PLANTED_TOML),
])
def test_a_planted_config_is_exit_2_on_one_line(project, name, body):
    """Another user's config in root's repository stops the gate rather
    than set it, whether found or named."""
    path = project / name
    path.write_text(body)
    os.chown(path, OTHER_UID, OTHER_UID)
    for extra in ((), ('--project-config', name)):
        code, out, err = run(*extra)
        assert code == 2 and out == ''
        assert err.startswith('glance-conf-audit: error: project config '
                              '%s: owned by uid 65534, and the audit runs '
                              'as uid 0' % (extra[1] if extra else './'
                                            + name))
        assert len(err.splitlines()) == 1


def test_a_linked_config_is_judged_by_its_targets_directory_too(tmp_path):
    """A link in a trusted directory to a file in a directory anyone can
    write: whoever writes there can put another file in its place."""
    open_dir = tmp_path / 'anyone'
    open_dir.mkdir()
    target = open_dir / 'gate.yaml'
    target.write_text('fail_on: never\n')
    _owned(open_dir, 0, 0, 0o777)
    link = tmp_path / projectconfig.YAML_NAME
    link.symlink_to(target)
    with pytest.raises(LoadError) as caught:
        projectconfig.check_trusted(str(link), 0)
    assert caught.value.reason.startswith(
        "its target's directory is writable by every user")


def test_the_waivers_and_baseline_a_config_names_are_held_to_its_trust(
        tmp_path):
    """A config that may set the gate names waivers that may waive it:
    another account's waiver file is refused as the config would be."""
    (tmp_path / 'w.yaml').write_text(WAIVER)
    _owned(tmp_path / 'w.yaml', OTHER_UID, 0, 0o666)
    path = tmp_path / projectconfig.YAML_NAME
    path.write_text('waivers: w.yaml\n')
    with pytest.raises(LoadError) as caught:
        projectconfig.load(str(path), CHOICES)
    assert caught.value.path.endswith('w.yaml')
    assert caught.value.reason.startswith('owned by uid 65534')
