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

"""The TLS side of the probe: the one reader of TLS files, nova's client
context, and the unverified contexts of the downgrade handshakes.

Contexts are built once per distinct :class:`TlsSettings` and shared by
threads, so nothing here changes a context after it is returned.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import ssl
import stat
import warnings
from collections.abc import Iterator

import requests.utils
from urllib3.util.ssl_ import create_urllib3_context

from glance_conf import redact
from glance_conf import transport
from glance_conf.audit.exception import EncryptedKey
from glance_conf.audit.exception import TlsFileRefused
from glance_conf.audit.probe.endpoints import TlsSettings
from glance_conf.audit.probe.observation import reason

#: Bytes of one TLS file (CA bundle, certificate chain, key) loaded: a
#: system's whole CA bundle is a few hundred KiB.
MAX_TLS_FILE = 4 * 1024 * 1024
#: OpenSSL's ``X509_V_FLAG_NO_CHECK_TIME``: verify a chain without its
#: dates, to read an expired certificate that would verify otherwise.
_NO_CHECK_TIME = 0x200000
#: What the legacy handshake offers: TLS 1.0 and 1.1, any cipher OpenSSL
#: still has (security level 0 is what lets it offer them at all).
LEGACY_CIPHERS = 'ALL:@SECLEVEL=0'
#: What the weak-cipher handshake draws from: the keywords the option
#: types call weak (:data:`glance_conf.types.WEAK_CIPHER_KEYWORDS`).
WEAK_CIPHERS = ('aNULL:eNULL:NULL:EXPORT:LOW:RC4:DES:3DES:MD5:'
                '@SECLEVEL=0')
#: Said of TLS settings that cannot be used on this machine.
NOT_LOADED = 'the TLS settings cannot be loaded here (%s)'
#: Said of a key file that needs a passphrase: the probe never prompts.
ENCRYPTED_KEY = 'the key is encrypted'


def _no_passphrase() -> bytes:
    # Without a callback OpenSSL prompts on the terminal, and waits.
    raise EncryptedKey(ENCRYPTED_KEY)


@contextlib.contextmanager
def tls_file(path: str, option: str) -> Iterator[str]:
    """A name OpenSSL loads ``path`` by without ever blocking: the one
    reader of a TLS file.

    OpenSSL blocks for ever reading a FIFO, ``/dev/ptmx`` or a tty, and
    with ``--bundles`` a host chooses the path. So the path is opened
    ``O_PATH`` (links followed: ``/etc/ssl/certs`` is links; nothing is
    opened for reading, so no device's open runs), the object reached is
    checked by ``fstat`` (a regular file, at most :data:`MAX_TLS_FILE`
    bytes), and OpenSSL reads ``/proc/self/fd/N``: that opens the very
    inode checked, not the path again, so a rename after the check loads
    nothing else, and reading a regular file never blocks.

    :raises TlsFileRefused: naming ``option`` and the path.
    """
    where = '%s %s' % (option, redact.redact_url(path))
    try:
        handle = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError as exc:
        raise TlsFileRefused('%s: %s' % (where, reason(exc))) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise TlsFileRefused('%s: is not a regular file' % where)
        if info.st_size > MAX_TLS_FILE:
            raise TlsFileRefused('%s: is larger than %d bytes'
                                 % (where, MAX_TLS_FILE))
        name = '/proc/self/fd/%d' % handle
        if not os.path.exists(name):
            raise TlsFileRefused('%s: /proc is not mounted' % where)
        yield name
    finally:
        os.close(handle)


def nova_context(tls: TlsSettings) -> ssl.SSLContext:
    """The client context nova's transport would use for ``tls``.

    The floor and ciphers are applied by :mod:`glance_conf.transport`
    itself; trust and the client certificate as requests applies
    ``verify`` and ``cert``: ``cafile`` alone, else requests' bundle. An
    encrypted key fails at once (:class:`EncryptedKey`), never prompts.
    Every file is read through :func:`tls_file`.

    :raises OSError: if a TLS file cannot be read.
    :raises ssl.SSLError: if it cannot be used.
    :raises TlsFileRefused: if a TLS file is not a regular file.
    """
    adapter = transport.GuardedHTTPAdapter(tls_ciphers=tls.ciphers,
                                           tls_min_version=tls.min_version)
    context = adapter.tls_context() or create_urllib3_context()
    adapter.close()
    if tls.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    else:
        context.verify_mode = ssl.CERT_REQUIRED
        context.check_hostname = True
        with tls_file(tls.cafile or requests.utils.DEFAULT_CA_BUNDLE_PATH,
                      'cafile') as cafile:
            context.load_verify_locations(cafile=cafile)
    if tls.certfile:
        with contextlib.ExitStack() as files:
            certfile = files.enter_context(tls_file(tls.certfile,
                                                    'certfile'))
            keyfile = files.enter_context(tls_file(
                tls.keyfile, 'keyfile')) if tls.keyfile else None
            context.load_cert_chain(certfile, keyfile,
                                    password=_no_passphrase)
    return context


@dataclasses.dataclass(frozen=True)
class Contexts:
    """The contexts of one :class:`TlsSettings`, built once per run and
    never changed after (threads share them): nova's, and a relaxed one
    (no name check, no dates) that reads a certificate nova refuses."""

    nova: ssl.SSLContext
    relaxed: ssl.SSLContext


def load_contexts(tls: TlsSettings) -> Contexts | str:
    """The contexts of ``tls``, or why they cannot be built here."""
    try:
        nova = nova_context(tls)
        relaxed = nova_context(tls)
    except (EncryptedKey, TlsFileRefused) as exc:
        return NOT_LOADED % exc
    except (OSError, ValueError) as exc:
        return NOT_LOADED % reason(exc)
    relaxed.check_hostname = False
    relaxed.verify_flags |= _NO_CHECK_TIME
    return Contexts(nova, relaxed)


def unverified(maximum: ssl.TLSVersion | None = None,
                ciphers: str | None = None,
                minimum: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    """A context that verifies nothing: to see what a server accepts."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        # TLS 1.0 and 1.1 are deprecated names: offering them is the point.
        warnings.simplefilter('ignore', DeprecationWarning)
        if minimum is not None:
            context.minimum_version = minimum
        if maximum is not None:
            context.maximum_version = maximum
    if ciphers:
        context.set_ciphers(ciphers)
    return context


def refuses_legacy(context: ssl.SSLContext) -> bool:
    floor = context.minimum_version
    return floor != ssl.TLSVersion.MINIMUM_SUPPORTED \
        and floor >= ssl.TLSVersion.TLSv1_2


def weak_offer(context: ssl.SSLContext) -> str | None:
    """The weak TLS 1.2 ciphers ``context`` refuses, as a cipher string;
    ``None`` if it refuses none that this OpenSSL has."""
    allowed = {c['name'] for c in context.get_ciphers()}
    weak = sorted(c['name'] for c in unverified(
        ciphers=WEAK_CIPHERS).get_ciphers()
        if c['protocol'] != 'TLSv1.3' and 'PSK' not in c['name']
        and c['name'] not in allowed)
    return ':'.join(weak) + ':@SECLEVEL=0' if weak else None
