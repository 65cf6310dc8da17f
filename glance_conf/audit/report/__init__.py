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

"""Report writers: text for people, JSON for scripts, SARIF for CI.

A writer is a function ``render(result, out)`` that takes a
:class:`~glance_conf.audit.result.Result` and a text stream, and streams
the findings from the result's spool. Writers are plugins in the
``glance_conf.audit.formats`` entry-point namespace, the entry point's
name being the ``--format`` name; :func:`glance_conf.audit.manager.
load_formats` loads them and fails closed. A writer takes its tool
identity from :mod:`glance_conf.audit.identity`, never from this package.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import TextIO

if TYPE_CHECKING:
    from glance_conf.audit.result import Result

NAMESPACE = 'glance_conf.audit.formats'

#: A format name: what ``--format`` accepts.
NAME_RE = re.compile(r'[a-z][a-z0-9-]{0,31}')

Writer = Callable[['Result', TextIO], None]
