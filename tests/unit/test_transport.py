"""The session and adapter loaders against real loopback TLS servers.

Every server binds 127.0.0.1 and stops by itself; every request loop is
bounded by the retry settings under test and by pytest-timeout.
"""

from __future__ import annotations

import datetime
import logging
import ssl

import pytest
import trustme
from keystoneauth1 import exceptions as ks_exc
from oslo_config import cfg

import glance_conf
from glance_conf import exception
from glance_conf import transport
from tests import servers

pytestmark = pytest.mark.timeout(30)

TIMEOUT = 0.5
DELAY = 0.05
RETRIES = 2


@pytest.fixture(scope='module')
def ca():
    return trustme.CA()


@pytest.fixture
def pem(tmp_path):
    """Write PEM blobs to files and return their paths."""
    def write(name, blob):
        path = tmp_path / name
        blob.write_to_path(str(path))
        path.chmod(0o600)
        return str(path)
    return write


@pytest.fixture
def make_server():
    started = []

    def make(ctx=None, fault=None):
        server = servers.FaultServer(ctx).start()
        if fault is not None:
            server.fault = fault
        started.append(server)
        return server
    yield make
    for server in started:
        server.stop()


def server_ctx(ca, *names, not_after=None, max_version=None,
               client_ca=None, ciphers=None):
    cert = ca.issue_cert(*(names or ('127.0.0.1',)), not_after=not_after)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    if max_version:
        ctx.maximum_version = max_version
    if ciphers:
        ctx.set_ciphers(ciphers)
    if client_ca is not None:
        ctx.verify_mode = ssl.CERT_REQUIRED
        client_ca.configure_trust(ctx)
    return ctx


def make_conf(**glance):
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    conf([], default_config_files=[], default_config_dirs=[])
    defaults = {'timeout': TIMEOUT, 'num_retries': RETRIES,
                'connect_retry_delay': DELAY,
                'status_code_retry_delay': DELAY}
    defaults.update(glance)
    for name, value in defaults.items():
        conf.set_override(name, value, group='glance')
    return conf


def adapter_for(server, ca_path=None, **glance):
    conf = make_conf(endpoint_override=server.url, cafile=ca_path, **glance)
    return transport.load_adapter(conf)


# -- TLS ----------------------------------------------------------------------

def test_good_ca_succeeds(ca, pem, make_server):
    server = make_server(server_ctx(ca))
    resp = adapter_for(server, pem('ca.pem', ca.cert_pem)).get('/v2/images')
    assert resp.status_code == 200 and resp.json() == {'images': []}
    assert server.hits == 1


@pytest.mark.parametrize('floor', [None, '1.2'])
@pytest.mark.parametrize('case', ['wrong-ca', 'name-mismatch', 'expired'])
def test_bad_certificates_are_refused(ca, pem, make_server, case, floor):
    trusted = ca
    ctx = server_ctx(ca)
    if case == 'wrong-ca':
        trusted = trustme.CA()
    elif case == 'name-mismatch':
        ctx = server_ctx(ca, 'glance.other.example')
    else:
        past = datetime.datetime.now(datetime.timezone.utc) - \
            datetime.timedelta(days=1)
        ctx = server_ctx(ca, not_after=past)
    server = make_server(ctx)
    # With a TLS floor the session builds its own TLS context: it must
    # verify exactly as the default one does.
    adapter = adapter_for(server, pem('ca.pem', trusted.cert_pem),
                          tls_min_version=floor)
    with pytest.raises(ks_exc.SSLError):
        adapter.get('/v2/images')
    assert server.hits == 0


def test_insecure_skips_verification_and_warns(ca, make_server, caplog):
    server = make_server(server_ctx(trustme.CA()))
    with caplog.at_level(logging.WARNING, logger='glance_conf.transport'):
        adapter = adapter_for(server, insecure=True)
    assert 'insecure is True' in caplog.text
    assert adapter.get('/').status_code == 200


def test_tls_below_minimum_is_refused(ca, pem, make_server):
    server = make_server(server_ctx(ca, max_version=ssl.TLSVersion.TLSv1_2))
    ca_path = pem('ca.pem', ca.cert_pem)
    with pytest.raises(ks_exc.SSLError):
        adapter_for(server, ca_path, tls_min_version='1.3').get('/')
    assert server.hits == 0
    assert adapter_for(server, ca_path, tls_min_version='1.2').get(
        '/').status_code == 200


def test_tls_ciphers_take_effect(ca, pem, make_server):
    server = make_server(server_ctx(
        ca, max_version=ssl.TLSVersion.TLSv1_2,
        ciphers='ECDHE-ECDSA-AES128-GCM-SHA256'))
    ca_path = pem('ca.pem', ca.cert_pem)
    with pytest.raises(ks_exc.SSLError):
        adapter_for(server, ca_path,
                    tls_ciphers='ECDHE-ECDSA-AES256-GCM-SHA384').get('/')
    assert adapter_for(server, ca_path,
                       tls_ciphers='ECDHE-ECDSA-AES128-GCM-SHA256').get(
        '/').status_code == 200


def test_client_certificate_required(ca, pem, make_server):
    client_ca = trustme.CA()
    server = make_server(server_ctx(ca, client_ca=client_ca))
    ca_path = pem('ca.pem', ca.cert_pem)
    with pytest.raises(ks_exc.ConnectionError):
        adapter_for(server, ca_path, connect_retries=0).get('/')
    assert server.hits == 0
    client = client_ca.issue_cert('nova-compute@example')
    cert = pem('client.pem', client.cert_chain_pems[0])
    key = pem('client.key', client.private_key_pem)
    resp = adapter_for(server, ca_path, certfile=cert, keyfile=key).get('/')
    assert resp.status_code == 200 and server.hits == 1


@pytest.mark.parametrize('name', ['cafile', 'certfile', 'keyfile'])
def test_missing_tls_file_fails_at_load_naming_the_option(tmp_path, name):
    conf = make_conf(**{name: str(tmp_path / 'missing.pem')})
    with pytest.raises(exception.InvalidOptionError) as err:
        transport.load_session(conf)
    assert '[glance] %s' % name in str(err.value)
    assert 'does not exist' in str(err.value)


# -- retries ------------------------------------------------------------------

@pytest.mark.parametrize('code,retry_after', [
    (503, None), (503, '86400'), (503, '-5'), (503, 'soon'),
    (429, None), (429, '86400'), (429, 'Wed, 21 Oct 2015 07:28:00 GMT'),
])
def test_status_retries_are_bounded(make_server, code, retry_after):
    server = make_server(fault=servers.status(code, retry_after))
    conf = make_conf(endpoint_override=server.url,
                     retriable_status_codes=[429, 503])
    adapter = transport.load_adapter(
        conf, session=transport.load_session(conf, max_retry_after=0.2))
    with servers.Clock() as clock:
        resp = adapter.get('/v2/images', raise_exc=False)
    assert resp.status_code == code
    assert server.hits == 1 + RETRIES
    # At most the capped Retry-After (0.2 s) per wait, plus request time.
    assert clock.elapsed < RETRIES * 0.2 + 2.0


def test_retries_default_to_num_retries(make_server):
    server = make_server(fault=servers.status(503))
    conf = make_conf(endpoint_override=server.url, num_retries=4)
    adapter = transport.load_adapter(conf)
    assert adapter.connect_retries == 4 and adapter.status_code_retries == 4
    adapter.get('/', raise_exc=False)
    assert server.hits == 5
    server.hits = 0
    conf.set_override('status_code_retries', 1, group='glance')
    transport.load_adapter(conf).get('/', raise_exc=False)
    assert server.hits == 2


@pytest.mark.parametrize('method', ['post', 'patch'])
def test_non_idempotent_methods_are_not_retried(make_server, method):
    server = make_server(fault=servers.status(503))
    adapter = adapter_for(server)
    resp = getattr(adapter, method)('/v2/images', json={}, raise_exc=False)
    assert resp.status_code == 503 and server.hits == 1


def test_post_is_not_retried_after_a_timeout(make_server):
    server = make_server(fault=servers.stall(3))
    with pytest.raises(ks_exc.ConnectTimeout):
        adapter_for(server).post('/v2/images', json={})
    assert server.hits == 1


# -- broken connections and time ------------------------------------------

def test_dropped_mid_response(make_server):
    server = make_server(fault=servers.drop_mid_body())
    with servers.Clock() as clock, pytest.raises(ks_exc.ConnectionError):
        adapter_for(server).get('/')
    assert 1 <= server.hits <= 1 + RETRIES
    assert clock.elapsed < (1 + RETRIES) * TIMEOUT + RETRIES * DELAY + 1.0


def test_reset(make_server):
    server = make_server(fault=servers.reset())
    with servers.Clock() as clock, pytest.raises(ks_exc.ConnectFailure):
        adapter_for(server).get('/')
    assert server.hits == 1 + RETRIES
    assert clock.elapsed < 2.0


def test_stall_is_bounded_by_timeout(make_server):
    server = make_server(fault=servers.stall(5))
    with servers.Clock() as clock, pytest.raises(ks_exc.ConnectTimeout):
        adapter_for(server).get('/')
    attempts = 1 + RETRIES
    assert server.hits == attempts
    assert attempts * TIMEOUT <= clock.elapsed < attempts * (TIMEOUT + 0.5)


def test_trickle_is_bounded_by_timeout(make_server):
    # 200 bytes at one byte per 50 ms would take 10 s; every read is well
    # inside the timeout, so only the body deadline can stop it.
    server = make_server(fault=servers.trickle(200, 0.05))
    with servers.Clock() as clock, pytest.raises(ks_exc.ConnectTimeout):
        adapter_for(server).get('/')
    attempts = 1 + RETRIES
    assert server.hits == attempts
    assert clock.elapsed < attempts * (2 * TIMEOUT + 0.5)


def test_default_timeout_applies_when_unset():
    conf = make_conf(timeout=None)
    session = transport.load_session(conf)
    assert session.timeout == transport.DEFAULT_TIMEOUT
    bound = transport.total_time_bound(conf)
    assert bound == (1 + 2 * RETRIES) * 3 * transport.DEFAULT_TIMEOUT + \
        2 * RETRIES * transport.MAX_RETRY_AFTER


def test_retry_after_cap_never_exceeds_sixty_seconds():
    session = transport.load_session(make_conf(), max_retry_after=1e9)
    adapter = session.session.get_adapter('https://x')
    assert adapter.max_retry_after == transport.MAX_RETRY_AFTER == 60.0


# -- redirects ----------------------------------------------------------------

def test_same_origin_redirect_is_followed(make_server):
    server = make_server(fault=servers.redirect('/final'))
    server.routes['/final'] = servers.ok(b'{"ok": true}')
    resp = adapter_for(server).get('/start')
    assert resp.json() == {'ok': True}
    assert [p for _, p in server.requests] == ['/start', '/final']


def test_redirect_to_another_origin_is_refused(ca, pem, make_server):
    ctx = server_ctx(ca)
    target = make_server(ctx)
    origin = make_server(ctx, servers.redirect(target.url + '/steal'))
    with pytest.raises(transport.RedirectRefused, match='another origin'):
        adapter_for(origin, pem('ca.pem', ca.cert_pem)).get('/')
    assert target.hits == 0


def test_redirect_from_https_to_http_is_refused(ca, pem, make_server):
    plain = make_server()
    origin = make_server(server_ctx(ca),
                         servers.redirect('http://127.0.0.1:%d/' % plain.port))
    with pytest.raises(transport.RedirectRefused):
        adapter_for(origin, pem('ca.pem', ca.cert_pem)).get('/')
    assert plain.hits == 0


def test_redirect_loop_is_bounded(make_server):
    server = make_server(fault=servers.redirect('/again'))
    with pytest.raises(transport.RedirectRefused, match='more than'):
        adapter_for(server).get('/')
    assert server.hits == transport.MAX_REDIRECTS + 1


# -- secrets ------------------------------------------------------------------

CANARY = 'CANARY7f3a9c'


def test_query_secret_never_in_logs_or_errors(make_server, caplog):
    server = make_server(fault=servers.stall(5))
    with caplog.at_level(logging.DEBUG), \
            pytest.raises(ks_exc.ConnectTimeout) as err:
        adapter_for(server).get('/v2/images?token=' + CANARY)
    assert 'Retrying' in caplog.text  # the retry lines were written
    assert CANARY not in caplog.text
    assert CANARY not in str(err.value) and CANARY not in repr(err.value)


def test_url_password_never_in_logs_or_errors(make_server, caplog):
    server = make_server(fault=servers.reset())
    session = transport.load_session(make_conf())
    url = 'http://nova:%s@127.0.0.1:%d/' % (CANARY, server.port)
    with caplog.at_level(logging.DEBUG), \
            pytest.raises(ks_exc.ConnectFailure) as err:
        session.get(url, connect_retries=1, connect_retry_delay=DELAY)
    assert CANARY not in caplog.text + str(err.value)
    assert server.hits == 2




def test_insecure_with_a_tls_floor(make_server):
    server = make_server(server_ctx(trustme.CA()))
    adapter = adapter_for(server, insecure=True, tls_min_version='1.2',
                          tls_ciphers='ECDHE+AESGCM')
    assert adapter.get('/').status_code == 200


def test_cafile_is_the_only_trust_anchor_with_a_tls_floor(make_server, pem,
                                                          ca):
    # A custom TLS context must not add the system store to cafile.
    server = make_server(server_ctx(ca))
    other = pem('other.pem', trustme.CA().cert_pem)
    with pytest.raises(ks_exc.SSLError):
        adapter_for(server, other, tls_min_version='1.2').get('/')
    assert adapter_for(server, pem('ca.pem', ca.cert_pem),
                       tls_min_version='1.2').get('/').status_code == 200
