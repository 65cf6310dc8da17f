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

"""A real headless browser: Debian's chromium, driven by its chromedriver.

Nothing is downloaded: selenium is told where the system driver and
browser are. A machine without them fails these tests (it never skips
them): ``apt-get install chromium chromium-driver``.
"""

from __future__ import annotations

import io
import os
import pathlib
import shutil
import zlib

import pytest
from selenium import webdriver

from benchmarks import genconf
from glance_conf.cmd import audit as cli

CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'
ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / 'tests' / 'functional' / 'deployments'
#: Where the screenshots are kept (CI artifacts); tox sets it.
ARTIFACTS = pathlib.Path(os.environ.get(
    'BROWSER_ARTIFACTS', ROOT / '.tox' / 'browser-artifacts'))
#: A file name and a key that would run script if they were not escaped.
HOSTILE_NAME = '<img src=x onerror=window.pwned=1>'
HOSTILE_KEY = '<script>alert(2)</script>'  # an alert fails the next step
FLEET_SIZE = 2000


def start_browser() -> webdriver.Chrome:
    """Headless chromium; raises if it cannot start (no skip)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            raise RuntimeError('%s is missing: apt-get install chromium '
                               'chromium-driver' % path)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ('--headless=new', '--no-sandbox', '--disable-gpu',
                '--disable-dev-shm-usage', '--window-size=1280,1600'):
        options.add_argument(arg)
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    return webdriver.Chrome(options=options, service=service)


@pytest.fixture(scope='session')
def browser():
    driver = start_browser()
    yield driver
    driver.quit()


def audit(tmp: pathlib.Path, name: str, *argv: str) -> pathlib.Path:
    """Run the command line; the report's path."""
    out = tmp / name
    code = cli.run(['--output', str(out), '--fail-on', 'never', *argv],
                   io.StringIO(), io.StringIO())
    assert code == 0, code
    return out


@pytest.fixture(scope='session')
def corpus_report(tmp_path_factory):
    """The real-config corpus, plus one hostile host."""
    tmp = tmp_path_factory.mktemp('corpus')
    fleet = tmp / 'fleet'
    fleet.mkdir()
    for path in sorted(CORPUS.rglob('*.conf')):
        # nova's hosts: the heat-map draws nova's [glance] posture.
        if path.relative_to(CORPUS).parts[0] in ('cinder', 'glance-api'):
            continue
        shutil.copy(path, fleet / path.name)
    (fleet / (HOSTILE_NAME + '.conf')).write_text(
        '[glance]\n%s = 1\n' % HOSTILE_KEY)
    files = sorted(str(p) for p in fleet.iterdir())
    json_report = audit(tmp, 'report.json', '--format', 'json', *files,
                        '--group-by', r'(dcn|helm|kolla)')
    html_report = audit(tmp, 'report.html', '--format', 'html', *files,
                        '--group-by', r'(dcn|helm|kolla)')
    return html_report, json_report, files


@pytest.fixture(scope='session')
def fleet_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('fleet')
    paths = genconf.write_fleet(str(tmp / 'hosts'), FLEET_SIZE)
    return audit(tmp, 'fleet.html', '--format', 'html', *paths,
                 '--group-by', r'compute-\d*(\d)\.conf')


def png_colours(data: bytes, rows: int = 600) -> int:
    """Distinct colours in the top ``rows`` of an 8-bit RGB(A) PNG, read
    with zlib only (PIL is not a dependency)."""
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, chunks, header = 8, [], b''
    while pos < len(data):
        size = int.from_bytes(data[pos:pos + 4], 'big')
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + size]
        if kind == b'IHDR':
            header = body
        elif kind == b'IDAT':
            chunks.append(body)
        pos += 12 + size
    width = int.from_bytes(header[0:4], 'big')
    depth, colour_type = header[8], header[9]
    assert depth == 8 and colour_type in (2, 6), (depth, colour_type)
    pixel = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b''.join(chunks))
    stride = width * pixel
    previous = bytearray(stride)
    colours: set[bytes] = set()
    for row in range(min(rows, len(raw) // (stride + 1))):
        line = raw[row * (stride + 1):(row + 1) * (stride + 1)]
        kind, current = line[0], bytearray(line[1:])
        for i in range(stride):
            left = current[i - pixel] if i >= pixel else 0
            up = previous[i]
            corner = previous[i - pixel] if i >= pixel else 0
            if kind == 1:
                current[i] = (current[i] + left) & 0xff
            elif kind == 2:
                current[i] = (current[i] + up) & 0xff
            elif kind == 3:
                current[i] = (current[i] + (left + up) // 2) & 0xff
            elif kind == 4:
                p = left + up - corner
                best = min((abs(p - left), 0), (abs(p - up), 1),
                           (abs(p - corner), 2))[1]
                current[i] = (current[i] + (left, up, corner)[best]) & 0xff
        if row % 4 == 0:  # every fourth row is plenty
            colours.update(bytes(current[i:i + 3])
                           for i in range(0, stride, pixel))
        previous = current
    return len(colours)
