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
