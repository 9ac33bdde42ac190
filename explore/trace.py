"""What an exploration did, in the suite's own words.

Every action is recorded as Gherkin step lines (the `When` that does it and the
`Then`s that check the model's prediction), so a failing sequence can be
written out as a feature file that replays through the normal suite.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Line", "Act", "Step", "Trace", "Discrepancy"]


@dataclass(frozen=True)
class Line:
    """One Gherkin step: keyword, text, and an optional data table."""

    keyword: str
    text: str
    table: tuple[tuple[str, ...], ...] = ()


@dataclass
class Act:
    """One documented action and the checks of what the model predicted for it."""

    when: list[Line]
    then: list[Line] = field(default_factory=list)
    rests_on: frozenset[str] = frozenset()

    @property
    def lines(self) -> list[Line]:
        return [*self.when, *self.then]


@dataclass
class Step:
    """One rule of the exploration: its explicit acts, and a shorter equivalent when there is one.

    `compact` is set only when the suite has a single step doing exactly these
    acts (e.g. "Dana enforces MFA for all users" signs Dana in first when she
    is not signed in) and every one of them went as that step expects."""

    rule: str
    call: tuple[str, dict[str, object]] = ("", {})
    """The machine method and arguments that took this step, for replaying it."""
    acts: list[Act] = field(default_factory=list)
    compact: list[Line] | None = None
    capabilities: set[str] = field(default_factory=set)

    @property
    def lines(self) -> list[Line]:
        if self.compact is not None:
            return list(self.compact)
        return [line for act in self.acts for line in act.lines]

    @property
    def actions(self) -> int:
        return len(self.acts)


@dataclass
class Trace:
    """The steps of one example, in order."""

    steps: list[Step] = field(default_factory=list)
    capabilities: set[str] = field(default_factory=set)
    """Capability tags the sequence needs (clock, support console, client address)."""

    @property
    def actions(self) -> int:
        return sum(step.actions for step in self.steps)


class Discrepancy(AssertionError):
    """The system did not do what the model of the how-to predicted.

    Carries the failing check as a Gherkin `Then` (with the acts of the failing
    step before it) and the requirement IDs the prediction rests on."""

    def __init__(self, message: str, *, failing: list[Line], rests_on: frozenset[str]) -> None:
        super().__init__(message)
        self.message = message
        self.failing = failing
        self.rests_on = rests_on
