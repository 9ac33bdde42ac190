"""What the evidence commands share on the command line: one readable line per
error, naming the input, and the exit codes.

0: done (verified; nothing newly failing). 1: verification failed (a package
that does not verify; for compare, something newly fails). 2: usage (argparse).
4: bad input (a missing or corrupt folder, package or key), before anything is
judged. No stack trace reaches the user for any of these.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

__all__ = ["DONE", "FAILED", "USAGE", "BAD_INPUT", "EvidenceError", "Rejected", "run_command"]

DONE, FAILED, USAGE, BAD_INPUT = 0, 1, 2, 4


class EvidenceError(Exception):
    """Bad input: the message names the input and what is wrong with it."""

    code = BAD_INPUT


class Rejected(EvidenceError):
    """The input was read, and does not hold up: a package that does not verify."""

    code = FAILED


def run_command(parser: argparse.ArgumentParser, argv: list[str],
                action: Callable[[argparse.Namespace], int]) -> int:
    args = parser.parse_args(argv)
    try:
        return action(args)
    except EvidenceError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return error.code
