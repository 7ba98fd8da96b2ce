# SPDX-License-Identifier: GPL-2.0
"""The command dispatch of the tools: `TOOL COMMAND ARGS...'."""
import sys


def run(doc, commands):
    """Runs commands[argv[1]] on the other arguments and exits with what
    it returns; the tool's doc string on a bad command."""
    argv = sys.argv
    if len(argv) < 2 or argv[1] not in commands:
        print(doc, file=sys.stderr)
        sys.exit(2)
    sys.exit(commands[argv[1]](argv[2:]))
