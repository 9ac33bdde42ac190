"""A reference simulator with one documented behaviour broken, for report tests.

Its `save_device` ignores the device name the user typed (ENR-04 says the user
names the device), so scenarios that look at the device name fail, and an empty
name is no longer refused. It also lacks vendor support's console, so the
scenarios that need it are skipped with a reason. Select it with
`--sut tests.report.broken:factory`.
"""

from __future__ import annotations

from mfa_conformance.driver import Capability
from mfa_conformance.driver.inprocess import InProcessSystem
from mfa_conformance.simulator import Simulator

__all__ = ["BrokenSimulator", "factory", "DEVICE_NAME"]

DEVICE_NAME = "Authenticator"


class BrokenSimulator(Simulator):
    def save_device(self, token: str, code: str, device_name: str) -> None:
        super().save_device(token, code, DEVICE_NAME)


class BrokenSystem(InProcessSystem):
    name = "reference simulator with device names ignored (test variant)"
    capabilities = frozenset(Capability) - {Capability.SUPPORT_CONSOLE}


def factory() -> BrokenSystem:
    return BrokenSystem(BrokenSimulator)
