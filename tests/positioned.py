"""The reference simulator taking positions it does not declare, as a product would.

`--sut tests.positioned:configured` builds the simulator with the positions in
the environment variable MFA_TEST_CONFIGURED (JSON) and, like any product,
ignores what a run declares (`adopt_positions`): so a run can declare other
positions than the system takes, and must then fail. A run against it that
declares exactly what it takes must pass. The JSON's `"readings"` object sets
simulator options that are no position, where the how-to leaves only wording
open (`lock_shown_next`): every declaration that passes without them must
pass with them.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping

from mfa_conformance.driver.inprocess import InProcessSystem, simulator_options

__all__ = ["ConfiguredSimulator", "configured", "CONFIGURED"]

CONFIGURED = "MFA_TEST_CONFIGURED"


class ConfiguredSimulator(InProcessSystem):
    name = "reference simulator taking undeclared positions (test variant)"

    def __init__(self, configured: Mapping[str, object], readings: Mapping[str, object] | None = None) -> None:
        super().__init__()
        self.configured = dict(configured)
        self._options = dataclasses.replace(simulator_options(configured), **(readings or {}))
        self._sim = self._fresh()

    def adopt_positions(self, positions: Mapping[str, object]) -> None:
        """A product takes the positions it takes, whatever a run declares."""


def configured() -> ConfiguredSimulator:
    configured = json.loads(os.environ.get(CONFIGURED, "{}"))
    readings = configured.pop("readings", None)
    return ConfiguredSimulator(configured, readings)


def lock_shown_next() -> ConfiguredSimulator:
    """The reference, but the wrong code that locks code entry is answered as wrong (the lock shown next)."""
    return ConfiguredSimulator({}, {"lock_shown_next": True})


def lock_shown_next_at_ten() -> ConfiguredSimulator:
    """As `lock_shown_next`, locking at the 10th wrong code in a row."""
    return ConfiguredSimulator({"lockout_after": 10}, {"lock_shown_next": True})


def password_reset_signs_out() -> ConfiguredSimulator:
    """The reference with a password reset, which leaves the user at the sign-in page rather than the code
    prompt: the other answer that keeps the second factor (SEC-15 passes either)."""
    return ConfiguredSimulator({"password_reset": "offered"}, {"password_reset_signs_out": True})
