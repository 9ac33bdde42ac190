"""Clinicware's state: one reference simulator in memory, its clocks, its staff.

Requests are served by several threads, so every domain action runs under one
lock. The clock is kept per lane (the X-Clinicware-Clock header), so that
scenarios, each on a lane of its own, move only their own time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from mfa_conformance.simulator import Simulator

__all__ = ["Clinic", "CLOCK_HEADER", "ADDRESS_HEADER"]

CLOCK_HEADER = "X-Clinicware-Clock"
ADDRESS_HEADER = "X-Clinicware-Address"
T = TypeVar("T")


@dataclass
class _Lane:
    frozen: float | None = None

    def now(self) -> float:
        return self.frozen if self.frozen is not None else time.time()


@dataclass
class Clinic:
    staff_login: str
    staff_password: str
    lanes: dict[str, _Lane] = field(default_factory=dict)
    _lane: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.sim = Simulator(clock=lambda: self.lanes.setdefault(self._lane, _Lane()).now())

    def run(self, lane: str, action: Callable[[Simulator], T]) -> T:
        """One domain action on the lane's clock; refusals propagate, having changed nothing."""
        with self._lock:
            self._lane = lane
            return action(self.sim)

    def now(self, lane: str) -> float:
        with self._lock:
            return self.lanes.setdefault(lane, _Lane()).now()

    def move_clock(self, lane: str, *, to: float | None = None, by: float | None = None) -> float:
        """Set or advance a lane's clock; once moved it stays where it was put."""
        with self._lock:
            clock = self.lanes.setdefault(lane, _Lane())
            clock.frozen = to if to is not None else clock.now() + (by or 0.0)
            return clock.frozen
