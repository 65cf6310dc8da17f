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
