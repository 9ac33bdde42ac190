"""Systems whose answers break a step, for tests/test_vendor_words.py.

`garbled`: User Settings answer with nothing at all (None where a list belongs): the
harness breaks reading it, which is no sight of the product doing anything.
`crashing`: the product itself raises a KeyError when asked for User Settings: that is
the product failing in front of the harness, its scenario's failure.
"""

from __future__ import annotations

from mfa_conformance.driver.inprocess import InProcessSystem
from mfa_conformance.simulator import Simulator


class _Garbled(Simulator):
    def user_statuses(self, token: str):  # type: ignore[override]
        return None


class _Crashing(Simulator):
    def user_statuses(self, token: str):  # type: ignore[override]
        raise KeyError("users")


def garbled() -> InProcessSystem:
    return InProcessSystem(make=_Garbled)


def crashing() -> InProcessSystem:
    return InProcessSystem(make=_Crashing)
