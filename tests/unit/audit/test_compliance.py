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

"""The Security Guide report: status and evidence per item and config."""

from __future__ import annotations

import io
import os

from glance_conf.audit import compliance
from glance_conf.audit import manager
from glance_conf.audit import runner
from tests import bundles

HTTPS = '[glance]\nendpoint_override = https://glance:9292\n'
SECRET_URL = ('[glance]\napi_servers = https://admin:s3cret@glance:9292/'
              '?token=t0ken\n')


def _audit(paths, *, offline=True, skip=(), fleet=False, bundles=False):
    catalogue = manager.load_checks()
    collector = compliance.Collector()
    checks = manager.select(catalogue, skip)
    watch = [collector]
    if bundles:
        result = runner.audit_bundles([str(p) for p in paths], checks,
                                      observers=watch)
    elif fleet:
        result = runner.audit_fleet([str(p) for p in paths], checks,
                                    observers=watch)
    else:
        result = runner.audit_service(
            [('--config-file', str(p)) for p in paths], checks,
            offline=offline, observers=watch)
    try:
        verdicts = list(compliance.assess(result, collector, catalogue))
        out = io.StringIO()
        compliance.render(result, collector, catalogue, out)
    finally:
        result.findings.close()
    return verdicts, out.getvalue()


def _status(verdicts, name):
    [(_, items)] = verdicts
    [verdict] = [v for v in items if v.item.name == name]
    return verdict.status, '\n'.join(verdict.evidence)


def test_compute_05_passes_on_https_with_the_value_as_evidence(write_conf):
    path = write_conf(HTTPS)
    status, evidence = _status(_audit([path])[0], 'Check-Compute-05')
    assert status == compliance.PASS
    assert '%s:2: [glance] endpoint_override = https://glance:9292' % path \
        in evidence
    assert '(not set in any file, the default): [glance] insecure = False' \
        in evidence


def test_compute_05_fails_on_the_deprecated_alias_and_names_it(write_conf):
    """The Guide names api_insecure; nova reads it as insecure."""
    path = write_conf(HTTPS + 'api_insecure = True\n')
    status, evidence = _status(_audit([path])[0], 'Check-Compute-05')
    assert status == compliance.FAIL
    assert '%s:3: [glance] api_insecure = True (effective insecure)' % path \
        in evidence
    assert 'GC101 %s:3:' % path in evidence


def test_the_new_name_wins_over_the_alias(write_conf):
    path = write_conf(HTTPS + 'api_insecure = True\ninsecure = False\n')
    status, evidence = _status(_audit([path])[0], 'Check-Compute-05')
    assert status == compliance.PASS
    assert ':4: [glance] insecure = False' in evidence


def test_an_endpoint_from_the_catalog_is_not_checked(write_conf):
    status, evidence = _status(_audit([write_conf('[glance]\n')])[0],
                               'Check-Compute-05')
    assert status == compliance.NOT_CHECKED
    assert compliance.CATALOG in evidence


def test_api_servers_win_over_endpoint_override(write_conf):
    path = write_conf(HTTPS + 'api_servers = http://a:9292,https://b:9292\n')
    status, evidence = _status(_audit([path])[0], 'Check-Compute-05')
    assert status == compliance.FAIL
    assert 'api_servers = http://a:9292, https://b:9292' in evidence
    assert 'endpoint_override' not in evidence


def test_skipping_the_check_cannot_turn_a_failure_into_a_pass(write_conf):
    path = write_conf(HTTPS + 'insecure = True\n')
    status, _ = _status(_audit([path], skip=['GC101'])[0],
                        'Check-Compute-05')
    assert status == compliance.FAIL
    status, evidence = _status(_audit([write_conf(HTTPS)],
                                      skip=['GC102'])[0], 'Check-Compute-05')
    assert status == compliance.NOT_CHECKED
    assert 'not run: GC102 (skipped)' in evidence


def test_no_secret_of_an_endpoint_reaches_the_report(write_conf):
    """A URL with credentials is refused by the types: never shown."""
    verdicts, text = _audit([write_conf(SECRET_URL)])
    assert 's3cret' not in text and 't0ken' not in text
    status, evidence = _status(verdicts, 'Check-Compute-05')
    assert status == compliance.NOT_CHECKED
    assert '[glance] api_servers ' + compliance.REFUSED in evidence


def test_host_items_are_not_checked_offline(write_conf):
    verdicts, _ = _audit([write_conf(HTTPS)])
    for name in ('Check-Compute-01', 'Check-Compute-02'):
        status, evidence = _status(verdicts, name)
        assert status == compliance.NOT_CHECKED
        assert 'not run offline' in evidence


def test_host_items_on_the_host_show_owner_and_mode(write_conf):
    path = write_conf(HTTPS + '[database]\nconnection = mysql://n:pw@db/n\n')
    os.chown(path, 0, 0)
    path.chmod(0o640)
    verdicts, _ = _audit([path], offline=False)
    status, evidence = _status(verdicts, 'Check-Compute-01')
    assert status == compliance.PASS
    assert '%s: owner uid 0, group gid 0, mode 0640' % path in evidence
    assert _status(verdicts, 'Check-Compute-02')[0] == compliance.PASS
    path.chmod(0o644)
    status, evidence = _status(_audit([path], offline=False)[0],
                               'Check-Compute-02')
    assert status == compliance.FAIL
    assert 'GC502' in evidence and 'database.connection' in evidence
    assert 'mysql://' not in evidence


def test_fleet_mode_judges_each_file(write_conf):
    good = write_conf(HTTPS, 'good.conf')
    bad = write_conf('[glance]\napi_servers = http://g:9292\n', 'bad.conf')
    verdicts, text = _audit([good, bad], fleet=True)
    assert [paths for paths, _ in verdicts] == [[str(good)], [str(bad)]]
    statuses = [[v.status for v in items if v.item.name == 'Check-Compute-05']
                for _, items in verdicts]
    assert statuses == [[compliance.PASS], [compliance.FAIL]]
    assert text.rstrip().endswith('1 pass, 1 fail, 4 not-checked')


def test_bundle_evidence_is_the_hosts_own(tmp_path):
    """From a bundle, owner and mode are those the host recorded; the
    controller has no such file."""
    assert not os.path.exists('/etc/nova/nova.conf.bundle-test')
    text = HTTPS + '[database]\nconnection = mysql://n:********@db/n\n'
    path = bundles.write(tmp_path, bundles.bundle('compute-07', files=[
        bundles.config('/etc/nova/nova.conf.bundle-test', text, mode=0o644,
                       uid=0, gid=42436)], paths={}))
    verdicts, text = _audit([path], bundles=True)
    status, evidence = _status(verdicts, 'Check-Compute-01')
    assert status == compliance.PASS
    assert ('compute-07:/etc/nova/nova.conf.bundle-test: owner uid 0, '
            'group gid 42436, mode 0644') in evidence
    status, evidence = _status(verdicts, 'Check-Compute-02')
    assert status == compliance.FAIL and 'GC502' in evidence


def test_the_collector_observes_nova_configs_only(write_conf):
    """The checklist is nova's: a cinder file in the fleet has no
    verdicts (as when the collector was a nova check)."""
    nova = write_conf(HTTPS, 'nova.conf')
    cinder = write_conf('[DEFAULT]\nglance_api_servers = https://g:9292\n',
                        'cinder.conf')
    verdicts, text = _audit([nova, cinder], fleet=True)
    assert [paths for paths, _ in verdicts] == [[str(nova)]]
    assert str(cinder) not in text
