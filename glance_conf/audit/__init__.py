"""Security audit of ``[glance]`` configurations.

:func:`run` audits a parsed ``ConfigOpts``; :func:`enforce` is the call a
service makes once at start-up, after :func:`glance_conf.register_opts`
and parsing, to log every finding and refuse to start on serious ones.
Both are :mod:`glance_conf.audit.engine`'s, the one place checks run.
"""

from glance_conf.audit.engine import enforce
from glance_conf.audit.engine import run
from glance_conf.audit.exception import AuditFailure
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import AuditedConf

__all__ = ['AuditFailure', 'AuditedConf', 'Finding', 'Severity', 'enforce',
           'run']
