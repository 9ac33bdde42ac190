"""Where the simulator reads the time.

The default reads `time.time()` at call time; a caller may inject any other
zero-argument callable returning Unix seconds, as the in-process driver does with
the clock it sets and moves for a scenario (`driver.inprocess.MovableClock`).
"""

import time
from collections.abc import Callable

__all__ = ["Clock", "system_clock"]

Clock = Callable[[], float]


def system_clock() -> float:
    return time.time()
