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

"""Secrets masked in the log lines and exceptions of the transport.

:class:`glance_conf.transport.HardenedSession` installs the log filter on
keystoneauth's, urllib3's and requests' loggers (and its own), and
scrubs every exception it raises: its text, its chained causes and its
``url``, ``request`` and ``response`` attributes. The masking itself is
:mod:`glance_conf.redact`'s.
"""

from __future__ import annotations

import logging
from typing import Any

import requests

from glance_conf import redact

#: Loggers whose lines are masked. Those of keystoneauth, urllib3 and
#: requests that exist when a session is built are masked too.
_LOGGERS = ('keystoneauth', 'keystoneauth.session',
            'keystoneauth.session.request', 'keystoneauth.session.response',
            'keystoneauth.session.body', 'keystoneauth.session.request-id',
            'keystoneauth.adapter', 'urllib3', 'urllib3.connection',
            'urllib3.connectionpool', 'urllib3.poolmanager',
            'urllib3.response', 'urllib3.util.retry', 'requests',
            'glance_conf.transport')
_LOGGER_PREFIXES = ('keystoneauth', 'urllib3', 'requests')


class _RedactFilter(logging.Filter):
    """Rewrites log records with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact.redact_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            scrub(record.exc_info[1])
            record.exc_text = None
        return True


_FILTER = _RedactFilter()


def filter_logger(logger: logging.Logger | logging.LoggerAdapter[Any]
                   ) -> None:
    if isinstance(logger, logging.LoggerAdapter):
        logger = logger.logger
    if isinstance(logger, logging.Logger) and _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def install_log_filter() -> None:
    # A filter on a logger sees only the records logged through that very
    # logger, not those of its children: each one needs it.
    names = set(_LOGGERS)
    names.update(name for name in list(logging.root.manager.loggerDict)
                 if name.startswith(_LOGGER_PREFIXES))
    for name in names:
        filter_logger(logging.getLogger(name))



def _scrub_url_holder(holder: Any) -> None:
    """Mask the URL of a requests request or response, and its history."""
    if isinstance(holder, requests.Response):
        for past in holder.history:
            _scrub_url_holder(past)
        _scrub_url_holder(holder.request)
    if isinstance(holder, (requests.Response, requests.PreparedRequest,
                           requests.Request)):
        if isinstance(holder.url, str):
            holder.url = redact.redact_url(holder.url,
                                           redact.MAX_TEXT_SCANNED)


def scrub(exc: BaseException) -> None:
    """Mask secrets in an exception and all it carries, keeping classes.

    Its text, its chained causes and contexts, the exceptions it wraps
    (urllib3's ``MaxRetryError`` inside requests' ``ConnectionError``),
    and its ``url``, ``request`` and ``response`` attributes.
    """
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        args = []
        for arg in current.args:
            if isinstance(arg, BaseException):
                stack.append(arg)
            elif isinstance(arg, str):
                arg = redact.redact_text(arg)
            args.append(arg)
        current.args = tuple(args)
        for name in ('message', 'details'):
            value = getattr(current, name, None)
            if isinstance(value, str):
                setattr(current, name, redact.redact_text(value))
        url = getattr(current, 'url', None)
        if isinstance(url, str):
            current.url = redact.redact_url(  # type: ignore[attr-defined]
                url, redact.MAX_TEXT_SCANNED)
        for name in ('request', 'response'):
            _scrub_url_holder(getattr(current, name, None))
        for link in (getattr(current, 'reason', None), current.__cause__,
                     current.__context__):
            if isinstance(link, BaseException):
                stack.append(link)
