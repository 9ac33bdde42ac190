"""Where the simulator reads the time.

The default reads `time.time()` at call time, so freezegun (or any test that
patches the time module) moves the simulator's clock; a caller may inject any
other zero-argument callable returning Unix seconds.
"""

import time
from collections.abc import Callable

__all__ = ["Clock", "system_clock"]

Clock = Callable[[], float]


def system_clock() -> float:
    return time.time()
