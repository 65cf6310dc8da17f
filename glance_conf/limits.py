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

"""What the wire does when nothing is configured, shared by the options
and the transport.

The transport applies these values and the definitions state them in
help text, so both read them here; neither restates them, and the
definitions never import the transport's machinery for a number.
"""

from __future__ import annotations

import ssl

#: Seconds allowed for each deadline of a request when no timeout is
#: given (nova and keystoneauth wait forever): the connection, the
#: response headers and a non-streamed body each get this long.
DEFAULT_TIMEOUT = 60.0
#: Longest wait between two attempts, whatever ``Retry-After`` or a
#: configured delay says (keystoneauth caps its back-off, not
#: ``Retry-After``).
MAX_RETRY_AFTER = 60.0
#: First wait of the doubling back-off used when no delay is configured
#: (0.5 s, 1 s, 2 s... up to :data:`MAX_RETRY_AFTER`, as keystoneauth's).
#: nova waits a fixed 1 s instead.
BACKOFF_START = 0.5
#: Status codes retried when the caller names none: 503 only, the one
#: nova retries (keystoneauth 5.18 would retry 429 as well).
DEFAULT_RETRIABLE_STATUS_CODES = frozenset({503})
#: The TLS floors ``tls_min_version`` may name, and what each means.
TLS_VERSIONS = {'1.2': ssl.TLSVersion.TLSv1_2, '1.3': ssl.TLSVersion.TLSv1_3}
