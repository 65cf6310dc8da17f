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

"""Errors keep their inputs."""

from __future__ import annotations

from oslo_config import cfg

from glance_conf import exception


def test_conflicting_opt_error_is_an_oslo_duplicate():
    err = exception.ConflictingOptError('glance', 'timeout', ['a', 'b'])
    assert isinstance(err, cfg.DuplicateOptError)
    assert isinstance(err, exception.GlanceConfError)
    assert err.differences == ('a', 'b')
    assert str(err) == ('[glance] timeout is already registered with a '
                        'different definition (a; b); nothing was registered')


def test_invalid_option_error_lists_problems():
    err = exception.InvalidOptionError([('[glance] x', 'bad'),
                                        ('[glance] y', 'worse')])
    assert isinstance(err, ValueError)
    assert str(err).splitlines() == [
        '2 invalid option value(s):', '  [glance] x: bad',
        '  [glance] y: worse']


def _public_errors():
    """Every exception class a module of the package defines under a
    public name."""
    import importlib
    import inspect
    import pkgutil

    import glance_conf
    for info in pkgutil.walk_packages(glance_conf.__path__, 'glance_conf.'):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, BaseException)
                    and value.__module__ == info.name
                    and not name.startswith('_')):
                yield '%s.%s' % (info.name, name), value


def test_every_public_error_is_a_glance_conf_error():
    found = dict(_public_errors())
    assert 'glance_conf.audit.exception.TlsFileRefused' in found
    assert [name for name, error in found.items()
            if not issubclass(error, exception.GlanceConfError)] == []


def test_the_walk_sees_an_error_outside_the_hierarchy(monkeypatch):
    from glance_conf import _files

    class Stray(ValueError):
        pass
    Stray.__module__ = _files.__name__  # as if defined there
    monkeypatch.setattr(_files, 'Stray', Stray, raising=False)
    found = dict(_public_errors())
    assert not issubclass(found['glance_conf._files.Stray'],
                          exception.GlanceConfError)
