"""One exploration run: bounded by examples and wall time, reproducible from a seed.

Hypothesis has no wall-clock limit, so the run goes in chunks of examples, each
with its own seed drawn from the run's seed: the same seed replays the same
examples, and the time limit is checked between chunks. Each chunk runs
derandomized from its seed with no example database, so nothing carries over
between runs but the seed.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from collections.abc import Callable, Mapping
from pathlib import Path

from hypothesis import HealthCheck, Phase, Verbosity, seed, settings
from hypothesis.errors import Flaky
from hypothesis.stateful import run_state_machine_as_test

from mfa_conformance.driver import SystemUnderTest
from mfa_conformance.driver.errors import SystemUnreachable

from .gherkin import Counterexample, counterexample_from, write_feature
from .machine import machine_for
from .recording import Observer
from .shrinking import shrink
from .trace import Discrepancy

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
    counterexample: Counterexample | None = None
    feature: Path | None = None
    found_after: tuple[int, float] | None = None
    """(examples, seconds) when the first discrepancy was seen, before shrinking."""
    replays: int = 0
    """Sequences replayed while shrinking."""
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.counterexample is None and self.error is None


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


def explore(system: SystemUnderTest, budget: Budget, *, sut: str, report_dir: Path | None = None,
            positions: Mapping[str, object] | None = None, options: str = "") -> Result:
    """Run random sequences against `system` until the budget is spent or the model and the system disagree.

    The model predicts with `positions`, the system's declared ones (the reference default for the rest);
    `options` are those a replay of a counterexample needs besides --sut (e.g. --positions FILE)."""
    observer = Observer(wall_clock)
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
            except Discrepancy as failure:
                latest = observer.latest
                assert latest is not None
                observer.shrinking = True
                shrunk = shrink(machine, latest, failure, max_replays=budget.max_replays,
                                out_of_time=lambda: wall_clock() >= deadline + SHRINK_GRACE)
                result.counterexample = counterexample_from(shrunk.machine.trace, shrunk.failure)
                if report_dir is not None:
                    result.feature = write_feature(result.counterexample, report_dir, sut=sut, seed=budget.seed,
                                                   options=options)
                break
            except Flaky as flaky:
                result.error = f"a failure did not reproduce when replayed (is the system deterministic?): {flaky}"
                break
            except SystemUnreachable:
                raise
            except Exception as crash:  # noqa: BLE001 - e.g. seeding refused: one line, not a traceback
                result.error = f"the exploration could not go on: {type(crash).__name__}: {crash}"
                break
            remaining -= chunk
    finally:
        system.close()
        result.examples = observer.examples
        result.rules = observer.rules
        result.actions = observer.actions
        result.seconds = wall_clock() - observer.started
        result.found_after = observer.first_failure
        result.replays = observer.replays
    return result
