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

"""From ``[glance]`` options to the transport, against loopback servers.

The caller's arguments win over the config; an argument that weakens the
config is logged as the config would be; the endpoint is the one nova
would use, on every config of the deployment corpus.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import pathlib
import random
import subprocess
import sys

import pytest
import trustme
from keystoneauth1 import plugin
from oslo_config import cfg

import glance_conf
from glance_conf import definitions
from glance_conf import exception
from glance_conf import limits
from glance_conf import loading
from glance_conf import transport
from tests import servers
from tests.unit.test_transport import RETRIES
from tests.unit.test_transport import make_conf
from tests.unit.test_transport import server_ctx

pytestmark = pytest.mark.timeout(30)

CORPUS = pathlib.Path(__file__).parents[1] / 'functional' / 'deployments'


def warnings_of(caplog, text):
    return [r for r in caplog.records
            if r.levelno == logging.WARNING and text in r.getMessage()]


# -- the package ----------------------------------------------------------

def test_the_package_exports_the_loaders():
    assert glance_conf.load_session is loading.load_session
    assert glance_conf.load_adapter is loading.load_adapter
    assert not hasattr(transport, 'load_session')  # mechanism only


# -- the caller wins --------------------------------------------------------

def test_a_timeout_argument_wins_over_the_option():
    """``load_session(conf, timeout=5)`` used to raise TypeError."""
    session = loading.load_session(make_conf(timeout=30), timeout=5)
    assert session.timeout == 5
    assert session.session.get_adapter('http://x').body_timeout == 5


def test_any_keystoneauth_argument_is_accepted(make_server):
    server = make_server(fault=servers.echo())
    session = loading.load_session(
        make_conf(), user_agent='nova-test/1', split_loggers=True,
        additional_headers={'X-Extra': '1'})
    adapter = loading.load_adapter(
        make_conf(endpoint_override='http://127.0.0.1:1'), session=session,
        endpoint_override=server.url, global_request_id='req-' + 'a' * 36,
        raise_exc=False, status_code_retries=0)
    assert adapter.get('/v2/images').json()['method'] == 'GET'
    assert server.hits == 1
    assert session.user_agent.startswith('nova-test/1')


@pytest.mark.parametrize('argument,attribute', [
    ('connect_retries', 'connect_retries'),
    ('status_code_retries', 'status_code_retries'),
    ('interface', 'interface'), ('region_name', 'region_name'),
    ('service_type', 'service_type'),
])
def test_adapter_arguments_win_over_the_options(argument, attribute):
    conf = make_conf(num_retries=3, connect_retries=2,
                     status_code_retries=2, valid_interfaces=['internal'],
                     region_name='RegionOne')
    value = 1 if 'retries' in argument else 'caller-value'
    adapter = loading.load_adapter(conf, session=transport.HardenedSession(),
                                   **{argument: value})
    assert getattr(adapter, attribute) == value


def test_retries_default_to_num_retries_and_only_lower_it(make_server):
    server = make_server(fault=servers.status(503))
    conf = make_conf(endpoint_override=server.url, num_retries=4)
    adapter = loading.load_adapter(conf)
    assert adapter.connect_retries == 4 and adapter.status_code_retries == 4
    adapter.get('/', raise_exc=False)
    assert server.hits == 5
    server.hits = 0
    conf.set_override('status_code_retries', 1, group='glance')
    loading.load_adapter(conf).get('/', raise_exc=False)
    assert server.hits == 2
    # Above num_retries, a per-kind budget cannot raise the call's.
    server.hits = 0
    conf.set_override('num_retries', 1, group='glance')
    conf.set_override('status_code_retries', 5, group='glance')
    adapter = loading.load_adapter(conf)
    assert adapter.status_code_retries == 1
    adapter.get('/', raise_exc=False)
    assert server.hits == 2


def test_empty_num_retries_means_its_registered_default():
    """``num_retries =`` may read as None: the option's default applies."""
    conf = make_conf(num_retries=None)
    default = conf._groups['glance']._opts['num_retries']['opt'].default
    adapter = loading.load_adapter(conf, session=transport.HardenedSession())
    assert adapter.num_retries == default
    assert adapter.connect_retries == adapter.status_code_retries == default
    assert loading.total_time_bound(conf) == loading.total_time_bound(
        make_conf(num_retries=default))


# -- weakening arguments are logged as the options are ----------------------

@pytest.mark.parametrize('config,arguments', [
    ({'insecure': True}, {}),
    ({}, {'verify': False}),
    ({}, {'insecure': True}),
])
def test_tls_verification_off_is_one_warning_both_ways(make_server, caplog,
                                                       config, arguments):
    server = make_server(server_ctx(trustme.CA()))
    with caplog.at_level(logging.WARNING):
        session = loading.load_session(make_conf(**config), **arguments)
    assert [r.getMessage() for r in warnings_of(caplog, 'TLS')] == [
        definitions.TLS_UNVERIFIED.message]
    adapter = loading.load_adapter(make_conf(endpoint_override=server.url),
                                   session=session)
    assert adapter.get('/').status_code == 200


def test_an_explicit_verify_wins_over_insecure(caplog, make_server):
    server = make_server(server_ctx(trustme.CA()))
    with caplog.at_level(logging.WARNING):
        session = loading.load_session(make_conf(insecure=True), verify=True)
    assert not warnings_of(caplog, 'TLS')
    with pytest.raises(Exception, match='CERTIFICATE_VERIFY_FAILED'):
        session.get(server.url + '/', connect_retries=0)


@pytest.mark.parametrize('name,value', [
    ('timeout', 7200.0), ('num_retries', 50), ('connect_retry_delay', 600),
])
def test_an_argument_the_option_refuses_is_used_and_logged(caplog, name,
                                                           value):
    conf = make_conf()
    with pytest.raises(ValueError) as refused:
        conf._groups['glance']._opts[name]['opt'].type(value)
    with caplog.at_level(logging.WARNING):
        if name == 'timeout':
            used = loading.load_session(conf, timeout=value).timeout
        else:
            adapter = loading.load_adapter(
                conf, session=transport.HardenedSession(), **{name: value})
            used = getattr(adapter, name)
    assert used == value
    [record] = warnings_of(caplog, 'refuse')
    # The config path's own reason, word for word.
    assert record.getMessage() == (loading.OUTSIDE_OPTION_WARNING
                                   % refused.value)


def test_arguments_within_the_options_are_not_logged(caplog):
    with caplog.at_level(logging.WARNING):
        session = loading.load_session(make_conf(), timeout=5)
        loading.load_adapter(make_conf(), session=session, num_retries=1,
                             connect_retries=0)
    assert not caplog.records


@pytest.mark.parametrize('name', ['cafile', 'certfile', 'keyfile'])
def test_missing_tls_file_fails_at_load_naming_the_option(tmp_path, name):
    conf = make_conf(**{name: str(tmp_path / 'missing.pem')})
    with pytest.raises(exception.InvalidOptionError) as err:
        loading.load_session(conf)
    assert '[glance] %s' % name in str(err.value)
    assert 'does not exist' in str(err.value)


@pytest.mark.parametrize('name', ['cafile', 'certfile', 'keyfile'])
def test_a_fifo_as_tls_file_fails_at_load_instead_of_hanging(tmp_path,
                                                             name):
    fifo = tmp_path / 'ca.pem'
    os.mkfifo(fifo)
    with pytest.raises(exception.InvalidOptionError) as err:
        loading.load_session(make_conf(**{name: str(fifo)}))
    assert 'is not a regular file' in str(err.value)


def test_missing_tls_file_argument_is_named_as_the_argument(tmp_path):
    with pytest.raises(exception.InvalidOptionError) as err:
        loading.load_session(make_conf(), cacert=str(tmp_path / 'no.pem'))
    assert 'cacert argument' in str(err.value)


# -- time ---------------------------------------------------------------------

def test_default_timeout_applies_when_unset():
    conf = make_conf(timeout=None)
    session = loading.load_session(conf)
    assert session.timeout == limits.DEFAULT_TIMEOUT
    requests_sent = 1 + RETRIES
    assert loading.total_time_bound(conf) == (
        requests_sent * transport.DEADLINES_PER_REQUEST
        * limits.DEFAULT_TIMEOUT + RETRIES * limits.MAX_RETRY_AFTER)


def test_the_bound_follows_the_arguments():
    conf = make_conf(timeout=2.0, num_retries=4)
    assert loading.total_time_bound(
        conf, timeout=1.0, num_retries=2, connect_retries=0,
        status_code_retries=1, max_retry_after=0.5) == 3 * 3 * 1.0 + 0.5


# -- the endpoint nova would use --------------------------------------------

def test_api_servers_win_over_endpoint_override_logged_once(make_server,
                                                            caplog):
    good = make_server()
    other = make_server()
    conf = make_conf(api_servers=[good.url], endpoint_override=other.url)
    with caplog.at_level(logging.WARNING):
        adapter = loading.load_adapter(conf)
        for _ in range(3):
            assert adapter.get('/v2/images').status_code == 200
    assert [r.getMessage() for r in warnings_of(caplog, 'api_servers')] == [
        transport.API_SERVERS_WIN]
    assert (good.hits, other.hits) == (3, 0)


def test_an_endpoint_argument_wins_over_api_servers(make_server, caplog):
    configured = make_server()
    mine = make_server()
    conf = make_conf(api_servers=[configured.url])
    with caplog.at_level(logging.WARNING):
        adapter = loading.load_adapter(conf, endpoint_override=mine.url)
        adapter.get('/')
    assert (configured.hits, mine.hits) == (0, 1)
    # No "both set" warning: the caller chose; only the plain-HTTP one.
    assert [r.getMessage() for r in caplog.records] == [
        loading.PLAIN_HTTP_WARNING]


@pytest.mark.parametrize('url,stripped', [
    ('https://glance:9292/v2', 'https://glance:9292/'),
    ('https://glance:9292/v2.1/', 'https://glance:9292/'),
    ('https://glance:9292/image/v2/', 'https://glance:9292/image/'),
    ('https://glance:9292', 'https://glance:9292'),
    ('https://glance:9292/v2/x', 'https://glance:9292/v2/x'),
])
def test_endpoint_override_loses_its_version_as_in_nova(url, stripped):
    adapter = loading.load_adapter(make_conf(endpoint_override=url),
                                   session=transport.HardenedSession())
    assert adapter.endpoint_override == stripped


class Catalog(plugin.BaseAuthPlugin):
    """A token whose catalog sends every lookup to one loopback URL, and
    records what the adapter asked it for."""

    def __init__(self, url):
        super().__init__()
        self.url = url
        self.lookups = []

    def get_headers(self, session, **kwargs):
        return {'X-Auth-Token': 'fake-token'}

    def get_endpoint(self, session, **kwargs):
        self.lookups.append({k: kwargs.get(k) for k in (
            'service_type', 'interface', 'region_name')})
        return self.url


def nova_endpoint(conf):
    """nova 34's rule (nova/image/glance.py get_api_servers, 91-116):
    api_servers wins; else endpoint_override less /vN; else the catalog
    with the adapter options."""
    group = conf.glance
    if group.api_servers:
        return ('api_servers', sorted(group.api_servers))
    if group.endpoint_override:
        return ('endpoint_override', loading.strip_version(
            group.endpoint_override))
    return ('catalog', group.service_type, group.valid_interfaces,
            group.region_name)


CORPUS_FILES = sorted(CORPUS.rglob('*.conf'))


@pytest.mark.parametrize('path', CORPUS_FILES, ids=lambda p: p.stem)
def test_the_endpoint_is_novas_on_every_deployment(path, make_server):
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    conf(['--config-file', str(path)], project='nova',
         default_config_files=[], default_config_dirs=[])
    server = make_server()
    auth = Catalog(server.url)
    # The session's TLS files live on the deployment's hosts, not here.
    adapter = loading.load_adapter(conf, session=transport.HardenedSession(),
                                   auth=auth)
    expected = nova_endpoint(conf)
    if adapter.rotation is not None:
        ours = ('api_servers', sorted(adapter.rotation.order))
    elif adapter.endpoint_override:
        ours = ('endpoint_override', adapter.endpoint_override)
    else:
        adapter.get('/v2/images')  # the catalog is really asked
        [lookup] = auth.lookups
        ours = ('catalog', lookup['service_type'], lookup['interface'],
                lookup['region_name'])
        assert server.hits == 1
    assert ours == expected


def test_the_corpus_has_each_kind_of_endpoint():
    kinds = set()
    for path in CORPUS_FILES:
        conf = cfg.ConfigOpts()
        glance_conf.register_opts(conf)
        conf(['--config-file', str(path)], project='nova',
             default_config_files=[], default_config_dirs=[])
        kinds.add(nova_endpoint(conf)[0])
    assert kinds == {'api_servers', 'endpoint_override', 'catalog'}


def test_a_seeded_rng_repeats_the_order():
    conf = make_conf(api_servers=['http://127.0.0.1:%d' % p
                                  for p in range(1001, 1009)])
    orders = {loading.load_adapter(conf, session=transport.HardenedSession(),
                                   rng=random.Random(7)).rotation.order  # noqa: S311
              for _ in range(3)}
    assert len(orders) == 1


# -- the nova-style example --------------------------------------------------

EXAMPLE = (pathlib.Path(__file__).parents[2] / 'doc' / 'source' / 'examples'
           / 'image_client.py')
IMAGE_DATA = bytes(range(256)) * 1000  # several chunks
IMAGE_ID = '4f0a6c5e-2f7e-4d7b-9c61-0b1d1c0d5a11'


def image_record(data=IMAGE_DATA, **extra):
    record = {'id': IMAGE_ID, 'size': len(data), 'os_hash_algo': 'sha512',
              'os_hash_value': hashlib.sha512(data).hexdigest(),
              'checksum': hashlib.md5(data, usedforsecurity=False
                                      ).hexdigest()}
    record.update(extra)
    return record


def image_api(make_server, served=IMAGE_DATA, record=None):
    """A loopback Image API stub: two pages of images, and one file."""
    server = make_server()
    pages = [{'images': [{'id': 'other'}], 'next': '/v2/images?marker=x'},
             {'images': [record or image_record()]}]
    server.routes['/v2/images'] = servers.sequence(
        *(servers.ok(json.dumps(page).encode()) for page in pages))
    server.routes['/v2/images/%s/file' % IMAGE_ID] = servers.ok(served)
    return server


def run_example(tmp_path, server, verify_signatures=False):
    conf_file = tmp_path / 'nova.conf'
    conf_file.write_text(
        '[glance]\napi_servers = %s\ntimeout = 5\nnum_retries = 1\n'
        'verify_glance_signatures = %s\n' % (server.url, verify_signatures))
    target = tmp_path / 'image.img'
    done = subprocess.run(  # our own example, our python
        [sys.executable, str(EXAMPLE), '--config-file', str(conf_file),
         '--token', 'fake-token', IMAGE_ID, str(target)],
        capture_output=True, text=True, timeout=60, check=False)
    return done, target


def test_the_example_lists_and_downloads_an_image(make_server, tmp_path):
    server = image_api(make_server)
    done, target = run_example(tmp_path, server)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == IMAGE_DATA
    assert [p for _, p in server.requests] == [
        '/v2/images', '/v2/images?marker=x',
        '/v2/images/%s/file' % IMAGE_ID]
    assert '2 images listed' in done.stdout


@pytest.mark.parametrize('served', [IMAGE_DATA[:-1] + b'!',
                                    IMAGE_DATA + b'extra'])
def test_the_example_refuses_a_corrupt_image(make_server, tmp_path,
                                             served):
    server = image_api(make_server, served=served)
    done, target = run_example(tmp_path, server)
    assert done.returncode == 1
    [error] = [line for line in done.stderr.splitlines()
               if line.startswith('image_client:')]
    assert 'mismatch' in error or 'larger than its size' in error
    assert 'Traceback' not in done.stderr
    assert not target.exists()


def test_the_example_refuses_an_unsigned_image_when_verifying(make_server,
                                                              tmp_path):
    done, target = run_example(tmp_path, image_api(make_server),
                               verify_signatures=True)
    assert done.returncode == 1 and 'is not signed' in done.stderr
    assert not target.exists()


class RecordingVerifier:
    """Stands where nova puts cursive's verifier."""

    def __init__(self, good):
        self.seen = b''
        self.good = good

    def update(self, data):
        self.seen += data

    def verify(self):
        if not self.good:
            raise ValueError('Signature verification failed')


@pytest.mark.parametrize('good', [True, False])
def test_the_example_feeds_every_chunk_to_the_signature_hook(make_server,
                                                             tmp_path, good):
    spec = importlib.util.spec_from_file_location('image_client', EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    server = image_api(make_server)
    adapter = loading.load_adapter(make_conf(endpoint_override=server.url))
    verifier = RecordingVerifier(good)
    target = tmp_path / 'image.img'
    if good:
        assert example.download(adapter, image_record(), str(target),
                                verifier) == len(IMAGE_DATA)
    else:
        with pytest.raises(ValueError, match='Signature'):
            example.download(adapter, image_record(), str(target), verifier)
    assert verifier.seen == IMAGE_DATA
    assert target.exists() is good


# -- arguments that weaken TLS ------------------------------------------------

def test_a_lower_tls_floor_or_weak_ciphers_are_logged(caplog):
    conf = make_conf(tls_min_version='1.3', tls_ciphers='ECDHE+AESGCM')
    with caplog.at_level(logging.WARNING):
        loading.load_session(conf, tls_min_version=None)
        loading.load_session(conf, tls_min_version='1.2')
        loading.load_session(conf, tls_ciphers='HIGH:aNULL:@SECLEVEL=0')
    messages = [r.getMessage() for r in caplog.records]
    assert sum('lower TLS floor' in m for m in messages) == 2
    assert any('turns on aNULL' in m and 'security level to 0' in m
               for m in messages)


def test_tls_arguments_the_transport_cannot_apply_are_refused():
    conf = make_conf()
    with pytest.raises(exception.InvalidOptionError) as err:
        loading.load_session(conf, tls_min_version='1.1')
    assert 'tls_min_version argument' in str(err.value)
    with pytest.raises(exception.InvalidOptionError) as err:
        loading.load_session(conf, tls_ciphers='HIGH:S3cretPw-x')
    assert 'S3cretPw' not in str(err.value)


def test_a_stronger_or_equal_tls_argument_is_not_logged(caplog):
    conf = make_conf(tls_min_version='1.2')
    with caplog.at_level(logging.WARNING):
        loading.load_session(conf, tls_min_version='1.3',
                             tls_ciphers='ECDHE+AESGCM')
    assert not caplog.records


def test_a_plain_http_endpoint_argument_is_logged(caplog):
    with caplog.at_level(logging.WARNING):
        loading.load_adapter(make_conf(),
                             endpoint_override='http://127.0.0.1:9')
        loading.load_adapter(make_conf(),
                             api_servers=['https://127.0.0.1:9'])
    assert [r.getMessage() for r in caplog.records] == [
        loading.PLAIN_HTTP_WARNING]


def test_a_plain_keystoneauth_session_is_refused_clearly():
    from keystoneauth1 import session as ks_session
    with pytest.raises(TypeError, match='glance_conf.load_session'):
        loading.load_adapter(make_conf(), session=ks_session.Session())
