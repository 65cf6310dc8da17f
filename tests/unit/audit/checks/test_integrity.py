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

"""GC2xx checks."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize('check,text,count', [
    ('GC201', '[glance]\nverify_glance_signatures = false\n', 1),
    ('GC201', '[glance]\n', 0),
    ('GC201', '[glance]\nverify_glance_signatures = true\n', 0),
    ('GC202', '[glance]\n', 1),
    ('GC202', '[glance]\nenable_certificate_validation = true\n', 0),
    ('GC202', '[glance]\nverify_glance_signatures = false\n', 0),
    ('GC203', '[glance]\nverify_glance_signatures = false\n'
              'enable_certificate_validation = true\n', 1),
    ('GC203', '[glance]\nenable_certificate_validation = true\n', 0),
    ('GC203', '[glance]\nverify_glance_signatures = false\n', 0),
])
def test_integrity_checks(audit_text, check, text, count):
    findings = audit_text(text, check)
    assert [f.check_id for f in findings] == [check] * count


def test_gc201_is_high_with_cwe_347(audit_text):
    [found] = audit_text('[glance]\nverify_glance_signatures = false\n',
                         'GC201')
    assert (found.severity.label, found.cwe, found.line) == ('high', 347, 2)


@pytest.mark.parametrize('text,nova,ours', [
    # Silent: nova's default is off; the drop-in's is on.
    ('[glance]\n', ['GC201'], ['GC202', 'GC207']),
    ('[glance]\nverify_glance_signatures = true\n', ['GC202'], ['GC202']),
    ('[glance]\nverify_glance_signatures = false\n', ['GC201'],
     ['GC201']),
    # Certificate validation with default trusted certificates makes nova
    # verify even with verify_glance_signatures off (_get_verifier).
    ('[glance]\nverify_glance_signatures = false\n'
     'enable_certificate_validation = true\n'
     'default_trusted_certificate_ids = abc\n', [], []),
    ('[glance]\nverify_glance_signatures = false\n'
     'enable_certificate_validation = true\n', ['GC201', 'GC203'],
     ['GC201', 'GC203']),
    ('[glance]\nverify_glance_signatures = true\n'
     'enable_certificate_validation = true\n', [], []),
])
def test_signatures_are_judged_by_the_effective_setting(audit_text, text,
                                                       nova, ours):
    ids = ('GC201', 'GC202', 'GC203', 'GC207')
    assert sorted(f.check_id for f in audit_text(
        text, *ids, defaults='nova')) == nova
    assert sorted(f.check_id for f in audit_text(
        text, *ids, defaults='glance-conf')) == ours


def test_silent_file_says_why_verification_is_off(audit_text):
    [found] = audit_text('[glance]\n', 'GC201', defaults='nova')
    assert 'does not set it' in found.message
    [found] = audit_text('[glance]\nverify_glance_signatures = no\n',
                         'GC201', defaults='nova')
    assert 'does not set' not in found.message and found.line == 2


def test_gc207_tells_a_migrating_operator_what_changes(audit_text):
    [found] = audit_text('[glance]\n', 'GC207', defaults='glance-conf')
    assert found.severity.label == 'low'
    assert 'unsigned images the compute host downloads stop booting' \
        in found.message
    assert 'the key manager must be able to serve' in found.message


FIXED_KEY = ('[key_manager]\nfixed_key = 00ff\n'
             'backend = nova.keymgr.conf_key_mgr.ConfKeyManager\n')
NO_SERVICE_USER = '[barbican]\nsend_service_user_token = true\n'


@pytest.mark.parametrize('text,nova,ours', [
    # Verification on with the fixed-key backend: under both defaults.
    ('[glance]\nverify_glance_signatures = true\n' + FIXED_KEY, 1, 1),
    # Silent file: only the drop-in's defaults turn verification on.
    ('[glance]\n' + FIXED_KEY, 0, 1),
    # Verification explicitly off: the key manager is never asked.
    ('[glance]\nverify_glance_signatures = false\n' + FIXED_KEY, 0, 0),
    # Default certificates make nova verify with the option off.
    ('[glance]\nverify_glance_signatures = false\n'
     'enable_certificate_validation = true\n'
     'default_trusted_certificate_ids = abc\n' + FIXED_KEY, 1, 1),
    # The deprecated name of backend, quoted, as castellan reads it.
    ('[glance]\nverify_glance_signatures = true\n[key_manager]\n'
     'api_class = "nova.keymgr.conf_key_mgr.ConfKeyManager"\n', 1, 1),
    # An unset backend is Barbican, found in the user's catalog: fine.
    ('[glance]\nverify_glance_signatures = true\n', 0, 0),
    ('[glance]\nverify_glance_signatures = true\n'
     '[key_manager]\nbackend = barbican\n', 0, 0),
    ('[glance]\nverify_glance_signatures = true\n'
     '[key_manager]\nbackend = vault\n', 0, 0),
    # A backend castellan cannot load: neither a driver (stevedore names
    # are case-sensitive) nor a class path (import_class: ValueError).
    ('[glance]\nverify_glance_signatures = true\n'
     '[key_manager]\nbackend = Barbican\n', 1, 1),
    ('[glance]\n[key_manager]\nbackend = castellan\n', 0, 1),
    ('[glance]\nverify_glance_signatures = true\n'
     '[key_manager]\nbackend =\n', 1, 1),
    # A class path is not judged (castellan imports it).
    ('[glance]\nverify_glance_signatures = true\n[key_manager]\n'
     'backend = castellan.key_manager.vault_key_manager.VaultKeyManager\n',
     0, 0),
    # Barbican with the service-user token and no service user.
    ('[glance]\nverify_glance_signatures = true\n' + NO_SERVICE_USER, 1, 1),
    ('[glance]\n' + NO_SERVICE_USER, 0, 1),
    ('[glance]\nverify_glance_signatures = true\n' + NO_SERVICE_USER
     + '[barbican_service_user]\nauth_type = password\n', 0, 0),
    ('[glance]\nverify_glance_signatures = true\n' + NO_SERVICE_USER
     + '[barbican_service_user]\nauth_section = ks\n[ks]\n'
     'auth_type = password\n', 0, 0),
    ('[glance]\nverify_glance_signatures = true\n' + NO_SERVICE_USER
     + '[barbican_service_user]\nauth_section = ks\n'
     'auth_type = password\n', 1, 1),
    ('[glance]\nverify_glance_signatures = true\n'
     '[barbican]\nsend_service_user_token = false\n', 0, 0),
])
def test_gc204_key_manager_that_cannot_serve_certificates(
        audit_text, text, nova, ours):
    assert len(audit_text(text, 'GC204', defaults='nova')) == nova
    assert len(audit_text(text, 'GC204', defaults='glance-conf')) == ours


def test_gc204_is_placed_at_the_backend_and_says_what_fails(
        audit_text):
    [found] = audit_text('[glance]\n' + FIXED_KEY, 'GC204')
    assert (found.severity.label, found.option, found.line) == (
        'high', 'key_manager.backend', 4)
    assert 'every image the compute host downloads then fails to boot, ' \
        'signed or not' in found.message
    assert 'ConfKeyManager' in found.message
    assert 'GC206' not in found.message
    [found] = audit_text('[glance]\n' + NO_SERVICE_USER, 'GC204')
    assert (found.option, found.line) == (
        'barbican.send_service_user_token', 3)
    assert '[barbican_service_user] names no auth_type' in found.message


@pytest.mark.parametrize('backend', ['s3cr3t.ConfKeyManager', 's3cr3t'])
def test_gc204_never_quotes_the_backend_value(audit_text, backend):
    """A value pasted into the wrong option stays out of the report."""
    [found] = audit_text('[glance]\n[key_manager]\n'
                         'backend = %s\n' % backend, 'GC204')
    assert 's3cr3t' not in found.message + found.remediation


def test_gc204_names_a_backend_castellan_cannot_load(audit_text):
    [found] = audit_text('[glance]\n[key_manager]\nbackend = Vault\n',
                         'GC204')
    assert (found.option, found.line) == ('key_manager.backend', 3)
    assert 'neither a castellan driver (barbican, vault) nor a class ' \
        'path' in found.message


RBD_CLONES = '(raw images cloned in Ceph boot unchecked instead: GC206)'


@pytest.mark.parametrize('check,text', [
    ('GC204', '[glance]\n' + FIXED_KEY),
    ('GC205', '[glance]\nenable_certificate_validation = true\n'),
    ('GC207', '[glance]\n'),
])
def test_what_fails_is_what_is_downloaded_and_rbd_clones_are_named(
        audit_text, check, text):
    """Not "every boot": a raw image cloned in Ceph is never checked."""
    [found] = audit_text(text, check)
    assert 'the compute host downloads' in found.message
    assert 'every boot' not in found.message
    assert RBD_CLONES not in found.message
    [found] = audit_text(text + '[libvirt]\nimages_type = rbd\n', check)
    assert found.message.endswith(RBD_CLONES + '.')
    [found] = audit_text(text + '[libvirt]\nimages_type = rbd\n'
                         '[DEFAULT]\ncompute_driver = ironic.IronicDriver\n',
                         check)
    assert RBD_CLONES not in found.message


@pytest.mark.parametrize('text,nova,ours', [
    ('[glance]\nverify_glance_signatures = true\n'
     'enable_certificate_validation = true\n', 1, 1),
    # Silent: nova's default leaves verification off (GC203's case).
    ('[glance]\nenable_certificate_validation = true\n', 0, 1),
    ('[glance]\nverify_glance_signatures = true\n'
     'enable_certificate_validation = true\n'
     'default_trusted_certificate_ids = abc\n', 0, 0),
    ('[glance]\nverify_glance_signatures = true\n', 0, 0),
    ('[glance]\nverify_glance_signatures = false\n'
     'enable_certificate_validation = true\n', 0, 0),
])
def test_gc205_certificate_validation_without_defaults(audit_text, text,
                                                       nova, ours):
    assert len(audit_text(text, 'GC205', defaults='nova')) == nova
    assert len(audit_text(text, 'GC205', defaults='glance-conf')) == ours


def test_gc205_says_boots_fail_and_that_it_can_be_meant(audit_text):
    [found] = audit_text('[glance]\nverify_glance_signatures = true\n'
                         'enable_certificate_validation = true\n', 'GC205')
    assert found.severity.label == 'medium'
    assert 'every image the compute host downloads for a request that ' \
        'names no trusted certificates fails to boot' in found.message
    assert 'Valid if your users must name them' in found.message


RBD = '[libvirt]\nimages_type = rbd\n'


@pytest.mark.parametrize('text,nova,ours', [
    ('[glance]\nverify_glance_signatures = true\n' + RBD, 1, 1),
    ('[glance]\n' + RBD, 0, 1),
    ('[glance]\nverify_glance_signatures = false\n' + RBD, 0, 0),
    ('[glance]\nverify_glance_signatures = true\n'
     '[libvirt]\nimages_type = qcow2\n', 0, 0),
    # Only the libvirt driver reads [libvirt] (load_compute_driver).
    ('[glance]\nverify_glance_signatures = true\n' + RBD
     + '[DEFAULT]\ncompute_driver = libvirt.LibvirtDriver\n', 1, 1),
    ('[glance]\nverify_glance_signatures = true\n' + RBD
     + '[DEFAULT]\ncompute_driver = libvirt.driver.LibvirtDriver\n', 1, 1),
    ('[glance]\nverify_glance_signatures = true\n' + RBD
     + '[DEFAULT]\ncompute_driver = ironic.IronicDriver\n', 0, 0),
    # Direct RBD download verifies (_try_special_handlers): not GC206.
    ('[glance]\nverify_glance_signatures = true\n'
     'enable_rbd_download = true\nrbd_user = glance\nrbd_pool = images\n',
     0, 0),
])
def test_gc206_rbd_clone_skips_verification(audit_text, text, nova, ours):
    assert len(audit_text(text, 'GC206', defaults='nova')) == nova
    assert len(audit_text(text, 'GC206', defaults='glance-conf')) == ours


def test_gc206_says_verification_is_silently_skipped(audit_text):
    [found] = audit_text('[glance]\nverify_glance_signatures = true\n' + RBD,
                         'GC206')
    assert (found.option, found.line) == ('libvirt.images_type', 4)
    assert 'silently never checked' in found.message
    assert 'images_rbd_glance_store_name' in found.message
    assert 'Glance exposes at a location' in found.message
