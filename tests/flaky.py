"""A deliberately flaky system under test, for `mfa-conformance run --repeat` to find.

The reference simulator, except that in every second scenario it plays (the 2nd,
the 4th, ...) its code prompt refuses every code, the right one too: like a
staging system whose code check fails now and then. A scenario that signs in with
a code therefore passes, fails (or could not start, when a Given step signs in),
passes, when its repetitions run one after another. The count is held on the
object the factory returns, so it spans the scenarios of one run (of one xdist
worker), not the simulator each scenario gets afresh.

    mfa-conformance run --sut tests.flaky:every_other_scenario --repeat 3 -m SGN-01
"""

from __future__ import annotations

from mfa_conformance.driver.inprocess import InProcessSystem
from mfa_conformance.simulator import Simulator, Stage
from mfa_conformance.simulator.errors import CodeRejected

__all__ = ["every_other_scenario"]


class RefusesEveryCode(Simulator):
    def submit_code(self, token: str, code: str) -> Stage:
        if self.stage(token) is Stage.CODE_REQUIRED:
            raise CodeRejected()
        return super().submit_code(token, code)


class EveryOtherScenario(InProcessSystem):
    name = "reference simulator whose code prompt refuses every code in every second scenario (test variant)"

    def __init__(self) -> None:
        self.scenarios = 0
        super().__init__(make=self._simulator)

    def start_scenario(self, name: str) -> None:
        self.scenarios += bool(name)  # "" is the harness's own reset, not a scenario
        super().start_scenario(name)

    def _simulator(self) -> Simulator:
        return RefusesEveryCode() if self.scenarios % 2 == 0 and self.scenarios else Simulator()


def every_other_scenario() -> EveryOtherScenario:
    return EveryOtherScenario()
