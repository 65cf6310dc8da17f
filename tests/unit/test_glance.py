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

"""The drop-in: parity with nova 34, registration guards, validation."""

from __future__ import annotations

import logging

import pytest
from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

import glance_conf
from glance_conf import definitions
from glance_conf import exception
from glance_conf import glance
from glance_conf import types
from tests.conftest import parse

#: Where this module knowingly differs from nova 34: dest -> our default.
HARDENED_DEFAULTS = {'verify_glance_signatures': True}

#: Options whose class in nova is a plain ``Opt`` with a type function.
PLACEHOLDERS = {'version', 'min_version', 'max_version'}

TRUSTED = 'default_trusted_certificate_ids'


def _registered(conf):
    return {dest: info['opt']
            for dest, info in conf._groups['glance']._opts.items()}


# -- parity with nova 34 ----------------------------------------------------

def test_registers_a_superset_of_nova_names_and_dests(conf, nova_facts):
    opts = _registered(conf)
    assert set(nova_facts) <= set(opts)
    for dest, fact in nova_facts.items():
        assert opts[dest].name == fact['name'], dest
        assert opts[dest].dest == fact['dest']


def test_option_classes_match_nova(conf, nova_facts):
    opts = _registered(conf)
    for dest, fact in nova_facts.items():
        assert type(opts[dest]).__name__ == fact['opt_class'], dest


def test_defaults_match_nova_except_the_listed_ones(conf, nova_facts):
    parse(conf)
    for dest, fact in nova_facts.items():
        expected = HARDENED_DEFAULTS.get(dest, fact['default'])
        assert getattr(conf.glance, dest) == expected, dest
    # The one deliberate difference really differs from nova.
    assert nova_facts['verify_glance_signatures']['default'] is False


def test_deprecated_aliases_match_nova(conf, nova_facts):
    opts = _registered(conf)
    for dest, fact in nova_facts.items():
        ours = sorted((d.group, d.name) for d in opts[dest].deprecated_opts)
        theirs = sorted((d['group'], d['name'])
                        for d in fact['deprecated_names'])
        assert ours == theirs, dest


def test_deprecated_for_removal_matches_nova(conf, nova_facts):
    opts = _registered(conf)
    for dest, fact in nova_facts.items():
        assert opts[dest].deprecated_for_removal == \
            fact['deprecated_for_removal'], dest
        assert opts[dest].secret == fact['secret'], dest


def test_listed_options_match_nova_listing(nova_facts):
    listed = {o.dest for o in glance.listed_opts()}
    expected = {d for d, f in nova_facts.items() if f['in_list_opts']}
    assert listed == expected
    assert not listed & PLACEHOLDERS


def test_tls_min_version_choices_match_nova(nova_facts):
    fact = nova_facts['tls_min_version']['value_type']['choices']
    opt = _by_dest()['tls_min_version']
    assert list(opt.type.choices) == fact


@pytest.mark.parametrize('alias,section,dest,value,expected', [
    ('api_insecure', 'glance', 'insecure', 'true', True),
    ('ca_file', 'ssl', 'cafile', '/etc/ssl/ca.pem', '/etc/ssl/ca.pem'),
    ('cert_file', 'ssl', 'certfile', '/etc/ssl/c.pem', '/etc/ssl/c.pem'),
    ('key_file', 'ssl', 'keyfile', '/etc/ssl/k.pem', '/etc/ssl/k.pem'),
])
def test_deprecated_aliases_are_read(conf, write_conf, alias, section, dest,
                                     value, expected):
    path = write_conf('[%s]\n%s = %s\n' % (section, alias, value))
    parse(conf, path)
    assert getattr(conf.glance, dest) == expected


def test_placeholders_read_none_whatever_is_set(conf, write_conf):
    parse(conf, write_conf('[glance]\nversion = 2\nmin_version = 2.1\n'
                           'max_version = latest\n'))
    for name in PLACEHOLDERS:
        assert getattr(conf.glance, name) is None


def test_api_servers_stays_a_mutable_list(conf, write_conf):
    parse(conf, write_conf('[glance]\napi_servers = https://a:9292, '
                           'http://b:9292/image\n'))
    servers = conf.glance.api_servers
    assert servers == ['https://a:9292', 'http://b:9292/image']
    assert type(servers) is list
    servers.reverse()  # nova shuffles it in place


def test_every_numeric_option_has_both_bounds():
    for opt in glance.listed_opts():
        item = getattr(opt.type, 'item_type', opt.type)
        if isinstance(item, (cfg.types.Integer, cfg.types.Float)):
            assert item.min is not None and item.max is not None, opt.dest


@pytest.mark.parametrize('dest,low,high', [
    ('num_retries', 0, definitions.MAX_NUM_RETRIES),
    ('connect_retries', 0, 10),
    ('status_code_retries', 0, 10), ('connect_retry_delay', 0, 60),
    ('status_code_retry_delay', 0, 60), ('timeout', 0, 3600),
    ('rbd_connect_timeout', 1, definitions.MAX_RBD_CONNECT_TIMEOUT)])
def test_documented_bounds(dest, low, high):
    opt = _by_dest()[dest]
    assert (opt.type.min, opt.type.max) == (low, high)
    assert str(high) in opt.help


# -- hardened values through oslo.config ------------------------------------

@pytest.mark.parametrize('line,dest', [
    ('num_retries = 33', 'num_retries'),
    ('num_retries = -1', 'num_retries'),
    ('connect_retries = 100', 'connect_retries'),
    ('timeout = 0', 'timeout'),
    ('timeout = nan', 'timeout'),
    ('timeout = inf', 'timeout'),
    ('status_code_retry_delay = 61', 'status_code_retry_delay'),
    ('rbd_connect_timeout = 0', 'rbd_connect_timeout'),
    ('retriable_status_codes = 200,503', 'retriable_status_codes'),
    ('retriable_status_codes = 600', 'retriable_status_codes'),
    ('valid_interfaces = public,private', 'valid_interfaces'),
    ('service_type = Image', 'service_type'),
    ('service_type = image service', 'service_type'),
    ('rbd_user = nova user', 'rbd_user'),
    ('rbd_pool = images;drop', 'rbd_pool'),
    ('default_trusted_certificate_ids = a,,b', TRUSTED),
    ('default_trusted_certificate_ids = a b', TRUSTED),
    ('tls_min_version = 1.1', 'tls_min_version'),
    ('endpoint_override = https://u:pw@glance', 'endpoint_override'),
    ('api_servers = glance:9292', 'api_servers'),
    ('num_retries =', 'num_retries'),
    ('rbd_connect_timeout =', 'rbd_connect_timeout'),
    ('retriable_status_codes = 429,,503', 'retriable_status_codes'),
    ('cafile = ca.pem', 'cafile'),
    ('certfile = ./client.pem', 'certfile'),
    ('keyfile = keys/client.key', 'keyfile'),
    ('rbd_ceph_conf = ceph.conf', 'rbd_ceph_conf'),
    ('endpoint_override = https://[fe80::1%eth0]:9292', 'endpoint_override'),
    ('timeout = \u0663\u0660', 'timeout'),
    ('connect_retry_delay = \uff11', 'connect_retry_delay'),
    ('tls_ciphers = FOO', 'tls_ciphers'),
])
def test_refused_value_names_option_and_file(conf, write_conf, line, dest):
    path = write_conf('[DEFAULT]\n\n[glance]\n%s\n' % line)
    parse(conf, path)
    with pytest.raises(exception.InvalidOptionError) as err:
        glance_conf.validate(conf)
    problem, = err.value.problems
    assert (problem.option, problem.path, problem.line) == (
        '[glance] %s' % dest, str(path), 4)
    # One clean line: the label once, no oslo.config wrapper or repr.
    line_shown = str(err.value).splitlines()[1]
    assert line_shown.startswith('  [glance] %s (%s line 4): '
                                 % (dest, path))
    assert line_shown.count(dest) == 1
    assert 'LocationInfo' not in line_shown and 'Value for' not in line_shown


@pytest.mark.parametrize('line,dest,expected', [
    ('valid_interfaces = publicURL,internal', 'valid_interfaces',
     ['publicURL', 'internal']),
    ('retriable_status_codes = 429,503', 'retriable_status_codes',
     [429, 503]),
    ('service_type = block-storage2', 'service_type', 'block-storage2'),
    ('timeout = 30.5', 'timeout', 30.5),
    ('tls_min_version = 1.3', 'tls_min_version', '1.3'),
    ('region_name = Region One', 'region_name', 'Region One'),
    ('default_trusted_certificate_ids = a1,b2', TRUSTED, ['a1', 'b2']),
    ('timeout =', 'timeout', None),
    ('connect_retries =', 'connect_retries', None),
    ('status_code_retry_delay =', 'status_code_retry_delay', None),
    ('cafile =', 'cafile', ''),
    ('rbd_ceph_conf = /etc/ceph/ceph.conf', 'rbd_ceph_conf',
     '/etc/ceph/ceph.conf'),
    ('tls_ciphers = ECDHE+AESGCM:!aNULL', 'tls_ciphers',
     'ECDHE+AESGCM:!aNULL'),
    ('endpoint_override = https://[fe80::1]:9292', 'endpoint_override',
     'https://[fe80::1]:9292'),
])
def test_accepted_values(conf, write_conf, line, dest, expected):
    parse(conf, write_conf('[glance]\n%s\n' % line))
    assert getattr(conf.glance, dest) == expected


def test_refused_url_never_reaches_errors_or_logs(conf, write_conf, caplog):
    parse(conf, write_conf('[glance]\napi_servers = https://a,'
                           'https://nova:hunter2@glance?token=tok3n\n'))
    with pytest.raises(exception.InvalidOptionError) as err:
        glance.validate(conf)
    text = str(err.value) + caplog.text
    assert 'hunter2' not in text and 'tok3n' not in text
    assert '[glance] api_servers' in text


def test_log_opt_values_never_shows_a_url_password(conf, write_conf):
    # nova logs every option at start-up; a URL with a password must stop
    # the service with an error that does not quote it.
    log = logging.getLogger('test.log_opt_values')
    parse(conf, write_conf('[glance]\nendpoint_override = '
                           'https://nova:hunter2@glance:9292\n'))
    with pytest.raises(cfg.ConfigFileValueError) as err:
        conf.log_opt_values(log, logging.INFO)
    assert 'hunter2' not in str(err.value)
    assert 'endpoint-override' in str(err.value)


def test_log_opt_values_of_a_valid_config(conf, write_conf, caplog):
    parse(conf, write_conf('[glance]\napi_servers = https://a:9292\n'))
    with caplog.at_level(logging.INFO, logger='test.log_opt_values'):
        conf.log_opt_values(logging.getLogger('test.log_opt_values'),
                            logging.INFO)
    assert "glance.api_servers             = ['https://a:9292']" in \
        caplog.text
    assert 'glance.version' in caplog.text


# -- registration guards ----------------------------------------------------

def test_register_twice_on_one_conf(conf):
    glance_conf.register_opts(conf)
    glance_conf.register_opts(conf)
    parse(conf)
    assert conf.glance.num_retries == 3


def test_register_on_many_confs_with_independent_overrides():
    confs = [cfg.ConfigOpts() for _ in range(5)]
    for c in confs:
        glance_conf.register_opts(c)
        glance_conf.register_opts(c)
        parse(c)
    for i, c in enumerate(confs):
        c.set_override('num_retries', i, group='glance')
        c.set_default('timeout', 10.0 + i, group='glance')
    for i, c in enumerate(confs):
        assert c.glance.num_retries == i
        assert c.glance.timeout == 10.0 + i
    confs[0].clear_override('num_retries', group='glance')
    assert confs[0].glance.num_retries == 3
    assert confs[1].glance.num_retries == 1


def test_module_group_never_collects_options(conf):
    assert glance.glance_group._opts == {}
    # Even code that hands the module-level group to oslo.config directly
    # gets a table of its own.
    other = cfg.ConfigOpts()
    other.register_group(glance.glance_group)
    other.register_opt(cfg.IntOpt('num_retries', default=9), group='glance')
    assert glance.glance_group._opts == {}
    assert 'num_retries' in conf._groups['glance']._opts


def test_register_after_nova_style_registration_on_another_conf():
    # nova registers its own group and lambdas on its global CONF; a module
    # imported beside it must not be disturbed by that.
    nova_conf = cfg.ConfigOpts()
    nova_group = cfg.OptGroup('glance', title='Glance Options')
    nova_conf.register_group(nova_group)
    nova_conf.register_opts([cfg.IntOpt('num_retries', default=3, min=0)],
                            group=nova_group)
    ks_loading.register_session_conf_options(nova_conf, 'glance')
    nova_conf.register_opt(cfg.Opt('version', type=lambda x: None),
                           group=nova_group)
    ours = cfg.ConfigOpts()
    glance_conf.register_opts(ours)
    glance_conf.register_opts(ours)
    parse(ours)
    assert ours.glance.verify_glance_signatures is True


def test_conflicting_definition_is_refused_and_conf_untouched():
    c = cfg.ConfigOpts()
    c.register_opt(cfg.IntOpt('num_retries', default=3, min=0),
                   group='glance')
    before = set(c._groups['glance']._opts)
    with pytest.raises(exception.ConflictingOptError) as err:
        glance_conf.register_opts(c)
    assert isinstance(err.value, cfg.DuplicateOptError)
    assert err.value.group == 'glance'
    assert err.value.opt_name == 'num_retries'
    message = str(err.value)
    assert '[glance] num_retries' in message
    assert 'type' in message and 'max=32' in message
    assert 'nothing was registered' in message
    assert set(c._groups['glance']._opts) == before


def test_conflict_on_a_late_option_registers_nothing():
    # The conflicting option comes last in our list: the earlier ones must
    # not have been registered either.
    c = cfg.ConfigOpts()
    c.register_opt(cfg.StrOpt('max_version'), group='glance')
    with pytest.raises(exception.ConflictingOptError, match='class'):
        glance_conf.register_opts(c)
    assert set(c._groups['glance']._opts) == {'max_version'}


def test_conflict_on_nova_signature_default():
    c = cfg.ConfigOpts()
    c.register_opt(cfg.BoolOpt('verify_glance_signatures', default=False),
                   group='glance')
    with pytest.raises(exception.ConflictingOptError) as err:
        glance_conf.register_opts(c)
    assert 'default False != True' in str(err.value)


def test_conflict_message_hides_secret_defaults():
    c = cfg.ConfigOpts()
    c.register_opt(cfg.StrOpt('region_name', default='hunter2', secret=True),
                   group='glance')
    with pytest.raises(exception.ConflictingOptError) as err:
        glance_conf.register_opts(c)
    assert 'hunter2' not in str(err.value)
    assert 'default differs' in str(err.value)


def test_list_opts_returns_the_registered_objects(conf):
    registered = _registered(conf)
    listed = glance.listed_opts()
    for opt in listed:
        assert registered[opt.dest] is opt


def test_list_opts_is_deterministic_without_duplicates():
    first = [o.dest for o in glance.listed_opts()]
    second = [o.dest for o in glance.listed_opts()]
    assert first == second
    assert len(first) == len(set(first))
    assert first[:2] == ['api_servers', 'num_retries']


def test_list_opts_includes_aliases():
    opts = _by_dest()
    assert [(d.group, d.name) for d in opts['insecure'].deprecated_opts] == \
        [('glance', 'api_insecure')]
    assert [(d.group, d.name) for d in opts['cafile'].deprecated_opts] == \
        [('ssl', 'ca_file')]


def test_listed_then_ksa_registration_does_not_conflict_on_aliases():
    # nova's list_opts lacks the aliases, so registering its listed options
    # and then keystoneauth's with aliases conflicts; ours carries them.
    c = cfg.ConfigOpts()
    c.register_opts(glance.listed_opts(), group='glance')
    glance_conf.register_opts(c)
    parse(c)
    assert c.glance.insecure is False


# -- signature policy and defaults ------------------------------------------

def test_validate_warns_when_signature_verification_is_off(
        conf, write_conf, caplog):
    parse(conf, write_conf('[glance]\nverify_glance_signatures = false\n'))
    with caplog.at_level(logging.WARNING, logger='glance_conf.glance'):
        glance.validate(conf)
    records = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any('verify_glance_signatures is False' in r.getMessage()
               for r in records)


def test_validate_is_quiet_on_secure_defaults(conf, caplog):
    parse(conf)
    with caplog.at_level(logging.DEBUG, logger='glance_conf'):
        glance.validate(conf)
    assert caplog.records == []


def test_validate_warns_when_tls_verification_is_off(conf, write_conf,
                                                     caplog):
    parse(conf, write_conf('[glance]\napi_insecure = true\n'))
    with caplog.at_level(logging.WARNING, logger='glance_conf.glance'):
        glance.validate(conf)
    assert 'insecure is True' in caplog.text


def test_validate_lists_every_bad_option(conf, write_conf):
    path = write_conf('[glance]\nnum_retries = 99\ntimeout = -1\n')
    parse(conf, path)
    with pytest.raises(exception.InvalidOptionError) as err:
        glance.validate(conf)
    names = [name for name, *_ in err.value.problems]
    assert names == ['[glance] num_retries', '[glance] timeout']
    assert str(path) in str(err.value)


def test_relative_path_under_a_deprecated_name_is_refused(conf, write_conf):
    parse(conf, write_conf('[ssl]\nca_file = ca.pem\n'))
    with pytest.raises(exception.InvalidOptionError) as err:
        glance.validate(conf)
    assert 'absolute path' in str(err.value)


def test_empty_numeric_value_is_refused_not_zero(conf, write_conf):
    # "num_retries =" read as None: retries silently became 0 and
    # transport.total_time_bound() raised TypeError.
    parse(conf, write_conf('[glance]\nnum_retries =\nrbd_connect_timeout =\n'
                           'timeout =\n'))
    with pytest.raises(exception.InvalidOptionError) as err:
        glance.validate(conf)
    assert [name for name, *_ in err.value.problems] == [
        '[glance] num_retries', '[glance] rbd_connect_timeout']
    assert types.EMPTY_REFUSED in str(err.value)


def test_empty_value_means_unset_exactly_where_the_default_is_unset():
    """One rule for every numeric option: empty is None only if None is
    the default; otherwise it is refused, never a silent ``None``."""
    numeric = (types.BoundedInteger, types.BoundedFloat)
    checked = []
    for opt in _by_dest().values():
        if not isinstance(opt.type, numeric):
            continue
        checked.append(opt.dest)
        if opt.default is None:
            assert opt.type('') is None, opt.dest
        else:
            with pytest.raises(ValueError, match='empty value'):
                opt.type('')
            assert 'empty value' in opt.help, opt.dest
    assert {'num_retries', 'rbd_connect_timeout', 'timeout',
            'connect_retries'} <= set(checked)


CANARY = 'S3CRETpw7xyz'


def test_validate_never_quotes_a_password_in_a_closed_option(
        conf, write_conf, caplog):
    """A password pasted into any number, boolean or choice option."""
    closed = []
    for opt in _by_dest().values():
        item = getattr(opt.type, 'item_type', opt.type)
        if isinstance(item, (types.BoundedInteger, types.BoundedFloat,
                             types.SafeBoolean)) or getattr(item, 'choices',
                                                            None):
            closed.append(opt.dest)
    parse(conf, write_conf('[glance]\n' + ''.join(
        '%s = %s\n' % (dest, CANARY) for dest in closed)))
    with pytest.raises(exception.InvalidOptionError) as err:
        glance.validate(conf)
    assert sorted(name for name, *_ in err.value.problems) == sorted(
        '[glance] %s' % dest for dest in closed)
    assert CANARY not in str(err.value) + caplog.text
    assert len(closed) >= 15


@pytest.fixture
def restore_defaults():
    saved = {o.dest: o.default for o in _by_dest().values()}
    yield
    for opt in glance.listed_opts():
        opt.default = saved[opt.dest]


def test_set_defaults_lowering_security_is_logged(restore_defaults, caplog):
    with caplog.at_level(logging.WARNING, logger='glance_conf.glance'):
        glance_conf.set_defaults(verify_glance_signatures=False)
    assert 'verify_glance_signatures' in caplog.text
    c = cfg.ConfigOpts()
    glance_conf.register_opts(c)
    parse(c)
    assert c.glance.verify_glance_signatures is False


def test_set_defaults_harmless_change_is_silent(restore_defaults, caplog):
    with caplog.at_level(logging.WARNING, logger='glance_conf.glance'):
        glance_conf.set_defaults(num_retries=5, timeout=30.0)
    assert caplog.records == []
    assert _by_dest()['num_retries'].default == 5


def test_set_defaults_checks_values_and_names(restore_defaults):
    with pytest.raises(ValueError, match='num_retries'):
        glance_conf.set_defaults(num_retries=50)
    with pytest.raises(exception.UnknownOptionError, match='num_retry'):
        glance_conf.set_defaults(num_retry=1)
    assert _by_dest()['num_retries'].default == 3


def test_set_defaults_refuses_none_for_a_numeric_default(restore_defaults):
    with pytest.raises(ValueError, match='num_retries: an empty value'):
        glance_conf.set_defaults(num_retries=None)
    assert _by_dest()['num_retries'].default == 3
    glance_conf.set_defaults(timeout=None, endpoint_override=None)
    assert _by_dest()['timeout'].default is None


def test_import_registers_nothing_on_global_conf():
    assert 'glance' not in cfg.CONF._groups


def test_public_api():
    for name in glance_conf.__all__:
        assert hasattr(glance_conf, name)
    assert glance_conf.DEFAULT_SERVICE_TYPE == 'image'
    assert isinstance(glance_conf.glance_opts[0].type, types.BoundedList)


def _by_dest():
    return {o.dest: o for o in glance.listed_opts()}


def test_accessors_give_what_register_opts_registers(conf):
    listed, placeholders = glance.listed_opts(), glance.placeholder_opts()
    assert listed == glance.list_opts()[glance.glance_group]
    assert [o.dest for o in placeholders] == ['version', 'min_version',
                                              'max_version']
    table = conf._groups['glance']._opts
    assert sorted(table) == sorted(o.dest for o in listed + placeholders)
    # A caller mutating the lists it got cannot change the module's.
    listed.clear()
    placeholders.clear()
    assert glance.listed_opts() and glance.placeholder_opts()


def _defaults_in_use(conf):
    """Whose defaults ``conf`` reads: for every option whose default
    differs between nova 34 and glance-conf, the one its value has."""
    seen = set()
    for definition in definitions.DEFINITIONS:
        nova = definition.default_for(definitions.NOVA)
        ours = definition.default_for(definitions.GLANCE_CONF)
        if nova != ours:
            value = getattr(conf.glance, definition.dest)
            seen.add(definitions.NOVA if value == nova
                     else definitions.GLANCE_CONF)
    return seen


def test_use_defaults_switches_one_conf_between_semantics(conf, write_conf):
    """Drop-in API: a service keeps nova 34's defaults after the swap."""
    other = cfg.ConfigOpts()
    glance_conf.register_opts(other)
    glance.use_defaults(conf, 'nova')
    parse(conf, write_conf('[glance]\n'))
    parse(other, write_conf('[glance]\n'))
    assert _defaults_in_use(conf) == {'nova'}
    assert conf.glance.verify_glance_signatures is False
    # Only that conf: the Opts and other config objects keep ours.
    assert other.glance.verify_glance_signatures is True
    assert _defaults_in_use(other) == {'glance-conf'}
    glance.use_defaults(conf, 'glance-conf')
    assert _defaults_in_use(conf) == {'glance-conf'}
    with pytest.raises(ValueError, match='unknown defaults'):
        glance.use_defaults(conf, 'ours')


def test_validate_never_shows_the_text_of_a_dollar_reference(conf,
                                                             write_conf):
    path = write_conf('[glance]\napi_servers = https://g:9292/pa$sw0rdXYZ\n'
                      'num_retries = ${s3cr3tTok}\n')
    parse(conf, path)
    with pytest.raises(exception.InvalidOptionError) as err:
        glance_conf.validate(conf)
    text = str(err.value)
    assert 'sw0rdXYZ' not in text and 's3cr3tTok' not in text
    assert [p.reason for p in err.value.problems] == [glance.UNRESOLVED] * 2


def test_validate_escapes_a_hostile_file_name(conf, tmp_path):
    path = tmp_path / 'evil\n  [glance] all good\x1b[2K.conf'
    path.write_text('[glance]\ntimeout = -1\n')
    parse(conf, path)
    with pytest.raises(exception.InvalidOptionError) as err:
        glance_conf.validate(conf)
    assert len(str(err.value).splitlines()) == 2
    assert '\x1b' not in str(err.value) and '\\n' in str(err.value)


@pytest.mark.parametrize('text, options', [
    ('region_name = $region_name\n', ['[glance] region_name']),
    ('region_name = ${glance.region_name}x\n', ['[glance] region_name']),
    ('region_name = $service_name\nservice_name = $region_name\n',
     ['[glance] region_name', '[glance] service_name']),
])
def test_validate_names_a_value_that_refers_back_to_itself(
        conf, write_conf, text, options):
    """oslo.config recurses for ever on such a value; the library says
    which option, as for any refused value."""
    path = write_conf('[glance]\n' + text)
    parse(conf, path)
    with pytest.raises(exception.InvalidOptionError) as err:
        glance_conf.validate(conf)
    assert sorted(p.option for p in err.value.problems) == options
    assert [p.reason for p in err.value.problems] == [glance.LOOP] * len(
        options)
    assert str(path) in str(err.value)


from hypothesis import HealthCheck  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_NAMES = sorted(opt.dest for opt in glance.listed_opts())
_REFERENCE = st.sampled_from(_NAMES).flatmap(lambda name: st.sampled_from([
    '$%s' % name, '${%s}' % name, '${glance.%s}' % name,
    '$DEFAULT.%s' % name, '$$%s' % name]))
_PIECE = st.one_of(
    _REFERENCE, st.text(max_size=20), st.sampled_from([
        '$', '${', '${}', '$$', '1', '-1', 'true', 'https://g:9292',
        '1.2', '9' * 400, 'x' * 70_000]))
_VALUE = st.lists(_PIECE, max_size=4).map(''.join)


def _ini_value(text):
    """``text`` as one line of an ini value, as a file could hold it."""
    return ''.join(c for c in text if c not in '\r\n\x00\x0b\x0c\x1c\x1d'
                   '\x1e\x85\u2028\u2029').strip()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(values=st.dictionaries(st.sampled_from(_NAMES), _VALUE,
                              min_size=1, max_size=4))
def test_validate_raises_only_the_librarys_errors(tmp_path_factory, values):
    path = tmp_path_factory.mktemp('v') / 'nova.conf'
    path.write_text('[glance]\n' + ''.join(
        '%s = %s\n' % (name, _ini_value(value))
        for name, value in values.items()), encoding='utf-8')
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    try:
        parse(conf, path)
    except cfg.Error:
        return  # oslo.config refused the file: nothing parsed to judge
    try:
        glance_conf.validate(conf)
    except exception.InvalidOptionError as err:
        assert err.problems
        assert all(p.option.startswith('[glance] ') for p in err.problems)
