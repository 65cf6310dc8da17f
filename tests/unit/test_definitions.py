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

"""Each option is defined once, and everything else reads that definition."""

from __future__ import annotations

import re

import pytest

from glance_conf import definitions
from glance_conf import glance
from glance_conf import limits

LISTED = {opt.dest: opt for opt in glance.listed_opts()}
DEFS = {d.dest: d for d in definitions.DEFINITIONS}

_NUMBER = r'([0-9]+(?:\.[0-9]+)?)'
_FROM_TO = re.compile(r'from %s\s+to\s+%s' % (_NUMBER, _NUMBER))
_ABOVE = re.compile(r'above %s\s+and\s+at\s+most\s+%s' % (_NUMBER, _NUMBER))
_CHARACTERS = re.compile(r'at\s+most\s+%s\s+characters' % _NUMBER)
_ENTRIES = re.compile(r'at\s+most\s+%s\s+(?:absolute|IDs|HTTP|drawn)'
                      % _NUMBER)
#: Ranges a help text may state that are not an option's bound: the TCP
#: port range of a URL.
_OTHER_RANGES = {(1.0, 65535.0)}


def _num(text: str) -> float:
    return float(text)


def test_every_listed_option_has_exactly_one_definition():
    assert sorted(LISTED) == sorted(DEFS)
    assert len(DEFS) == len(definitions.DEFINITIONS)


@pytest.mark.parametrize('dest', sorted(DEFS))
def test_the_opt_is_what_its_definition_says(dest):
    opt, definition = LISTED[dest], DEFS[dest]
    assert opt.type == definition.type
    assert opt.help == definition.render_help()
    assert opt.default == definition.default
    if definition.opt_class is not None:
        assert type(opt) is definition.opt_class


@pytest.mark.parametrize('dest', sorted(DEFS))
def test_the_help_states_the_types_bounds_and_no_others(dest):
    help_text = ' '.join(LISTED[dest].help.split())
    limits = {k: float(v) for k, v in DEFS[dest].limits().items()
              if isinstance(v, (int, float)) and not isinstance(v, bool)}
    ranges = {(limits.get('min'), limits.get('max')),
              (limits.get('item_min'), limits.get('item_max'))}
    for low, high in _FROM_TO.findall(help_text):
        assert (_num(low), _num(high)) in ranges | _OTHER_RANGES, help_text
    for low, high in _ABOVE.findall(help_text):
        assert (_num(low), _num(high)) in ranges, help_text
    lengths = {limits.get('max_length'), limits.get('item_max_length')}
    for length in _CHARACTERS.findall(help_text):
        assert _num(length) in lengths, help_text
    for count in _ENTRIES.findall(help_text):
        assert _num(count) == limits.get('max_items'), help_text
    # And every bound the type has is stated somewhere.
    for name, value in limits.items():
        shown = '%g' % value
        assert re.search(r'(?<![0-9.])%s(?![0-9])' % re.escape(shown),
                         help_text), (name, value)


def test_a_literal_bound_in_a_help_text_would_be_caught():
    # The check above is not vacuous: a help that hard-codes another bound
    # than its type's fails it.
    definition = definitions.get('rbd_connect_timeout')
    wrong = definition.render_help().replace(
        'to %d' % definition.type.upper, 'to 99')
    assert _FROM_TO.search(' '.join(wrong.split())).groups() == ('1', '99')
    assert ('1', '99') != ('%d' % definition.type.lower,
                           '%d' % definition.type.upper)


@pytest.mark.parametrize('semantics', definitions.SEMANTICS)
def test_defaults_under_each_semantics_pass_their_types(semantics):
    for definition in definitions.DEFINITIONS:
        default = definition.default_for(semantics)
        if default is not None:
            definition.type(default)


def test_nova_and_glance_conf_differ_only_where_declared():
    differing = {d.dest for d in definitions.DEFINITIONS
                 if d.default_for(definitions.NOVA)
                 != d.default_for(definitions.GLANCE_CONF)}
    assert differing == {'verify_glance_signatures'}


def test_effective_value_fills_in_our_transport_default_only():
    timeout = definitions.get('timeout')
    assert timeout.effective(None, definitions.NOVA) is None
    assert timeout.effective(None, definitions.GLANCE_CONF) == (
        limits.DEFAULT_TIMEOUT)
    assert timeout.effective(5.0, definitions.GLANCE_CONF) == 5.0


def test_weakenings_name_their_option_and_say_why():
    weak = definitions.weakenings()
    assert set(weak) == {'verify_glance_signatures', 'insecure'}
    for dest, weakening in weak.items():
        assert weakening.message.startswith('[glance] %s ' % dest)
        assert weakening.applies(not weakening.secure)
        assert not weakening.applies(weakening.secure)
        assert not weakening.applies(None)


def test_unknown_definition_is_a_key_error():
    with pytest.raises(KeyError):
        definitions.get('num_retry')


@pytest.mark.parametrize('semantics', definitions.SEMANTICS)
def test_audit_validate_and_transport_agree_on_every_default(semantics,
                                                             tmp_path):
    """One file that sets nothing, read three ways."""
    from oslo_config import cfg

    from glance_conf import loading
    from glance_conf.audit.target import AuditedConf

    path = tmp_path / 'nova.conf'
    path.write_text('[glance]\n')
    conf = cfg.ConfigOpts()
    glance.register_opts(conf)
    glance.use_defaults(conf, semantics)
    conf(['--config-file', str(path)], default_config_files=[],
         default_config_dirs=[])
    glance.validate(conf)  # every default passes
    audited = AuditedConf(conf, [])
    for definition in definitions.DEFINITIONS:
        expected = definition.default_for(semantics)
        assert getattr(conf.glance, definition.dest) == expected
        assert audited.value(definition.dest) == expected, definition.dest
    # The transport is glance-conf's whatever the file's semantics: it
    # fills in what its definitions say it fills in, and nothing else.
    session = loading.load_session(conf)
    timeout = definitions.get('timeout')
    assert session.timeout == timeout.effective(
        conf.glance.timeout, definitions.GLANCE_CONF) == (
        timeout.transport_default)
    assert session.verify is not definitions.TLS_UNVERIFIED.applies(
        conf.glance.insecure)
    adapter = loading.load_adapter(conf, session=session)
    assert adapter.service_type == conf.glance.service_type
    assert adapter.interface == conf.glance.valid_interfaces
    assert adapter.num_retries == conf.glance.num_retries
