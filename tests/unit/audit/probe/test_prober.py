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

"""A run: each endpoint once, jobs at a time, within the deadline."""

from __future__ import annotations

import socket
import threading
from typing import Any

from glance_conf.audit.probe import endpoints
from glance_conf.audit.probe import prober as probing
from glance_conf.audit.probe import tls as probe_tls
from glance_conf.audit.probe import wire
from tests import servers
from tests import tlsservers as T
from tests.unit.audit.probe.test_tls import make_fifo

TLS = endpoints.TlsSettings(cafile='/ca.pem')


def test_prober_probes_each_endpoint_once(tmp_path):
    plain = T.ProbeServer()
    prober = probing.Prober(timeout=2.0)
    with servers.started(plain):
        point = endpoints.endpoint(plain.url, TLS)
        prober.want([point, point])
        prober.want([endpoints.endpoint(plain.url + '/v2', TLS)])
        assert len(prober.run()) == 1
        assert prober.run() == []
    assert plain.hits == 1
    assert prober.seen(point).versions[:2] == ('v2.17', 'v2.16')


def test_jobs_are_bounded():
    assert probing.Prober(jobs=10_000).jobs == probing.MAX_JOBS
    assert probing.Prober(jobs=0).jobs == 1


def test_one_broken_endpoint_never_ends_the_run(monkeypatch):
    """Whatever one endpoint's probe raises becomes its failure, by the
    exception's class only (its text may quote a value)."""
    plain = T.ProbeServer()
    real = wire.probe_endpoint

    def breaks_on_port_1(point, *args):
        if point.port == 1:
            raise RuntimeError('s3cret')
        return real(point, *args)
    monkeypatch.setattr(wire, 'probe_endpoint', breaks_on_port_1)
    prober = probing.Prober(timeout=2.0)
    with servers.started(plain):
        prober.want([endpoints.endpoint('http://127.0.0.1:1', TLS),
                     endpoints.endpoint(plain.url, TLS)])
        broken, fine = prober.run()
    assert broken.failure == probing.PROBE_BROKE % 'RuntimeError'
    assert fine.versions


def test_contexts_are_built_once_per_settings_and_never_changed(tmp_path):
    """One CA load per distinct TLS settings, before any budget; the
    name-mismatch retry uses the relaxed copy, not nova's context."""
    pki = T.Pki(tmp_path)
    wrong = [T.ProbeServer(pki.context('glance.example')) for _ in range(3)]
    tls = endpoints.TlsSettings(cafile=pki.cafile)
    prober = probing.Prober(timeout=5.0)
    with servers.started(*wrong):
        prober.want(endpoints.endpoint(s.url, tls) for s in wrong)
        assert all(s.name_mismatch for s in prober.run())
    [contexts] = prober.contexts.values()
    assert contexts.nova.check_hostname
    assert not contexts.nova.verify_flags & probe_tls._NO_CHECK_TIME


def test_a_fifo_cafile_is_one_endpoints_failure_within_the_deadline(
        tmp_path):
    """The contexts are built inside the run: the endpoint whose cafile
    is a FIFO fails, and the other is probed."""
    pki = T.Pki(tmp_path)
    server = T.ProbeServer(pki.context())
    prober = probing.Prober(timeout=2.0, deadline=10.0)
    fifo = endpoints.endpoint(server.url, endpoints.TlsSettings(
        cafile=make_fifo(tmp_path)))
    good = endpoints.endpoint(server.url,
                              endpoints.TlsSettings(cafile=pki.cafile))
    done: list[Any] = []
    with servers.started(server):
        prober.want([fifo, good])
        worker = threading.Thread(target=lambda: done.append(prober.run()),
                                  daemon=True)
        worker.start()
        worker.join(30)
    assert done, 'the run blocked'
    assert 'is not a regular file' in prober.seen(fifo).failure
    assert prober.seen(good).connected and prober.seen(good).versions


def test_a_probe_that_never_returns_is_left_at_the_deadline(monkeypatch):
    """Whatever holds one endpoint's probe (a resolver that never
    answers), the run returns at the deadline: that endpoint unfinished,
    the others probed."""
    plain = T.ProbeServer()
    release = threading.Event()
    real = wire.probe_endpoint

    def hangs_on_port_1(point, *args):
        if point.port == 1:
            release.wait(60)
        return real(point, *args)
    monkeypatch.setattr(wire, 'probe_endpoint', hangs_on_port_1)
    prober = probing.Prober(timeout=2.0, deadline=1.0)
    hung = endpoints.endpoint('http://127.0.0.1:1', TLS)
    done: list[Any] = []
    try:
        with servers.started(plain):
            prober.want([hung, endpoints.endpoint(plain.url, TLS)])
            worker = threading.Thread(
                target=lambda: done.append(prober.run()), daemon=True)
            worker.start()
            worker.join(30)
    finally:
        release.set()
    assert done, 'the run waited past its deadline'
    stuck, fine = done[0]
    assert (stuck.probed, stuck.discovery_failure) == (False,
                                                       probing.NOT_FINISHED)
    assert fine.versions


def test_an_endpoint_the_deadline_cuts_short_is_not_finished_not_failed():
    """A slow endpoint whose time the run's deadline cut, not nova's
    timeout, is "not probed to the end" (GC706, info), never a failed
    handshake (GC701, high: "nova cannot connect")."""
    silent = socket.create_server(('127.0.0.1', 0))  # never answers TLS
    try:
        url = 'https://127.0.0.1:%d' % silent.getsockname()[1]
        point = endpoints.endpoint(url, endpoints.TlsSettings())
        prober = probing.Prober(timeout=60.0, deadline=1.5)
        prober.want([point])
        prober.run()
        seen = prober.seen(point)
    finally:
        silent.close()
    assert seen.failure is None
    assert seen.discovery_failure == probing.NOT_FINISHED
