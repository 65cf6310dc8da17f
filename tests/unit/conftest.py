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

"""Fixtures shared by the audit and command-line tests."""

from __future__ import annotations

import pytest
from stevedore import extension

from glance_conf.audit import base


def site_writer(result, out):
    """A site's own report format (loaded through an entry point)."""
    out.write('site report: %d file(s)\n' % result.files)


def _fake_distribution(root, namespace, entry_points):
    info = root / 'site_plugins-1.0.dist-info'
    info.mkdir(parents=True)
    (info / 'METADATA').write_text('Metadata-Version: 2.1\n'
                                   'Name: site-plugins\nVersion: 1.0\n')
    (info / 'entry_points.txt').write_text(
        '[%s]\n%s\n' % (namespace, entry_points))


@pytest.fixture
def site_plugin(tmp_path, monkeypatch):
    """Install a distribution declaring the given entry point (a check,
    unless another namespace is given)."""
    def install(line, namespace=base.NAMESPACE):
        _fake_distribution(tmp_path, namespace, line)
        monkeypatch.syspath_prepend(str(tmp_path))
        # stevedore caches entry points per namespace for the process.
        monkeypatch.setattr(extension.ExtensionManager, 'ENTRY_POINT_CACHE',
                            {})
    return install
