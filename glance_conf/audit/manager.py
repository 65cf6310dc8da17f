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

"""Load the audit's plugins with stevedore, and refuse anything doubtful.

Two kinds: the checks (``glance_conf.audit.checks``) and the report
formats (``glance_conf.audit.formats``). Loading fails closed: a plugin
that cannot be imported, is not what its namespace holds, is malformed,
or shares its name with another is an error, never skipped. An audit
that silently ran fewer checks would report a clean bill of health it
did not earn; a ``--format`` that silently meant another writer would
feed CI a report it cannot read.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from typing import Any
from typing import TypeVar

from stevedore import extension

from glance_conf.audit import base
from glance_conf.audit import report
from glance_conf.audit import services
from glance_conf.audit.exception import CheckLoadError
from glance_conf.audit.exception import FormatLoadError
from glance_conf.audit.exception import PluginLoadError
from glance_conf.audit.finding import Severity

CheckClass = type[base.Check] | type[base.FleetCheck]

_Failure = Callable[[Any, Any, BaseException], None]


def _raise(error: type[PluginLoadError]) -> _Failure:
    def on_failure(manager: Any, entrypoint: Any,
                   exc: BaseException) -> None:
        raise error(getattr(entrypoint, 'name', '?'),
                    'cannot be loaded: %s: %s'
                    % (type(exc).__name__, exc)) from exc
    return on_failure


def _manager(namespace: str, error: type[PluginLoadError]
             ) -> extension.ExtensionManager[Any]:
    return extension.ExtensionManager(
        namespace=namespace, invoke_on_load=False,
        on_load_failure_callback=_raise(error))


def get_manager() -> extension.ExtensionManager[Any]:
    """A stevedore manager over the ``glance_conf.audit.checks`` plugins."""
    return _manager(base.NAMESPACE, CheckLoadError)


def get_format_manager() -> extension.ExtensionManager[Any]:
    """A stevedore manager over the ``glance_conf.audit.formats`` plugins."""
    return _manager(report.NAMESPACE, FormatLoadError)


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
    _validate_references(name, getattr(plugin, 'references', None))
    _validate_services(name, check_id, getattr(plugin, 'services', None))
    return plugin


def _validate_services(name: str, check_id: str, names: Any) -> None:
    """A tuple of distinct known services; an ID in a service's range
    (``services.ID_RANGES``) belongs to that service alone."""
    if not isinstance(names, tuple) or not names \
            or len(set(names)) != len(names) \
            or not set(names) <= set(services.SERVICES):
        raise CheckLoadError(name, 'services must be a tuple of distinct '
                             'services among %s' % ', '.join(
                                 services.SERVICES))
    number = int(check_id[2:])
    for service, ids in services.ID_RANGES.items():
        if number in ids and names != (service,):
            raise CheckLoadError(name, 'IDs GC%d-GC%d are kept for %s '
                                 'checks' % (ids[0], ids[-1], service))


def for_service(checks: Iterable[CheckClass], service: str
                ) -> list[CheckClass]:
    """The checks among ``checks`` that judge ``service``'s files."""
    return [c for c in checks if service in c.services]


def _validate_references(name: str, references: Any) -> None:
    """A tuple of distinct ``<framework>/<ID>`` strings, known frameworks."""
    if not isinstance(references, tuple):
        raise CheckLoadError(name, 'references must be a tuple of strings')
    for ref in references:
        framework, _, ident = ref.partition('/') if isinstance(
            ref, str) else ('', '', '')
        pattern = base.FRAMEWORKS.get(framework)
        if pattern is None or not pattern.fullmatch(ident):
            raise CheckLoadError(name, 'malformed reference %r; expected '
                                 '<framework>/<ID> with framework one of '
                                 '%s, such as nist-800-53/SC-8' % (
                                     ref, ', '.join(sorted(base.FRAMEWORKS))))
    if len(set(references)) != len(references):
        raise CheckLoadError(name, 'references name one item twice')


def load_checks(manager: extension.ExtensionManager[Any] | None = None
                ) -> list[CheckClass]:
    """Every check class, validated, sorted by ID.

    :param manager: a stevedore manager to take the plugins from; tests
        pass one made with ``ExtensionManager.make_test_instance``.
    :raises CheckLoadError: on any malformed, unloadable or duplicate
        check.
    """
    checks = _load(manager or get_manager(), validate_check, CheckLoadError,
                   'duplicate ID {name}', 'no checks are installed')
    return list(checks.values())


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


def validate_format(name: str, plugin: Any) -> report.Writer:
    """Return ``plugin`` if it is a writer function for format ``name``."""
    if not report.NAME_RE.fullmatch(name):
        raise FormatLoadError(name, 'malformed name; expected lower-case '
                              'letters, digits and hyphens, such as json')
    # A class is callable too, but calling it would write nothing.
    if isinstance(plugin, type) or not callable(plugin):
        raise FormatLoadError(name, 'is not a writer function '
                              '(result, stream)')
    writer: report.Writer = plugin
    return writer


def load_formats(manager: extension.ExtensionManager[Any] | None = None
                 ) -> dict[str, report.Writer]:
    """Every report writer, validated, by format name.

    :param manager: a stevedore manager to take the plugins from; tests
        pass one made with ``ExtensionManager.make_test_instance``.
    :raises FormatLoadError: on any malformed, unloadable or duplicate
        format.
    """
    return _load(manager or get_format_manager(), validate_format,
                 FormatLoadError, 'duplicate format name',
                 'no report formats are installed')


_Plugin = TypeVar('_Plugin')


def _load(manager: extension.ExtensionManager[Any],
          validate: Callable[[str, Any], _Plugin],
          error: type[PluginLoadError], duplicate: str,
          none: str) -> dict[str, _Plugin]:
    """Each plugin of ``manager``, validated, by name, sorted: fail closed
    on a duplicate name or on none at all."""
    plugins: dict[str, _Plugin] = {}
    for ext in manager.extensions:
        plugin = validate(ext.name, ext.plugin)
        if ext.name in plugins:
            raise error(ext.name, duplicate.format(name=ext.name))
        plugins[ext.name] = plugin
    if not plugins:
        raise error(manager.namespace, none)
    return dict(sorted(plugins.items()))
