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

"""A whole run as one record: the request, and the library that runs it."""

from __future__ import annotations

import dataclasses
import io

import pytest

from glance_conf.audit import compliance
from glance_conf.audit import manager
from glance_conf.audit import request as request_mod
from glance_conf.audit.exception import RequestError
from glance_conf.audit.finding import Severity
from glance_conf.audit.request import Request
from glance_conf.audit.request import execute
from glance_conf.cmd import audit as cli
from tests import bundles

INSECURE = '[glance]\ninsecure = True\n'


def test_the_mode_follows_what_is_audited():
    assert Request().mode == 'service'
    assert Request(config=(('--config-file', 'a.conf'),)).mode == 'service'
    assert Request(files=('a.conf',)).mode == 'fleet'
    assert Request(bundles='dir').mode == 'bundles'


def test_a_library_caller_runs_a_fleet_without_argparse(write_conf):
    paths = (str(write_conf(INSECURE, 'compute-1.conf')),
             str(write_conf('[glance]\n', 'compute-2.conf')))
    result = execute(Request(files=paths, skip=('GC601',)))
    try:
        assert result.mode == 'fleet' and result.files == 2
        assert {f.check_id for f in result.findings} >= {'GC101'}
        assert 'GC601' not in {c.id for c in result.checks}
        assert result.gate_fails and result.fail_on is Severity.MEDIUM
    finally:
        result.close()
    never = execute(Request(files=paths, fail_on=None))
    try:
        assert not never.gate_fails
    finally:
        never.close()


def test_the_live_checks_are_the_probe_s():
    """A request runs the plain audit: the probe's checks need the
    ``probe`` subcommand's endpoints."""
    result = execute(Request(config=(('--config-file', '/dev/null'),)))
    try:
        assert not [c for c in result.checks if c.live]
    finally:
        result.close()


@pytest.mark.parametrize('request_, message', [
    (Request(files=('a.conf',), config=(('--config-file', 'b.conf'),)),
     'give either FILE arguments (fleet mode) or --config-file/--config-dir '
     '(service mode), not both'),
    (Request(service='cinder', defaults='glance-conf'),
     "--defaults glance-conf is about nova's [glance] options; --service "
     'cinder is judged by its own defaults'),
    (Request(bundles='d', root='/'), '--bundles and --root contradict each '
     "other: the host checks run from the facts each bundle recorded on "
     "its host, never from this machine's disk"),
    (Request(offline=True, root='/'), '--offline and --root contradict '
     'each other: --root runs the host checks'),
    (Request(grouping=lambda path: ('g',)),
     '--group-by and --groups need FILE arguments (fleet mode)'),
    (Request(skip=('GC999',)), "audit check 'GC999': no such check to skip"),
])
def test_a_request_that_contradicts_itself_is_refused(request_, message):
    with pytest.raises(RequestError) as caught:
        execute(request_)
    assert str(caught.value) == message


@pytest.mark.parametrize('fields, message', [
    ({'service': 'bogus'}, 'Request.service: one of nova, cinder, '
     'glance-api, or None to recognise it'),
    # What a JSON report of a mixed fleet says: not a service to judge by.
    ({'service': 'mixed', 'files': ('a.conf',)}, 'Request.service: '),
    ({'defaults': 'glance_conf'}, 'Request.defaults: one of '),
    ({'fail_on': 'high'}, 'Request.fail_on: a Severity'),
    ({'files': 'compute-1.conf'}, 'Request.files: a sequence, not one '
     'string'),
])
def test_a_hand_built_request_of_the_wrong_shape_is_refused(fields,
                                                            message):
    """What argparse rules out on the command line, named for a
    library caller, before anything is read."""
    with pytest.raises(RequestError) as caught:
        execute(Request(**fields))
    assert str(caught.value).startswith(message)


def test_a_report_over_the_config_found_by_default_is_refused(
        tmp_path, monkeypatch):
    """Service mode without flags reads the config where nova finds it:
    that file is an input too."""
    monkeypatch.setenv('HOME', str(tmp_path))
    found = tmp_path / '.nova' / 'nova.conf'
    found.parent.mkdir()
    found.write_text(INSECURE)
    with pytest.raises(RequestError, match='is a file this run reads'):
        execute(Request(offline=True, reports=(('json', str(found)),)))
    assert found.read_text() == INSECURE


def test_files_the_run_needs_are_refused_naming_their_flag(tmp_path):
    missing = str(tmp_path / 'missing')
    for given, flag in (({'waivers': missing}, 'waivers'),
                        ({'baseline': missing}, '--baseline'),
                        ({'previous': missing}, '--previous'),
                        ({'bundles': missing}, '--bundles')):
        with pytest.raises(RequestError, match='^%s %s: ' % (flag,
                                                             missing)):
            execute(Request(**given))


def test_a_report_over_a_file_the_run_reads_is_refused(write_conf):
    path = str(write_conf(INSECURE))
    with pytest.raises(RequestError) as caught:
        execute(Request(files=(path,), reports=(('json', path),)))
    assert str(caught.value) == '--output %s is a file this run reads' % path


def test_warnings_go_to_the_caller(tmp_path):
    """Two files named after one host share fingerprints: said once,
    before the run, through ``warn``."""
    paths = []
    for directory in ('a', 'b'):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / 'compute.conf').write_text(INSECURE)
        paths.append(str(tmp_path / directory / 'compute.conf'))
    report = str(tmp_path / 'base.json')
    assert cli.run([paths[0], '--format', 'json', '--output', report],
                   io.StringIO(), io.StringIO()) == 1
    # Said with a baseline, and without one when a report gives hosts.
    for asked in (Request(files=tuple(paths), baseline=report),
                  Request(files=tuple(paths), reports=(('json', None),))):
        told = []
        execute(asked, warn=told.append).close()
        assert told == ['1 host name(s) shared by several files, such as '
                        'compute: their findings share a host and '
                        'fingerprints (baselines, SARIF alerts, metrics, '
                        'waivers\' hosts); name each file after its host']
    told = []
    execute(Request(files=(paths[0],)), warn=told.append).close()
    assert told == []
    # The text report names files, not hosts: nothing to say.
    execute(Request(files=tuple(paths)), warn=told.append).close()
    assert told == []
    execute(Request(files=tuple(paths), reports=(('sarif', None),)),
            warn=told.append).close()
    assert len(told) == 1
    # Waivers: only those scoped by hosts care who is who.
    for scope, said in (('', 0), ('  hosts: compute\n', 1)):
        told = []
        waiver = tmp_path / 'w.yaml'
        waiver.write_text('- id: GC101\n  reason: r\n  owner: o\n'
                          '  expires: 2999-01-01\n' + scope)
        execute(Request(files=tuple(paths), waivers=str(waiver)),
                warn=told.append).close()
        assert len(told) == said
    # Nor is one file named twice two hosts sharing a name.
    execute(Request(files=(paths[0], paths[0]), reports=(('json', None),)),
            warn=told.append).close()
    assert len(told) == 1


def test_bundles_and_observers(tmp_path):
    bundles.write(tmp_path, bundles.bundle('compute-07'))
    collector = compliance.Collector()
    seen = []
    result = execute(Request(bundles=str(tmp_path),
                             observers=(collector,)),
                     progress=lambda done, total: seen.append(done))
    try:
        assert result.bundles and list(result.hosts) == ['compute-07']
        assert seen == [1]
    finally:
        result.close()


# -- The command line and the library agree -------------------------------

#: A value for each flag other than its default.
EVERY_FLAG = ['a.conf', '--bundles', 'bundles', '--config-file', 'b.conf',
              '--format', 'json', '--output', 'out.json', '--fail-on', 'low',
              '--docs-url', 'https://docs.example/audit/checks.html',
              '--sarif-min-severity', 'low', '--sarif-max-results', '3',
              '--sarif-include-waived', '--defaults', 'glance-conf',
              '--service', 'cinder', '--skip', 'GC101,GC102', '--baseline',
              'base.json', '--previous', 'prev.json', '--list-checks',
              '--compliance', 'security-guide', '--no-progress',
              '--offline', '--root', '/', '--service-user', '1',
              '--service-group', '2', '--waivers', 'w.yaml',
              '--show-suppressed', '--project-config', 'p.yaml',
              '--group-by', '(.*)']


def _parsed(argv):
    parser = cli.build_parser(io.StringIO(), io.StringIO(),
                              list(manager.load_formats()))
    return parser, parser.parse_args(argv)


def test_every_field_of_the_request_comes_from_the_command_line():
    """A field the CLI does not fill (a new one, or a renamed flag)
    fails here: each differs from its default when every flag is given."""
    _, args = _parsed(EVERY_FLAG)
    used = object()
    watcher = compliance.Collector()
    request = cli.request_of(args, used, [watcher])
    default = Request()
    unset = [f.name for f in dataclasses.fields(Request)
             if getattr(request, f.name) == getattr(default, f.name)]
    assert unset == []
    assert request.skip == ('GC101', 'GC102')
    assert request.config == (('--config-file', 'b.conf'),)
    assert request.fail_on is Severity.LOW
    assert request.reports == (('json', 'out.json'),)
    assert request.project_config is used
    assert request.observers == (watcher,)
    assert request.rendering.sarif_max_results == 3


def test_every_flag_is_a_field_of_the_request_or_the_command_s_own():
    """A new flag must reach the library under its own name, or be
    listed as the command line's (``OWN_FLAGS``)."""
    parser, _ = _parsed([])
    dests = {action.dest for action in parser._actions}
    fields = {f.name for f in dataclasses.fields(Request)}
    assert dests - fields - set(cli.OWN_FLAGS) == set()
    assert set(cli.OWN_FLAGS) <= dests
    assert not set(cli.OWN_FLAGS) & fields


def test_the_command_line_hands_one_request_to_the_library(monkeypatch,
                                                           write_conf):
    path = str(write_conf(INSECURE))
    given = []
    real = request_mod.execute

    def spy(request, **kwargs):
        given.append(request)
        return real(request, **kwargs)
    monkeypatch.setattr(request_mod, 'execute', spy)
    out, err = io.StringIO(), io.StringIO()
    assert cli.run([path, '--skip', 'GC601', '--fail-on', 'never'],
                   out, err) == 0
    [request] = given
    assert request == Request(files=(path,), skip=('GC601',), fail_on=None)
