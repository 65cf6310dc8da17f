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

"""Strict value types for the ``[glance]`` options.

They are oslo.config types (callables that take the raw string and return
the value or raise :class:`ValueError`), so oslo.config applies them when a
value is read. A type knows its bounds, never the option it serves: the
option's name, file and line are added once, by whoever reports the error
(:func:`glance_conf.glance.validate`, the audit). Each type has an explicit
``__repr__`` and ``__eq__`` over its own parameters, as oslo.config's
types do, so two copies of one definition compare equal and a copy with
other bounds does not.

Messages never echo a URL's user-info, query or fragment: see
:mod:`glance_conf.redact`.
"""

from __future__ import annotations

import ipaddress
import math
import re
import ssl
from collections.abc import Iterable
from typing import Any

from oslo_config import types

from glance_conf._ciphers import CIPHER_KEYWORDS as CIPHER_KEYWORDS
from glance_conf._ciphers import MIN_SECURITY_LEVEL as MIN_SECURITY_LEVEL
from glance_conf._ciphers import WEAK_CIPHER_KEYWORDS as WEAK_CIPHER_KEYWORDS
from glance_conf._ciphers import cipher_context as cipher_context
from glance_conf._ciphers import cipher_weaknesses as cipher_weaknesses
from glance_conf._ciphers import unknown_cipher_words as unknown_cipher_words
from glance_conf._ciphers import weak_cipher_keywords as weak_cipher_keywords

#: Longest URL accepted in ``api_servers`` or ``endpoint_override``.
MAX_URL_LENGTH = 1024
#: Longest numeric literal read; stops huge digit strings early.
MAX_NUMBER_LENGTH = 32

_HOST_LABEL_RE = re.compile(
    r'[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?')
_IPV4_LIKE_RE = re.compile(r'[0-9.]+')
_PORT_RE = re.compile(r'[0-9]{1,5}')
# RFC 3986 path characters, less "@" (user-info look-alikes) and "," (the
# list separator). Percent escapes are checked separately.
_PATH_RE = re.compile(r"(?:/[A-Za-z0-9\-._~!$&'()*+;=:%]*)*")
_PCT_RE = re.compile(r'%(?![0-9A-Fa-f]{2})')
_URL_RE = re.compile(r'([A-Za-z][A-Za-z0-9+.-]*)://([^/]*)(.*)', re.S)


#: Longest refused value ever quoted back in an error message.
MAX_ECHO_LENGTH = 12
#: A refused number is quoted back only if it is made of these characters
#: (``3.0``, ``1-2``): digits, signs and dots cannot hold a password.
_NUMBER_ECHO_RE = re.compile(r'[0-9.+-]{1,%d}' % MAX_ECHO_LENGTH)
#: The plain, ASCII spellings of a finite decimal number. Python's
#: ``float`` also reads other scripts' digits and ``1_000``; we do not.
_FLOAT_RE = re.compile(
    r'[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?')
_NON_FINITE = ('nan', 'inf', 'infinity')
#: What the security message says instead of a value it will not quote.
UNQUOTED = 'the value'


#: Why ``option =`` is refused where the option has a numeric default.
EMPTY_REFUSED = ('an empty value is not allowed; remove the line (or comment '
                 'it out) to use the default')
CIPHER_WORD_REFUSED = ('a word of the cipher string is neither an OpenSSL '
                       'keyword nor a cipher name this OpenSSL knows')
CIPHERS_REFUSED = ('the local OpenSSL selects no cipher from this cipher '
                   'string; see "openssl ciphers" for the keywords')
NON_FINITE_REFUSED = 'NaN and infinity are not allowed'
#: The words oslo.config's ``Boolean`` accepts (in any case).
BOOLEAN_WORDS = tuple(types.Boolean.TRUE_VALUES + types.Boolean.FALSE_VALUES)


def _echo_number(text: str) -> str:
    """Quote a refused number only if it cannot be a pasted secret."""
    return repr(text) if _NUMBER_ECHO_RE.fullmatch(text) else UNQUOTED


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are at most one typo apart.

    A typo is one inserted, deleted or replaced character, or two
    neighbours swapped (``ture``).
    """
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = (a[i + 1:i + 2] == b[i:i + 1] and a[i:i + 1] ==
                   b[i + 1:i + 2] and a[i + 2:] == b[i + 2:])
        return a[i + 1:] == b[i + 1:] or swapped
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1:] == shorter[i:]


def _echo_word(text: str, accepted: Iterable[str]) -> str:
    """Quote a refused word only if it is a typo of an accepted one.

    ``ture`` for a boolean or ``1.1`` for ``tls_min_version`` is quoted;
    anything else (a password pasted into the wrong option) is not.
    """
    word = text.lower()
    if len(text) <= MAX_ECHO_LENGTH and any(
            _one_edit(word, good.lower()) for good in accepted):
        return repr(text)
    return UNQUOTED


def _bad_char(value: str, allow_space: bool = False) -> str | None:
    """Describe the first control (or white-space) character, if any."""
    if value.isprintable() and (allow_space or ' ' not in value):
        # The common case, at C speed: printable leaves out every
        # control and white-space character but the ASCII space.
        return None
    for pos, ch in enumerate(value):
        if not ch.isprintable() or (ch.isspace() and not allow_space):
            kind = 'white-space' if ch.isspace() else 'control'
            return ('%s character U+%04X at position %d is not allowed'
                    % (kind, ord(ch), pos))
    return None


class _Hardened(types.ConfigType):
    """Shared behaviour: plain errors, and identity by parameters.

    Subclasses list their parameters in :meth:`params`; ``__repr__`` and
    ``__eq__`` are built from them alone, and :meth:`limits` says which
    of them the help text of an option may state.
    """

    def params(self) -> dict[str, Any]:
        """The parameters that make this type what it is."""
        raise NotImplementedError

    def limits(self) -> dict[str, Any]:
        """The limits a help text states, by name (``min``, ``max``...)."""
        return {}

    @staticmethod
    def _error(reason: str) -> ValueError:
        return ValueError(reason)

    def __repr__(self) -> str:
        return '%s(%s)' % (type(self).__name__, ', '.join(
            '%s=%r' % item for item in self.params().items()))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, _Hardened) and type(self) is type(other)
                and self.params() == other.params())

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]


class _Number(_Hardened):
    """Shared by the numeric types: empty values and out-of-range errors.

    oslo.config reads ``option =`` (an empty value) as ``None``. Where
    ``None`` is the option's default (unset), that is what the operator
    meant. Where the option has a numeric default, ``None`` is no number
    at all (nova's ``num_retries`` check then raises ``TypeError``), so the
    value is refused: to get the default, the line is removed.
    """

    allow_empty: bool

    def _check_empty(self) -> None:
        if not self.allow_empty:
            raise self._error(EMPTY_REFUSED)

    def _out_of_range(self, text: str, bounds: str) -> ValueError:
        return self._error('%s is out of range; it must be %s'
                           % (_echo_number(text), bounds))


class BoundedInteger(_Number, types.Integer):
    """An integer within ``[min, max]``; both bounds are required.

    :param allow_empty: read an empty value as ``None`` (unset) instead of
        refusing it; only for options whose default is ``None``.
    """

    def __init__(self, min: int, max: int, allow_empty: bool = False,
                 type_name: str = 'integer value') -> None:
        types.Integer.__init__(self, min=min, max=max, type_name=type_name)
        self.lower, self.upper = min, max
        self.allow_empty = allow_empty

    def params(self) -> dict[str, Any]:
        return {'min': self.lower, 'max': self.upper,
                'allow_empty': self.allow_empty}

    def limits(self) -> dict[str, Any]:
        return {'min': self.lower, 'max': self.upper}

    def __call__(self, value: Any) -> int | None:
        if isinstance(value, bool):
            raise self._error('expected an integer, got a boolean')
        if isinstance(value, int):
            # Not str() of a huge int: Python refuses over 4300 digits.
            text = str(value) if abs(value) < 10 ** MAX_NUMBER_LENGTH else ''
        else:
            text = str(value).strip()
            if text == '':
                self._check_empty()
                return None
            # [0-9], not \d: only ASCII digits.
            if len(text) > MAX_NUMBER_LENGTH or not re.fullmatch(
                    r'[+-]?[0-9]+', text):
                raise self._error('%s is not an integer'
                                  % _echo_number(text))
            value = int(text)
        number = int(value)
        if not self.lower <= number <= self.upper:
            raise self._out_of_range(text, 'from %d to %d'
                                     % (self.lower, self.upper))
        return number


class BoundedFloat(_Number, types.Float):
    """A finite float within bounds; the lower bound may be exclusive.

    NaN and infinity are refused: NaN compares false with every bound, so
    oslo.config's own ``Float`` lets it through. Only ASCII digits are
    read: Python's ``float`` also takes, say, Arabic-Indic digits, which a
    reviewer of the file would not read as a number.

    :param allow_empty: as for :class:`BoundedInteger`.
    """

    def __init__(self, min: float, max: float, min_exclusive: bool = False,
                 allow_empty: bool = False,
                 type_name: str = 'floating point value') -> None:
        types.Float.__init__(self, min=min, max=max, type_name=type_name)
        self.lower, self.upper = float(min), float(max)
        self.min_exclusive = min_exclusive
        self.allow_empty = allow_empty

    def params(self) -> dict[str, Any]:
        return {'min': self.lower, 'max': self.upper,
                'min_exclusive': self.min_exclusive,
                'allow_empty': self.allow_empty}

    def limits(self) -> dict[str, Any]:
        return {'min': self.lower, 'max': self.upper}

    def __call__(self, value: Any) -> float | None:
        if isinstance(value, bool):
            raise self._error('expected a number, got a boolean')
        text = str(value).strip()
        if not isinstance(value, (int, float)):
            if text == '':
                self._check_empty()
                return None
            if len(text) > MAX_NUMBER_LENGTH:
                raise self._error('number literal is too long')
            if text.lower().lstrip('+-') in _NON_FINITE:
                raise self._error(NON_FINITE_REFUSED)
            if not _FLOAT_RE.fullmatch(text):
                raise self._error('%s is not a number (use ASCII digits, '
                                  'an optional "." and exponent)'
                                  % _echo_number(text))
            value = float(text)
        number = float(value)
        if not math.isfinite(number):
            raise self._error(NON_FINITE_REFUSED)
        low, high = self.lower, self.upper
        too_low = number <= low if self.min_exclusive else number < low
        if too_low or number > high:
            word = 'above' if self.min_exclusive else 'at least'
            raise self._out_of_range(text, '%s %g and at most %g'
                                     % (word, low, high))
        return number


class SafeString(_Hardened, types.String):
    """A string of bounded length with no control characters.

    :param pattern: a regular expression the whole value must match.
    :param rule: the pattern in words, for the error message.
    :param choices: the only values allowed (``None`` may be among them).
    :param allow_space: allow spaces (never other white-space).
    """

    def __init__(self, max_length: int, pattern: str | None = None,
                 rule: str = '', choices: Iterable[str | None] | None = None,
                 allow_space: bool = False,
                 type_name: str = 'string value') -> None:
        types.String.__init__(self, max_length=max_length,
                              choices=list(choices) if choices else None,
                              type_name=type_name)
        self.pattern = re.compile(pattern) if pattern else None
        self.rule = rule
        self.allow_space = allow_space

    def params(self) -> dict[str, Any]:
        return {'max_length': self.max_length,
                'pattern': self.pattern.pattern if self.pattern else None,
                'choices': list(self.choices) if self.choices else None,
                'allow_space': self.allow_space}

    def limits(self) -> dict[str, Any]:
        # With choices, the choices are the bound.
        return {} if self.choices else {'max_length': self.max_length}

    def __call__(self, value: Any) -> str:
        text = str(value)
        if len(text) > self.max_length:
            raise self._error('value is %d characters long; the limit is %d'
                              % (len(text), self.max_length))
        problem = _bad_char(text, allow_space=self.allow_space)
        if problem:
            raise self._error(problem)
        if self.choices is not None and text not in self.choices:
            allowed = ', '.join(repr(c) for c in self.choices if c is not None)
            raise self._error('%s is not one of: %s' % (
                _echo_word(text, [c for c in self.choices if c]), allowed))
        if self.pattern is not None and not self.pattern.fullmatch(text):
            raise self._error('value does not match the rule: %s' % self.rule)
        return text


class CipherString(SafeString):
    """An OpenSSL cipher string that the local OpenSSL accepts.

    The string is tried on a client context the way
    :func:`glance_conf.loading.load_session` applies it, so a string
    that selects no cipher fails when the configuration is validated, not
    with a raw ``ssl.SSLError`` at the first image download. An empty
    value means unset. The value is never quoted.
    """

    def __call__(self, value: Any) -> str:
        text = SafeString.__call__(self, value)
        if text:
            if unknown_cipher_words(text):
                raise self._error(CIPHER_WORD_REFUSED)
            try:
                cipher_context(text)
            except ssl.SSLError:
                raise self._error(CIPHERS_REFUSED) from None
        return text


class SafeBoolean(_Hardened, types.Boolean):
    """oslo.config's Boolean, but its error names the option, not the value.

    oslo.config's own message quotes the raw value, which may be a pasted
    URL with a password in it.
    """

    def __init__(self, type_name: str = 'boolean value') -> None:
        types.Boolean.__init__(self, type_name=type_name)

    def params(self) -> dict[str, Any]:
        return {}

    def __call__(self, value: Any) -> bool:
        try:
            return bool(types.Boolean.__call__(self, value))
        except ValueError:
            raise self._error('%s is not a boolean; use true or false'
                              % _echo_word(str(value).strip(),
                                           BOOLEAN_WORDS)) from None


def check_image_url(value: str) -> str | None:
    """Return why ``value`` is not a valid Image-service endpoint URL.

    ``None`` means the value is acceptable. The reason never contains the
    value itself.
    """
    if len(value) > MAX_URL_LENGTH:
        return ('URL is %d characters long; the limit is %d'
                % (len(value), MAX_URL_LENGTH))
    if '@' in value:
        return ('user-info ("user:password@") is not allowed in the URL; '
                'credentials belong in the keystoneauth options')
    problem = _bad_char(value)
    if problem:
        return problem
    if not value.isascii():
        return ('non-ASCII characters are not allowed; use an xn-- host '
                'name and percent-encode the path')
    match = _URL_RE.fullmatch(value)
    if match is None:
        return 'expected an absolute URL: http(s)://host[:port][/path]'
    scheme, authority, rest = match.groups()
    if scheme.lower() not in ('http', 'https'):
        return 'scheme must be http or https'
    if '?' in rest or '?' in authority:
        return 'a query string is not allowed'
    if '#' in rest or '#' in authority:
        return 'a fragment is not allowed'
    problem = _check_authority(authority)
    if problem:
        return problem
    if not _PATH_RE.fullmatch(rest):
        return ('path contains a character that is not allowed '
                '(allowed: letters, digits and -._~!$&\'()*+;=:%/)')
    if _PCT_RE.search(rest):
        return 'path contains a malformed percent-escape'
    return None


def _check_authority(authority: str) -> str | None:
    if authority.startswith('['):
        end = authority.find(']')
        if end == -1:
            return 'unclosed "[" in IPv6 host'
        host, tail = authority[1:end], authority[end + 1:]
        if '%' in host:
            # ipaddress takes "fe80::1%eth0"; a URL host never has one.
            return 'an IPv6 zone ID ("%...") is not allowed in the host'
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return 'host is not a valid IPv6 address'
        if tail and not tail.startswith(':'):
            return 'unexpected text after the IPv6 host'
        return _check_port(tail[1:]) if tail else None
    host, colon, port = authority.partition(':')
    if not host:
        return 'host is empty'
    if colon:
        problem = _check_port(port)
        if problem:
            return problem
    return _check_host(host)


def _check_host(host: str) -> str | None:
    name = host[:-1] if host.endswith('.') else host
    if len(name) > 253:
        return 'host name is longer than 253 characters'
    labels = name.split('.')
    if _IPV4_LIKE_RE.fullmatch(name) or labels[-1].isdigit():
        try:
            ipaddress.IPv4Address(name)
        except ValueError:
            return 'host is not a valid IPv4 address'
        return None
    if not all(_HOST_LABEL_RE.fullmatch(label) for label in labels):
        return 'host is not a valid host name'
    return None


def _check_port(port: str) -> str | None:
    if not _PORT_RE.fullmatch(port) or not 1 <= int(port) <= 65535:
        return 'port must be a number from 1 to 65535'
    return None


class ImageEndpoint(_Hardened, types.String):
    """An absolute ``http``/``https`` URL of an Image API endpoint.

    Plain ``http`` is accepted, because nova's own tests use it; the audit
    reports it (GC102). The value is returned unchanged.
    """

    def __init__(self, type_name: str = 'URL value') -> None:
        types.String.__init__(self, max_length=MAX_URL_LENGTH,
                              type_name=type_name)

    def params(self) -> dict[str, Any]:
        return {}

    def limits(self) -> dict[str, Any]:
        return {'max_length': MAX_URL_LENGTH}

    def __call__(self, value: Any) -> str:
        text = str(value)
        reason = check_image_url(text)
        if reason:
            # Never the value: a refused URL may hold anything, a
            # password after a space included.
            raise self._error('invalid URL: %s' % reason)
        return text


class BoundedList(_Hardened, types.List):
    """A comma-separated list with a cap on its entry count.

    The cap is checked before any entry is parsed, so a huge value costs
    one split, not one parse per entry. Unlike oslo.config's ``List`` it
    never glues entries back together across commas. The result is always
    a fresh, mutable ``list`` (nova shuffles ``api_servers`` in place).
    """

    def __init__(self, item_type: types.ConfigType, max_items: int,
                 type_name: str = 'list value') -> None:
        types.List.__init__(self, item_type=item_type, type_name=type_name)
        self.max_items = max_items

    def params(self) -> dict[str, Any]:
        return {'item_type': self.item_type, 'max_items': self.max_items}

    def limits(self) -> dict[str, Any]:
        item: dict[str, Any] = getattr(self.item_type, 'limits', dict)()
        return {'max_items': self.max_items,
                **{'item_%s' % key: value for key, value in item.items()}}

    def __call__(self, value: Any) -> list[Any]:
        if isinstance(value, (list, tuple)):
            items = list(value)
        else:
            text = str(value).strip().rstrip(',')
            # A cheap bound before splitting: a value this long cannot hold
            # max_items entries of any item type we use.
            if len(text) > self.max_items * (MAX_URL_LENGTH + 1):
                raise self._error('value is too long for a list of at most '
                                  '%d entries' % self.max_items)
            items = [item.strip() for item in text.split(',')] if text else []
            if '' in items:
                raise self._error('entry %d is empty (two commas in a row?)'
                                  % (items.index('') + 1))
        if len(items) > self.max_items:
            raise self._error('%d entries given; the limit is %d'
                              % (len(items), self.max_items))
        return [self.item_type(item) for item in items]


def ignored(value: Any) -> None:
    """Type of the placeholder options: whatever is set reads as ``None``.

    One module-level function, so every copy of a placeholder option
    compares equal (nova builds a new ``lambda`` each time, which breaks
    re-registration).
    """
    return None
