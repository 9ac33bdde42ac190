"""What an exploration did, in the suite's own words.

Every action is recorded as Gherkin step lines (the `When` that does it and the
`Then`s that check the model's prediction), so a failing sequence can be
written out as a feature file that replays through the normal suite.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Line", "Call", "Act", "Step", "Trace", "Discrepancy", "Disagreed"]


@dataclass(frozen=True)
class Line:
    """One Gherkin step: keyword, text, and an optional data table."""

    keyword: str
    text: str
    table: tuple[tuple[str, ...], ...] = ()
    note: str = field(default="", compare=False)
    """A comment a feature file shows above the step (when it happened), not part of the step."""


@dataclass(frozen=True)
class Call:
    """One rule call, enough to replay it: the machine method, its arguments, and when it came.

    `at` is seconds since the sequence began in the sequence first explored (a replay keeps
    the original's), so a replay on the real clock can wait for the same time step."""

    rule: str
    arguments: dict[str, object] = field(default_factory=dict)
    at: float = 0.0


@dataclass
class Act:
    """One documented action and the checks of what the model predicted for it."""

    when: list[Line]
    then: list[Line] = field(default_factory=list)
    rests_on: frozenset[str] = frozenset()
    at: float = 0.0
    """Seconds since the sequence began, on the system's clock, when the act began."""

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
    call: Call = field(default_factory=lambda: Call(""))
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
    started: float = 0.0
    """The system's time when the sequence began (its world set up), as a Unix time."""

    @property
    def actions(self) -> int:
        return sum(step.actions for step in self.steps)


class Discrepancy(AssertionError):
    """The system did not do what the model of the how-to predicted.

    Carries the failing check as a Gherkin `Then` (with the acts of the failing
    step before it) and the requirement IDs the prediction rests on."""

    def __init__(self, message: str, *, failing: list[Line], rests_on: frozenset[str],
                 during: Step | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.failing = failing
        self.rests_on = rests_on
        self.during = during
        """The step whose own check failed (None for an invariant after a step)."""


class Disagreed(BaseException):
    """Ends an exploration at its first discrepancy, which the `Observer` has recorded.

    A BaseException, so that Hypothesis, which catches every Exception to replay
    the example on its own (and calls a sequence the real clock did not let
    repeat "flaky"), lets it through: the explorer replays it on its own terms."""

    def __init__(self, discrepancy: Discrepancy) -> None:
        super().__init__(discrepancy.message)
        self.discrepancy = discrepancy
