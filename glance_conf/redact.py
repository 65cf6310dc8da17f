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
_URL_IN_TEXT_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")
_QUERY_IN_TEXT_RE = re.compile(r"\?[^\s'\"<>)]*")


def printable(value: str, limit: int = MAX_SHOWN) -> str:
    """Escape control characters and shorten ``value`` for display."""
    out = []
    for ch in value:
        if ch.isprintable() and ch not in '\\':
            out.append(ch)
        else:
            out.append(ch.encode('unicode_escape').decode('ascii'))
    text = ''.join(out)
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


def redact_text(text: str) -> str:
    """Mask URL user-info and every query string inside free text.

    For messages written by others (keystoneauth, requests), where URLs
    sit among other words.
    """
    text = _URL_IN_TEXT_RE.sub(
        lambda match: redact_url(match.group(0), 10_000), text)
    return _QUERY_IN_TEXT_RE.sub('?' + MASK, text)
