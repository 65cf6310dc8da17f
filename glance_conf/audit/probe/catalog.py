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

"""The catalog lookup: the Image API URLs Keystone's catalog gives a
host that names neither ``api_servers`` nor ``endpoint_override``.

The only part of the probe that sends a credential, and only to
Keystone: never to the Image API, never over plain http unless asked,
never along a redirect.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import threading
from typing import Any

from glance_conf.audit.probe.tls import tls_file
from glance_conf.audit.probe.wire import DEFAULT_TIMEOUT

#: Said of a catalog lookup the deadline left undone.
NOT_LOOKED_UP = 'not looked up: the deadline of the run passed first'
#: Said of a catalog lookup refused because ``auth_url`` is plain http.
HTTP_AUTH_REFUSED = ('auth_url is plain http: the password would cross '
                     'the network in the clear (--allow-http-auth '
                     'allows it)')


@dataclasses.dataclass(frozen=True)
class CatalogQuery:
    """Who asks Keystone for the catalog, and what for: a v3 password
    user, the Image service's type, interfaces and region."""

    auth_url: str
    username: str
    password: str = dataclasses.field(repr=False)
    project_name: str | None = None
    user_domain_name: str = 'Default'
    project_domain_name: str = 'Default'
    cafile: str | None = None
    insecure: bool = False
    service_type: str = 'image'
    interfaces: tuple[str, ...] = ('internal', 'public')
    region_name: str | None = None
    #: Where ``auth_url`` was read (``[keystone_authtoken] auth_url``,
    #: ``clouds.yaml lab``), for messages.
    option: str = 'auth_url'


def catalog_urls(ask: CatalogQuery, timeout: float = DEFAULT_TIMEOUT
                 ) -> list[str]:
    """The Image API URLs of the catalog, as keystoneauth picks them for
    ``ask``: the first of its interfaces that the service has.

    This authenticates to Keystone (``auth_url``) only; nothing is sent
    to the Image API.
    """
    # Imported here: only the catalog lookup needs them.
    from keystoneauth1 import session as ks_session
    from keystoneauth1.identity import v3

    url = ask.auth_url.rstrip('/')
    if not re.search(r'/v3$', url):
        url += '/v3'
    auth = v3.Password(auth_url=url, username=ask.username,
                       password=ask.password,
                       project_name=ask.project_name,
                       user_domain_name=ask.user_domain_name,
                       project_domain_name=ask.project_domain_name)
    with contextlib.ExitStack() as files:
        verify: bool | str = not ask.insecure
        if verify and ask.cafile:
            verify = files.enter_context(tls_file(ask.cafile, 'cafile'))
        # redirect=False: a redirect would carry the password elsewhere.
        session = ks_session.Session(auth=auth, timeout=timeout,
                                     redirect=False, verify=verify)
        found = session.get_endpoint(service_type=ask.service_type,
                                     interface=list(ask.interfaces),
                                     region_name=ask.region_name)
    return [found] if found else []


def bounded_call(call: Any, ask: CatalogQuery, seconds: float) -> Any:
    """``call(ask, seconds)`` given ``seconds`` in all, whatever its
    reads do (requests' timeout is per read: a trickling server would go
    on): past them the caller gets ``TimeoutError``, and the call, left
    in a daemon thread, ends when its own timeout does."""
    done: dict[str, Any] = {}

    def work() -> None:
        try:
            done['value'] = call(ask, seconds)
        except BaseException as exc:
            done['error'] = exc

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError('timed out')
    if 'error' in done:
        raise done['error']
    return done['value']

