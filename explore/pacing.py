"""Replaying on the real clock: each rule call in the time step it had when first explored.

On a system without clock control (no `Capability.CLOCK`) what a code does depends
on the 30-second time step it is entered in, and on the steps of the codes before
it. A replay run as fast as it goes would enter them in other time steps than the
sequence it repeats, and so could differ from it for that reason alone. So a replay
first waits until the real clock stands as far into its time step as it did when the
original sequence began, then starts each rule call no earlier than the original
did after its start: each act falls the same number of time steps after the start,
as far into its step. A replay slower than the original cannot be brought back;
`out_of_step` counts the calls that fell in a later time step than the original's.
"""

from __future__ import annotations

from mfa_conformance.driver import SystemUnderTest

from .model_state import PERIOD, time_step
from .trace import Call

__all__ = ["RealClockPacing"]


class RealClockPacing:
    """Waits on the real clock (`SystemUnderTest.wait_real`) before a replay and before each of its calls."""

    def __init__(self, system: SystemUnderTest, started: float) -> None:
        self._system = system
        self._started = started
        """The original sequence's start, on the system's clock."""
        self._origin = started
        self.out_of_step = 0
        self.waited = 0.0

    def start(self) -> None:
        """Once the replay's world is set up: wait until the clock is as far into its time step as at the original's start."""
        now = self._system.now()
        wait = (self._started - now) % PERIOD
        self._wait(wait, "replaying from the same point of a time step as the sequence first explored")
        self._origin = now + wait
        self.out_of_step = 0

    def before(self, call: Call) -> None:
        """Wait until as long after the replay's start as the original's call came after its own."""
        self._wait(self._origin + call.at - self._system.now(), "replaying each action in the time step it had")
        ran_at = self._system.now() - self._origin
        if self.steps_after_start(self._origin, ran_at) != self.steps_after_start(self._started, call.at):
            self.out_of_step += 1

    @staticmethod
    def steps_after_start(start: float, elapsed: float) -> int:
        return time_step(start + elapsed) - time_step(start)

    def _wait(self, seconds: float, why: str) -> None:
        if seconds > 0:
            self._system.wait_real(seconds, why)
            self.waited += seconds
