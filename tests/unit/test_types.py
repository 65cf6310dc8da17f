"""Refused and accepted values for every strict type."""

from __future__ import annotations

import ipaddress
import math
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from glance_conf import types

URL = types.ImageEndpoint(option='endpoint_override')

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
    assert message.startswith('[glance] endpoint_override: ')
    assert why in message


@pytest.mark.parametrize('value', [
    'https://admin:hunter2@glance.example.com',
    'https://admin:hun/ter2@glance.example.com',
    'https://admin:hun?ter2@glance.example.com',
    'https://glance.example.com/v2?token=hunter2',
    'https://glance.example.com/v2#hunter2',
    'admin:hunter2@glance.example.com',
    'https://admin:hunter2@glance.example.com/\r\n',
])
def test_url_error_never_shows_secret(value):
    with pytest.raises(ValueError) as err:
        URL(value)
    assert 'hunter2' not in str(err.value)


def test_url_equality_covers_label():
    assert types.ImageEndpoint(option='a') == types.ImageEndpoint(option='a')
    assert types.ImageEndpoint(option='a') != types.ImageEndpoint(option='b')


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

RETRIES = types.BoundedInteger(0, 10, option='num_retries')
TIMEOUT = types.BoundedFloat(0.0, 3600.0, min_exclusive=True,
                             option='timeout')
DELAY = types.BoundedFloat(0.0, 60.0, option='connect_retry_delay')


@pytest.mark.parametrize('raw,expected', [
    ('0', 0), ('10', 10), (' 3 ', 3), ('+2', 2), (7, 7), ('', None)])
def test_integer_accepted(raw, expected):
    assert RETRIES(raw) == expected


@pytest.mark.parametrize('raw,why', [
    ('-1', 'from 0 to 10'), ('11', 'from 0 to 10'), ('1e3', 'not an integer'),
    ('3.0', 'not an integer'), ('abc', 'not an integer'),
    ('9' * 5000, 'not an integer'), (True, 'boolean'), (99, 'from 0 to 10')])
def test_integer_refused(raw, why):
    with pytest.raises(ValueError) as err:
        RETRIES(raw)
    assert str(err.value).startswith('[glance] num_retries: ')
    assert why in str(err.value)


@pytest.mark.parametrize('raw,expected', [
    ('0.001', 0.001), ('3600', 3600.0), ('30', 30.0), (1, 1.0), ('', None)])
def test_timeout_accepted(raw, expected):
    assert TIMEOUT(raw) == expected


@pytest.mark.parametrize('raw', [
    '0', '0.0', '-1', '3600.5', 'nan', 'NaN', 'inf', '-inf', 'infinity',
    '1e999', float('nan'), math.inf, 'x', '1' * 40])
def test_timeout_refused(raw):
    with pytest.raises(ValueError) as err:
        TIMEOUT(raw)
    assert str(err.value).startswith('[glance] timeout: ')


def test_delay_allows_zero_but_not_more_than_sixty():
    assert DELAY('0') == 0.0
    assert DELAY('60') == 60.0
    with pytest.raises(ValueError):
        DELAY('60.01')


# -- strings and lists ------------------------------------------------------

CEPH = types.SafeString(128, pattern=r'[A-Za-z0-9._-]*', rule='ceph',
                        option='rbd_user')
PATH = types.SafeString(4096, allow_space=True, option='cafile')


@pytest.mark.parametrize('value', ['', 'nova', 'client.nova', 'a_b-c.1'])
def test_ceph_name_accepted(value):
    assert CEPH(value) == value


@pytest.mark.parametrize('value', ['no va', 'nova;rm', 'n\nova', 'x' * 129,
                                   'nova/..', 'n\u00f6va'])
def test_ceph_name_refused(value):
    with pytest.raises(ValueError) as err:
        CEPH(value)
    assert str(err.value).startswith('[glance] rbd_user: ')


def test_path_allows_spaces_but_no_control_characters():
    assert PATH('/etc/ssl/my ca.pem') == '/etc/ssl/my ca.pem'
    for bad in ('/etc/ca\n.pem', '/etc/ca\x00.pem', '/etc/\tca', 'x' * 4097):
        with pytest.raises(ValueError):
            PATH(bad)


def test_choices_refused_value_is_named():
    tls = types.SafeString(3, choices=(None, '1.2', '1.3'),
                           option='tls_min_version')
    assert tls('1.3') == '1.3'
    with pytest.raises(ValueError, match="'1.1' is not one of"):
        tls('1.1')


def test_bounded_list_returns_fresh_mutable_list():
    servers = types.BoundedList(URL, 3, option='api_servers')
    value = servers('https://a, https://b,')
    assert value == ['https://a', 'https://b']
    assert isinstance(value, list)
    value.reverse()
    assert servers(['https://a']) == ['https://a']
    assert servers('') == []


def test_bounded_list_caps_count_before_parsing_items():
    servers = types.BoundedList(URL, 3, option='api_servers')
    with pytest.raises(ValueError, match='4 entries given; the limit is 3'):
        servers('x,x,x,x')
    with pytest.raises(ValueError, match='too long'):
        servers('x' * (4 * (types.MAX_URL_LENGTH + 1)))


def test_bounded_list_item_error_hides_secret():
    servers = types.BoundedList(URL, 3, option='api_servers')
    with pytest.raises(ValueError) as err:
        servers('https://ok.example.com,https://u:hunter2@bad.example.com')
    assert 'hunter2' not in str(err.value)
    assert 'user-info' in str(err.value)


def test_ignored_reads_none():
    assert types.ignored('2.1') is None
    assert types.ignored(None) is None


def test_boolean_error_hides_value():
    flag = types.SafeBoolean(option='insecure')
    assert flag('true') is True and flag('0') is False and flag(True) is True
    with pytest.raises(ValueError) as err:
        flag('https://u:hunter2@x')
    assert str(err.value).startswith('[glance] insecure: ')
    assert 'hunter2' not in str(err.value)
