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

"""A file's text as lines that fixes edit in place.

The lines are oslo.config's (:mod:`glance_conf.ini`): comments, blank
lines, order, quoting and line endings (``\\n``, ``\\r\\n`` or ``\\r``)
stay as they were, and a value's continuation lines go with it.
"""

from __future__ import annotations

from glance_conf import ini
from glance_conf.audit import target

GROUP = target.GROUP


class Text:
    """A file's text, as lines that fixes edit in place."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = ini.split_lines(text)
        endings = [line.end for line in self.lines if line.end]
        self.ending = endings[0] if endings else '\n'

    @property
    def text(self) -> str:
        return ''.join(line.text + line.end for line in self.lines)

    def scan(self) -> ini.Parsed:
        """The text's assignments and headers; it was parsed whole
        before, so it is well formed."""
        return ini.parse([line.text for line in self.lines], entries=True)

    def find(self, section: str, key: str) -> list[ini.Entry]:
        """The assignments of ``[section] key``."""
        return [e for e in self.scan().entries
                if e.section == section and e.key == key]

    def rename(self, entry: ini.Entry, key: str) -> None:
        line = self.lines[entry.start]
        line.text = key + line.text[len(entry.key):]

    def set_value(self, entry: ini.Entry, value: str) -> None:
        """Set the value on the entry's first line, keeping the spacing
        around the separator; its continuation lines go."""
        line = self.lines[entry.start]
        text = line.text
        cut = ini.cut(text)
        rest = text[cut + 1:]
        if rest.strip():
            lead = rest[:len(rest) - len(rest.lstrip())]
        else:
            lead = ' ' if text[cut - 1:cut] == ' ' else ''
        trail = text[len(text.rstrip()):]
        line.text = text[:cut + 1] + lead + value + trail
        del self.lines[entry.start + 1:entry.end]

    def take(self, entry: ini.Entry) -> list[ini.Line]:
        """Remove the entry's lines and return them."""
        taken = self.lines[entry.start:entry.end]
        del self.lines[entry.start:entry.end]
        return taken

    def separator(self, section: str = GROUP) -> str:
        """How the last key of ``section`` is joined to its value
        (``' = '``, ``'='``, ``': '``...), for a new key to match."""
        keys = [e for e in self.scan().entries if e.section == section]
        if not keys:
            return ' = '
        text = self.lines[keys[-1].start].text
        cut = ini.cut(text)
        rest = text[cut + 1:]
        lead = rest[:len(rest) - len(rest.lstrip())] or ' ' * (
            text[cut - 1:cut] == ' ')
        return text[len(keys[-1].key):cut + 1] + lead

    def insert(self, lines: list[ini.Line], section: str = GROUP) -> None:
        """Put ``lines`` after the last key of ``section``, or right after
        its header if it has none, or in a new section at the end."""
        scan = self.scan()
        keys = [e for e in scan.entries if e.section == section]
        headers = [i for name, i in scan.headers if name == section]
        if keys:
            at = keys[-1].end
        elif headers:
            at = headers[-1] + 1
        else:
            header = [ini.Line('[%s]' % section, '')]
            if self.lines and self.lines[-1].text.strip():
                header.insert(0, ini.Line('', ''))
            lines = header + lines
            at = len(self.lines)
        if at and not self.lines[at - 1].end:
            self.lines[at - 1].end = self.ending
        for line in lines:
            line.end = line.end or self.ending
        self.lines[at:at] = lines


