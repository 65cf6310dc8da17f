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

"""The schemas real consumers enforce, read where .ci/run says they are."""

from __future__ import annotations

import os
import pathlib

import pytest

#: The folder of the schemas real consumers enforce (Jenkins' JUnit XSD,
#: OASIS SARIF 2.1.0), published by others and not copied here; .ci/run
#: points this at the shared reference folder.
REFERENCE_ENV = 'GLANCE_CONF_REFERENCE_DIR'


def reference_file(name: str) -> pathlib.Path:
    """A consumer's schema from :data:`REFERENCE_ENV`, or a skip that
    says why the check against it did not run."""
    folder = os.environ.get(REFERENCE_ENV)
    if not folder:
        pytest.skip('%s is not set: the check against the consumer\'s own '
                    'schema %s needs it (.ci/run sets it)' % (REFERENCE_ENV,
                                                             name))
    path = pathlib.Path(folder) / name
    if not path.is_file():
        pytest.skip('%s has no %s' % (folder, name))
    return path
