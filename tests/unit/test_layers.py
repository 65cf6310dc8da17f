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

"""The import graph stays layered, as doc/source/design.rst draws it."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / 'glance_conf'

#: Module (dotted, under glance_conf) or package prefix -> its layer.
#: Below the auditor, the drop-in; inside it, from the bottom: its errors
#: and the finding; what reads files (sources, waivers, baselines,
#: bundles, the probe's mechanism); the parsed config and the result
#: model; the check interface; the checks; plugin loading and the one
#: check loop; the run modes and fix; the writers; the command line.
LAYERS = {
    'exception': 1, 'redact': 1, '_help': 1, '_files': 1, 'limits': 1,
    'ini': 1,
    'types': 2, '_ciphers': 2,
    'transport': 3, '_redirects': 3, '_deadlines': 3, '_scrub': 3,
    'definitions': 4,
    'glance': 5, '_ksa': 5, 'opts': 5, 'locate': 5,
    'loading': 6,
    'audit.exception': 7, 'audit.cwe': 7, 'audit.identity': 7,
    'audit.finding': 8,
    'audit.source': 9, 'audit.baseline': 9, 'audit.waivers': 9,
    'audit.projectconfig': 9, 'audit.bundle': 9, 'audit.helptext': 9,
    # The probe's mechanism, one job per module, importing one another
    # one way only (endpoints, observation, tls and discovery, wire,
    # catalog, prober, its face): the circle test holds that.
    'audit.probe': 9, 'audit.probe.endpoints': 9,
    'audit.probe.observation': 9, 'audit.probe.tls': 9,
    'audit.probe.discovery': 9, 'audit.probe.wire': 9,
    'audit.probe.catalog': 9, 'audit.probe.prober': 9,
    # What each service reads (its profile of options): data, below the
    # parsed config that holds it.
    'audit.services': 9,
    'audit.target': 10, 'audit.result': 10, 'audit.remedy': 10,
    # What hosts are compared on (GC601's table, the heat-map's columns):
    # data beside the parsed config it reads, below the check and the
    # writers that share it.
    'audit.posture': 10,
    # The audit's own ConfigOpts, that a file is parsed into: below the
    # run modes that parse and the fixer that re-parses.
    'audit.configure': 10,
    # What the checks cite: data below the checks, not the report.
    'audit.references': 10,
    # The report package itself only names the format plugins' namespace
    # (the manager loads them); the writers sit on top.
    'audit.report': 10,
    'audit.base': 11,
    'audit.checks': 12,
    'audit.manager': 13, 'audit.engine': 13,
    # The run modes (one module each, over what they share), and the
    # runner that names them for their callers.
    'audit.modes': 14, 'audit.runner': 14, 'audit.fix': 14,
    'audit.report.text': 15, 'audit.report.json_report': 15,
    'audit.report.sarif': 15, 'audit.report.junit': 15,
    'audit.report.prometheus': 15, 'audit.report.html': 15,
    'audit.report.html_tables': 15, 'audit.report.html_assets': 15,
    'audit.report.stream': 15,
    # The --compliance report is a writer: no check imports it.
    'audit.compliance': 15,
    'audit.catalogue': 15,
    # The auditor's face re-exports its public API; a whole run as the
    # command line asks for it (the request) sits beside it, above the
    # modes it runs and the text writer whose escaping its errors use.
    'audit': 16, 'audit.request': 16,
    'upgradecheck': 16,
    'cmd': 17,
}
#: The package's own __init__ re-exports the public API of every layer.
TOP = ''


def _module(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix('').parts
    if parts[-1] == '__init__':
        parts = parts[:-1]
    return '.'.join(parts)


def layer(module: str) -> int:
    best = ''
    for prefix in LAYERS:
        if (module == prefix or module.startswith(prefix + '.')) \
                and len(prefix) > len(best):
            best = prefix
    if not best:
        raise AssertionError('%s has no layer in LAYERS' % module)
    return LAYERS[best]


def _runtime_imports(tree: ast.Module,
                     typing_too: bool = False) -> list[str]:
    """glance_conf modules imported at run time (and, with
    ``typing_too``, for type checking)."""
    found = []
    skip: set[int] = set()
    for node in ast.walk(tree):
        if not typing_too and isinstance(node, ast.If) \
                and 'TYPE_CHECKING' in ast.dump(node.test):
            skip.update(id(child) for child in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and \
                node.module.startswith('glance_conf'):
            base = node.module[len('glance_conf'):].lstrip('.')
            for alias in node.names:
                name = '%s.%s' % (base, alias.name) if base else alias.name
                found.append(name if _is_module(name) else base)
        elif isinstance(node, ast.Import):
            found += [a.name[len('glance_conf.'):] for a in node.names
                      if a.name.startswith('glance_conf.')]
    return found


def _is_module(dotted: str) -> bool:
    path = PACKAGE.joinpath(*dotted.split('.'))
    return path.with_suffix('.py').exists() or (path / '__init__.py').exists()


SOURCES = sorted(p for p in PACKAGE.rglob('*.py') if _module(p) != TOP)


@pytest.mark.parametrize('path', SOURCES,
                         ids=lambda p: _module(p) or 'glance_conf')
def test_nothing_imports_upward(path):
    """Not even for type checking: an annotation that names a module
    above is an arrow running back up all the same."""
    here = layer(_module(path))
    tree = ast.parse(path.read_text())
    upward = [name for name in _runtime_imports(tree, typing_too=True)
              if name and layer(name) > here]
    assert not upward, '%s (layer %d) imports %s' % (
        _module(path), here, upward)


def test_the_layer_check_can_fail():
    tree = ast.parse('from glance_conf.audit import engine\n')
    assert [layer(n) for n in _runtime_imports(tree)] == [13]
    assert layer('audit.report.text') == 15 > layer('audit.result')


#: What a writer never imports: a check, the check loop, the run modes,
#: fix, or the command line. It reads the result it is given.
_NOT_FOR_WRITERS = ('audit.checks', 'audit.manager', 'audit.engine',
                    'audit.runner', 'audit.fix', 'cmd')


def _writer_reaches(module: str) -> list[str]:
    return [name for name in _graph()[module]
            if name.startswith(_NOT_FOR_WRITERS)]


@pytest.mark.parametrize('module', [
    m for m in (_module(p) for p in SOURCES)
    if m.startswith('audit.report.') or m == 'audit.compliance'])
def test_writers_read_the_result_never_a_check(module):
    assert _writer_reaches(module) == []


def test_the_writer_check_can_fail(monkeypatch):
    graph = _graph()
    graph['audit.report.text'] = {'audit.checks.fleet', 'audit.result'}
    monkeypatch.setattr(sys.modules[__name__], '_graph', lambda: graph)
    assert _writer_reaches('audit.report.text') == ['audit.checks.fleet']


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in SOURCES:
        tree = ast.parse(path.read_text())
        graph[_module(path)] = {
            name for name in _runtime_imports(tree, typing_too=True)
            if name and name != _module(path)}
    return graph


def _circle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of imports, if there is any (depth-first)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_no_import_circles():
    assert _circle(_graph()) == []


def test_the_circle_check_can_fail():
    graph = {'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': {'a'}}
    assert _circle(graph) == ['a', 'b', 'c', 'a']
    assert _circle({'a': {'b'}, 'b': set()}) == []


def test_importing_the_drop_in_loads_no_auditor():
    """A service that swaps its [glance] module pays nothing for the
    audit: ``import glance_conf`` (and registering) loads no module of
    ``glance_conf.audit``, ``glance_conf.cmd`` or the upgrade checks."""
    code = ('import sys, oslo_config.cfg, glance_conf\n'
            'glance_conf.register_opts(oslo_config.cfg.ConfigOpts())\n'
            'print("\\n".join(m for m in sys.modules\n'
            '                 if m.startswith("glance_conf")))\n')
    loaded = subprocess.run([sys.executable, '-c', code], check=True,
                            capture_output=True, text=True).stdout.split()
    assert 'glance_conf' in loaded
    assert [m for m in loaded if m.startswith(
        ('glance_conf.audit', 'glance_conf.cmd',
         'glance_conf.upgradecheck'))] == []


#: A module a newcomer can hold: at most this many lines, but for the
#: option table, which is the design (``definitions.py``).
MAX_MODULE_LINES = 600
#: A function that fits on a screen.
MAX_FUNCTION_LINES = 60
_LONG_BY_DESIGN = ('definitions',)


def _too_long(module: str, text: str) -> list[str]:
    found = []
    if module not in _LONG_BY_DESIGN and \
            len(text.splitlines()) > MAX_MODULE_LINES:
        found.append('%s: %d lines' % (module, len(text.splitlines())))
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append('%s.%s: %d lines' % (module, node.name,
                                                  length))
    return found


def test_no_module_or_function_too_long():
    assert [long for path in SOURCES
            for long in _too_long(_module(path), path.read_text())] == []


def test_the_length_check_can_fail():
    body = ''.join('    x = %d\n' % i for i in range(MAX_FUNCTION_LINES))
    assert _too_long('audit.x', 'def f():\n' + body) == [
        'audit.x.f: %d lines' % (MAX_FUNCTION_LINES + 1)]
    assert _too_long('audit.x', 'x = 1\n' * (MAX_MODULE_LINES + 1)) == [
        'audit.x: %d lines' % (MAX_MODULE_LINES + 1)]
    assert _too_long('definitions', 'x = 1\n' * 700) == []
