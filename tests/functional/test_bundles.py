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

"""``glance-conf-audit --bundles``: hosts audited from their bundles.

Every path a bundle names (``/etc/nova/nova.conf``, ``/etc/nova/certs``)
is a path of the host, not of this machine: the host checks must judge
the facts the bundle recorded, whatever this machine holds there.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from glance_conf.audit import bundle as bundle_mod
from glance_conf.audit import result as result_mod
from glance_conf.audit import runner
from glance_conf.audit import source
from glance_conf.cmd import audit as cli
from tests import bundles as make

CA, KEY, CERT = ('/etc/nova/certs/ca.pem', '/etc/nova/certs/nova.key',
                 '/etc/nova/certs/nova.crt')
CEPH = '/etc/ceph/ceph.conf'
NOVA_CONF = '/etc/nova/nova.conf'
SECRET = 'rabbit://nova:********@mq:5672/'


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _audit(directory, *bundles, fmt='json', extra=()):
    for one in bundles:
        make.write(directory, one)
    code, out, err = _run('--bundles', str(directory), '--format', fmt,
                          '--fail-on', 'never', *extra)
    return code, out, err


def _findings(directory, *bundles, extra=()):
    code, out, err = _audit(directory, *bundles, extra=extra)
    assert code in (0, 2), err
    return json.loads(out)['findings'], err


def _ids(findings, host=None):
    return sorted(f['id'] for f in findings
                  if host is None or f['host'] == host)


@pytest.fixture(autouse=True)
def _nothing_here():
    """The paths the bundles name are not on this machine."""
    for path in (CA, KEY, CERT, CEPH, NOVA_CONF):
        assert not os.path.exists(path), path


def test_a_world_readable_nova_conf_with_a_password_is_gc502(tmp_path):
    """0644 root:root per the bundle; nothing exists here."""
    text = make.NOVA_CONF
    found, _ = _findings(tmp_path, make.bundle(files=[
        make.config(NOVA_CONF, text, mode=0o644, gid=0)]))
    gc502 = [f for f in found if f['id'] == 'GC502']
    assert len(gc502) == 1
    assert gc502[0]['file'] == 'compute-01:/etc/nova/nova.conf'
    assert gc502[0]['host'] == 'compute-01'
    assert 'DEFAULT.transport_url' in gc502[0]['message']


def test_each_file_check_fires_from_the_bundle(tmp_path):
    """GC501 (others write), GC503 (service owns), GC506 (no secret)."""
    plain = '[glance]\ntimeout = 60\n'
    bundles = [
        make.bundle('writable', files=[make.config(NOVA_CONF, plain,
                                                   mode=0o666)]),
        make.bundle('owned', files=[make.config(NOVA_CONF, plain,
                                                uid=make.NOVA)]),
        make.bundle('readable', files=[make.config(NOVA_CONF, plain,
                                                   mode=0o644)]),
        make.bundle('fine', files=[make.config(NOVA_CONF, plain)]),
    ]
    found, _ = _findings(tmp_path, *bundles)
    host_ids = ('GC501', 'GC502', 'GC503', 'GC506', 'GC507')
    hosts = {(f['host'], f['id']) for f in found if f['id'] in host_ids}
    # 0666 root:nova: others write (GC501) and read (GC506), and the
    # service's group writes (GC503).
    assert hosts == {('writable', 'GC501'), ('writable', 'GC503'),
                     ('writable', 'GC506'), ('owned', 'GC503'),
                     ('readable', 'GC506')}


def test_a_config_dir_writable_by_others_is_gc507(tmp_path):
    dirs = [make.directory('/etc/nova'),
            make.directory('/etc/nova/nova.conf.d', mode=0o777)]
    found, _ = _findings(tmp_path, make.bundle(files=[
        make.config(NOVA_CONF, make.NOVA_CONF),
        make.config('/etc/nova/nova.conf.d/10.conf', '[DEFAULT]\n')],
        dirs=dirs))
    gc507 = [f for f in found if f['id'] == 'GC507']
    assert [f['file'] for f in gc507] == [
        'compute-01:/etc/nova/nova.conf.d/10.conf']
    assert 'Directory /etc/nova/nova.conf.d has mode 0777' in \
        gc507[0]['message']


def test_cafile_present_per_the_bundle_is_no_gc103(tmp_path):
    found, err = _findings(tmp_path, make.bundle())
    assert 'GC103' not in _ids(found) and not err


def test_cafile_missing_per_the_bundle_is_gc103(tmp_path):
    found, _ = _findings(tmp_path, make.bundle(
        paths={CA: make.missing(CA)}))
    gc103 = [f for f in found if f['id'] == 'GC103']
    assert len(gc103) == 1
    assert gc103[0]['message'] == 'cafile %s does not exist.' % CA
    assert (gc103[0]['file'], gc103[0]['line']) == (
        'compute-01:/etc/nova/nova.conf', 5)


def test_a_key_readable_by_others_is_gc104(tmp_path):
    text = make.NOVA_CONF + 'certfile = %s\nkeyfile = %s\n' % (CERT, KEY)
    paths = {CA: make.present(CA), CERT: make.present(CERT),
             KEY: make.present(KEY, mode=0o644)}
    found, _ = _findings(tmp_path, make.bundle(
        files=[make.config(NOVA_CONF, text)], paths=paths))
    assert 'GC104' in _ids(found) and 'GC103' not in _ids(found)
    paths[KEY] = make.present(KEY, mode=0o600, uid=make.NOVA)
    found, _ = _findings(tmp_path, make.bundle(
        files=[make.config(NOVA_CONF, text)], paths=paths))
    assert 'GC104' not in _ids(found)


def test_rbd_ceph_conf_is_gc402_from_the_bundle(tmp_path):
    text = make.NOVA_CONF + ('enable_rbd_download = True\nrbd_user = g\n'
                             'rbd_pool = images\nrbd_ceph_conf = %s\n'
                             % CEPH)
    unreadable = {CA: make.present(CA),
                  CEPH: make.present(CEPH, mode=0o600)}
    found, _ = _findings(tmp_path, make.bundle(
        files=[make.config(NOVA_CONF, text)], paths=unreadable))
    gc402 = [f for f in found if f['id'] == 'GC402']
    assert [f['message'] for f in gc402] == [
        'rbd_ceph_conf %s is not readable by the service account.' % CEPH]
    readable = {CA: make.present(CA), CEPH: make.present(CEPH)}
    found, _ = _findings(tmp_path, make.bundle(
        files=[make.config(NOVA_CONF, text)], paths=readable))
    assert 'GC402' not in _ids(found)


def test_host_checks_are_not_listed_as_offline(tmp_path):
    code, out, _ = _audit(tmp_path, make.bundle())
    assert json.loads(out)['not_checked_offline'] == []


def test_files_are_layered_as_oslo_config_layers_them(tmp_path):
    """The later file wins; findings point at the file that set it."""
    files = [make.config(NOVA_CONF, make.NOVA_CONF),
             make.config('/etc/nova/nova.conf.d/99-debug.conf',
                         '[glance]\ninsecure = True\n')]
    found, _ = _findings(tmp_path, make.bundle(files=files))
    gc101 = [f for f in found if f['id'] == 'GC101']
    assert [(f['file'], f['line']) for f in gc101] == [
        ('compute-01:/etc/nova/nova.conf.d/99-debug.conf', 2)]


def test_a_path_not_in_the_bundle_is_an_error_never_missing(tmp_path):
    """``$state_path/ca.pem``: the collector could not resolve it."""
    text = make.NOVA_CONF.replace(CA, '$state_path/ca.pem') + (
        '[DEFAULT]\nstate_path = /var/lib/nova\n')
    literal = {'$state_path/ca.pem': make.missing('/x')}
    code, out, err = _audit(tmp_path, make.bundle(
        files=[make.config(NOVA_CONF, text)], paths=literal))
    assert code == 2
    assert err == ('glance-conf-audit: error: compute-01:/var/lib/nova/'
                   'ca.pem: not in the bundle: the collector recorded no '
                   'facts for this path, so the host checks on it were '
                   'not run\n')
    report = json.loads(out)
    assert 'GC103' not in _ids(report['findings'])
    assert report['errors'][0]['file'] == 'compute-01:/var/lib/nova/ca.pem'


def test_drift_groups_come_from_the_bundles(tmp_path):
    """az1 drifts inside itself; az2 differs from az1 by design."""
    insecure = make.NOVA_CONF + 'insecure = True\n'
    bundles = [make.bundle('a1', 'az1'), make.bundle('a2', 'az1'),
               make.bundle('a3', 'az1', files=[
                   make.config(NOVA_CONF, insecure)]),
               make.bundle('b1', 'az2', files=[
                   make.config(NOVA_CONF, insecure)]),
               make.bundle('b2', 'az2', files=[
                   make.config(NOVA_CONF, insecure)])]
    code, out, _ = _audit(tmp_path, *bundles)
    report = json.loads(out)
    drift = [f for f in report['findings'] if f['id'] == 'GC601']
    assert len(drift) == 1
    assert drift[0]['message'].startswith('In group az1: ')
    assert 'a3:/etc/nova/nova.conf' in drift[0]['message']
    assert drift[0]['file'] == 'a3:/etc/nova/nova.conf'
    groups = tmp_path / 'groups.yaml'
    groups.write_text('all: [a1, a2, a3, b1, b2]\n')
    found, _ = _findings(tmp_path, extra=('--groups', str(groups)))
    drift = [f for f in found if f['id'] == 'GC601']
    assert len(drift) == 1 and drift[0]['message'].startswith(
        'In group all: ')
    assert '3 host(s)' in drift[0]['message']


def test_no_group_anywhere_compares_the_whole_fleet(tmp_path):
    found, _ = _findings(tmp_path, make.bundle('a'), make.bundle('b'),
                         make.bundle('c', files=[make.config(
                             NOVA_CONF, make.NOVA_CONF + 'debug = True\n')]))
    drift = [f for f in found if f['id'] == 'GC601']
    assert len(drift) == 1 and 'In group' not in drift[0]['message']


def test_sarif_and_json_name_service_paths_only(tmp_path):
    """No temporary path of this machine in any report."""
    make.write(tmp_path, make.bundle(files=[
        make.config(NOVA_CONF, make.NOVA_CONF, mode=0o644)]))
    for fmt in ('json', 'sarif', 'junit', 'text', 'html'):
        code, out, _ = _run('--bundles', str(tmp_path), '--format', fmt)
        assert code == 1
        assert 'glance-conf-bundles-' not in out
        assert '%s/' % tempfile.gettempdir() not in out.replace(
            str(tmp_path), '')
        assert 'compute-01:/etc/nova/nova.conf' in out or \
            'compute-01%3A/etc/nova/nova.conf' in out, fmt
    code, out, _ = _run('--bundles', str(tmp_path), '--format', 'sarif')
    results = json.loads(out)['runs'][0]['results']
    # A host's path names no file of a repository: no physical location
    # (GitHub would match none), the host and path as a logical one.
    assert not [loc for result in results for loc in result['locations']
                if 'physicalLocation' in loc]
    assert {logical['fullyQualifiedName'] for result in results
            for loc in result['locations']
            for logical in loc.get('logicalLocations', ())
            if logical['kind'] == 'module'} == {
        'compute-01:/etc/nova/nova.conf'}


def test_fingerprints_are_stable_across_runs(tmp_path):
    bundles = [make.bundle('a', files=[make.config(
        NOVA_CONF, make.NOVA_CONF, mode=0o644)]),
        make.bundle('b', paths={CA: make.missing(CA)})]
    first, _ = _findings(tmp_path / 'one', *bundles)
    again, _ = _findings(tmp_path / 'two', *bundles)
    assert [f['fingerprint'] for f in first] == \
        [f['fingerprint'] for f in again]
    assert {f['id'] for f in first} >= {'GC502', 'GC103'}


def test_the_temporary_files_are_removed_even_on_errors(tmp_path,
                                                       monkeypatch):
    scratch = tmp_path / 'tmp'
    scratch.mkdir()
    monkeypatch.setattr(tempfile, 'tempdir', str(scratch))
    make.write(tmp_path / 'b', make.bundle())
    assert _run('--bundles', str(tmp_path / 'b'))[0] == 1
    assert os.listdir(scratch) == []

    def boom(path, text):
        raise RuntimeError('in the middle of a host')
    monkeypatch.setattr(source, 'parse_text', boom)
    path = str(tmp_path / 'b' / 'compute-01.json')
    result = runner.audit_bundles([path], [])
    assert result.problems == [result_mod.LoadProblem(
        path, runner.UNEXPECTED % 'RuntimeError')]
    assert os.listdir(scratch) == []


# -- bad bundles and bad usage ------------------------------------------------

@pytest.mark.parametrize('raw, reason', [
    (b'{"format": "other"}', 'not a glance-conf-bundle (its "format" is '
     'not glance-conf-bundle)'),
    (json.dumps(dict(make.bundle(), version=9)).encode(),
     'bundle version 9 is not one this reader knows (1)'),
    (b'{"password": "hunter2"', 'not valid JSON (line 1, column 23)'),
    (b'[]', 'the bundle: expected an object'),
    (json.dumps(dict(make.bundle(), config=[make.config(
        NOVA_CONF, 'a' * (2 * 1024 * 1024 + 1))])).encode(),
     'config[0] (/etc/nova/nova.conf): the text is larger than 2097152 '
     'bytes'),
    (json.dumps(dict(make.bundle(), config=[make.config(
        NOVA_CONF, 'x\udcff')])).encode(),
     'config[0] (/etc/nova/nova.conf): the text is not valid UTF-8'),
    (b'\xff\xfe{}', 'not valid UTF-8 (at byte 0)'),
])
def test_a_bad_bundle_is_one_line_naming_it(tmp_path, raw, reason):
    """Exit 2, as fleet mode for a file it cannot read; the others are
    still audited."""
    make.write(tmp_path, make.bundle('good'))
    bad = tmp_path / 'bad.json'
    bad.write_bytes(raw)
    code, out, err = _run('--bundles', str(tmp_path), '--format', 'json')
    assert code == 2
    assert err == 'glance-conf-audit: error: %s: %s\n' % (bad, reason)
    assert 'hunter2' not in out + err and 'Traceback' not in err
    assert json.loads(out)['files_audited'] == 1


def test_a_file_the_host_could_not_read_names_host_and_path(tmp_path):
    make.write(tmp_path, make.bundle(files=[
        make.config(NOVA_CONF, make.NOVA_CONF),
        make.config('/etc/nova/nova.conf.d/10.conf', None,
                    error='permission denied')]))
    code, _, err = _run('--bundles', str(tmp_path))
    assert code == 2
    assert err == ('glance-conf-audit: error: compute-01:/etc/nova/'
                   'nova.conf.d/10.conf: on the host: permission denied\n')


@pytest.mark.parametrize('error', ['does not exist',
                                   'cannot be listed (Permission denied)',
                                   'is not a directory'])
def test_a_config_dir_the_host_could_not_list_is_an_error(tmp_path, error):
    """H2: a config dir missing or not listed on the host means part of
    its config is not in the bundle (oslo.config even refuses a missing
    --config-dir): an error naming host and dir, the host not audited,
    the others still are."""
    make.write(tmp_path, make.bundle('good'))
    make.write(tmp_path, make.bundle(dirs=[
        make.directory('/etc/nova'),
        {'path': '/etc/nova/nova.conf.d', 'stat': None, 'error': error}]))
    code, out, err = _run('--bundles', str(tmp_path), '--format', 'json')
    assert code == 2
    assert err == ('glance-conf-audit: error: compute-01:/etc/nova/'
                   'nova.conf.d: on the host: %s\n' % error)
    assert json.loads(out)['files_audited'] == 1


def test_a_bundle_with_a_number_too_long_spares_the_others(tmp_path):
    """M3: one bad bundle, not an internal error of the fleet."""
    make.write(tmp_path, make.bundle('good'))
    bad = tmp_path / 'bad.json'
    bad.write_text('{"version": %s}' % ('9' * 5000))
    code, out, err = _run('--bundles', str(tmp_path), '--format', 'json')
    assert code == 2
    assert err == ('glance-conf-audit: error: %s: not valid JSON: a number '
                   'too long\n' % bad)
    assert json.loads(out)['files_audited'] == 1


def _cli(directory):
    """The real command line, in a process of its own."""
    done = subprocess.run(
        [sys.executable, '-m', 'glance_conf.cmd.audit', '--bundles',
         str(directory), '--format', 'json', '--fail-on', 'never'],
        capture_output=True, text=True, timeout=120, check=False)
    return done.returncode, done.stdout, done.stderr


def _bound(keys):
    return bundle_mod.MAX_MODE if keys[-1] == 'mode' else bundle_mod.MAX_ID


#: Every integer of a bundle, by the keys that lead to it.
INTEGERS = make.integers(make.bundle())


@settings(max_examples=6, deadline=None)
@given(st.lists(st.one_of(
    st.integers(max_value=-1),
    st.integers(min_value=2 ** 32 - 1, max_value=2 ** 64),
    st.sampled_from([bundle_mod.MAX_MODE + 1, 2 ** 32, 2 ** 63, 2 ** 64,
                     10 ** 4000])),
    min_size=len(INTEGERS), max_size=len(INTEGERS)))
def test_an_integer_out_of_bounds_is_its_bundles_error_only(values):
    """Issue 20 item 3, for each integer a bundle holds: a value out of
    its bounds (a mode of 2**32 made the fleet end with "internal
    error") is one error line naming that bundle and the field, never
    the value, while the good host is audited and in the JSON report."""
    with tempfile.TemporaryDirectory() as directory:
        make.write(directory, make.bundle('good'))
        expected = []
        for number, (keys, value) in enumerate(zip(INTEGERS, values,
                                                       strict=True)):
            if 0 <= value <= _bound(keys):
                value = _bound(keys) + 1
            data = make.replace(make.bundle('bad-%02d' % number), keys,
                                value)
            path = make.write(directory, data)
            expected.append('glance-conf-audit: error: %s: %s: expected a '
                            'number from 0 to %d%s' % (
                                path, make.field(data, keys), _bound(keys),
                                ' or null' if keys in (('account', 'uid'),
                                                       ('account', 'gid'))
                                else ''))
        code, out, err = _cli(directory)
    assert code == 2, err
    assert err.splitlines() == expected
    report = json.loads(out)
    assert report['files_audited'] == 1
    assert {f['host'] for f in report['findings']} <= {'good', None}
    assert len(report['errors']) == len(INTEGERS)
    shown = err + json.dumps(report['errors'])
    assert not [v for v in values if abs(v) > bundle_mod.MAX_MODE
                and str(v) in shown]


def test_a_bundle_the_audit_trips_on_is_its_error_only(tmp_path,
                                                       monkeypatch):
    """Whatever one bundle makes the audit trip on (here a fault planted
    in the parser, for one host's text) is that bundle's error line,
    naming its file, never a traceback nor "internal error" for the
    fleet; the other hosts are audited and reported."""
    real = source.parse_text

    def trips(name, text):
        if name.startswith('trips:'):
            raise OverflowError('Python int too large: 4294967296')
        return real(name, text)
    monkeypatch.setattr(source, 'parse_text', trips)
    bad = make.write(tmp_path, make.bundle('trips'))
    code, out, err = _audit(tmp_path, make.bundle('good'),
                            make.bundle('other', paths={CA: make.missing(
                                CA)}))
    assert code == 2
    assert err == 'glance-conf-audit: error: %s: %s\n' % (
        bad, runner.UNEXPECTED % 'OverflowError')
    report = json.loads(out)
    assert report['files_audited'] == 2
    assert {'good', 'other'} <= {f['host'] for f in report['findings']}
    assert 'GC103' in _ids(report['findings'], 'other')


def test_one_host_in_two_bundles_of_one_service_is_an_error(tmp_path):
    """One bundle per service of a host: a second one of nova is an
    error, its cinder bundle is not."""
    make.write(tmp_path, make.bundle('same'), name='a.json')
    make.write(tmp_path, make.bundle('same'), name='b.json')
    make.write(tmp_path, make.bundle('same', files=[make.config(
        '/etc/cinder/cinder.conf', '[DEFAULT]\n')], paths={},
        service='cinder'))
    code, _, err = _run('--bundles', str(tmp_path))
    assert code == 2
    assert err.count('host same has another bundle') == 1, err
    assert 'b.json: host same has another bundle of nova too' in err


@pytest.mark.parametrize('argv, reason', [
    (('nova.conf',), '--bundles and FILE arguments contradict each other'),
    (('--config-file', 'n.conf'), '--bundles and --config-file/'
     '--config-dir contradict each other'),
    (('--root', '/'), '--bundles and --root contradict each other: the '
     'host checks run from the facts each bundle recorded on its host, '
     'never from this machine\'s disk'),
    (('--offline',), '--bundles and --offline contradict each other'),
    (('--service-user', '1'), '--bundles and --service-user contradict'),
])
def test_bundles_with_other_inputs_is_a_usage_error(tmp_path, argv, reason):
    make.write(tmp_path, make.bundle())
    code, out, err = _run('--bundles', str(tmp_path), *argv)
    assert code == 2 and out == ''
    assert err.startswith('glance-conf-audit: error: ' + reason)


def test_an_empty_or_missing_directory_is_a_usage_error(tmp_path):
    code, _, err = _run('--bundles', str(tmp_path))
    assert code == 2
    assert err == ('glance-conf-audit: error: --bundles %s: no bundle '
                   '(*.json) in it\n' % tmp_path)
    code, _, err = _run('--bundles', str(tmp_path / 'gone'))
    assert code == 2 and err.endswith('gone: no such directory\n')


def test_the_project_config_may_name_the_bundles(tmp_path, monkeypatch):
    make.write(tmp_path / 'bundles', make.bundle(
        paths={CA: make.missing(CA)}))
    (tmp_path / '.glance-conf-audit.yaml').write_text('bundles: bundles\n')
    (tmp_path / '.git').mkdir()  # read from a repository only
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run('--format', 'json')
    assert code == 1 and 'GC103' in _ids(json.loads(out)['findings'])


# -- the fleet of the Ansible test --------------------------------------------

def test_fifty_hosts_give_exactly_the_three_findings(tmp_path):
    """One host drifts, one has a world-readable nova.conf holding a
    password, one points cafile at a missing file; beyond what every
    host shares, those are the findings."""
    bundles = []
    for i in range(50):
        name = 'compute-%02d' % i
        text, mode, paths = make.NOVA_CONF, 0o640, None
        if i != 7:  # the drift is the weaker side: blamed (GC601)
            text = text.replace('tls_min_version = 1.2',
                                'tls_min_version = 1.3')
        if i == 21:
            mode = 0o644
        if i == 33:
            paths = {CA: make.missing(CA)}
        bundles.append(make.bundle(name, 'computes', files=[
            make.config(NOVA_CONF, text, mode=mode)], paths=paths))
    found, err = _findings(tmp_path, *bundles)
    assert not err
    shared = set.intersection(*({f['id'] for f in found
                                 if f['host'] == b['host']}
                                for b in bundles))
    extra = sorted((f['id'], f['host'] or f['file']) for f in found
                   if f['id'] not in shared)
    assert extra == [('GC103', 'compute-33'), ('GC502', 'compute-21'),
                     ('GC601', 'compute-07:/etc/nova/nova.conf')]
