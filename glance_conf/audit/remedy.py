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

"""The mechanical fixes a check can declare, as data.

A check whose findings a machine can fix says how in its ``fix``
attribute, with one of the three kinds below; ``glance-conf-audit fix``
(:mod:`glance_conf.audit.fix`) reads the declarations and edits the
files. Whether a finding is fixable is :func:`fixable`, and nothing
else decides it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from collections.abc import Iterable

from oslo_config import types as oslo_types

from glance_conf.audit.finding import Finding


@dataclasses.dataclass(frozen=True)
class Reset:
    """In every file, each ``[glance]`` assignment of one of ``keys``
    that oslo.config reads as a boolean other than ``value`` is set to
    it: fixing only the line that wins would let a later reordering of
    the files bring the other back. A value that is no boolean is left
    (GC302 reports it)."""

    keys: tuple[str, ...]
    value: bool

    def wrong(self, text: str) -> bool:
        """Whether an assignment's ``text`` is to be reset."""
        try:
            return oslo_types.Boolean()(text) is not self.value
        except ValueError:
            return False

    def targets(self, found: Finding) -> bool:
        return True


@dataclasses.dataclass(frozen=True)
class Rename:
    """A key takes the ``[glance]`` name ``new_name(section, key)`` gives
    (``None``: not this key), in the same file.

    ``alias``: oslo.config reads the old name as an alias of the new one,
    so where the file sets the new name too, the new one wins and the old
    line goes. Otherwise oslo.config ignores the old name, and which of
    the two the operator meant is not guessed: a note says so.
    """

    new_name: Callable[[str, str], str | None]
    alias: bool

    def targets(self, found: Finding) -> bool:
        section, _, key = (found.option or '').partition('.')
        return self.new_name(section, key) is not None


@dataclasses.dataclass(frozen=True)
class SetOption:
    """``[glance] option = value``, on the line oslo.config reads or as a
    new key, while a check declaring it reports; ``note`` says what
    someone must do afterwards."""

    option: str
    value: str
    note: str | None = None
    #: Among these fixes, lowest first: new keys are added in this
    #: order, so files fixed alike read alike.
    order: int = 0

    def targets(self, found: Finding) -> bool:
        return True


Fix = Reset | Rename | SetOption

#: The order fixes are tried in: names before values, so a value is set
#: on the name that stays; an alias oslo.config reads before a name it
#: ignores. ``Reset`` comes first: it edits every file, whatever name.
ORDER: tuple[tuple[type, bool | None], ...] = (
    (Reset, None), (Rename, True), (Rename, False), (SetOption, None))


def rank(fix: Fix) -> tuple[int, int]:
    """Where ``fix`` comes: its kind's place in :data:`ORDER`, then its
    own ``order`` among fixes of that kind."""
    alias = fix.alias if isinstance(fix, Rename) else None
    return (ORDER.index((type(fix), alias)),
            fix.order if isinstance(fix, SetOption) else 0)


def fixable(found: Finding, fixes: dict[str, Fix],
            skip: Iterable[str] = ()) -> bool:
    """Whether a fix targets ``found``: its check declares one
    (``fixes``, check ID -> fix), that is not skipped, for this finding.
    """
    fix = fixes.get(found.check_id)
    return fix is not None and found.check_id not in skip and \
        fix.targets(found)
