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

"""A check's documentation for readers that are not Sphinx.

The docstrings are reStructuredText, written for the docs site. Code
scanning services show plain text or Markdown, so the few constructs the
docstrings use (``literal``, *emphasis*, `link <url>`_, bullets) are
turned into each; the result never carries reST markup. A
:func:`summary` fits a length limit (GitHub's 1024 characters for a
rule's full description) by whole paragraphs, then whole sentences.
"""

from __future__ import annotations

import re

#: The paragraph that says how to fix the problem starts so.
FIX = 'Fix:'

_LITERAL = re.compile(r'``(.+?)``', re.S)
_LINK = re.compile(r'`([^`<]+?)\s*<([^>]+)>`__?')
_EMPHASIS = re.compile(r'(?<![\w*`])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])')
_ROLE = re.compile(r':[a-z]+:`([^`]+)`')
_SENTENCE_END = re.compile(r'(?<=[.!?])\s+(?=[A-Z(`*])')


def paragraphs(doc: str) -> list[str]:
    """The paragraphs of a dedented docstring, each on one line (a
    bullet list stays one paragraph, one item a line)."""
    found = []
    for block in re.split(r'\n\s*\n', doc.strip()):
        lines = [line.strip() for line in block.splitlines()]
        if lines and lines[0].startswith(('- ', '* ')):
            items: list[str] = []
            for line in lines:
                if line.startswith(('- ', '* ')):
                    items.append(line[2:])
                elif items:
                    items[-1] += ' ' + line
            found.append('\n'.join('- ' + item for item in items))
        else:
            found.append(' '.join(lines))
    return [p for p in found if p]


def plain(text: str) -> str:
    """``text`` without reST markup: literals and emphasis lose their
    marks, a link becomes ``title (url)``."""
    text = _LINK.sub(r'\1 (\2)', text)
    text = _ROLE.sub(r'\1', text)
    text = _LITERAL.sub(r'\1', text)
    return _EMPHASIS.sub(r'\1', text)


def markdown(text: str) -> str:
    """``text`` as GitHub-flavoured Markdown."""
    text = _LINK.sub(r'[\1](\2)', text)
    text = _ROLE.sub(r'`\1`', text)
    text = _LITERAL.sub(lambda m: '`%s`' % m.group(1).replace('`', "'"),
                        text)
    return _EMPHASIS.sub(r'*\1*', text)


def description(doc: str) -> list[str]:
    """The paragraphs that describe the problem: all but the fix."""
    return [p for p in paragraphs(doc) if not p.startswith(FIX)]


def with_fix(doc: str, remediation: str) -> list[str]:
    """Every paragraph, with a fix paragraph at the end: the docstring's
    own if it has one, else ``remediation``."""
    found = paragraphs(doc)
    if not any(p.startswith(FIX) for p in found):
        found.append('%s %s' % (FIX, remediation))
    return found


def summary(doc: str, limit: int) -> str:
    """The description in plain text, cut to at most ``limit``
    characters at a paragraph, else a sentence, else a word."""
    text = ''
    for paragraph in map(plain, description(doc)):
        joined = paragraph if not text else text + '\n\n' + paragraph
        if len(joined) <= limit:
            text = joined
            continue
        if text:
            return text
        sentences = _SENTENCE_END.split(paragraph)
        for sentence in sentences:
            longer = sentence if not text else text + ' ' + sentence
            if len(longer) > limit:
                break
            text = longer
        if not text:
            text = paragraph[:limit - 1].rsplit(' ', 1)[0] + '\u2026'
        return text
    return text
