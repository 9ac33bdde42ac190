"""The reference simulator on a product whose screens show no device names, served in process.

The how-to has users name their device but never says where the name is shown
again, so such a product conforms: a scenario that would read a name passes on
what it did check, the name listed as unchecked. A second variant also removes
every user's device when enforcement is switched off, a real DIS-01 fault that
must still fail:

    mfa-conformance run --sut tests.nameless:shows_no_device_names
    mfa-conformance run --sut tests.nameless:nameless_enforcement_off_unenrolls
"""

from __future__ import annotations

from dataclasses import replace

from mfa_conformance.driver import Detail
from mfa_conformance.driver.inprocess import InProcessSystem
from mfa_conformance.simulator import Simulator
from mfa_conformance.simulator.state import User, UserView

__all__ = ["shows_no_device_names", "nameless_enforcement_off_unenrolls"]


class ShowsNoDeviceNames(Simulator):
    """Keeps each device's name, but shows it on no screen: neither User Settings nor the user's own status."""

    def _view(self, user: User) -> UserView:
        return replace(super()._view(user), device_name=None)


class EnforcementOffUnenrolls(ShowsNoDeviceNames):
    """Clearing the enforcement box removes the device of every user of the practice (breaks DIS-01)."""

    def set_enforcement(self, token: str, enforced: bool) -> None:
        _, practice = self._account_holder(token)
        super().set_enforcement(token, enforced)
        if not enforced:
            for user in self.state.users.values():
                if user.practice == practice.name:
                    user.device = None


class NamelessSystem(InProcessSystem):
    """Declares, as a vendor's driver would, that its screens show no device names."""

    shows: frozenset[Detail] = frozenset()


def shows_no_device_names() -> InProcessSystem:
    return NamelessSystem(make=ShowsNoDeviceNames)


def nameless_enforcement_off_unenrolls() -> InProcessSystem:
    return NamelessSystem(make=EnforcementOffUnenrolls)
