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

"""GC601 through the command line, on the TripleO DCN fleet.

The central site and two edge sites differ by design in their Image API
endpoint and Ceph config; their security posture is the same.
"""

from __future__ import annotations

import io
import json
import pathlib
import shutil

import pytest

from glance_conf.cmd import audit as cli

DCN = pathlib.Path(__file__).parent / 'deployments' / 'dcn'
SITES = ('central', 'dcn0', 'dcn1')


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _drift(*argv: str) -> list[dict]:
    code, out, err = _run('--format', 'json', '--fail-on', 'never', *argv)
    assert code == 0, err
    return [f for f in json.loads(out)['findings'] if f['id'] == 'GC601']


def _fleet(tmp_path: pathlib.Path, hosts: dict[str, str],
           insecure: tuple[str, ...] = ()) -> list[str]:
    """Copy DCN site configs as hosts; ``insecure`` hosts get
    ``[glance] insecure = True``."""
    paths = []
    for host, site in hosts.items():
        text = (DCN / ('%s.conf' % site)).read_text()
        if host in insecure:
            text = text.replace('[glance]\n', '[glance]\ninsecure=True\n')
        path = tmp_path / ('%s.conf' % host)
        path.write_text(text)
        paths.append(str(path))
    return paths


def test_the_dcn_fleet_has_no_drift() -> None:
    assert _drift(*[str(DCN / ('%s.conf' % s)) for s in SITES]) == []


def test_one_insecure_host_gives_one_finding_naming_it(tmp_path) -> None:
    hosts = {'%s-compute-%d' % (site, i): site
             for site in SITES for i in range(3)}
    paths = _fleet(tmp_path, hosts, insecure=('dcn1-compute-2',))
    [drift] = _drift(*paths)
    assert drift['option'] == 'glance.insecure'
    assert drift['file'] == paths[-1]
    assert 'True on 1 host(s) (%s)' % paths[-1] in drift['message']
    assert 'False on 8 host(s)' in drift['message']


def _two_postures(tmp_path: pathlib.Path) -> list[str]:
    """Two groups, each consistent inside, that differ from each other."""
    hosts = {'%s-compute-%d' % (site, i): site
             for site in ('central', 'dcn0') for i in range(3)}
    return _fleet(tmp_path, hosts, insecure=tuple(
        h for h in hosts if h.startswith('dcn0')))


def test_groups_by_regex_restrict_the_comparison(tmp_path) -> None:
    paths = _two_postures(tmp_path)
    assert [f['option'] for f in _drift(*paths)] == ['glance.insecure']
    assert _drift('--group-by', r'/([a-z0-9]+)-compute', *paths) == []


@pytest.mark.parametrize('groups', [
    'central: [central-compute-0, central-compute-1, central-compute-2]\n'
    'dcn0: [dcn0-compute-0.conf, dcn0-compute-1, dcn0-compute-2]\n',
    'all:\n  children:\n    central:\n      hosts:\n'
    '        central-compute-0:\n        central-compute-1:\n'
    '        central-compute-2:\n'
    '    edge:\n      children:\n        dcn0:\n'
    '          hosts: {dcn0-compute-0: , dcn0-compute-1: ,'
    ' dcn0-compute-2: }\n',
], ids=['mapping', 'ansible'])
def test_groups_file_restricts_the_comparison(tmp_path, groups) -> None:
    paths = _two_postures(tmp_path)
    groups_file = tmp_path / 'groups.yaml'
    groups_file.write_text(groups)
    assert _drift('--groups', str(groups_file), *paths) == []


def test_drift_inside_a_group_names_the_group(tmp_path) -> None:
    paths = _fleet(tmp_path, {'a-0': 'dcn0', 'a-1': 'dcn0', 'b-0': 'dcn1',
                              'b-1': 'dcn1'}, insecure=('b-1',))
    [drift] = _drift('--group-by', r'/(\w)-\d\.conf$', *paths)
    assert drift['message'].startswith('In group b: [glance] insecure')
    assert paths[3] in drift['message'] and paths[0] not in drift['message']


def test_overlapping_groups_find_drift_within_each(tmp_path) -> None:
    """An Ansible inventory puts each compute in ``compute`` and in its
    availability zone: a host is compared in every group it is in, and
    each group's drift is one finding."""
    paths = _fleet(tmp_path, {'c0': 'dcn0', 'c1': 'dcn0', 'c2': 'dcn0',
                              'c3': 'dcn0'}, insecure=('c1',))
    groups_file = tmp_path / 'inventory.yaml'
    groups_file.write_text(
        'all:\n  children:\n'
        '    compute:\n      hosts: {c0: , c1: , c2: , c3: }\n'
        '    az1:\n      hosts: {c0: , c1: }\n'
        '    az2:\n      hosts: {c2: , c3: }\n')
    found = _drift('--groups', str(groups_file), *paths)
    assert sorted(f['message'].split(':')[0] for f in found) == [
        'In group az1', 'In group compute']
    assert {f['file'] for f in found} == {paths[1]}
    # The compute group's finding is the one an inventory without zones
    # gives: adding groups leaves each group's fingerprint alone.
    groups_file.write_text('compute: [c0, c1, c2, c3]\n')
    [alone] = _drift('--groups', str(groups_file), *paths)
    assert alone['fingerprint'] in {f['fingerprint'] for f in found}


def test_unmatched_files_are_compared_as_one_group(tmp_path) -> None:
    paths = _fleet(tmp_path, {'a-0': 'dcn0', 'x': 'dcn0', 'y': 'dcn0'},
                   insecure=('y',))
    [drift] = _drift('--group-by', r'/(\w)-\d\.conf$', *paths)
    assert drift['message'].startswith('In group (ungrouped): ')


def test_fingerprints_survive_new_hosts_order_and_moves(tmp_path) -> None:
    hosts = {'h%d' % i: 'dcn0' for i in range(4)}
    paths = _fleet(tmp_path, hosts, insecure=('h3',))

    def prints(*argv: str) -> set[str]:
        return {f['fingerprint'] for f in _drift(*argv)}
    before = prints(*paths)
    assert len(before) == 1
    new = _fleet(tmp_path, {'h9': 'dcn0'})
    assert prints(*paths, *new) == before
    assert prints(*reversed(paths)) == before
    moved = tmp_path / 'moved'
    moved.mkdir()
    for path in paths:
        shutil.copy(path, moved / ('x-' + pathlib.Path(path).name))
    assert prints(*sorted(map(str, moved.iterdir()))) == before
    grouped = prints('--group-by', r'/(h)\d', *paths)
    assert len(grouped) == 1 and grouped != before
    flipped = tmp_path / 'flipped'
    flipped.mkdir()
    # The insecure side is blamed whether it is the minority or not.
    swapped = _fleet(flipped, hosts, insecure=('h0', 'h1', 'h2'))
    assert prints(*swapped) == before


def test_a_secure_minority_is_never_blamed(tmp_path) -> None:
    """Two hosts skip TLS verification, one verifies: the two are the
    weaker side, the finding points at one of them."""
    hosts = {'h0': 'dcn0', 'h1': 'dcn0', 'h2': 'dcn0'}
    paths = _fleet(tmp_path, hosts, insecure=('h0', 'h1'))
    [drift] = _drift(*paths)
    assert drift['file'] in paths[:2]
    assert drift['message'].endswith(
        'True on 2 host(s) (%s, %s), the weaker side; False on 1 host(s) '
        '(%s), safer (TLS verified).' % tuple(paths))


@pytest.mark.parametrize('argv, error', [
    (['--group-by', '('], 'argument --group-by: not a valid regular '
                          'expression'),
    (['--group-by', 'compute'], 'argument --group-by: the regular '
                                'expression needs exactly one capture group'),
    (['--groups', '{groups}'], 'argument --groups: {groups}: line 2: not '
                               'valid YAML'),
    (['--groups', '{missing}'], 'argument --groups: {missing}: no such '
                                'file'),
])
def test_bad_grouping_is_exit_2_on_one_line(tmp_path, argv, error) -> None:
    groups, missing = tmp_path / 'groups.yaml', tmp_path / 'missing.yaml'
    groups.write_text('edge: [dcn0\n')
    names = {'groups': str(groups), 'missing': str(missing)}
    argv = [a.format(**names) for a in argv]
    code, out, err = _run(*argv, *[str(DCN / ('%s.conf' % s))
                                   for s in SITES])
    assert code == 2 and out == ''
    assert err.count('\n') == 1 and error.format(**names) in err


def test_grouping_needs_fleet_mode() -> None:
    code, _, err = _run('--group-by', '(x)', '--config-file',
                        str(DCN / 'dcn0.conf'))
    assert code == 2 and 'need FILE arguments' in err


def test_too_many_groups_is_exit_2(monkeypatch) -> None:
    monkeypatch.setattr(cli.fleet, 'MAX_GROUPS', 2)
    code, _, err = _run('--group-by', r'/(\w+)\.conf',
                        *[str(DCN / ('%s.conf' % s)) for s in SITES])
    assert code == 2 and 'more than 2 groups' in err
