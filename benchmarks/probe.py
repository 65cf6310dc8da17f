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

"""The probe's concurrency, measured: N loopback endpoints with ``--jobs
J`` take at most 1.5 x ceil(N/J) x (one probe's time), in the same run.

Each endpoint is a loopback TLS glance-api look-alike that holds every
answer for :data:`SERVER_DELAY` seconds, so one probe costs about that
long whatever the machine, and the ratio measures how well the probes
overlap. ``python -m benchmarks.probe`` prints the figure;
:func:`measure` is what ``benchmarks/run.py`` calls.
"""

from __future__ import annotations

import argparse
import json
import math
import pathlib
import statistics
import sys
import tempfile
import time
from typing import Any

from glance_conf.audit import probe
from tests import servers
from tests import tlsservers

#: Seconds each endpoint waits before answering the version GET.
SERVER_DELAY = 0.2
#: The floor of the issue: at most this times the ideal.
BOUND = 1.5


def _slow_glance() -> servers.Fault:
    answer = tlsservers.glance()

    def slow(h: Any) -> None:
        time.sleep(SERVER_DELAY)
        answer(h)
    return slow


def measure(endpoints: int = 32, jobs: int = 8, repeat: int = 3,
            cafile: bool = True) -> dict[str, Any]:
    """Time one probe, and N probes with J jobs; the ratio of the second
    to ceil(N/J) times the first (medians of ``repeat`` runs each).

    Without ``cafile`` the configs name none, so requests' whole CA
    bundle is the trust (the handshakes fail: it does not hold the test
    CA): the case where loading trust per endpoint would cost most.
    """
    with tempfile.TemporaryDirectory() as tmp:
        pki = tlsservers.Pki(pathlib.Path(tmp))
        fleet = [tlsservers.ProbeServer(pki.context(), lifetime=600)
                 .answer(_slow_glance()) for _ in range(endpoints)]
        tls = probe.TlsSettings(cafile=pki.cafile if cafile else None)
        points = [probe.endpoint(s.url, tls) for s in fleet]
        with servers.started(*fleet):
            singles, runs = [], []
            for _ in range(repeat):
                prober = probe.Prober(jobs=1)
                prober.want(points[:1])
                start = time.perf_counter()
                seen = prober.run()
                singles.append(time.perf_counter() - start)
                assert seen[0].connected or not cafile
                prober = probe.Prober(jobs=jobs)
                prober.want(points)
                start = time.perf_counter()
                seen = prober.run()
                runs.append(time.perf_counter() - start)
                assert all(s.connected for s in seen) or not cafile
    one, many = statistics.median(singles), statistics.median(runs)
    ideal = math.ceil(endpoints / jobs) * one
    return {'endpoints': endpoints, 'jobs': jobs, 'one_probe_s': one,
            'cafile': cafile, 'all_probes_s': many, 'ratio': many / ideal,
            'bound': BOUND,
            'within_bound': many / ideal <= BOUND}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog='python -m benchmarks.probe')
    parser.add_argument('--endpoints', type=int, default=32)
    parser.add_argument('--jobs', type=int, default=8)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--no-cafile', action='store_true',
                        help='configs without cafile: requests\' bundle')
    args = parser.parse_args(argv)
    figures = measure(args.endpoints, args.jobs, args.repeat,
                      not args.no_cafile)
    print(json.dumps(figures, indent=2))
    return 0 if figures['within_bound'] else 1


if __name__ == '__main__':
    sys.exit(main())
