"""The reference simulator without state seeding: every Given step walks the screens,
as against a product whose test hooks seed accounts only. `--sut tests.walked:reference`."""

from __future__ import annotations

from mfa_conformance.driver import Capability
from mfa_conformance.driver.inprocess import InProcessSystem

__all__ = ["WalkedSimulator", "reference"]


class WalkedSimulator(InProcessSystem):
    name = "reference simulator without state seeding (test variant)"

    @property
    def capabilities(self) -> frozenset[Capability]:  # type: ignore[override]
        return super().capabilities - {Capability.STATE_SEEDING}


def reference() -> WalkedSimulator:
    return WalkedSimulator()
