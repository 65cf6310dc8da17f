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

"""Help-text layout.

oslo-config-generator wraps every line of help text on its own at 70
columns, so source lines wrapped at 79 come out ragged. The help is
written naturally in the source and reflowed here once, at import.
"""

from __future__ import annotations

import textwrap

WIDTH = 66


def reflow(text: str, width: int = WIDTH) -> str:
    """Rewrap paragraphs and ``*`` bullets of ``text`` to ``width``."""
    blocks = []
    for block in text.strip().split('\n\n'):
        lines = block.split('\n')
        if lines[0].startswith('* '):
            items: list[str] = []
            for line in lines:
                if line.startswith('* ') or not items:
                    items.append(line)
                else:
                    items[-1] += ' ' + line.strip()
            blocks.append('\n'.join(
                textwrap.fill(item, width, subsequent_indent='  ',
                              break_on_hyphens=False)
                for item in items))
        else:
            blocks.append(textwrap.fill(' '.join(line.strip()
                                                 for line in lines),
                                        width, break_on_hyphens=False))
    return '\n\n'.join(blocks)
