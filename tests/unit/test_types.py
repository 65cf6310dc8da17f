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

"""Refused and accepted values for every strict type."""

from __future__ import annotations

import ast
import ipaddress
import math
import re
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from glance_conf import types

URL = types.ImageEndpoint()

GOOD_URLS = [
    'https://glance.example.com',
    'https://glance.example.com/',
    'HTTPS://glance.example.com:9292',
    'http://10.0.1.0:9292',
    'https://[2001:db8::1]:9292/image',
    'https://[::1]',
    'https://glance.example.com./v2',
    'https://my.glance.server/image',
    'https://glance_internal:9292',
    'https://glance.example.com/a%20b/~x/;y=1',
    'https://h:1',
    'https://h:65535',
    'https://' + 'a' * 63 + '.example.com/' + 'p' * 900,
]

BAD_URLS = [
    ('', 'absolute URL'),
    ('glance.example.com:9292', 'absolute URL'),
    ('ftp://glance.example.com', 'scheme'),
    ('file:///etc/passwd', 'scheme'),
    ('https://', 'host is empty'),
    ('https://:9292', 'host is empty'),
    ('https:///path', 'host is empty'),
    ('https://user:s3cret@glance.example.com', 'user-info'),
    ('https://user@glance.example.com', 'user-info'),
    ('https://glance.example.com/path@x', 'user-info'),
    ('https://glance.example.com:0', 'port'),
    ('https://glance.example.com:99999', 'port'),
    ('https://glance.example.com:', 'port'),
    ('https://glance.example.com:-1', 'port'),
    ('https://glance.example.com:92a', 'port'),
    ('https://glance.example.com/a b', 'white-space'),
    ('https://glance.example.com/a\r\nHost: evil', 'white-space'),
    ('https://glance.example.com/\x00', 'control'),
    ('https://glance.example.com/\t', 'white-space'),
    ('https://glance.example.com/?token=abc', 'query'),
    ('https://glance.example.com?x', 'query'),
    ('https://glance.example.com/#frag', 'fragment'),
    ('https://gl ance.example.com', 'white-space'),
    ('https://glance..example.com', 'host name'),
    ('https://-glance.example.com', 'host name'),
    ('https://glance.example.com/a,b', 'path'),
    ('https://glance.example.com/a%zz', 'percent'),
    ('https://999.1.1.1', 'IPv4'),
    ('https://1.2.3', 'IPv4'),
    ('https://[2001:db8::g]', 'IPv6'),
    ('https://[::1', 'unclosed'),
    ('https://[::1]x', 'after the IPv6'),
    ('https://2001:db8::1', 'port'),
    ('https://[::1%zz]', 'zone ID'),
    ('https://[fe80::1%eth0]:9292/v2', 'zone ID'),
    ('https://[fe80::1%25eth0]', 'zone ID'),
    ('https://gl\u00e4nce.example.com', 'non-ASCII'),
    ('https://glance.example.com/' + 'p' * 1100, 'limit is 1024'),
]


@pytest.mark.parametrize('value', GOOD_URLS)
def test_url_accepted_unchanged(value):
    assert URL(value) == value


@pytest.mark.parametrize('value,why', BAD_URLS)
def test_url_refused_with_reason(value, why):
    with pytest.raises(ValueError) as err:
        URL(value)
    message = str(err.value)
    assert not message.startswith('[')  # the option is named by the caller
    assert why in message


@pytest.mark.parametrize('value', [
    'https://admin:hunter2@glance.example.com',
    'https://admin:hun/ter2@glance.example.com',
    'https://admin:hun?ter2@glance.example.com',
    'https://glance.example.com/v2?token=hunter2',
    'https://glance.example.com/v2#hunter2',
    'admin:hunter2@glance.example.com',
    'https://admin:hunter2@glance.example.com/\r\n',
    'https://glance.example.com:9292/v2 password=hunter2',
    'https://glance.example.com/hunter2\x00',
])
def test_url_error_never_shows_secret(value):
    with pytest.raises(ValueError) as err:
        URL(value)
    assert 'hunter2' not in str(err.value)


@pytest.mark.parametrize('make,other', [
    (lambda: types.BoundedInteger(0, 10), types.BoundedInteger(0, 11)),
    (lambda: types.BoundedFloat(0.0, 60.0), types.BoundedFloat(
        0.0, 60.0, min_exclusive=True)),
    (lambda: types.SafeString(8, pattern='[a-z]*'), types.SafeString(8)),
    (lambda: types.BoundedList(types.ImageEndpoint(), 3),
     types.BoundedList(types.ImageEndpoint(), 4)),
    (lambda: types.CipherString(2048), types.SafeString(2048)),
])
def test_types_are_equal_by_their_own_parameters(make, other):
    first, second = make(), make()
    assert first == second and not first != second
    assert first != other
    assert repr(first) == repr(second) != repr(other)
    assert repr(first).startswith(type(first).__name__ + '(')


def test_repr_names_the_bounds_and_nothing_else():
    assert repr(types.BoundedInteger(0, 10)) == (
        'BoundedInteger(min=0, max=10, allow_empty=False)')
    assert types.BoundedList(types.BoundedInteger(400, 599), 32).limits() == {
        'max_items': 32, 'item_min': 400, 'item_max': 599}


# -- property tests ---------------------------------------------------------

_label = st.from_regex(r'[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?', fullmatch=True)
_hostname = st.lists(_label, min_size=1, max_size=4).map('.'.join).filter(
    lambda h: not h.split('.')[-1].isdigit())
_ipv4 = st.ip_addresses(v=4).map(str)
_ipv6 = st.ip_addresses(v=6).map(lambda ip: '[%s]' % ip)
_host = st.one_of(_hostname, _ipv4, _ipv6)
_port = st.one_of(st.just(''), st.integers(1, 65535).map(lambda p: ':%d' % p))
_segment = st.from_regex(r"[A-Za-z0-9\-._~!$&'()*+;=:]{0,12}",
                         fullmatch=True)
_path = st.lists(_segment, max_size=4).map(
    lambda segs: ''.join('/' + s for s in segs))
_scheme = st.sampled_from(['http', 'https', 'HTTP', 'Https'])
_valid_url = st.builds(lambda s, h, p, path: '%s://%s%s%s' % (s, h, p, path),
                       _scheme, _host, _port, _path)


@settings(max_examples=300, deadline=None)
@given(_valid_url)
def test_generated_valid_urls_are_accepted(url):
    assert URL(url) == url


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_every_accepted_url_satisfies_every_rule(value):
    try:
        URL(value)
    except ValueError:
        return
    parts = urllib.parse.urlsplit(value)
    assert parts.scheme.lower() in ('http', 'https')
    assert parts.hostname
    assert parts.username is None and parts.password is None
    assert '@' not in value
    assert parts.query == '' and parts.fragment == ''
    assert '?' not in value and '#' not in value
    assert all(ch.isprintable() and not ch.isspace() for ch in value)
    assert len(value) <= types.MAX_URL_LENGTH
    if parts.port is not None:
        assert 1 <= parts.port <= 65535
    if value.split('://', 1)[1].startswith('['):
        ipaddress.IPv6Address(parts.hostname)
        assert '%' not in parts.hostname


@settings(max_examples=200, deadline=None)
@given(_scheme, st.ip_addresses(v=6).map(str),
       st.text(st.characters(codec='ascii'), min_size=0, max_size=12),
       _port, _path)
def test_no_ipv6_zone_id_is_accepted(scheme, ip, zone, port, path):
    # Python's ipaddress accepts "fe80::1%zone"; a URL host never has one.
    with pytest.raises(ValueError):
        URL('%s://[%s%%%s]%s%s' % (scheme, ip, zone, port, path))


_secret = st.from_regex(r'S3CR[A-Z0-9]{6,20}', fullmatch=True)
_junk = st.text(alphabet=st.characters(codec='utf-8'), max_size=20)


@settings(max_examples=400, deadline=None)
@given(_scheme, _secret, _junk, _host, _junk)
def test_no_error_message_contains_user_info(scheme, secret, user, host,
                                             tail):
    value = '%s://%s:%s@%s%s' % (scheme, user, secret, host, tail)
    with pytest.raises(ValueError) as err:
        URL(value)
    assert secret not in str(err.value)
    assert 'user-info' in str(err.value)


@settings(max_examples=300, deadline=None)
@given(_valid_url, _secret, st.sampled_from(['?t=', '#', '?a=1&t=']))
def test_no_error_message_contains_query_or_fragment(url, secret, sep):
    with pytest.raises(ValueError) as err:
        URL(url + sep + secret)
    assert secret not in str(err.value)


# -- numbers ----------------------------------------------------------------

RETRIES = types.BoundedInteger(0, 10)
TIMEOUT = types.BoundedFloat(0.0, 3600.0, min_exclusive=True, allow_empty=True)
DELAY = types.BoundedFloat(0.0, 60.0)


@pytest.mark.parametrize('raw,expected', [
    ('0', 0), ('10', 10), (' 3 ', 3), ('+2', 2), (7, 7)])
def test_integer_accepted(raw, expected):
    assert RETRIES(raw) == expected


@pytest.mark.parametrize('make', [
    lambda **kw: types.BoundedInteger(0, 10, **kw),
    lambda **kw: types.BoundedFloat(0.0, 60.0, **kw)])
@pytest.mark.parametrize('raw', ['', '  '])
def test_empty_number_is_refused_unless_allowed(make, raw):
    # oslo.config reads "num_retries =" as None: no number at all, and
    # retries silently became 0 (or a TypeError) downstream.
    with pytest.raises(ValueError) as err:
        make()(raw)
    assert types.EMPTY_REFUSED in str(err.value)
    assert make(allow_empty=True)(raw) is None


@pytest.mark.parametrize('raw,why', [
    ('-1', 'from 0 to 10'), ('11', 'from 0 to 10'), ('1e3', 'not an integer'),
    ('3.0', 'not an integer'), ('abc', 'not an integer'),
    ('9' * 5000, 'not an integer'), (True, 'boolean'), (99, 'from 0 to 10'),
    ('\u0663', 'not an integer'), ('\uff13', 'not an integer')])
def test_integer_refused(raw, why):
    with pytest.raises(ValueError) as err:
        RETRIES(raw)
    assert not str(err.value).startswith('[')
    assert why in str(err.value)


@pytest.mark.parametrize('raw,expected', [
    ('0.001', 0.001), ('3600', 3600.0), ('30', 30.0), (1, 1.0), ('', None)])
def test_timeout_accepted(raw, expected):
    assert TIMEOUT(raw) == expected


@pytest.mark.parametrize('raw', [
    '0', '0.0', '-1', '3600.5', 'nan', 'NaN', 'inf', '-inf', 'infinity',
    '1e999', float('nan'), math.inf, 'x', '1' * 40,
    # Arabic-Indic and full-width digits, and digit separators: Python's
    # float() reads them all.
    '\u0661\u0662', '\uff13\uff10', '3\u0660', '1_000', '\u0663.5'])
def test_timeout_refused(raw):
    with pytest.raises(ValueError) as err:
        TIMEOUT(raw)
    assert not str(err.value).startswith('[')


_non_ascii_digit = st.characters(categories=['Nd']).filter(
    lambda ch: not ch.isascii())


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r'[0-9]{0,3}(\.[0-9]{0,3})?', fullmatch=True),
       _non_ascii_digit, st.integers(0, 4))
def test_no_non_ascii_digit_is_read_as_a_number(text, digit, pos):
    value = text[:pos] + digit + text[pos:]
    for number in (TIMEOUT, DELAY, RETRIES):
        with pytest.raises(ValueError):
            number(value)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=20))
def test_every_accepted_float_text_is_plain_ascii(value):
    try:
        result = TIMEOUT(value)
    except ValueError:
        return
    assert result is None or value.strip().isascii()


def test_delay_allows_zero_but_not_more_than_sixty():
    assert DELAY('0') == 0.0
    assert DELAY('60') == 60.0
    with pytest.raises(ValueError):
        DELAY('60.01')


# -- strings and lists ------------------------------------------------------

CEPH = types.SafeString(128, pattern=r'[A-Za-z0-9._-]*', rule='ceph')
PATH = types.SafeString(4096, allow_space=True)


@pytest.mark.parametrize('value', ['', 'nova', 'client.nova', 'a_b-c.1'])
def test_ceph_name_accepted(value):
    assert CEPH(value) == value


@pytest.mark.parametrize('value', ['no va', 'nova;rm', 'n\nova', 'x' * 129,
                                   'nova/..', 'n\u00f6va'])
def test_ceph_name_refused(value):
    with pytest.raises(ValueError) as err:
        CEPH(value)
    assert not str(err.value).startswith('[')


def test_path_allows_spaces_but_no_control_characters():
    assert PATH('/etc/ssl/my ca.pem') == '/etc/ssl/my ca.pem'
    for bad in ('/etc/ca\n.pem', '/etc/ca\x00.pem', '/etc/\tca', 'x' * 4097):
        with pytest.raises(ValueError):
            PATH(bad)


@given(st.text(max_size=40), st.booleans())
def test_a_string_is_refused_exactly_for_a_control_or_space(text, spaces):
    """Whatever the path through the check (a quick one for printable
    text), a value is refused if and only if it holds a control
    character, or white space where spaces are not allowed; the first
    such character is named."""
    kind = types.SafeString(1000, allow_space=spaces)
    bad = [(i, ch) for i, ch in enumerate(text)
           if not ch.isprintable() or (ch.isspace() and not spaces)]
    if not bad:
        assert kind(text) == text
        return
    with pytest.raises(ValueError) as err:
        kind(text)
    assert 'U+%04X at position %d' % (ord(bad[0][1]), bad[0][0]) in \
        str(err.value)


def test_choices_refused_value_is_named():
    tls = types.SafeString(3, choices=(None, '1.2', '1.3'))
    assert tls('1.3') == '1.3'
    with pytest.raises(ValueError, match="'1.1' is not one of"):
        tls('1.1')


def test_bounded_list_returns_fresh_mutable_list():
    servers = types.BoundedList(URL, 3)
    value = servers('https://a, https://b,')
    assert value == ['https://a', 'https://b']
    assert isinstance(value, list)
    value.reverse()
    assert servers(['https://a']) == ['https://a']
    assert servers('') == []


def test_bounded_list_caps_count_before_parsing_items():
    servers = types.BoundedList(URL, 3)
    with pytest.raises(ValueError, match='4 entries given; the limit is 3'):
        servers('x,x,x,x')
    with pytest.raises(ValueError, match='too long'):
        servers('x' * (4 * (types.MAX_URL_LENGTH + 1)))


def test_bounded_list_item_error_hides_secret():
    servers = types.BoundedList(URL, 3)
    with pytest.raises(ValueError) as err:
        servers('https://ok.example.com,https://u:hunter2@bad.example.com')
    assert 'hunter2' not in str(err.value)
    assert 'user-info' in str(err.value)


def test_ignored_reads_none():
    assert types.ignored('2.1') is None
    assert types.ignored(None) is None


def test_boolean_error_hides_value():
    flag = types.SafeBoolean()
    assert flag('true') is True and flag('0') is False and flag(True) is True
    with pytest.raises(ValueError) as err:
        flag('https://u:hunter2@x')
    assert not str(err.value).startswith('[')
    assert 'hunter2' not in str(err.value)


def test_list_refuses_an_empty_entry():
    # "429,,503" once read as [429, None, 503].
    codes = types.BoundedList(types.BoundedInteger(400, 599), 5)
    with pytest.raises(ValueError, match='entry 2 is empty'):
        codes('429,,503')
    assert codes('429, 503,') == [429, 503]


# -- paths and cipher strings -------------------------------------------------

from glance_conf import definitions  # noqa: E402

FILE = definitions.get('cafile').type


@pytest.mark.parametrize('value', ['ca.pem', './ca.pem', '../etc/ca.pem',
                                   '~/ca.pem', 'etc/ssl/ca.pem', ' /ca.pem'])
def test_relative_path_is_refused(value):
    with pytest.raises(ValueError) as err:
        FILE(value)
    assert 'absolute path' in str(err.value)


@pytest.mark.parametrize('value', ['', '/etc/ssl/ca.pem', '/my ca.pem'])
def test_absolute_or_empty_path_is_accepted(value):
    assert FILE(value) == value


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_every_accepted_path_is_absolute_or_empty(value):
    try:
        FILE(value)
    except ValueError:
        return
    assert value == '' or value.startswith('/')


CIPHERS = types.CipherString(2048)


@pytest.mark.parametrize('value', ['', 'HIGH', 'ECDHE+AESGCM',
                                   'ECDHE-RSA-AES128-GCM-SHA256:!aNULL'])
def test_cipher_string_accepted(value):
    assert CIPHERS(value) == value


@pytest.mark.parametrize('value', ['FOO', 'high', 'S3CRETpw7xyz', '!ALL',
                                   'HIGH:@seclevel=0'])
def test_cipher_string_openssl_cannot_use_is_refused(value):
    # It used to pass validate() and fail in load_session with a raw
    # ssl.SSLError.
    with pytest.raises(ValueError) as err:
        CIPHERS(value)
    message = str(err.value)
    # Unknown words are refused first; a string of known words that
    # selects nothing ('!ALL') by OpenSSL itself.
    assert message in (types.CIPHER_WORD_REFUSED, types.CIPHERS_REFUSED)
    assert (message == types.CIPHERS_REFUSED) is (value == '!ALL')
    assert value not in message


# -- what an error may quote ------------------------------------------------

#: The password of the security review, pasted into the wrong option.
CANARY = 'S3CRETpw7xyz'


def _closed_types():
    """Every listed option whose values cannot be free text."""
    from glance_conf import glance
    found = {}
    for opt in glance.listed_opts():
        item = getattr(opt.type, 'item_type', opt.type)
        if isinstance(item, (types.BoundedInteger, types.BoundedFloat,
                             types.SafeBoolean)) or getattr(
                                 item, 'choices', None):
            found[opt.dest] = opt.type
    return found


CLOSED = _closed_types()


def test_closed_types_cover_numbers_booleans_and_choices():
    assert {'num_retries', 'rbd_connect_timeout', 'timeout', 'insecure',
            'verify_glance_signatures', 'tls_min_version',
            'valid_interfaces', 'retriable_status_codes',
            'connect_retry_delay'} <= set(CLOSED)


@pytest.mark.parametrize('dest', sorted(CLOSED))
@pytest.mark.parametrize('secret', [CANARY, 'hunter2', 'abc', 'Tr0ub4dor',
                                    'pass.word', 'x-1', 'yesplease'])
def test_a_secret_in_a_closed_option_is_never_quoted(dest, secret):
    with pytest.raises(ValueError) as err:
        CLOSED[dest](secret)
    assert secret not in str(err.value)


@pytest.mark.parametrize('dest,typo', [
    ('num_retries', '3.0'), ('num_retries', '-1'), ('timeout', '1.2.3'),
    ('insecure', 'ture'), ('insecure', 'flase'), ('insecure', 'Yse'),
    ('insecure', '2'), ('insecure', 'offf'), ('tls_min_version', '1.1'),
    ('tls_min_version', '13'), ('valid_interfaces', 'publik')])
def test_a_plain_typo_is_still_quoted(dest, typo):
    with pytest.raises(ValueError) as err:
        CLOSED[dest](typo)
    assert repr(typo) in str(err.value)


#: A quoted value at the start of an error body (a Python repr).
_QUOTED_RE = re.compile(r"'(?:[^'\\]|\\.)*'" + '|' + r'"(?:[^"\\]|\\.)*"')
_numberish = st.from_regex(r'[0-9.+-]{1,12}', fullmatch=True)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(sorted(CLOSED)),
       st.one_of(st.text(max_size=30), _secret, _numberish,
                 st.lists(st.sampled_from(['publik', 'ture', '1.1', 'x']),
                          min_size=1, max_size=3).map(', '.join)))
def test_a_closed_option_quotes_only_numbers_and_typos(dest, value):
    """Whatever is refused, only a number-like text or a typo is quoted."""
    try:
        CLOSED[dest](value)
    except ValueError as err:
        body = str(err)
    else:
        return
    quoted = _QUOTED_RE.match(body)
    if quoted is None:
        return  # nothing quoted
    text = ast.literal_eval(quoted.group())
    assert text in value
    accepted = (types.BOOLEAN_WORDS + definitions.VALID_INTERFACES
                + definitions.TLS_VERSIONS)
    assert re.fullmatch(r'[0-9.+-]{1,12}', text) or any(
        types._one_edit(text.lower(), word.lower()) for word in accepted)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(CLOSED)), _secret)
def test_no_generated_secret_is_quoted_by_a_closed_option(dest, secret):
    with pytest.raises(ValueError) as err:
        CLOSED[dest](secret)
    assert secret not in str(err.value)


@pytest.mark.parametrize('a,b,expected', [
    ('ture', 'true', True), ('flase', 'false', True), ('tru', 'true', True),
    ('truee', 'true', True), ('trze', 'true', True), ('true', 'true', True),
    ('ab', 'on', False), ('tuer', 'true', False), ('S3CRETpw7xyz', 'true',
                                                   False)])
def test_one_edit(a, b, expected):
    assert types._one_edit(a, b) is expected
    assert types._one_edit(b, a) is expected


def _canary_conf(write_conf):
    """A nova.conf with the canary pasted into every closed option."""
    lines = ['%s = %s' % (dest, CANARY) for dest in sorted(CLOSED)]
    path = write_conf('[glance]\n%s\n' % '\n'.join(lines))
    path.chmod(0o600)
    return path


def test_canary_never_reaches_the_audit_or_its_logs(write_conf, caplog):
    """The review's case: audit.run and audit.enforce, findings and logs."""
    from oslo_config import cfg

    import glance_conf
    from glance_conf import audit
    from tests.conftest import parse
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    parse(conf, _canary_conf(write_conf))
    findings = audit.run(conf)
    refused = {f.option for f in findings if f.check_id == 'GC302'}
    assert refused == {'glance.%s' % dest for dest in CLOSED}
    with pytest.raises(audit.AuditFailure) as err:
        audit.enforce(conf)
    text = ' '.join(repr(f) for f in findings) + str(err.value) + \
        caplog.text
    assert CANARY not in text


@pytest.mark.parametrize('fmt', ['text', 'json', 'sarif'])
def test_canary_never_reaches_the_cli_report(write_conf, fmt):
    """glance-conf-audit in every format, service mode and fleet mode."""
    import io

    from glance_conf.cmd import audit as cli
    path = str(_canary_conf(write_conf))
    other = write_conf('[glance]\n')
    other.chmod(0o600)
    for argv in (['--config-file', path], [path, str(other)]):
        out, err = io.StringIO(), io.StringIO()
        code = cli.run(argv + ['--format', fmt, '--no-progress'], out, err)
        assert code == 1
        assert 'GC302' in out.getvalue()
        assert CANARY not in out.getvalue() + err.getvalue()


@pytest.mark.parametrize('ciphers,refused', [
    ('ECDHE+AESGCM:ECDHE+CHACHA20', False),
    ('HIGH:!aNULL:!eNULL:!MD5:@STRENGTH', False),
    ('ECDHE-RSA-AES128-GCM-SHA256:DEFAULT:@SECLEVEL=2', False),
    ('HIGH:!EXPORT:!RC4', False),
    # OpenSSL ignores a word it does not know; so could a reviewer. The
    # review's case: a password pasted after a valid list.
    ('ECDHE+AESGCM:MyDbPassw0rd-Sup3rSecret', True),
    ('HIGH:@NOSUCH', True),
    ('HIGH:highh', True),
])
def test_cipher_string_refuses_words_openssl_would_ignore(ciphers, refused):
    cipher_type = types.CipherString(2048)
    if not refused:
        assert cipher_type(ciphers) == ciphers
        return
    with pytest.raises(ValueError) as err:
        cipher_type(ciphers)
    assert str(err.value) == types.CIPHER_WORD_REFUSED
    assert 'Sup3r' not in str(err.value)
