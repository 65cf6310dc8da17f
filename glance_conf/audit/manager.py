"""Load the checks with stevedore, and refuse anything doubtful.

Loading fails closed: a check that cannot be imported, is not a check
class, has a malformed or mismatched ID, or shares its ID with another is
an error, never skipped. An audit that silently ran fewer checks would
report a clean bill of health it did not earn.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stevedore import extension

from glance_conf.audit import base
from glance_conf.audit.finding import Severity
from glance_conf.exception import GlanceConfError

CheckClass = type[base.Check] | type[base.FleetCheck]


class CheckLoadError(GlanceConfError):
    """A check plugin could not be loaded or is malformed."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__('audit check %r: %s' % (name, reason))


def _raise_on_failure(manager: Any, entrypoint: Any,
                      exc: BaseException) -> None:
    raise CheckLoadError(getattr(entrypoint, 'name', '?'),
                         'cannot be loaded: %s: %s'
                         % (type(exc).__name__, exc)) from exc


def get_manager() -> extension.ExtensionManager[Any]:
    """A stevedore manager over the ``glance_conf.audit.checks`` plugins."""
    return extension.ExtensionManager(
        namespace=base.NAMESPACE, invoke_on_load=False,
        on_load_failure_callback=_raise_on_failure)


def validate_check(name: str, plugin: Any) -> CheckClass:
    """Return ``plugin`` if it is a well-formed check class for ``name``."""
    if not (isinstance(plugin, type)
            and issubclass(plugin, (base.Check, base.FleetCheck))):
        raise CheckLoadError(name, 'is not a Check or FleetCheck class')
    check_id = getattr(plugin, 'id', None)
    if not isinstance(check_id, str) or not base.ID_RE.fullmatch(check_id):
        raise CheckLoadError(name, 'malformed ID %r; expected GC and three '
                             'digits, such as GC101' % (check_id,))
    if check_id != name:
        raise CheckLoadError(name, 'entry point name does not match the '
                             'class ID %s' % check_id)
    if not isinstance(getattr(plugin, 'severity', None), Severity):
        raise CheckLoadError(name, 'severity must be a Severity')
    cwe = getattr(plugin, 'cwe', None)
    if not isinstance(cwe, int) or isinstance(cwe, bool) or cwe <= 0:
        raise CheckLoadError(name, 'cwe must be a positive CWE number')
    for field in ('title', 'remediation'):
        if not isinstance(getattr(plugin, field, None), str):
            raise CheckLoadError(name, '%s must be a string' % field)
    if not plugin.doc():
        raise CheckLoadError(name, 'has no docstring to document it')
    return plugin


def load_checks(manager: extension.ExtensionManager[Any] | None = None
                ) -> list[CheckClass]:
    """Every check class, validated, sorted by ID.

    :param manager: a stevedore manager to take the plugins from; tests
        pass one made with ``ExtensionManager.make_test_instance``.
    :raises CheckLoadError: on any malformed, unloadable or duplicate
        check.
    """
    if manager is None:
        manager = get_manager()
    checks: dict[str, CheckClass] = {}
    for ext in manager.extensions:
        plugin = validate_check(ext.name, ext.plugin)
        if plugin.id in checks:
            raise CheckLoadError(ext.name, 'duplicate ID %s' % plugin.id)
        checks[plugin.id] = plugin
    if not checks:
        raise CheckLoadError(base.NAMESPACE, 'no checks are installed')
    return [checks[check_id] for check_id in sorted(checks)]


def select(checks: Iterable[CheckClass], skip: Iterable[str] = ()
           ) -> list[CheckClass]:
    """Drop the checks whose IDs are in ``skip``; unknown IDs are errors."""
    checks = list(checks)
    skip = {s.strip().upper() for s in skip if s.strip()}
    unknown = skip - {c.id for c in checks}
    if unknown:
        raise CheckLoadError(','.join(sorted(unknown)),
                             'no such check to skip')
    return [c for c in checks if c.id not in skip]
