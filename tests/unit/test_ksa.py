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

"""The keystoneauth options: built at run time, then hardened."""

from __future__ import annotations

import pytest
from keystoneauth1 import loading as ks_loading

from glance_conf import _ksa
from glance_conf import definitions
from glance_conf import glance
from glance_conf import types


def test_every_keystoneauth_option_is_carried_over():
    ours = {o.dest for o in glance.listed_opts()}
    ksa = {o.dest for o in ks_loading.get_session_conf_options()}
    ksa |= {o.dest for o in ks_loading.get_adapter_conf_options(
        include_deprecated=False)}
    assert ksa - set(_ksa.VERSION_OPTS) <= ours


def test_no_free_text_or_numeric_option_keeps_a_weak_type():
    # Fails when a keystoneauth1 upgrade adds an option without a rule.
    assert _ksa.unhardened_names(glance.listed_opts()) == []


def test_unhardened_names_spots_a_weak_option():
    weak = ks_loading.get_session_conf_options()
    assert 'timeout' in _ksa.unhardened_names(weak)


def test_hardened_copy_keeps_name_default_and_aliases():
    aliases = glance.deprecated_ksa_opts
    original = {o.dest: o for o in ks_loading.get_session_conf_options(
        deprecated_opts=aliases)}
    for opt in _ksa.get_session_opts(aliases):
        if opt.dest not in original:  # keystoneauth1 < 5.15 (Python 3.10)
            assert opt.name in _ksa.BACKPORTED_SESSION_OPTS
            continue
        src = original[opt.dest]
        assert (opt.name, opt.default, opt.deprecated_opts) == \
            (src.name, src.default, src.deprecated_opts)
        assert type(opt) is type(src)


def test_hardening_leaves_keystoneauth_objects_alone():
    before = ks_loading.get_session_conf_options()
    _ksa.get_session_opts({})
    after = ks_loading.get_session_conf_options()
    assert [o.type for o in before] == [o.type for o in after]


def test_adapter_defaults_are_novas():
    opts = {o.dest: o for o in _ksa.get_adapter_opts({})}
    assert opts['service_type'].default == 'image'
    assert opts['valid_interfaces'].default == ['internal', 'public']
    assert not set(_ksa.VERSION_OPTS) & set(opts)


def test_defaults_pass_their_own_types():
    for opt in glance.listed_opts():
        if opt.default is not None:
            opt.type(opt.default)


def test_placeholders_compare_equal_across_calls():
    first, second = _ksa.get_placeholder_opts(), _ksa.get_placeholder_opts()
    assert first == second
    assert all(o.type is types.ignored for o in first)


def test_help_follows_the_nova_template():
    for opt in glance.listed_opts():
        assert 'Possible values:' in opt.help, opt.dest
        assert opt.help == opt.help.strip()


def test_backported_tls_options_exist_whatever_keystoneauth_says():
    names = {o.name for o in _ksa.get_session_opts({})}
    assert {'tls-ciphers', 'tls-min-version'} <= names


def test_zero_retry_delay_help_says_what_keystoneauth_does():
    # keystoneauth1's session._Retries takes any false delay (0 included)
    # as "no fixed delay" and backs off from 0.5 s; the help used to
    # suggest that 0 means no wait.
    opts = {o.dest: o for o in glance.listed_opts()}
    for dest in ('connect_retry_delay', 'status_code_retry_delay'):
        text = ' '.join(opts[dest].help.split())
        assert 'Unset, empty or 0' in text, dest
        assert 'exponential back-off, 0.5 s doubling up to 60 s' in text
        assert 'never means "retry at once"' in text


@pytest.mark.parametrize('delay,expected', [
    (None, [0.5, 1.0, 2.0, 4.0]), (0, [0.5, 1.0, 2.0, 4.0]),
    (0.0, [0.5, 1.0, 2.0, 4.0]), (2.5, [2.5, 2.5, 2.5, 2.5])])
def test_installed_keystoneauth_backs_off_on_zero(delay, expected):
    """Pins the behaviour the help states to the installed keystoneauth1."""
    from keystoneauth1 import session
    delays = session._Retries(delay)
    assert [next(delays) for _ in expected] == expected
    later = [next(delays) for _ in range(20)]
    assert max(later) == (delay or 60.0)


def test_path_options_say_absolute():
    opts = {o.dest: o for o in glance.listed_opts()}
    for dest in ('cafile', 'certfile', 'keyfile', 'rbd_ceph_conf'):
        assert opts[dest].type.rule == definitions.PATH_RULE, dest
        assert 'absolute path' in ' '.join(opts[dest].help.split()), dest
