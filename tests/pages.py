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

"""Run a doc page's commands as written ("every command shown in the
docs is run by a test").

A page's ``.. code-block:: console`` blocks hold ``$`` lines, each
followed by the lines the command prints. :func:`run` runs them in
order, in one bash script, and checks that each line the page shows is
among what that command printed; each command sees the exit status of
the one before it, so ``echo $?`` prints what the page says.
"""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
from typing import NamedTuple

DIRECTIVE = '.. code-block:: '
MARK = '@@@ command %d @@@'
#: Printed after each command, with its exit status.
END = '@@@ command %d exit '


class Step(NamedTuple):
    command: str
    shown: list[str]


class Ran(NamedTuple):
    command: str
    status: int
    printed: list[str]


def blocks(text: str, language: str) -> list[tuple[str | None, list[str]]]:
    """``(caption, lines)`` of each ``.. code-block:: <language>`` of a
    page's ``text``, in order; ``lines`` without the block's own
    indentation (pages indent by 3 or 4) or its blank first and last
    lines."""
    found: list[tuple[str | None, list[str]]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.startswith(DIRECTIVE):
            continue
        body = []
        while index < len(lines) and (not lines[index].strip()
                                      or lines[index].startswith(' ')):
            body.append(lines[index])
            index += 1
        if line[len(DIRECTIVE):].strip() != language:
            continue
        caption = None
        while body and body[0].strip().startswith(':'):
            name, _, value = body.pop(0).strip()[1:].partition(':')
            if name == 'caption':
                caption = value.strip()
        while body and not body[0].strip():
            body.pop(0)
        while body and not body[-1].strip():
            body.pop()
        indent = min((len(b) - len(b.lstrip()) for b in body if b.strip()),
                     default=0)
        found.append((caption, [b[indent:] for b in body]))
    return found


def steps(text: str) -> list[Step]:
    """The ``$`` commands of ``text``'s console blocks, each with the
    (non-blank) lines shown after it."""
    found: list[Step] = []
    for _, lines in blocks(text, 'console'):
        for line in lines:
            if line.startswith('$ '):
                found.append(Step(line[2:], []))
            elif line.strip():
                assert found, 'output before any command: %r' % line
                found[-1].shown.append(line.rstrip())
    return found


def environ() -> dict[str, str]:
    """This environment, with the test interpreter's scripts (the
    project's console commands) first on ``PATH``."""
    return dict(os.environ, PATH='%s%s%s' % (
        os.path.dirname(sys.executable), os.pathsep, os.environ['PATH']))


def run_as_shown(page_steps: list[Step], cwd: pathlib.Path,
                 env: dict[str, str], timeout: float) -> list[Ran]:
    """Run the steps in one bash script in ``cwd``, within ``timeout``
    seconds; assert that each shown line is among what its command
    printed (stdout and stderr, right-stripped lines)."""
    script = ['status=0']
    for number, (command, _) in enumerate(page_steps):
        # The marker's echo must not be the status `echo $?` sees.
        script += ['echo "%s"; (exit $status)' % (MARK % number),
                   '%s 2>&1; status=$?' % command,
                   'echo "%s$status"' % (END % number)]
    with subprocess.Popen(['bash', '-c', '\n'.join(script)], cwd=cwd,
                          env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          text=True, start_new_session=True) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            raise AssertionError('the page\'s commands took over %ss:\n%s'
                                 % (timeout, output)) from None
    ran = []
    for number, (command, shown) in enumerate(page_steps):
        start = output.find(MARK % number)
        end = output.find(END % number, start)
        assert -1 not in (start, end), (command, 'did not finish', output)
        # What follows the marker's own line, up to the status.
        printed = [line.rstrip() for line in
                   output[start:end].split('\n', 1)[1].splitlines()]
        status = output[end + len(END % number):].split('\n', 1)[0]
        ran.append(Ran(command, int(status), printed))
        for line in shown:
            assert line in printed, (command, line, printed)
    return ran
