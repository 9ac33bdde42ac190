"""What the explorer writes down as it goes.

Each rule call (so `explore.shrinking` can replay a sequence), each step and act
in the suite's own words (`explore.trace`), each driver call's outcome (a value
or the named refusal it met), each rule call's and act's time since the
sequence began, and across examples the counts and the first failure
(`Observer`). A check that fails ends here too, as a `Discrepancy`: while
exploring, the first one is handed to the observer's witness as it happens
(before anything replays it) and ends the exploration (`Disagreed`).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from typing import ClassVar, NoReturn, TypeVar

from mfa_conformance.driver import Capability, Stage, SystemUnderTest, UserStatus
from mfa_conformance.driver.errors import CapabilityMissing, Refused, SystemUnreachable

from .actors import Actor
from .model import HowTo
from .trace import Act, Call, Disagreed, Discrepancy, Line, Step, Trace

__all__ = ["Observer", "OnFirstFailure", "Recording", "recorded"]

T = TypeVar("T")


def recorded(rule_function: Callable[..., T]) -> Callable[..., T]:
    """Remember which rule ran with which arguments, and when, so `explore.shrinking` can replay a sequence."""

    @functools.wraps(rule_function)
    def run(self: Recording, **arguments: object) -> T:
        at = self._elapsed() if self.scheduled is None else self.scheduled
        self._pending_call = Call(rule_function.__name__, arguments, at)
        return rule_function(self, **arguments)

    return run


OnFirstFailure = Callable[["Recording", Discrepancy, tuple[int, float]], None]
"""Told of the exploration's first discrepancy as it happens, while the system still shows it
(with the sequences explored and seconds spent until then)."""


class Observer:
    """What the explorer learns across examples: the latest machine, counts, the first failure."""

    def __init__(self, clock: Callable[[], float], witness: OnFirstFailure | None = None) -> None:
        self._clock = clock
        self._witness = witness
        self.started = clock()
        self.latest: Recording | None = None
        self.examples = 0
        self.actions = 0
        self.rules = 0
        self.first_failure: tuple[int, float] | None = None
        """(examples run, seconds) when a discrepancy was first seen."""
        self.replays = 0
        """Sequences replayed to reproduce or shrink the first failure."""
        self.replaying = False

    def begin(self, machine: Recording) -> None:
        self.latest = machine
        if self.replaying:
            self.replays += 1
        else:
            self.examples += 1

    def failed(self, machine: Recording, discrepancy: Discrepancy) -> bool:
        """True when this is the exploration's first discrepancy, now recorded: the exploration stops there.
        A replay's discrepancy is for the replay to judge."""
        if self.replaying or self.first_failure is not None:
            return False
        self.first_failure = (self.examples, self._clock() - self.started)
        if self._witness is not None:
            self._witness(machine, discrepancy, self.first_failure)
        return True


class Recording:
    """The explorer's state for one example, and how it records what happens in it.

    `explore.machine.Exploration` sets these up for each example; the checks, the
    acts and the rules build on them."""

    system: ClassVar[SystemUnderTest]
    observer: ClassVar[Observer]
    positions: ClassVar[dict[str, object]]
    """The positions the system declares, which the model predicts with."""

    sut: SystemUnderTest
    caps: frozenset[Capability]
    model: HowTo
    trace: Trace
    actors: dict[str, Actor]
    step: Step | None
    failed: bool
    _pending_call: Call
    scheduled: float | None
    """While a replay runs a call: its time in the sequence first explored, which the replay keeps."""
    _keys: itertools.count[int]
    _phones: itertools.count[int]

    def _fail(self, message: str, failing: list[Line], rests_on: frozenset[str], *, in_step: bool = True) -> NoReturn:
        self.failed = True
        error = Discrepancy(message, failing=failing, rests_on=rests_on, during=self.step if in_step else None)
        if type(self).observer.failed(self, error):
            raise Disagreed(error)
        raise error

    def _elapsed(self) -> float:
        """Seconds since the sequence began, on the system's clock."""
        return self.sut.now() - self.trace.started

    def _begin_step(self, rule_name: str) -> Step:
        self.step = Step(rule=rule_name, call=self._pending_call)
        self.trace.steps.append(self.step)
        type(self).observer.rules += 1
        return self.step

    def _act(self, when: str | Line) -> Act:
        assert self.step is not None
        act = Act(when=[when if isinstance(when, Line) else Line("When", when)], at=self._elapsed())
        self.step.acts.append(act)
        type(self).observer.actions += 1
        return act

    def _call(self, do: Callable[[], T]) -> tuple[T | None, Refused | None]:
        """Run one driver call: its value, or the named refusal it met.

        Anything else the system raises is a discrepancy too (the suite's step
        would fail the same way), except a lost connection, which stops the run."""
        try:
            return do(), None
        except Refused as error:
            return None, error
        except (SystemUnreachable, KeyboardInterrupt):
            raise
        except CapabilityMissing as missing:
            self._fail(f"the system declares the capability {missing.capability} but lacks it", [], frozenset())
        except Exception as error:  # noqa: BLE001 - a system's crash is a finding, reported in one line
            self._fail(f"the system raised {type(error).__name__}: {error}", [], frozenset())
        raise AssertionError("unreachable")

    @staticmethod
    def _said(value: object, error: Refused | None) -> str:
        return f"refused it ({type(error).__name__})" if error is not None else str(value)

    @staticmethod
    def _status_said(status: UserStatus | None, error: Refused | None) -> str:
        if error is not None:
            return f"nothing (refused: {type(error).__name__})"
        if status is None:
            return "absent"
        return f"enrolled with {status.device_name!r}" if status.enrolled else "not enrolled"

    def _stage_of(self, session: object) -> str:
        stage = getattr(session, "stage", None)
        return f"let them in at '{stage.value}'" if isinstance(stage, Stage) else "let them in"

    def _session(self, actor: Actor):
        assert actor.session is not None, f"{actor.name} has no session"
        return actor.session
