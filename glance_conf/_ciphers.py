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

"""What the local OpenSSL makes of a cipher string.

The words of OpenSSL's cipher-string grammar, which of them turn on weak
ciphers, and a client context with a string applied as the transport
applies it. :class:`glance_conf.types.CipherString` refuses a string by
these rules, the loader warns and the audit reports by them; all three
reach them through :mod:`glance_conf.types`, which re-exports the public
names. Nothing here quotes a cipher string back.
"""

from __future__ import annotations

import functools
import re
import ssl

#: OpenSSL cipher-string keywords (and cipher-name parts) that turn on
#: ciphers without authentication (aNULL, ADH, AECDH), without encryption
#: (eNULL, NULL, COMPLEMENTOFALL), or with a broken or export-grade
#: algorithm (EXPORT, EXP, LOW, RC4, DES, 3DES, MD5). They are matched
#: case-sensitively, as OpenSSL matches them: ``rc4`` selects nothing.
WEAK_CIPHER_KEYWORDS = ('aNULL', 'ADH', 'AECDH', 'eNULL', 'NULL',
                        'COMPLEMENTOFALL', 'EXPORT', 'EXP', 'LOW', 'RC4',
                        'DES', '3DES', 'MD5')
#: Lowest OpenSSL security level accepted: 2, 112-bit security, Python's
#: default. Levels 0 and 1 allow 1024-bit keys and SHA-1 signatures, and
#: level 0 lets an anonymous cipher complete a "verified" handshake.
MIN_SECURITY_LEVEL = 2


def weak_cipher_keywords(ciphers: str) -> list[str]:
    """The weak keywords that ``ciphers`` turns on, in order, once each.

    Terms that remove (``!``, ``-``), reorder (``+``) or command (``@``)
    turn nothing on. A term is split on ``+`` (keywords combined) and
    ``-`` (cipher names such as ``RC4-SHA``) into parts.
    """
    found: list[str] = []
    for term in re.split(r'[:, ]', ciphers):
        if not term or term[0] in '!-+@':
            continue
        for part in re.split(r'[+-]', term):
            if part in WEAK_CIPHER_KEYWORDS and part not in found:
                found.append(part)
    return found


def cipher_weaknesses(ciphers: str) -> list[str]:
    """What is weak about a cipher string the local OpenSSL accepts, in
    words (never the string): the weak keywords it turns on, and a
    security level below :data:`MIN_SECURITY_LEVEL`."""
    reasons = []
    keywords = weak_cipher_keywords(ciphers)
    if keywords:
        reasons.append('turns on %s' % ', '.join(keywords))
    level = cipher_context(ciphers).security_level
    if level < MIN_SECURITY_LEVEL:
        reasons.append('lowers the OpenSSL security level to %d (the '
                       'floor is %d)' % (level, MIN_SECURITY_LEVEL))
    return reasons


def cipher_context(ciphers: str) -> ssl.SSLContext:
    """A TLS client context with ``ciphers`` applied, as the transport does.

    :raises ssl.SSLError: if the local OpenSSL selects no cipher from the
        string (or cannot parse it).
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.set_ciphers(ciphers)
    return context


#: OpenSSL's cipher-string keywords (``openssl-ciphers(1)``). A word that
#: is neither one of these nor a cipher name is refused: OpenSSL ignores
#: it, so it could only be a typo, or text pasted into the wrong option.
CIPHER_KEYWORDS = frozenset((
    'ALL COMPLEMENTOFALL COMPLEMENTOFDEFAULT DEFAULT HIGH MEDIUM LOW EXPORT '
    'EXP EXPORT40 EXPORT56 eNULL NULL aNULL kRSA aRSA RSA kDHr kDHd kDH '
    'kDHE kEDH DH DHE EDH ADH kEECDH kECDHE ECDH ECDHE EECDH AECDH aDSS DSS '
    'aDH aECDSA ECDSA aECDH TLSv1.2 TLSv1.0 TLSv1 SSLv3 AES128 AES256 AES '
    'AESGCM AESCCM AESCCM8 ARIA128 ARIA256 ARIA ARIAGCM CAMELLIA128 '
    'CAMELLIA256 CAMELLIA CHACHA20 3DES DES RC4 RC2 IDEA SEED MD5 SHA1 SHA '
    'SHA256 SHA384 aGOST aGOST01 kGOST GOST94 GOST89MAC kGOST18 PSK kPSK '
    'kECDHEPSK kDHEPSK kRSAPSK aPSK SUITEB128 SUITEB128ONLY SUITEB192 CBC '
    'kSRP aSRP SRP').split())
_CIPHER_COMMAND_RE = re.compile(r'@(?:STRENGTH|SECLEVEL=[0-5])')


@functools.lru_cache(maxsize=1)
def _cipher_names() -> frozenset[str]:
    """Every cipher name the local OpenSSL knows."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.set_ciphers('ALL:COMPLEMENTOFALL:@SECLEVEL=0')
    return frozenset(c['name'] for c in context.get_ciphers())


def unknown_cipher_words(ciphers: str) -> bool:
    """Whether ``ciphers`` holds a word that is neither an OpenSSL
    keyword, a command (``@STRENGTH``, ``@SECLEVEL=N``) nor a cipher
    name the local OpenSSL knows."""
    for term in re.split(r'[:, ]', ciphers):
        term = term.lstrip('!-+')
        if not term:
            continue
        if term.startswith('@'):
            if not _CIPHER_COMMAND_RE.fullmatch(term):
                return True
            continue
        for part in term.split('+'):
            if part not in CIPHER_KEYWORDS and part not in _cipher_names():
                return True
    return False
