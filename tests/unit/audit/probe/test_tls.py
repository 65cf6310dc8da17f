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

"""The probe's TLS: nova's context, and the one reader of TLS files."""

from __future__ import annotations

import os
import pathlib
import ssl
import threading
from typing import Any

import pytest

from glance_conf.audit import exception
from glance_conf.audit.probe import endpoints
from glance_conf.audit.probe import tls as probe_tls
from glance_conf.audit.probe import wire
from tests import servers
from tests import tlsservers as T


def test_nova_context_applies_the_config(tmp_path):
    pki = T.Pki(tmp_path)
    context = probe_tls.nova_context(endpoints.TlsSettings(
        cafile=pki.cafile, min_version='1.3'))
    assert context.minimum_version is ssl.TLSVersion.TLSv1_3
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert len(context.get_ca_certs()) == 1
    insecure = probe_tls.nova_context(endpoints.TlsSettings(insecure=True))
    assert insecure.verify_mode is ssl.CERT_NONE


def test_nova_context_refuses_a_missing_cafile(tmp_path):
    with pytest.raises(exception.TlsFileRefused,
                       match='^cafile .*/no: No such'):
        probe_tls.nova_context(endpoints.TlsSettings(
            cafile=str(tmp_path / 'no')))


def test_an_encrypted_key_fails_at_once(tmp_path):
    """OpenSSL would prompt on the terminal for the passphrase, and wait
    past any deadline; the probe says why instead, sending nothing."""
    from cryptography.hazmat.primitives import serialization
    pki = T.Pki(tmp_path)
    certfile, keyfile = pki.client_files()
    key = serialization.load_pem_private_key(
        pathlib.Path(keyfile).read_bytes(), None)
    pathlib.Path(keyfile).write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b'passphrase')))
    server = T.ProbeServer(pki.context())
    tls = endpoints.TlsSettings(cafile=pki.cafile, certfile=certfile,
                                keyfile=keyfile)
    with servers.started(server):
        with servers.Clock() as clock:
            seen = wire.probe_endpoint(endpoints.endpoint(server.url, tls),
                                       5)
    assert clock.elapsed < 2
    assert seen.failure == probe_tls.NOT_LOADED % probe_tls.ENCRYPTED_KEY
    assert server.connections == 0


def _loaded_within(tls: endpoints.TlsSettings,
                   seconds: float = 10.0) -> Any:
    """:func:`tls.load_contexts` of ``tls``, run in a daemon thread so
    that a load that blocks (as OpenSSL does on a FIFO) fails the test
    instead of hanging it."""
    done: list[Any] = []
    worker = threading.Thread(target=lambda: done.append(
        probe_tls.load_contexts(tls)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert done, 'loading the TLS settings blocked'
    return done[0]


def make_fifo(tmp_path: pathlib.Path) -> str:
    path = tmp_path / 'fifo'
    os.mkfifo(path)
    return str(path)


#: TLS files OpenSSL would block on or cannot load: a FIFO with no
#: writer, a pseudo-terminal master, a link to the FIFO, a directory.
BLOCKING = {
    'fifo': make_fifo,
    'ptmx': lambda tmp: '/dev/ptmx',
    'link to a fifo': lambda tmp: os.symlink(make_fifo(tmp), tmp / 'l')
    or str(tmp / 'l'),
    'directory': lambda tmp: str(tmp),
}


@pytest.mark.parametrize('option', ['cafile', 'certfile', 'keyfile'])
@pytest.mark.parametrize('kind', sorted(BLOCKING))
def test_a_tls_file_that_is_not_a_regular_file_is_refused(tmp_path, kind,
                                                          option):
    """Issue 20 item 4: whatever the option, the load never blocks; the
    refusal names the option and the path."""
    if kind == 'ptmx' and not os.path.exists('/dev/ptmx'):
        pytest.skip('no /dev/ptmx on this machine')
    path = BLOCKING[kind](tmp_path)
    pki = T.Pki(tmp_path)
    certfile, keyfile = pki.client_files()
    files = {'cafile': pki.cafile, 'certfile': certfile, 'keyfile': keyfile,
             option: path}
    loaded = _loaded_within(endpoints.TlsSettings(**files))
    assert loaded == probe_tls.NOT_LOADED % ('%s %s: is not a regular file'
                                             % (option, path))


def test_a_linked_cafile_is_followed(tmp_path):
    """/etc/ssl/certs is links: a link to a regular file is a TLS file."""
    pki = T.Pki(tmp_path)
    os.symlink(pki.cafile, tmp_path / 'linked.pem')
    context = probe_tls.nova_context(endpoints.TlsSettings(
        cafile=str(tmp_path / 'linked.pem')))
    assert len(context.get_ca_certs()) == 1


def test_an_oversized_tls_file_is_refused(tmp_path):
    huge = tmp_path / 'huge.pem'
    with open(huge, 'wb') as stream:
        stream.truncate(probe_tls.MAX_TLS_FILE + 1)
    assert _loaded_within(endpoints.TlsSettings(cafile=str(huge))) == \
        probe_tls.NOT_LOADED % ('cafile %s: is larger than %d bytes'
                                % (huge, probe_tls.MAX_TLS_FILE))
