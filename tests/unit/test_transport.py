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

"""The session and adapter loaders against real loopback TLS servers.

Every server binds 127.0.0.1 and stops by itself; every request loop is
bounded by the retry settings under test and by pytest-timeout.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import random
import ssl
import traceback

import pytest
import trustme
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import plugin
from oslo_config import cfg

import glance_conf
from glance_conf import limits
from glance_conf import loading
from glance_conf import redact
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
    return loading.load_adapter(conf)


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


# -- retries ------------------------------------------------------------------

@pytest.mark.parametrize('code,retry_after', [
    (503, None), (503, '86400'), (503, '-5'), (503, 'soon'),
    (429, None), (429, '86400'), (429, 'Wed, 21 Oct 2015 07:28:00 GMT'),
])
def test_status_retries_are_bounded(make_server, code, retry_after):
    server = make_server(fault=servers.status(code, retry_after))
    conf = make_conf(endpoint_override=server.url,
                     retriable_status_codes=[429, 503])
    adapter = loading.load_adapter(
        conf, session=loading.load_session(conf, max_retry_after=0.2))
    with servers.Clock() as clock:
        resp = adapter.get('/v2/images', raise_exc=False)
    assert resp.status_code == code
    assert server.hits == 1 + RETRIES
    # At most the capped Retry-After (0.2 s) per wait, plus request time.
    assert clock.elapsed < RETRIES * 0.2 + 2.0


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


class RenewableToken(plugin.BaseAuthPlugin):
    """A token that can always be renewed, counting renewals."""

    def __init__(self):
        super().__init__()
        self.renewed = 0

    def get_headers(self, session, **kwargs):
        return {'X-Auth-Token': 'token-%d' % self.renewed}

    def invalidate(self):
        self.renewed += 1
        return True


def test_a_401_is_sent_again_once_per_call(make_server):
    """Re-authentication adds one request per call, not one per hop."""
    server = make_server(fault=servers.status(401))
    auth = RenewableToken()
    conf = make_conf(endpoint_override=server.url)
    with pytest.raises(ks_exc.Unauthorized):
        loading.load_adapter(conf, auth=auth).get('/')
    assert server.hits == 1 + transport.MAX_REAUTH and auth.renewed == 1


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


def test_retries_are_one_budget_across_redirects(make_server, caplog):
    """Every hop of a redirect chain failing thrice must not get a fresh
    budget: 4 requests in all for num_retries = 3, redirects included."""
    server = make_server()
    hops = transport.MAX_REDIRECTS
    for i in range(hops):
        then = (servers.redirect('/hop%d' % (i + 1)) if i + 1 < hops
                else servers.ok())
        server.routes['/hop%d' % i] = servers.flaky(3, then)
    conf = make_conf(endpoint_override=server.url, num_retries=3,
                     connect_retry_delay=0.01, status_code_retry_delay=0.01)
    with caplog.at_level(logging.WARNING), servers.Clock() as clock, \
            pytest.raises(transport.RedirectRefused, match='4 attempts'):
        loading.load_adapter(conf).get('/hop0')
    waits = [r for r in caplog.records if 'Retrying' in r.getMessage()]
    # Three status retries went to /hop0; the redirect it then answered
    # would have been a fifth request.
    assert [p for _, p in server.requests] == ['/hop0'] * 4
    assert len(waits) == 3
    assert clock.elapsed < loading.total_time_bound(conf)


def test_endless_interim_responses_are_bounded(make_server):
    """A stream of ``100 Continue`` must not outlive the timeout: the
    header read is bounded in total, not per read."""
    server = make_server(fault=servers.interim_flood(8))
    conf = make_conf(endpoint_override=server.url)
    with servers.Clock() as clock, pytest.raises(ks_exc.ConnectTimeout):
        loading.load_adapter(conf).get('/')
    attempts = 1 + RETRIES
    assert server.hits == attempts
    assert clock.elapsed < attempts * (TIMEOUT + 0.5)
    assert clock.elapsed < loading.total_time_bound(conf)


def test_retry_after_cap_never_exceeds_sixty_seconds():
    session = loading.load_session(make_conf(), max_retry_after=1e9)
    adapter = session.session.get_adapter('https://x')
    assert adapter.max_retry_after == limits.MAX_RETRY_AFTER == 60.0


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


@pytest.mark.parametrize('tls', [False, True])
def test_backslash_redirect_never_reaches_another_server(ca, pem, make_server,
                                                          tls):
    """urllib.parse reads ``http://B\\@A/`` as host A, requests connects
    to B: such a Location is refused and B sees nothing, token or not."""
    ctx = server_ctx(ca) if tls else None
    other = make_server(ctx)
    origin = make_server(ctx)
    origin.fault = servers.redirect('%s://127.0.0.1:%d\\@127.0.0.1:%d/' % (
        origin.scheme, other.port, origin.port))
    adapter = adapter_for(origin, pem('ca.pem', ca.cert_pem) if tls else None)
    with pytest.raises(transport.RedirectRefused):
        adapter.get('/', headers={'X-Auth-Token': CANARY})
    assert other.hits == 0 and origin.hits == 1


@pytest.mark.parametrize('location', [
    'http://127.0.0.1:99999/', 'http://[::1/', 'http://127.0.0.1:80\tx/',
    '//127.0.0.1:{port}\\@evil/', 'http://nova:{canary}@127.0.0.1:{port}/',
    'http://{canary}@127.0.0.1:{port}/', 'http://:@127.0.0.1:{port}/',
])
def test_hostile_location_is_refused_cleanly(make_server, location):
    """Malformed targets raise RedirectRefused, not ValueError; user-info
    is refused even on the same origin (it would show in response.url)."""
    server = make_server()
    server.fault = servers.redirect(
        location.format(port=server.port, canary=CANARY))
    server.routes['/'] = server.fault
    with pytest.raises(transport.RedirectRefused) as err:
        adapter_for(server).get('/')
    assert server.hits == 1
    assert CANARY not in str(err.value)


def test_303_is_followed_with_a_get_without_body(make_server):
    """RFC 9110: the answer to a POST is fetched with a GET."""
    server = make_server(fault=servers.redirect('/result', 303))
    server.routes['/result'] = servers.echo()
    resp = adapter_for(server).post('/submit', json={'name': 'x'})
    assert resp.json() == {'method': 'GET', 'length': None}
    assert server.requests == [('POST', '/submit'), ('GET', '/result')]


def test_307_keeps_the_method_and_body(make_server):
    server = make_server(fault=servers.redirect('/result', 307))
    server.routes['/result'] = servers.echo()
    resp = adapter_for(server).post('/submit', json={'name': 'x'})
    assert resp.json()['method'] == 'POST' and resp.json()['length']


@pytest.mark.parametrize('num_retries,sent,match', [
    (10, transport.MAX_REDIRECTS + 1, 'more than'),
    (RETRIES, 1 + RETRIES, 'attempts of this call are spent'),
])
def test_redirect_loop_is_bounded(make_server, num_retries, sent, match):
    """By MAX_REDIRECTS, or sooner by the call's attempt budget."""
    server = make_server(fault=servers.redirect('/again'))
    with pytest.raises(transport.RedirectRefused, match=match):
        adapter_for(server, num_retries=num_retries).get('/')
    assert server.hits == sent


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
    session = loading.load_session(make_conf())
    url = 'http://nova:%s@127.0.0.1:%d/' % (CANARY, server.port)
    with caplog.at_level(logging.DEBUG), \
            pytest.raises(ks_exc.ConnectFailure) as err:
        session.get(url, connect_retries=1, connect_retry_delay=DELAY)
    assert CANARY not in caplog.text + str(err.value)
    assert server.hits == 2




SECRET = "p'<" + CANARY


def _everything_shown(exc, log_text):
    """All the text a person could see: log lines, the formatted chain,
    and the URLs of every exception, request and response it carries."""
    shown = [log_text, repr(exc)]
    shown += traceback.format_exception(exc)
    stack, seen = [exc], set()
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        shown += [str(e), repr(e.args), str(getattr(e, 'url', ''))]
        for holder in (getattr(e, 'request', None),
                       getattr(e, 'response', None)):
            shown.append(str(getattr(holder, 'url', '')))
            request = getattr(holder, 'request', None)
            shown.append(str(getattr(request, 'url', '')))
        stack += [e.__cause__, e.__context__, getattr(e, 'reason', None)]
        stack += [a for a in e.args if isinstance(a, BaseException)]
    return '\n'.join(shown)


def test_secrets_with_quotes_never_shown_on_connection_refused(caplog):
    """A password and a query value holding ' and < are legal: no log line
    (keystoneauth, urllib3, requests), no chained exception shows them."""
    session = loading.load_session(make_conf())
    url = 'http://nova:%s@127.0.0.1:%d/v2/images?token=%s' % (
        SECRET, servers.closed_port(), SECRET)
    with caplog.at_level(logging.DEBUG), \
            pytest.raises(ks_exc.ConnectFailure) as err:
        session.get(url, connect_retries=1, connect_retry_delay=DELAY)
    assert 'REQ: curl' in caplog.text and 'Retrying' in caplog.text
    assert err.value.__context__ is not None  # the chain is there
    assert CANARY not in _everything_shown(err.value, caplog.text)


def test_secrets_never_in_http_error_attributes(make_server, caplog):
    """exc.url, exc.response.url and urllib3's DEBUG lines drop the query."""
    server = make_server(fault=servers.json_status(
        404, {'message': 'not found'}))
    adapter = adapter_for(server, split_loggers=True)
    with caplog.at_level(logging.DEBUG), \
            pytest.raises(ks_exc.NotFound) as err:
        adapter.get('/v2/images?token=' + SECRET,
                    headers={'X-Auth-Token': CANARY})
    assert server.requests[0][1].endswith(CANARY)  # it was really sent
    assert any(r.name == 'urllib3.connectionpool' for r in caplog.records)
    assert CANARY not in _everything_shown(err.value, caplog.text)


def test_huge_hostile_error_message_is_handled_quickly(make_server):
    """A 4xx JSON message of a megabyte of URL-ish text is scrubbed in
    bounded, linear time, and shown truncated."""
    # One long run of URL-ish characters: quadratic for the old patterns.
    server = make_server(fault=servers.json_status(
        400, {'message': 'a' * 2**20}))
    with servers.Clock() as clock, \
            pytest.raises(ks_exc.BadRequest) as err:
        adapter_for(server).get('/')
    assert clock.elapsed < 2.0
    assert len(str(err.value)) < 2 * redact.MAX_TEXT_SCANNED


def test_tls_floor_applies_through_a_proxy(ca, pem, make_server,
                                           monkeypatch):
    """With https_proxy set, the tunnelled connection keeps the floor."""
    server = make_server(server_ctx(ca, max_version=ssl.TLSVersion.TLSv1_2))
    proxy = servers.ConnectProxy().start()
    try:
        for name in ('https_proxy', 'HTTPS_PROXY'):
            monkeypatch.setenv(name, proxy.url)
        for name in ('no_proxy', 'NO_PROXY'):
            monkeypatch.delenv(name, raising=False)
        ca_path = pem('ca.pem', ca.cert_pem)
        with pytest.raises(ks_exc.SSLError):
            adapter_for(server, ca_path, tls_min_version='1.3').get('/')
        assert server.hits == 0
        target = '127.0.0.1:%d' % server.port
        assert proxy.connects == [target]  # the proxy was really used
        assert adapter_for(server, ca_path, tls_min_version='1.2').get(
            '/').status_code == 200
        assert proxy.connects == [target, target] and server.hits == 1
    finally:
        proxy.stop()


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


# -- api_servers: shuffled once per adapter, then cycled --------------------

class FixedShuffle(random.Random):
    """A ``random.Random`` whose shuffle puts the list in a given order."""

    def __init__(self, order):
        super().__init__(0)
        self.order = order

    def shuffle(self, x):
        x[:] = [x[i] for i in self.order]


@pytest.fixture
def refuser():
    server = servers.Refuser().start()
    yield server
    server.stop()


def predict(order, answers, calls):
    """Requests per server for ``calls`` calls, each moving on to the
    next server in ``order`` until one answers (nova's cycle)."""
    counts = [0] * len(order)
    position = 0
    for _ in range(calls):
        while True:
            server = order[position % len(order)]
            position += 1
            counts[server] += 1
            if answers[server]:
                break
    return counts


@pytest.mark.parametrize('order', list(itertools.permutations(range(3))))
def test_api_servers_rotate_as_in_nova(make_server, refuser, order):
    """A refusing server, a 503 and a good one: every call succeeds
    within its budget of 3, and each server sees what the cycle
    predicts."""
    busy = make_server(fault=servers.status(503))
    good = make_server()
    conf = make_conf(api_servers=[refuser.url, busy.url, good.url],
                     num_retries=2)
    adapter = loading.load_adapter(conf, rng=FixedShuffle(order))
    calls = 4
    for _ in range(calls):
        with servers.Clock() as clock:
            assert adapter.get('/v2/images').json() == {'images': []}
        assert clock.elapsed < loading.total_time_bound(conf)
    assert [refuser.hits, busy.hits, good.hits] == predict(
        order, [False, False, True], calls)
    assert adapter.get_endpoint() == good.url  # the server that answered


def test_a_closed_port_moves_the_call_on(make_server):
    good = make_server()
    closed = 'http://127.0.0.1:%d' % servers.closed_port()
    conf = make_conf(api_servers=[closed, good.url], num_retries=1)
    adapter = loading.load_adapter(conf, rng=FixedShuffle((0, 1)))
    for _ in range(3):
        assert adapter.get('/').status_code == 200
    assert good.hits == 3


def test_a_timeout_moves_the_call_on(make_server):
    slow = make_server(fault=servers.stall(3))
    good = make_server()
    conf = make_conf(api_servers=[slow.url, good.url], num_retries=1)
    adapter = loading.load_adapter(conf, rng=FixedShuffle((0, 1)))
    assert adapter.get('/').status_code == 200
    assert (slow.hits, good.hits) == (1, 1)


def test_a_redirect_stays_on_its_server_and_a_retry_moves_on(make_server):
    """Redirects are followed on the server that sent them; a retry is
    the call anew, from its first path, on the next server."""
    first = make_server(fault=servers.redirect('/moved'))
    first.routes['/moved'] = servers.status(503)
    second = make_server()
    conf = make_conf(api_servers=[first.url, second.url], num_retries=2)
    adapter = loading.load_adapter(conf, rng=FixedShuffle((0, 1)))
    assert adapter.get('/v2/images').status_code == 200
    assert first.requests == [('GET', '/v2/images'), ('GET', '/moved')]
    assert second.requests == [('GET', '/v2/images')]


def test_the_shuffle_is_once_per_adapter(make_server):
    """Two adapters may take different orders; one keeps its own."""
    a, b = make_server(), make_server()
    conf = make_conf(api_servers=[a.url, b.url])
    first = loading.load_adapter(conf, rng=FixedShuffle((1, 0)))
    second = loading.load_adapter(conf, rng=FixedShuffle((0, 1)))
    assert first.rotation.order == (b.url, a.url)
    assert second.rotation.order == (a.url, b.url)
    for _ in range(4):
        first.get('/')
    assert (a.hits, b.hits) == (2, 2)
    assert [p for _, p in a.requests] == ['/'] * 2


# -- one attempt budget per call, whatever the faults -----------------------

FAULT_TIMEOUT = 0.1
FAULT_WAIT = 0.05


def faults():
    return {
        'hang-up': servers.hang_up(),
        'reset': servers.reset(),
        '503': servers.status(503),
        '429-retry-after': servers.status(429, '30'),
        'stall': servers.stall(3),
        'redirect': servers.redirect('/next'),
        'trickle': servers.trickle(200, 0.05),
    }


MIXES = [(first, second, 2) for first in sorted(faults())
         for second in sorted(faults())]
MIXES += [(fault, fault, 0) for fault in sorted(faults())]


@pytest.mark.parametrize('first,second,num_retries', MIXES)
def test_no_mix_of_faults_exceeds_the_budget(make_server, first, second,
                                             num_retries):
    """Two faults in turn, then the second forever: a call sends at
    most 1 + num_retries requests and ends within total_time_bound."""
    kinds = faults()
    server = make_server(fault=servers.sequence(kinds[first], kinds[second]))
    conf = make_conf(endpoint_override=server.url, timeout=FAULT_TIMEOUT,
                     num_retries=num_retries,
                     connect_retry_delay=FAULT_WAIT,
                     status_code_retry_delay=FAULT_WAIT,
                     retriable_status_codes=[429, 503])
    session = loading.load_session(conf, max_retry_after=FAULT_WAIT)
    adapter = loading.load_adapter(conf, session=session)
    with servers.Clock() as clock:
        try:
            adapter.get('/v2/images', raise_exc=False)
        except (ks_exc.ConnectionError, transport.RedirectRefused):
            pass  # the budget ran out on a failure
    assert 1 <= server.hits <= 1 + num_retries
    assert clock.elapsed < loading.total_time_bound(
        conf, max_retry_after=FAULT_WAIT)


def test_retriable_faults_use_the_whole_budget(make_server):
    """The budget is also reached, not only respected: every retriable
    fault in turn, then success, with just enough retries."""
    kinds = faults()
    chain = [kinds[k] for k in ('hang-up', 'reset', '503',
                                '429-retry-after', 'stall', 'redirect',
                                'trickle')] + [servers.ok()]
    server = make_server(fault=servers.sequence(*chain))
    conf = make_conf(endpoint_override=server.url, timeout=FAULT_TIMEOUT,
                     num_retries=7, connect_retries=7,
                     status_code_retries=2, connect_retry_delay=FAULT_WAIT,
                     status_code_retry_delay=FAULT_WAIT,
                     retriable_status_codes=[429, 503])
    adapter = loading.load_adapter(
        conf, session=loading.load_session(conf, max_retry_after=FAULT_WAIT))
    with servers.Clock() as clock:
        assert adapter.get('/v2/images').status_code == 200
    assert server.hits == 8
    assert clock.elapsed < loading.total_time_bound(
        conf, max_retry_after=FAULT_WAIT)
