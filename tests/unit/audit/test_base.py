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

"""The check interface."""

from __future__ import annotations

import pytest
from oslo_config import cfg

import glance_conf
from glance_conf.audit import base
from glance_conf.audit import source
from glance_conf.audit.finding import MAX_BLAMED
from glance_conf.audit.finding import Severity
from glance_conf.audit.target import AuditedConf


class Sample(base.Check):
    """Explains the risk.

    And the fix.
    """

    id = 'GC901'
    severity = Severity.LOW
    cwe = 20
    title = 'Sample'
    remediation = 'Do the thing.'

    def run(self, conf):
        yield self.finding('glance.x', 'message')


def test_finding_helper_fills_the_check_fields():
    [found] = list(Sample().run(None))
    assert (found.check_id, found.severity, found.cwe, found.remediation) == \
        ('GC901', Severity.LOW, 20, 'Do the thing.')


def test_doc_is_the_dedented_docstring():
    assert Sample.doc() == 'Explains the risk.\n\nAnd the fix.'


@pytest.mark.parametrize('value,ok', [
    ('GC101', True), ('GC999', True), ('GC01', False), ('GC012', False),
    ('gc101', False), ('XX101', False), ('GC1011', False)])
def test_id_pattern(value, ok):
    assert bool(base.ID_RE.fullmatch(value)) is ok


def test_abstract_check_cannot_be_instantiated():
    with pytest.raises(TypeError):
        base.Check()


def test_tags_are_the_cwe_then_the_references():
    """SARIF reads the CWE tag in GitHub's form; references follow."""
    assert Sample.tags() == ['external/cwe/cwe-20']
    cited = type('Cited', (Sample,), {'references': ('nist-800-53/CM-6',)})
    assert cited.tags() == ['external/cwe/cwe-20', 'nist-800-53/CM-6']


@pytest.mark.parametrize('framework,ident', [
    ('security-guide', 'Check-Compute-05'), ('ossn', 'OSSN-0090'),
    ('nist-800-53', 'SC-8'), ('nist-800-53', 'SI-7(15)')])
def test_framework_patterns_accept_their_ids(framework, ident):
    assert base.FRAMEWORKS[framework].fullmatch(ident)


class _Debug(base.ValueCheck):
    """A declared check of a [DEFAULT] option."""

    id = 'GC999'
    severity = Severity.LOW
    cwe = 0
    title = 'debug on'
    remediation = 'Turn it off.'
    option = 'debug'
    group = 'DEFAULT'
    message = 'debug is %(value)s.'

    def unsafe(self, value):
        return value is True


class _Retries(base.ValueCheck):
    id = 'GC998'
    severity = Severity.LOW
    cwe = 0
    title = 'retries'
    remediation = 'Fewer.'
    option = 'num_retries'
    message = 'num_retries is %(value)s.'

    def unsafe(self, value):
        return value > 3


@pytest.mark.parametrize('text, found', [
    ('[DEFAULT]\ndebug = true\n', ['DEFAULT.debug debug is True.']),
    ('[DEFAULT]\ndebug = false\n', []),
    ('[glance]\nnum_retries = 5\n', ['glance.num_retries num_retries is 5.']),
    ('[glance]\nnum_retries = 2\n', []),
    # A refused value is GC302's: never judged by a value check.
    ('[glance]\nnum_retries = many\n', []),
])
def test_a_value_check_is_a_declaration(write_conf, text, found):
    conf = cfg.ConfigOpts()
    conf.register_opts([cfg.BoolOpt('debug', default=False)])
    glance_conf.register_opts(conf)
    path = write_conf(text)
    target = AuditedConf(conf, [source.read_file(str(path))])
    conf(['--config-file', str(path)])
    results = [f for check in (_Debug(), _Retries())
               for f in check.run(target)]
    assert ['%s %s' % (f.option, f.message) for f in results] == found


@pytest.mark.parametrize('sides, expected', [
    ([(2, ['a', 'b'])], ('a', 'b')),
    ([(1, ['a']), (2, ['b', 'c'])], ('a', 'b', 'c')),
    ([(1, ['a']), (1, ['a'])], ('a',)),
    # A side counted more hosts than it kept: who all is blamed is not
    # known, and no one is named.
    ([(1, ['a']), (3, ['b', 'c'])], ()),
    ([(MAX_BLAMED, ['h%d' % i for i in range(MAX_BLAMED)])],
     tuple('h%d' % i for i in range(MAX_BLAMED))),
    ([(MAX_BLAMED, ['h%d' % i for i in range(MAX_BLAMED)]), (1, ['x'])],
     ()),
    ([], ()),
])
def test_blamed_files_are_all_or_none(sides, expected):
    assert base.blamed_files(sides) == expected


def test_a_side_keeps_every_host_while_it_can_name_them_all():
    kept: list[str] = []
    for count in range(1, MAX_BLAMED + 1):
        base.keep_blamed(kept, 'h%d' % count, count, 5)
    assert len(kept) == MAX_BLAMED
    assert base.blamed_files([(MAX_BLAMED, kept)]) == tuple(kept)
    for count in range(MAX_BLAMED + 1, MAX_BLAMED + 50):
        base.keep_blamed(kept, 'h%d' % count, count, 5)
    assert kept == ['h1', 'h2', 'h3', 'h4', 'h5']
    assert base.blamed_files([(MAX_BLAMED + 49, kept)]) == ()
