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

"""The argument parser every ``glance-conf-audit`` command uses."""

from __future__ import annotations

import argparse
import sys
from typing import Any
from typing import TextIO

#: Bad usage, or a file that cannot be read: the same for every command.
EXIT_ERROR = 2


class Parser(argparse.ArgumentParser):
    """argparse, writing to the streams it is given, errors on one line."""

    def __init__(self, stdout: TextIO, stderr: TextIO, **kwargs: Any):
        super().__init__(**kwargs)
        self._streams = stdout, stderr

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            out, err = self._streams
            (out if file is None or file is sys.stdout else err).write(
                message)

    def error(self, message: str) -> Any:
        # One line, no usage dump: CI logs stay readable.
        self.exit(EXIT_ERROR, '%s: error: %s (see --help)\n'
                  % (self.prog, message))
