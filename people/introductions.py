"""How a scenario introduces its practices and people, read one way everywhere.

"Riverside Clinic is a practice where MFA is available" and "Dana is the account holder
of Riverside Clinic" are the lines every scenario starts from. The steps bind them, the
starting state skips them, the check before a run lists the accounts they need, and the
browser driver names the personas its profile must provide: all with these patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["PRACTICE", "PERSON", "PRACTICE_LINE", "PERSON_LINE", "introduced", "is_introduction"]

PRACTICE = r"(?P<practice>.+) is a practice where MFA is (?P<negation>not )?available"
"""A practice's introduction, as the step text reads (the steps bind it with this pattern)."""
PERSON = r"(?P<name>\w+) is (?P<role>the account holder|a user) of (?P<practice>.+?)"
"""A person's introduction: the account holder of a practice, or a user of it."""

_KEYWORD = r"^\s*(?:(?:Given|And|But|When|Then|\*)\s+)?"
PRACTICE_LINE = re.compile(_KEYWORD + PRACTICE + r"\s*$")
"""A practice's introduction as a feature file's line (with or without its keyword)."""
PERSON_LINE = re.compile(_KEYWORD + PERSON + r"\s*$")
"""A person's introduction as a feature file's line (with or without its keyword)."""


def introduced(lines: Iterable[str]) -> tuple[set[tuple[str, bool]], set[tuple[str, str]]]:
    """(practice, MFA available) and (person, practice) pairs these lines introduce."""
    practices, people = set(), set()
    for line in lines:
        if match := PRACTICE_LINE.match(line):
            practices.add((match["practice"], not match["negation"]))
        elif match := PERSON_LINE.match(line):
            people.add((match["name"], match["practice"]))
    return practices, people


def is_introduction(text: str) -> bool:
    """Whether a step introduces a practice or a person (and so sets no state of its own)."""
    return bool(PRACTICE_LINE.match(text) or PERSON_LINE.match(text))
