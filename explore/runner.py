"""One exploration run: bounded by examples and wall time, reproducible from a seed.

Hypothesis has no wall-clock limit, so the run goes in chunks of examples, each
with its own seed drawn from the run's seed: the same seed replays the same
examples, and the time limit is checked between chunks. Each chunk runs
derandomized from its seed with no example database, so nothing carries over
between runs but the seed.

The first disagreement ends the exploration where it happens: it is recorded
then (`explore.first_disagreement`), and only then replayed, by the explorer
itself and not by Hypothesis, in the time steps it had on a system without
clock control (`explore.pacing`). Reproduced, it is shrunk to a counterexample;
not reproduced, it stays a finding, seen once. Hypothesis's own words about a
run it could not finish go to a debug field, never to the result.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from collections.abc import Callable, Mapping
from pathlib import Path

from hypothesis import HealthCheck, Phase, Verbosity, seed, settings
from hypothesis.errors import FlakyFailure, HypothesisException
from hypothesis.stateful import run_state_machine_as_test

from mfa_conformance.driver import Capability, SystemUnderTest
from mfa_conformance.driver.errors import SystemUnreachable

from .first_disagreement import FirstDisagreement, Witness
from .gherkin import Counterexample, counterexample_from, write_feature
from .machine import Exploration, machine_for
from .pacing import RealClockPacing
from .recording import Observer
from .shrinking import Shrunk, replay, shrink
from .trace import Disagreed

__all__ = ["Budget", "Result", "explore", "DEFAULT_MAX_EXAMPLES", "DEFAULT_MAX_MINUTES", "DEFAULT_MAX_STEPS"]

DEFAULT_MAX_EXAMPLES = 1000
DEFAULT_MAX_MINUTES = 5.0
DEFAULT_MAX_STEPS = 100
CHUNK = 50
SHRINK_GRACE = 60.0
"""Seconds past the time limit that shrinking a found counterexample may still take."""


def wall_clock() -> float:
    """Seconds on a clock no time-freezing library patches (the in-process driver freezes time.time)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


@dataclass(frozen=True)
class Budget:
    max_examples: int = DEFAULT_MAX_EXAMPLES
    max_minutes: float = DEFAULT_MAX_MINUTES
    seed: int = 0
    max_steps: int = DEFAULT_MAX_STEPS
    """Rules per example (Hypothesis' stateful_step_count)."""
    max_replays: int = 400
    """Replays spent shrinking a counterexample."""


@dataclass
class Result:
    system: str
    budget: Budget
    examples: int = 0
    rules: int = 0
    actions: int = 0
    seconds: float = 0.0
    out_of_time: bool = False
    first_disagreement: FirstDisagreement | None = None
    """The first disagreement, as it happened, reproduced or not."""
    counterexample: Counterexample | None = None
    """The first disagreement reproduced and shrunk."""
    feature: Path | None = None
    found_after: tuple[int, float] | None = None
    """(examples, seconds) when the first discrepancy was seen, before shrinking."""
    replays: int = 0
    """Sequences replayed while shrinking."""
    error: str | None = None
    """Why the run itself broke, in one line."""
    debug: str | None = None
    """What the test engine (Hypothesis) said of it, for the harness's own developers."""

    @property
    def passed(self) -> bool:
        return self.first_disagreement is None and self.counterexample is None and self.error is None


def _settings(budget: Budget, examples: int) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=budget.max_steps,
        deadline=None,
        database=None,
        derandomize=False,
        report_multiple_bugs=False,
        print_blob=False,
        verbosity=Verbosity.quiet,
        phases=(Phase.explicit, Phase.generate),  # explore.shrinking shrinks, by replaying rule calls
        suppress_health_check=list(HealthCheck),
    )


def _factory(machine: type) -> Callable[[], object]:
    """A fresh function per chunk, so each chunk carries its own seed (Hypothesis reads it off the factory)."""

    def one_example() -> object:
        return machine()

    return one_example


def _broke(crash: Exception) -> tuple[str, str | None]:
    """Why the run broke, in one line of the system's or the explorer's words, and Hypothesis's own, if any."""
    if isinstance(crash, FlakyFailure) and crash.exceptions:
        inner = crash.exceptions[0]
        return (f"the exploration could not go on: {type(inner).__name__}: {inner} (once; it did not happen again)",
                f"{type(crash).__name__}: {crash}")
    if isinstance(crash, HypothesisException):
        return "the exploration could not go on: the test engine stopped", f"{type(crash).__name__}: {crash}"
    return f"the exploration could not go on: {type(crash).__name__}: {crash}", None


def explore(system: SystemUnderTest, budget: Budget, *, sut: str, report_dir: Path | None = None,
            positions: Mapping[str, object] | None = None, options: str = "",
            say: Callable[[str], None] = lambda line: None) -> Result:
    """Run random sequences against `system` until the budget is spent or the model and the system disagree.

    The model predicts with `positions`, the system's declared ones (the reference default for the rest);
    `options` are those a replay of a counterexample needs besides --sut (e.g. --positions FILE); `say`
    tells the person watching of the first disagreement as it happens."""
    witness = Witness(system, report_dir=report_dir, sut=sut, seed=budget.seed, options=options, say=say)
    observer = Observer(wall_clock, witness)
    result = Result(system=system.name, budget=budget)
    seeds = random.Random(budget.seed)
    deadline = observer.started + budget.max_minutes * 60
    remaining = budget.max_examples
    machine = machine_for(system, observer, positions)
    try:
        while remaining > 0:
            if wall_clock() >= deadline:
                result.out_of_time = True
                break
            chunk = min(CHUNK, remaining)
            try:
                run_state_machine_as_test(seed(seeds.getrandbits(64))(_factory(machine)),
                                          settings=_settings(budget, chunk))
            except Disagreed:
                break
            except SystemUnreachable:
                raise
            except Exception as crash:  # noqa: BLE001 - e.g. seeding refused: one line, not a traceback
                result.error, result.debug = _broke(crash)
                break
            remaining -= chunk
        if witness.record is not None and witness.found is not None:
            result.first_disagreement = witness.record
            observer.replaying = True
            _follow_up(result, witness, machine, budget,
                       out_of_time=lambda: wall_clock() >= deadline + SHRINK_GRACE)
            if result.counterexample is not None and report_dir is not None:
                result.feature = write_feature(result.counterexample, report_dir, sut=sut, seed=budget.seed,
                                               options=options)
    finally:
        system.close()
        result.examples = observer.examples
        result.rules = observer.rules
        result.actions = observer.actions
        result.seconds = wall_clock() - observer.started
        result.found_after = observer.first_failure
        result.replays = observer.replays
    return result


def _follow_up(result: Result, witness: Witness, machine: type[Exploration], budget: Budget, *,
               out_of_time: Callable[[], bool]) -> None:
    """Replay the first disagreement's sequence once; reproduced, shrink it. Either way say so in its record."""
    record, found = witness.record, witness.found
    assert record is not None and found is not None
    system = machine.system
    pacing = None if Capability.CLOCK in system.capabilities else RealClockPacing(system, found.trace.started)
    timing = "" if pacing is None else ", in the time steps it had,"
    try:
        again_machine, again = replay(machine, [step.call for step in found.trace.steps], pacing)
    except Exception as crash:  # noqa: BLE001 - the system stopped answering, say: the finding stands
        record.reproduced = False
        record.replay = f"seen once, not reproduced: the replay could not finish ({type(crash).__name__}: {crash})"
        witness.write()
        return
    if pacing is not None and pacing.out_of_step:
        timing = f" on the real clock ({pacing.out_of_step} actions fell in a later time step than first)"
    if again is None:
        record.reproduced = False
        record.replay = f"seen once, not reproduced: a replay{timing} did what the model predicted at every step"
        witness.write()
        return
    record.reproduced = True
    record.replay = f"reproduced by a replay{timing.rstrip(',')}"
    witness.write()
    try:
        shrunk = shrink(machine, again_machine, again, max_replays=budget.max_replays, out_of_time=out_of_time,
                        pacing=pacing)
    except Exception as crash:  # noqa: BLE001 - the replay reproduced it: keep that sequence, unshrunk
        result.debug = f"shrinking stopped: {type(crash).__name__}: {crash}"
        shrunk = Shrunk(again_machine, again, 0)
    result.counterexample = counterexample_from(shrunk.machine.trace, shrunk.failure)
