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

"""Make values safe to show in errors, logs and reports.

Everything that echoes a configured value back to a person goes through
here, so that a URL password, a token in a query string or a stray control
character never reaches a log file or a terminal.
"""

from __future__ import annotations

import re

#: What replaces user-info, queries and fragments.
MASK = '***'

#: Longest excerpt of a value that is ever shown.
MAX_SHOWN = 120

_SCHEME_RE = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*://')
# One run of whitespace, kept by re.split: a simple class, so linear.
_WHITESPACE_RE = re.compile(r'(\s+)')

#: Most characters of free text that :func:`redact_text` looks at; the
#: rest is dropped. It keeps a hostile message (a 4xx body of a megabyte)
#: from costing more than a bounded, linear scan.
MAX_TEXT_SCANNED = 16 * 1024

#: What marks the place where :func:`redact_text` dropped text.
TRUNCATED = ' [truncated]'


def printable(value: str, limit: int = MAX_SHOWN) -> str:
    """Escape control characters and shorten ``value`` for display."""
    if value.isprintable() and '\\' not in value:
        text = value  # nothing to escape, found at C speed: most values
    else:
        text = ''.join(
            ch if ch.isprintable() and ch != '\\'
            else ch.encode('unicode_escape').decode('ascii')
            for ch in value)
    if len(text) > limit:
        text = text[:limit] + '...'
    return text


def redact_url(value: str, limit: int = MAX_SHOWN) -> str:
    """Return ``value`` with user-info, query and fragment masked.

    It works on malformed input too: everything up to the last ``@`` after
    the scheme is treated as user-info, because a password may itself
    contain ``/``, ``?`` or ``#``.
    """
    text = str(value)
    match = _SCHEME_RE.match(text)
    start = match.end() if match else 0
    at = text.rfind('@')
    if at >= start:
        text = text[:start] + MASK + text[at:]
    for sep in ('?', '#'):
        cut = text.find(sep, start)
        if cut != -1:
            text = text[:cut + 1] + MASK
    return printable(text, limit)


def _mask_token(token: str) -> str:
    """Mask one whitespace-free token of free text.

    In a token holding ``://``, everything from there to the last ``@``
    is user-info (a password may hold ``'``, ``<``, ``/``, ``?`` or ``#``),
    and everything after the first ``?`` or ``#`` is query or fragment.
    In any other token, everything after the first ``?`` is a query.
    Over-masking a word is harmless; under-masking a secret is not.
    """
    scheme = token.find('://')
    if scheme != -1:
        start = scheme + 3
        at = token.rfind('@')
        if at >= start:
            token = token[:start] + MASK + token[at:]
        cuts = [i for i in (token.find('?', start), token.find('#', start))
                if i != -1]
        if cuts:
            return token[:min(cuts) + 1] + MASK
        return token
    cut = token.find('?')
    if cut != -1 and cut + 1 < len(token):
        return token[:cut + 1] + MASK
    return token


def redact_text(text: str, limit: int = MAX_TEXT_SCANNED) -> str:
    """Mask URL user-info and every query string inside free text.

    For messages written by others (keystoneauth, urllib3, requests),
    where URLs sit among other words. It runs in linear time: the text is
    cut into whitespace-separated tokens, each looked at once. Text beyond
    ``limit`` characters is dropped, with the last token it cuts, and
    replaced by :data:`TRUNCATED`, so a secret split by the cut is never
    shown.
    """
    truncated = len(text) > limit
    if truncated:
        text = text[:limit]
        # Drop the token the cut went through: it may be half a URL.
        words = _WHITESPACE_RE.split(text)
        text = ''.join(words[:-1])
    parts = _WHITESPACE_RE.split(text)
    # Odd items are the whitespace itself, kept as it was.
    out = [part if i % 2 else _mask_token(part)
           for i, part in enumerate(parts)]
    if truncated:
        out.append(TRUNCATED)
    return ''.join(out)
