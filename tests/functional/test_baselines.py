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

"""Fingerprints and --baseline through the command line, on real configs.

A fingerprint must survive what does not change a finding (a config dir
moved, a value moved to another fragment, lines shifted, hosts added to
a fleet) and change with what does (another option, another class of
value, another host). Each property is run, not reasoned about.
"""

from __future__ import annotations

import io
import json
import os
import pathlib

import pytest

from glance_conf.cmd import audit as cli

DEPLOYMENTS = pathlib.Path(__file__).parent / 'deployments'
#: devstack's real nova.conf: no [glance] section, debug on, secrets.
DEVSTACK = (DEPLOYMENTS / 'devstack.conf').read_text()
#: A fragment with a finding of most kinds: a plain-HTTP endpoint, TLS
#: verification off, a refused value, a typo, weak ciphers, a deprecated
#: name.
GLANCE = ('[glance]\n'
          'api_servers = http://glance-1:9292,https://glance-2:9292\n'
          'api_insecure = true\n'
          'num_retries = 99\n'
          'num_retry = 3\n'
          'tls_ciphers = DEFAULT:RC4\n')
#: Lines inserted at the top of each file to shift every line.
SHIFT = '# rendered by a template\n\n# another comment\n\n'
#: The service account; the files are ``root:GROUP`` (run as root, as
#: the host tests are), GROUP being no privileged group.
ACCOUNT = ('--service-user', '4242', '--service-group', '4242')
GROUP = 4243


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _report(*argv: str) -> list[dict]:
    code, out, err = _run('--format', 'json', '--fail-on', 'never', *argv)
    assert code == 0, err
    return json.loads(out)['findings']


def _prints(*argv: str) -> dict[str, str]:
    """Fingerprint -> ``id option`` of every finding; fingerprints must
    tell findings apart within one run, too."""
    findings = _report(*argv)
    prints = {f['fingerprint']: '%s %s' % (f['id'], f['option'])
              for f in findings}
    assert len(prints) == len(findings)
    return prints


def _service(root: pathlib.Path, shift: str = '',
             fragment: str = '50-glance.conf', mode: int = 0o644,
             glance: str = GLANCE, group: int = GROUP) -> list[str]:
    """devstack's nova.conf and a nova.conf.d holding the [glance]
    fragment, under ``root``; the flags that audit them."""
    conf_d = root / 'nova.conf.d'
    conf_d.mkdir(parents=True)
    main = root / 'nova.conf'
    main.write_text(shift + DEVSTACK)
    part = conf_d / fragment
    part.write_text(shift + glance)
    for path in (main, part):
        os.chown(path, 0, group)
        path.chmod(mode)
    return ['--config-file', str(main), '--config-dir', str(conf_d),
            *ACCOUNT]


def test_service_fingerprints_survive_moves_and_shifts(tmp_path) -> None:
    before = _prints(*_service(tmp_path / 'etc' / 'nova'))
    assert {'GC101 glance.insecure', 'GC102 glance.api_servers',
            'GC302 glance.num_retries', 'GC303 glance.num_retry',
            'GC107 glance.tls_ciphers', 'GC304 glance.api_insecure',
            'GC502 None', 'GC504 DEFAULT.debug'} <= set(before.values())
    # The config dir moved elsewhere.
    moved = _service(tmp_path / 'srv' / 'kolla' / 'nova')
    assert _prints(*moved) == before
    # Every line shifted by comments and blank lines.
    shifted = _service(tmp_path / 'shifted', shift=SHIFT)
    lines = {(f['fingerprint'], f['line']) for f in _report(*shifted)
             if f['line']}
    assert lines and not lines & {(f['fingerprint'], f['line'])
                                  for f in _report(*moved)}
    assert _prints(*shifted) == before
    # The fragment renamed inside its dir: the values are in another file.
    renamed = _service(tmp_path / 'renamed', fragment='90-glance.conf')
    assert _prints(*renamed) == before


def test_fleet_fingerprints_survive_growth_moves_and_shifts(
        tmp_path) -> None:
    def fleet(where: pathlib.Path, hosts: dict[str, str],
              shift: str = '') -> list[str]:
        where.mkdir(parents=True, exist_ok=True)
        paths = []
        for host, glance in hosts.items():
            path = where / ('%s.conf' % host)
            path.write_text(shift + DEVSTACK + glance)
            paths.append(str(path))
        return paths

    hosts = {'compute-%d' % i: '[glance]\ntimeout = 30\n' for i in range(3)}
    hosts['compute-3'] = GLANCE
    before = _prints(*fleet(tmp_path / 'a', hosts))
    assert 'GC601 glance.insecure' in before.values()
    assert _prints(*fleet(tmp_path / 'b' / 'c', hosts)) == before
    assert _prints(*fleet(tmp_path / 'd', hosts, SHIFT)) == before
    # A new host like the majority: its own findings are new, every
    # earlier fingerprint stays, the fleet's drift included.
    grown = _report(*fleet(tmp_path / 'e', {**hosts, 'compute-4':
                                           hosts['compute-0']}))
    assert set(before) < {f['fingerprint'] for f in grown}
    assert {f['host'] for f in grown if f['fingerprint'] not in before} \
        == {'compute-4'}


def _of(findings: list[dict], check_id: str) -> set[str]:
    prints = {f['fingerprint'] for f in findings if f['id'] == check_id}
    assert prints
    return prints


@pytest.mark.parametrize('check_id, same, other', [
    # Which option holds the plain-HTTP URL; https is no finding.
    ('GC102', 'api_servers = http://glance-9:9292',
     'endpoint_override = http://glance-1:9292'),
    # The rule broken, not the value: 98 and 99 are both out of range.
    ('GC302', 'num_retries = 98', 'num_retries = many'),
    # The unknown name.
    ('GC303', 'num_retry = 4', 'num_retrys = 3'),
    # What the cipher string turns on.
    ('GC107', 'tls_ciphers = HIGH:RC4', 'tls_ciphers = HIGH:aNULL'),
    # The deprecated name used.
    ('GC304', 'api_insecure = false', 'insecure = true\n[ssl]\n'
                                       'ca_file = /ca.pem'),
])
def test_fingerprints_follow_the_substance(tmp_path, check_id, same,
                                           other) -> None:
    def prints(name: str, line: str) -> set[str]:
        glance = GLANCE.replace(
            {'GC102': 'api_servers = http://glance-1:9292,'
                      'https://glance-2:9292',
             'GC302': 'num_retries = 99', 'GC303': 'num_retry = 3',
             'GC107': 'tls_ciphers = DEFAULT:RC4',
             'GC304': 'api_insecure = true'}[check_id], line)
        return _of(_report(*_service(tmp_path / name, glance=glance)),
                   check_id)
    before = _of(_report(*_service(tmp_path / 'before')), check_id)
    assert prints('same', same) == before
    assert prints('other', other) != before


def test_http_and_https(tmp_path) -> None:
    http = _report(*_service(tmp_path / 'http'))
    https = _report(*_service(tmp_path / 'https', glance=GLANCE.replace(
        'http://glance-1', 'https://glance-1')))
    assert 'GC102' in {f['id'] for f in http}
    assert 'GC102' not in {f['id'] for f in https}


def test_the_permission_class_is_the_substance(tmp_path) -> None:
    """0666 and 0646 are both writable by every user: one finding; 0664
    is writable by a group, another. The group's number is left out."""
    def gc501(name: str, mode: int, group: int = GROUP) -> set[str]:
        return _of(_report(*_service(tmp_path / name, mode=mode,
                                     group=group)), 'GC501')
    everyone = gc501('a', 0o666)
    assert len(everyone) == 1
    assert gc501('b', 0o646) == everyone
    group = gc501('c', 0o664)
    assert group != everyone
    assert gc501('d', 0o664, GROUP + 1) == group


def test_the_same_finding_on_two_hosts_is_two_findings(tmp_path) -> None:
    paths = []
    for host in ('compute-0', 'compute-1'):
        path = tmp_path / ('%s.conf' % host)
        path.write_text(GLANCE)
        paths.append(str(path))
    findings = [f for f in _report(*paths) if f['id'] == 'GC101']
    assert [f['host'] for f in findings] == ['compute-0', 'compute-1']
    assert findings[0]['fingerprint'] != findings[1]['fingerprint']


# -- the gate --------------------------------------------------------------

def test_a_baseline_gates_only_new_findings(tmp_path) -> None:
    """Write a baseline, change nothing that matters: exit 0. Add a
    finding: exit 1, that finding new, the rest known; fix one: fixed."""
    flags = _service(tmp_path / 'a')
    baseline = tmp_path / 'baseline.json'
    assert _run(*flags, '--format', 'json', '--output', str(baseline))[0] \
        == 1
    moved = _service(tmp_path / 'b' / 'nova', shift=SHIFT)
    code, out, err = _run(*moved, '--baseline', str(baseline))
    assert (code, err) == (0, '')
    assert 'known finding(s), not counted toward --fail-on; 0 fixed' in out
    assert '\nKNOWN, in the baseline (' in out and '\nHIGH (' not in out

    worse = _service(tmp_path / 'c', glance=GLANCE.replace(
        'num_retry = 3', 'timeout = 5\ndebug = true'))
    code, out, _ = _run(*worse, '--baseline', str(baseline), '--format',
                        'json', '--fail-on', 'low')
    assert code == 1
    doc = json.loads(out)
    new = {f['id'] + ' ' + f['option'] for f in doc['findings']
           if not f['known']}
    assert new == {'GC504 glance.debug'}
    assert [(f['id'], f['option']) for f in doc['baseline']['fixed']] == [
        ('GC301', 'glance.timeout'), ('GC303', 'glance.num_retry')]
    # At --fail-on medium the new low finding does not fail the gate.
    assert _run(*worse, '--baseline', str(baseline))[0] == 0

    code, out, _ = _run(*worse, '--baseline', str(baseline), '--format',
                        'sarif')
    states = {r['ruleId'] + ' ' + r['locations'][0]['logicalLocations'][0][
        'fullyQualifiedName']: r['baselineState']
        for r in json.loads(out)['runs'][0]['results']
        if r['locations'] and 'logicalLocations' in r['locations'][0]}
    assert states['GC504 glance.debug'] == 'new'
    assert states['GC101 glance.insecure'] == 'unchanged'


def test_a_report_written_with_a_baseline_is_the_next_baseline(
        tmp_path) -> None:
    flags = _service(tmp_path / 'a')
    first, second = tmp_path / 'first.json', tmp_path / 'second.json'
    _run(*flags, '--format', 'json', '--output', str(first))
    assert _run(*flags, '--format', 'json', '--output', str(second),
                '--baseline', str(first))[0] == 0
    assert _run(*flags, '--baseline', str(second))[0] == 0


def test_shared_host_names_are_warned_about(tmp_path) -> None:
    paths = []
    for site in ('a', 'b'):
        (tmp_path / site).mkdir()
        path = tmp_path / site / 'nova.conf'
        path.write_text(GLANCE)
        paths.append(str(path))
    baseline = tmp_path / 'baseline.json'
    _run(*paths, '--format', 'json', '--output', str(baseline))
    _, _, err = _run(*paths, '--baseline', str(baseline))
    assert err == ('glance-conf-audit: warning: 1 host name(s) shared by '
                   'several files, such as nova: their findings share a '
                   'host and fingerprints (baselines, SARIF alerts, '
                   'metrics, waivers\' hosts); name each file after its '
                   'host\n')
