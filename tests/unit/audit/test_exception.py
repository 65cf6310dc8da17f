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

"""One error tree: every audit error is a GlanceConfError."""

from __future__ import annotations

import inspect

import pytest
from oslo_config import cfg

import glance_conf
from glance_conf.audit import exception
from glance_conf.audit.finding import Finding
from glance_conf.audit.finding import Severity

CLASSES = [obj for _, obj in inspect.getmembers(exception, inspect.isclass)
           if obj.__module__ == exception.__name__]


def test_the_module_holds_the_audits_errors():
    assert {c.__name__ for c in CLASSES} >= {
        'LoadError', 'SubstitutionLoop', 'Unresolved', 'UnknownSeverity',
        'PluginLoadError', 'CheckLoadError', 'FormatLoadError',
        'AuditFailure'}


@pytest.mark.parametrize('cls', CLASSES, ids=lambda c: c.__name__)
def test_every_class_is_a_glance_conf_error(cls):
    assert issubclass(cls, glance_conf.GlanceConfError)


@pytest.mark.parametrize('cls,foreign', [
    (exception.Unresolved, cfg.TemplateSubstitutionError),
    (exception.UnknownSeverity, ValueError)])
def test_foreign_bases_are_mixed_in(cls, foreign):
    """Callers that caught the foreign type keep catching it."""
    assert issubclass(cls, foreign)


def test_raised_errors_are_caught_as_glance_conf_errors():
    with pytest.raises(glance_conf.GlanceConfError, match='unknown '
                       'severity .bogus.; expected one of: info, low'):
        Severity.parse('bogus')
    with pytest.raises(ValueError):
        Severity.parse('bogus')


def test_messages_and_attributes():
    err = exception.SubstitutionLoop('/n.conf', 'line 2: loop')
    assert (str(err), err.path, err.reason) == ('/n.conf: line 2: loop',
                                                '/n.conf', 'line 2: loop')
    assert isinstance(err, exception.LoadError)
    assert str(exception.CheckLoadError('GC1', 'bad')) == \
        "audit check 'GC1': bad"
    assert str(exception.FormatLoadError('xml', 'bad')) == \
        "report format 'xml': bad"
    found = Finding('GC101', Severity.HIGH, 295, 'glance.insecure', 'off',
                    'fix')
    failure = exception.AuditFailure([found], Severity.HIGH)
    assert failure.findings == (found,)
    assert str(failure) == ('1 [glance] finding(s) at or above high:\n'
                            '  GC101 high glance.insecure: off')
