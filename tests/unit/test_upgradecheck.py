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

"""The upgrade checks, on configs a real ConfigOpts parsed, and plugged
into a nova-style ``*-status`` command as a service would."""

from __future__ import annotations

import importlib.metadata
import json
import os

import pytest
from oslo_config import cfg
from oslo_upgradecheck import upgradecheck as ouc
from stevedore import extension

from glance_conf import upgradecheck

SUCCESS, WARNING, FAILURE = ouc.Code.SUCCESS, ouc.Code.WARNING, \
    ouc.Code.FAILURE
FIXED_KEY = ('[key_manager]\nfixed_key = 00ff\n'
             'backend = nova.keymgr.conf_key_mgr.ConfKeyManager\n')


@pytest.fixture
def service_conf(write_conf):
    """A service's ConfigOpts (nothing of ours registered) parsed from a
    file with ``text``."""
    def _parse(text: str) -> cfg.ConfigOpts:
        conf = cfg.ConfigOpts()
        conf(['--config-file', str(write_conf(text))], project='nova',
             default_config_files=[], default_config_dirs=[])
        return conf
    return _parse


@pytest.mark.parametrize('check,text,nova,ours', [
    ('refused_values', '[glance]\nnum_retries = 1000\n', FAILURE, FAILURE),
    ('refused_values', '[glance]\nnum_retries = 3\n', SUCCESS, SUCCESS),
    # Verification turns on with the drop-in's defaults only.
    ('signature_verification', '[glance]\n', SUCCESS, WARNING),
    ('signature_verification', '[glance]\nverify_glance_signatures = '
     'false\n' + FIXED_KEY, SUCCESS, SUCCESS),
    ('signature_verification', '[glance]\nverify_glance_signatures = '
     'true\n', SUCCESS, SUCCESS),
    # ... with a key manager that cannot serve certificates: failure.
    ('signature_verification', '[glance]\n' + FIXED_KEY, SUCCESS, FAILURE),
    # Already on and broken: a failure whatever the defaults.
    ('signature_verification', '[glance]\nverify_glance_signatures = '
     'true\n' + FIXED_KEY, FAILURE, FAILURE),
    ('deprecated_names', '[glance]\napi_insecure = false\n', WARNING,
     WARNING),
    ('deprecated_names', '[glance]\ninsecure = false\n', SUCCESS, SUCCESS),
    ('recommended_bounds', '[glance]\nnum_retries = 20\n', WARNING,
     WARNING),
    ('recommended_bounds', '[glance]\nnum_retries = 10\n', SUCCESS,
     SUCCESS),
])
def test_each_check_under_both_defaults(service_conf, check, text, nova,
                                        ours):
    conf = service_conf(text)
    func = getattr(upgradecheck, check)
    assert func(conf, defaults='nova').code == nova
    assert func(conf, defaults='glance-conf').code == ours
    assert func(conf).code == ours


def test_a_refused_value_is_named_with_file_and_line_never_shown(
        service_conf):
    conf = service_conf('[glance]\n\nendpoint_override = '
                        'https://u:s3cret@glance:9292\n')
    result = upgradecheck.refused_values(conf)
    assert result.code == FAILURE
    assert '[glance] endpoint_override (%s line 3)' % conf.config_file[0] \
        in result.details
    assert 'refuse to start' in result.details
    assert 's3cret' not in result.details


def test_the_swap_warning_says_what_it_means(service_conf):
    result = upgradecheck.signature_verification(service_conf('[glance]\n'))
    assert 'unsigned images the compute host downloads stop booting' \
        in result.details
    assert 'Fix: Set [glance] verify_glance_signatures explicitly' in \
        result.details
    assert 'key manager' in result.details and 'certificates' in \
        result.details


def test_the_swap_warning_adds_the_missing_trusted_certificates(
        service_conf):
    result = upgradecheck.signature_verification(service_conf(
        '[glance]\nenable_certificate_validation = true\n'))
    assert result.code == WARNING
    assert 'for a request that names no trusted certificates fails to ' \
        'boot' in result.details


def test_the_key_manager_failure_says_downloads_fail(service_conf):
    result = upgradecheck.signature_verification(service_conf(
        '[glance]\n' + FIXED_KEY))
    assert 'the swap turns signature verification on' \
        in result.details
    assert 'every image the compute host downloads then fails to boot, ' \
        'signed or not' in result.details
    assert 'every boot' not in result.details


def test_a_config_dir_is_read_in_oslo_order(tmp_path):
    conf_dir = tmp_path / 'nova.conf.d'
    conf_dir.mkdir()
    (conf_dir / '10.conf').write_text('[glance]\nnum_retries = 50\n')
    (conf_dir / '20.conf').write_text('[glance]\nnum_retries = 2\n')
    conf = cfg.ConfigOpts()
    conf(['--config-dir', str(conf_dir)], project='nova',
         default_config_files=[], default_config_dirs=[])
    assert upgradecheck.recommended_bounds(conf).code == SUCCESS


def test_no_config_file_is_a_warning_not_a_pass():
    conf = cfg.ConfigOpts()
    conf([], project='nova', default_config_files=[],
         default_config_dirs=[])
    result = upgradecheck.deprecated_names(conf)
    assert (result.code, result.details) == (WARNING,
                                             upgradecheck.NOTHING_LOADED)


def test_a_file_gone_since_the_service_read_it_fails_with_one_reason(
        service_conf):
    conf = service_conf('[glance]\n')
    path = conf.config_file[0]
    os.unlink(path)
    result = upgradecheck.refused_values(conf)
    assert result.code == FAILURE
    assert result.details == 'Cannot audit %s: no such file.' % path


def test_unknown_defaults_are_refused(service_conf):
    with pytest.raises(ValueError, match='defaults must be one of'):
        upgradecheck.refused_values(service_conf('[glance]\n'),
                                    defaults='ours')


def test_the_entry_points_are_the_checks():
    points = importlib.metadata.entry_points(
        group='glance_conf.upgradecheck')
    assert sorted((p.name, p.load()) for p in points) == sorted(
        upgradecheck.CHECKS, key=lambda c: c[0])


# A nova-style service's own status command, as the upgrade-check page
# shows it: its own checks plus the glance_conf.upgradecheck entries.
CONF = cfg.ConfigOpts()


def _cells_v2(_command: ouc.UpgradeCommands) -> ouc.Result:
    return ouc.Result(ouc.Code.SUCCESS)


def _glance_conf(_command, check):
    return check(CONF)


class NovaLikeChecks(ouc.UpgradeCommands):
    _upgrade_checks = (('Cells v2', _cells_v2),) + tuple(
        (ext.name, (_glance_conf, {'check': ext.plugin}))
        for ext in sorted(extension.ExtensionManager(
            'glance_conf.upgradecheck'), key=lambda e: e.name))


def test_a_nova_style_status_command_runs_the_checks(write_conf, capsys):
    path = write_conf('[glance]\napi_insecure = false\n' + FIXED_KEY)
    code = ouc.main(CONF, 'nova', NovaLikeChecks(),
                    argv=['--config-file', str(path), 'upgrade', 'check',
                          '--json'])
    out = json.loads(capsys.readouterr().out)
    results = {c['check']: c['result'] for c in out['checks']}
    assert results == {'Cells v2': 0,
                       'glance-conf-deprecated-names': 1,
                       'glance-conf-recommended-bounds': 0,
                       'glance-conf-refused-values': 0,
                       'glance-conf-signature-verification': 2}
    assert code == 2
    [details] = [c['details'] for c in out['checks']
                 if c['check'] == 'glance-conf-deprecated-names']
    assert '[glance] api_insecure is a deprecated name of [glance] ' \
        'insecure' in details
