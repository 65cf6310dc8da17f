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

"""The hook of .pre-commit-hooks.yaml, installed by pre-commit itself
from a fresh clone: a bad file fails, a good one passes, and the
repository's own gate (.glance-conf-audit.yaml) is used."""

from __future__ import annotations

import shutil

from tests.precommit.conftest import EXAMPLES
from tests.precommit.conftest import REPO_URL
from tests.precommit.conftest import REV
from tests.precommit.conftest import git_repo
from tests.precommit.conftest import run
from tests.precommit.conftest import use_clone

CONFIG = '''repos:
  - repo: %s
    rev: %s
    hooks:
      - id: glance-conf-audit
''' % (REPO_URL, REV)
GOOD = (EXAMPLES / 'nova-hardened.conf').read_text()
#: The hardened file with one medium finding (GC102) and nothing worse.
PLAIN_HTTP = GOOD.replace('https://glance', 'http://glance')
#: The hardened file with one high finding (GC101) and nothing else.
INSECURE = GOOD.replace('[glance]\n', '[glance]\ninsecure = true\n')


def _repo(tmp_path, env, clone, files):
    repo = git_repo(tmp_path / 'repo', env)
    (repo / '.pre-commit-config.yaml').write_text(use_clone(CONFIG, clone))
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    run(['git', 'add', '.'], repo, env)
    return repo


def _pre_commit(repo, env, *args):
    return run(['pre-commit', 'run', 'glance-conf-audit', *args], repo, env)


def test_try_repo_fails_on_a_bad_file(tmp_path, env, clone):
    """One file is one host (fleet mode with a single FILE)."""
    repo = git_repo(tmp_path / 'repo', env)
    shutil.copy(EXAMPLES / 'nova-insecure.conf', repo / 'nova.conf')
    run(['git', 'add', '.'], repo, env)
    done = run(['pre-commit', 'try-repo', str(clone[0]), 'glance-conf-audit',
                '--files', 'nova.conf'], repo, env)
    assert done.returncode == 1, done.stdout
    assert 'glance-conf-audit....' in done.stdout and 'Failed' in done.stdout
    assert 'GC101  glance.insecure  nova.conf:10' in done.stdout
    assert '(fleet mode, nova defaults): 1 file(s) audited' in done.stdout


def test_try_repo_passes_on_a_good_file(tmp_path, env, clone):
    repo = git_repo(tmp_path / 'repo', env)
    shutil.copy(EXAMPLES / 'nova-hardened.conf', repo / 'nova.conf')
    run(['git', 'add', '.'], repo, env)
    done = run(['pre-commit', 'try-repo', str(clone[0]), 'glance-conf-audit',
                '--files', 'nova.conf'], repo, env)
    assert done.returncode == 0, done.stdout
    assert 'Passed' in done.stdout


def test_the_gate_of_the_project_config_is_used(tmp_path, env, clone):
    repo = _repo(tmp_path, env, clone, {'nova.conf': PLAIN_HTTP})
    done = _pre_commit(repo, env, '--all-files')
    assert done.returncode == 1 and 'GC102' in done.stdout, done.stdout
    (repo / '.glance-conf-audit.yaml').write_text('fail_on: high\n')
    done = _pre_commit(repo, env, '--all-files', '--verbose')
    assert done.returncode == 0, done.stdout
    assert 'GC102' in done.stdout  # reported, below the gate


def test_waivers_named_by_the_project_config_apply(tmp_path, env, clone):
    """The waiver file's path is relative to the project config."""
    repo = _repo(tmp_path, env, clone, {'hosts/compute-1/nova.conf':
                                        INSECURE})
    done = _pre_commit(repo, env, '--all-files')
    assert done.returncode == 1 and 'GC101' in done.stdout, done.stdout
    (repo / 'policy').mkdir()
    (repo / 'policy' / 'waivers.yaml').write_text(
        '- id: GC101\n  reason: lab\n  owner: ops\n  expires: 2999-12-31\n')
    (repo / '.glance-conf-audit.yaml').write_text(
        'waivers: policy/waivers.yaml\n')
    done = _pre_commit(repo, env, '--all-files', '--verbose')
    assert done.returncode == 0, done.stdout
    assert 'Waived: 1 finding(s) suppressed by policy/waivers.yaml' \
        in done.stdout, done.stdout


def test_templates_and_other_files_are_left_alone(tmp_path, env, clone):
    insecure = (EXAMPLES / 'nova-insecure.conf').read_text()
    repo = _repo(tmp_path, env, clone, {
        'templates/nova.conf.j2': '{% if x %}\n' + insecure,
        'nova.conf.d/10-glance.conf': insecure,
        'keystone.conf': insecure})
    done = _pre_commit(repo, env, '--all-files')
    assert done.returncode == 0, done.stdout
    assert '(no files to check)Skipped' in done.stdout


def test_every_file_is_compared_in_one_run(tmp_path, env, clone):
    """require_serial: the hosts are one fleet, never split across
    processes (pre-commit splits more than 4 files over 2 CPUs), which
    would compare each host with only some of the others."""
    # compute-5 holds the lower TLS floor: the weaker side, blamed.
    stronger = GOOD.replace('tls_min_version = 1.2',
                            'tls_min_version = 1.3')
    hosts = {'compute-%d/nova.conf' % n: stronger for n in range(1, 10)}
    hosts['compute-5/nova.conf'] = GOOD
    repo = _repo(tmp_path, env, clone, hosts)
    done = _pre_commit(repo, env, '--all-files')
    assert done.returncode == 1, done.stdout
    assert 'GC601  glance.tls_min_version  compute-5/nova.conf' \
        in done.stdout
    assert done.stdout.count('file(s) audited') == 1, done.stdout
    assert '9 file(s) audited' in done.stdout


def test_service_mode_args_stay_offline(tmp_path, env, clone):
    """Layered with --config-file (the kolla-ansible recipe, the
    ``glance-conf-audit-layers`` hook), the hook still never judges the
    committer's machine: a cafile that is not here is not GC103, and the
    host checks are listed as not checked."""
    config = use_clone(CONFIG.replace('id: glance-conf-audit',
                                      'id: glance-conf-audit-layers'),
                       clone) + '        args: [--config-file, nova.conf]\n'
    repo = _repo(tmp_path, env, clone, {'nova.conf': GOOD.replace(
        '/etc/ssl/certs/ca-certificates.crt', '/nonexistent/ca.pem')})
    (repo / '.pre-commit-config.yaml').write_text(config)
    done = run(['pre-commit', 'run', 'glance-conf-audit-layers',
                '--all-files', '--verbose'], repo, env)
    assert done.returncode == 0, done.stdout
    assert '(service mode, nova defaults)' in done.stdout
    assert 'Not checked (offline): GC103' in done.stdout


def test_symlinked_configs_are_audited(tmp_path, env, clone):
    """pre-commit tags a symlink ``symlink``, not ``file``: with
    ``types: [file]`` a linked nova.conf was skipped without a word.
    The audit follows the link; a dangling one is one line, exit 2."""
    repo = _repo(tmp_path, env, clone, {'shared/insecure.ini': INSECURE})
    (repo / 'compute-1').mkdir()
    (repo / 'compute-1' / 'nova.conf').symlink_to('../shared/insecure.ini')
    run(['git', 'add', '.'], repo, env)
    done = _pre_commit(repo, env, '--all-files')
    assert done.returncode == 1, done.stdout
    assert 'GC101  glance.insecure  compute-1/nova.conf:' in done.stdout
    (repo / 'shared' / 'insecure.ini').unlink()
    run(['git', 'add', '-A'], repo, env)
    done = _pre_commit(repo, env, '--all-files')
    assert done.returncode == 1 and '- exit code: 2' in done.stdout, \
        done.stdout
    assert 'compute-1/nova.conf: no such file' in done.stdout
    assert 'Traceback' not in done.stdout


def test_a_committed_name_is_never_read_as_an_option(tmp_path, env, clone):
    """A directory named ``--waivers=ci`` made the hook receive
    ``--waivers=ci/nova.conf``: ``ci/nova.conf``, both a valid INI file
    (one odd section) and a YAML list of waivers, then waived every
    finding and the hook passed. The file names come after ``--`` now,
    and the audit refuses one that looks like an option."""
    from glance_conf.audit import manager
    waive_all = '[%s]\n' % ', '.join(
        '{id: %s, reason: r, owner: o, expires: 2999-12-31}' % check.id
        for check in manager.load_checks())
    repo = _repo(tmp_path, env, clone, {
        'compute-1/nova.conf': INSECURE, 'ci/nova.conf': waive_all,
        '--waivers=ci/nova.conf': GOOD})
    done = _pre_commit(repo, env, '--all-files')
    assert done.returncode == 1 and '- exit code: 2' in done.stdout, \
        done.stdout
    assert ('glance-conf-audit: error: --waivers=... after --: looks like '
            'an option, not a file; options go before --, and a file whose '
            'name starts with "-" is given as ./NAME (see --help)'
            in done.stdout), done.stdout
    assert 'Waived' not in done.stdout


def test_options_in_args_of_the_file_hook_are_refused(tmp_path, env, clone):
    """pre-commit puts ``args`` after the entry's ``--``: an option there
    stops the hook, on one line, rather than be taken for a file."""
    config = use_clone(CONFIG, clone) + '        args: [--fail-on, high]\n'
    repo = _repo(tmp_path, env, clone, {'nova.conf': PLAIN_HTTP})
    (repo / '.pre-commit-config.yaml').write_text(config)
    done = _pre_commit(repo, env, '--all-files')
    assert done.returncode == 1 and '- exit code: 2' in done.stdout, \
        done.stdout
    assert 'error: --fail-on after --: looks like an option' in done.stdout
