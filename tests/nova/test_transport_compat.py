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

"""Side by side with nova 34's image client (tox -e nova).

For one config and the same injected faults, nova's
``GlanceClientWrapper.call`` (with python-glanceclient) and our
``load_adapter`` send the same number of requests to the same loopback
servers, or we send fewer where ``doc/source/transport.rst`` says so.
nova waits a fixed 1 s between attempts, so the cases are few and small.
"""

from __future__ import annotations

import random

import glanceclient.exc
import nova.conf
import pytest
from keystoneauth1 import exceptions as ks_exc
from nova import context as nova_context
from nova import exception as nova_exception
from nova import service_auth
from nova.image import glance as nova_glance
from oslo_config import cfg

import glance_conf
from glance_conf import transport
from tests import servers

pytestmark = pytest.mark.timeout(60)

NOVA_CONF = nova.conf.CONF
IMAGE_ID = '4f0a6c5e-2f7e-4d7b-9c61-0b1d1c0d5a11'
FILE = '/v2/images/%s/file' % IMAGE_ID
DATA = b'image-data'


@pytest.fixture
def glance_options():
    """Set [glance] options on nova's CONF and ours alike."""
    NOVA_CONF([], project='nova', default_config_files=[],
              default_config_dirs=[])
    ours = cfg.ConfigOpts()
    glance_conf.register_opts(ours)
    ours([], default_config_files=[], default_config_dirs=[])
    set_names = []

    def set_options(**values):
        for name, value in values.items():
            NOVA_CONF.set_override(name, value, group='glance')
            ours.set_override(name, value, group='glance')
            set_names.append(name)
        service_auth._SESSIONS.clear()  # nova caches one per group
        return ours
    yield set_options
    for name in set_names:
        NOVA_CONF.clear_override(name, group='glance')
    service_auth._SESSIONS.clear()


def context():
    return nova_context.RequestContext(user_id='user', project_id='project',
                                       auth_token='fake-token')


def nova_download(wrapper, ctx):
    """nova's download call, as GlanceImageServiceV2.download makes it."""
    try:
        body = wrapper.call(ctx, 2, 'data', args=(IMAGE_ID,),
                            kwargs={'do_checksum': False})
        return b''.join(body)
    except (nova_exception.GlanceConnectionFailed,
            glanceclient.exc.HTTPException):
        return None


def our_download(adapter):
    try:
        return adapter.get(FILE).content
    except (ks_exc.ClientException, transport.RedirectRefused):
        return None


def image_file():
    return servers.ok(DATA, content_type='application/octet-stream')


class FixedShuffle(random.Random):
    def __init__(self, order):
        super().__init__(0)
        self.order = order

    def shuffle(self, x):
        x[:] = [x[i] for i in self.order]


def three_servers(make_server):
    """A refusing server, one answering 503, a good one: a fresh set."""
    return [make_server(refuse=True),
            make_server(fault=servers.status(503)),
            make_server(fault=image_file())]


@pytest.mark.parametrize('seed', [4, 5])
def test_api_servers_same_requests_to_the_same_servers(glance_options,
                                                       make_server, seed):
    theirs = three_servers(make_server)
    mine = three_servers(make_server)
    glance_options(api_servers=[s.url for s in theirs], num_retries=2)
    ctx = context()
    wrapper = nova_glance.GlanceClientWrapper(context=ctx)
    random.seed(seed)  # nova shuffles with the module-level generator
    nova_results = [nova_download(wrapper, ctx) for _ in range(2)]
    # nova shuffled its CONF list in place: take the order it drew.
    order = [[s.url for s in theirs].index(url)
             for url in NOVA_CONF.glance.api_servers]
    ours = glance_options(api_servers=[s.url for s in mine])
    adapter = glance_conf.load_adapter(ours, auth=ctx.get_auth_plugin(),
                                       rng=FixedShuffle(order))
    our_results = [our_download(adapter) for _ in range(2)]
    assert nova_results == our_results == [DATA] * 2
    assert [s.hits for s in mine] == [s.hits for s in theirs]
    assert sum(s.hits for s in theirs) > 2  # the faults were met


@pytest.mark.parametrize('fault,options,sent', [
    (servers.status(503), {}, 2),
    (servers.stall(5), {'timeout': 0.3}, 2),
    (servers.reset(), {}, 2),
    (servers.status(429, '1'), {}, 1),
])
def test_one_endpoint_same_attempts(glance_options, make_server, fault,
                                    options, sent):
    """endpoint_override, a failing server: 1 + num_retries requests on
    both sides (a 429 is retried by neither)."""
    theirs, mine = make_server(fault=fault), make_server(fault=fault)
    glance_options(endpoint_override=theirs.url, num_retries=1, **options)
    ctx = context()
    assert nova_download(nova_glance.GlanceClientWrapper(context=ctx),
                         ctx) is None
    ours = glance_options(endpoint_override=mine.url)
    assert our_download(glance_conf.load_adapter(
        ours, auth=ctx.get_auth_plugin())) is None
    assert mine.hits == theirs.hits == sent


def test_we_send_fewer_on_a_redirect_to_another_server(glance_options,
                                                       make_server):
    """Where we differ, as documented: nova (keystoneauth) follows a
    redirect to another origin with the token; we refuse it."""
    elsewhere = make_server(fault=image_file())
    theirs = make_server(fault=servers.redirect(elsewhere.url + FILE))
    mine = make_server(fault=servers.redirect(elsewhere.url + FILE))
    glance_options(endpoint_override=theirs.url, num_retries=1)
    ctx = context()
    assert nova_download(nova_glance.GlanceClientWrapper(context=ctx),
                         ctx) == DATA
    assert elsewhere.hits == 1
    ours = glance_options(endpoint_override=mine.url)
    assert our_download(glance_conf.load_adapter(
        ours, auth=ctx.get_auth_plugin())) is None
    assert (mine.hits, theirs.hits, elsewhere.hits) == (1, 1, 1)
