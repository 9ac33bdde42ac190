"""The reference simulator taking positions it does not declare, as a product would.

`--sut tests.positioned:configured` builds the simulator with the positions in
the environment variable MFA_TEST_CONFIGURED (JSON) and, like any product,
ignores what a run declares (`adopt_positions`): so a run can declare other
positions than the system takes, and must then fail. A run against it that
declares exactly what it takes must pass.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from mfa_conformance.driver.inprocess import InProcessSystem, simulator_options

__all__ = ["ConfiguredSimulator", "configured", "CONFIGURED"]

CONFIGURED = "MFA_TEST_CONFIGURED"


class ConfiguredSimulator(InProcessSystem):
    name = "reference simulator taking undeclared positions (test variant)"

    def __init__(self, configured: Mapping[str, object]) -> None:
        super().__init__()
        self.configured = dict(configured)
        self._options = simulator_options(configured)
        self._sim = self._fresh()

    def adopt_positions(self, positions: Mapping[str, object]) -> None:
        """A product takes the positions it takes, whatever a run declares."""


def configured() -> ConfiguredSimulator:
    return ConfiguredSimulator(json.loads(os.environ.get(CONFIGURED, "{}")))
