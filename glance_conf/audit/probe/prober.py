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

"""A probe run: each distinct endpoint probed once, ``jobs`` at a time,
within the run's deadline, and the catalog looked up once per question.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from collections.abc import Iterable
from typing import Any

from glance_conf import redact
from glance_conf.audit.exception import TlsFileRefused
from glance_conf.audit.probe import catalog
from glance_conf.audit.probe import observation
from glance_conf.audit.probe import tls as tls_mod
from glance_conf.audit.probe import wire
from glance_conf.audit.probe.catalog import CatalogQuery
from glance_conf.audit.probe.endpoints import Endpoint
from glance_conf.audit.probe.endpoints import TlsSettings
from glance_conf.audit.probe.observation import Observation
from glance_conf.audit.probe.wire import DEFAULT_TIMEOUT

#: Seconds the whole probe may take, every endpoint included.
DEFAULT_DEADLINE = 300.0
#: Endpoints probed at once.
DEFAULT_JOBS = 8
#: Most endpoints probed at once: each holds a thread and a socket.
MAX_JOBS = 64
#: Days before a certificate's ``notAfter`` that it is reported.
DEFAULT_EXPIRY_DAYS = 30
#: Seconds past the deadline the run waits for probes still going (each
#: endpoint's budget already stops at the deadline) before it gives up
#: on them and reports them unfinished.
DEADLINE_GRACE = 1.0
#: Said of an endpoint the deadline left unprobed.
NOT_PROBED = 'not probed: the deadline of the run passed first'
#: Said of an endpoint whose probe was still going at the deadline.
NOT_FINISHED = 'not probed to the end: the deadline of the run passed'
#: Said of an endpoint whose probe broke on something unforeseen: the
#: exception's class only, never its text.
PROBE_BROKE = 'the probe of this endpoint failed (%s)'


class Prober:
    """Each distinct endpoint probed once, ``jobs`` at a time, within a
    deadline; the observations kept by endpoint.

    The deadline runs from :meth:`start` (the command calls it before
    the planning pass, so that catalog lookups count) or else from the
    first :meth:`run`.
    """

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT,
                 deadline: float = DEFAULT_DEADLINE,
                 jobs: int = DEFAULT_JOBS,
                 expiry_days: int = DEFAULT_EXPIRY_DAYS,
                 use_catalog: bool = False,
                 cloud: dict[str, Any] | None = None,
                 allow_http_auth: bool = False,
                 client_certificates: bool = True) -> None:
        self.timeout = timeout
        self.deadline = deadline
        self.jobs = max(1, min(jobs, MAX_JOBS))
        self.expiry_days = expiry_days
        #: Whether a host without api_servers or endpoint_override has
        #: its catalog looked up, and the clouds.yaml entry to do it with.
        self.use_catalog = use_catalog
        self.cloud = cloud
        #: Whether a plain-http ``auth_url`` may carry the password.
        self.allow_http_auth = allow_http_auth
        #: Whether a client certificate the configs name is loaded; not
        #: when they come from bundles (another machine's paths: this
        #: machine's key must never answer for them).
        self.client_certificates = client_certificates
        self.endpoints: dict[Endpoint, None] = {}
        self.observations: dict[Endpoint, Observation] = {}
        #: The contexts of each distinct TLS settings, built once per run.
        self.contexts: dict[TlsSettings, tls_mod.Contexts | str] = {}
        #: Catalog answers, by what was asked: looked up once per run.
        self.catalog: dict[CatalogQuery, list[str]] = {}
        #: Why a catalog lookup failed or was not made, in safe words.
        self.catalog_failures: list[str] = []
        self._end: float | None = None
        self._lock = threading.Lock()
        self._building: dict[TlsSettings, threading.Lock] = {}

    def start(self) -> None:
        """Start the deadline's clock, if it has not started."""
        if self._end is None:
            self._end = time.monotonic() + self.deadline

    def _left(self) -> float:
        self.start()
        return (self._end or 0.0) - time.monotonic()

    def want(self, points: Iterable[Endpoint]) -> None:
        """Note endpoints to probe; each is probed once however often it
        is named."""
        for point in points:
            self.endpoints.setdefault(point)

    def run(self) -> list[Observation]:
        """Probe every endpoint noted and not yet probed; by the deadline
        (and :data:`DEADLINE_GRACE`) whatever the inputs: a probe still
        going then is left to its daemon thread and reported unfinished."""
        todo = [p for p in self.endpoints if p not in self.observations]
        self.start()
        queue = list(reversed(todo))
        done: dict[Endpoint, Observation] = {}
        lock = threading.Lock()

        def work() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    point = queue.pop()
                seen = self._one(point)
                with lock:
                    done[point] = seen

        # Daemon threads, not a pool: a pool's threads are joined at exit,
        # so one that never returns would hold the process past the
        # deadline.
        workers = [threading.Thread(target=work, daemon=True)
                   for _ in range(min(self.jobs, len(todo)))]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(max(self._left(), 0.0) + DEADLINE_GRACE)
        with lock:
            queue.clear()
            for point in todo:
                self.observations[point] = done.get(point) or Observation(
                    point, discovery_failure=NOT_FINISHED, probed=False)
        return [self.observations[p] for p in todo]

    def _one(self, point: Endpoint) -> Observation:
        """One endpoint's probe, its contexts built first (inside the
        deadline, before its budget: loading a CA bundle takes CPU time
        that is no endpoint's)."""
        if self._left() <= 0:
            return Observation(point, discovery_failure=NOT_PROBED,
                               probed=False)
        try:
            contexts = self._contexts(point.tls) \
                if point.scheme == 'https' else None
            left = self._left()
            if left <= 0:
                return Observation(point, discovery_failure=NOT_PROBED,
                                   probed=False)
            seen = wire.probe_endpoint(point, min(self.timeout, left),
                                       contexts)
            if left < self.timeout and seen.failure == observation.TIMED_OUT:
                # The run's deadline, not nova's timeout, cut it short:
                # not finished (GC706), never "nova cannot connect".
                return Observation(point, discovery_failure=NOT_FINISHED,
                                   probed=False)
            return seen
        except Exception as exc:  # one endpoint never ends the run
            return Observation(point, failure=PROBE_BROKE
                               % type(exc).__name__)

    def _contexts(self, tls: TlsSettings) -> tls_mod.Contexts | str:
        """The contexts of ``tls``, built once per run; another thread
        that needs them waits for that one build."""
        with self._lock:
            building = self._building.setdefault(tls, threading.Lock())
        with building:
            if tls not in self.contexts:
                self.contexts[tls] = tls_mod.load_contexts(tls)
            return self.contexts[tls]

    def seen(self, point: Endpoint) -> Observation | None:
        return self.observations.get(point)

    def lookup(self, ask: CatalogQuery) -> list[str]:
        """The Image API URLs the catalog gives ``ask``, asked once per
        run within the endpoint timeout and the run's deadline; ``[]``
        (and :attr:`catalog_failures`) if it cannot be asked, or Keystone
        does not answer."""
        if ask in self.catalog:
            return self.catalog[ask]
        left = self._left()
        if urllib.parse.urlsplit(ask.auth_url).scheme.lower() != 'https' \
                and not self.allow_http_auth:
            self.skip(ask, catalog.HTTP_AUTH_REFUSED)
        elif left <= 0:
            self.skip(ask, catalog.NOT_LOOKED_UP)
        else:
            try:
                self.catalog[ask] = catalog.bounded_call(
                    catalog.catalog_urls, ask, min(self.timeout, left))
            except TimeoutError:
                self.skip(ask, 'timed out')
            except TlsFileRefused as exc:
                self.skip(ask, str(exc))
            except Exception as exc:  # keystoneauth's, requests'...
                self.skip(ask, type(exc).__name__)
        return self.catalog[ask]

    def skip(self, ask: CatalogQuery, why: str) -> None:
        """Note, once, that ``ask`` was not (or not well) answered."""
        if ask not in self.catalog:
            self.catalog[ask] = []
            self.catalog_failures.append('%s (%s): %s' % (
                redact.redact_url(ask.auth_url), ask.option, why))
