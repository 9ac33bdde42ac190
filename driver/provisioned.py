"""The reference simulator as a staging deployment: pre-provisioned accounts,
no seeding, one world for the whole run (`--sut provisioned`).

It is how the harness's own tests check, in a second, that a suite run against
a system that cannot seed starts every scenario where its Given steps say:
state carries from one scenario to the next exactly as on a deployed product.
Its clock only moves forward (a scenario that sets "it is 09:00 UTC" moves it
to the next such time), so codes used earlier never look like future ones.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from mfa_conformance import simulator

from .inprocess import InProcessSession, _translated, at_once, simulator_options
from .inprocess_pages import PageLog, Watched
from .interface import Account, Capability, CodeAnswer, Page, Session, SystemUnderTest

__all__ = ["ProvisionedSystem", "provisioned_system", "STAGING_CAST"]

STAGING_CAST = {
    # scenario practice, MFA available -> the real practice; its personas: name -> account holder?
    ("Riverside Clinic", True): ("Riverside Staging", {"Dana": True, "Erin": False, "Frank": False}),
    ("Hillside Practice", True): ("Hillside Staging", {"Olga": True}),
    ("Hillside Practice", False): ("Hillside Without MFA", {"Olga": True, "Gail": False}),
}


class _ForwardClock:
    """A clock that starts at the real time and moves only when told, and only forward."""

    def __init__(self) -> None:
        import time

        self.now = time.time()

    def __call__(self) -> float:
        return self.now


class ProvisionedSystem(SystemUnderTest):
    """One simulator, provisioned once, kept for the whole run."""

    name = "reference simulator, pre-provisioned (no seeding)"
    code_latency = 0.05

    def __init__(self, *, support_console: bool = True, clock: bool = True,
                 make: Callable[..., simulator.Simulator] = simulator.Simulator) -> None:
        self._clock = _ForwardClock() if clock else None
        self._sim = make(clock=self._clock) if clock else make()
        self._pages = PageLog()
        self._watched = Watched(self._sim, self._pages)
        self.capabilities = frozenset(Capability) - {Capability.SEEDING, Capability.STATE_SEEDING} - (
            set() if support_console else {Capability.SUPPORT_CONSOLE}) - (set() if clock else {Capability.CLOCK})
        self._accounts: dict[tuple[str, str], Account] = {}
        for (_, available), (practice, people) in STAGING_CAST.items():
            self._sim.create_practice(practice, mfa_available=available)
            for person, holder in people.items():
                account = Account(practice=practice, username=f"{person.lower()}@{practice.split()[0].lower()}"
                                  f"{'' if available else '-nomfa'}", password=secrets.token_urlsafe(16),
                                  account_holder=holder)
                self._sim.create_user(practice, account.username, account.password, account_holder=holder)
                self._accounts[(person, practice)] = account

    def describe(self) -> dict[str, str]:
        return {"driver": self.name, "capabilities": ", ".join(sorted(map(str, self.capabilities)))}

    def adopt_positions(self, positions: Mapping[str, object]) -> None:
        self._sim.options = simulator_options(positions)

    def start_scenario(self, name: str) -> None:
        self._pages.clear()

    def profile_practice(self, display: str, *, mfa_available: bool) -> str | None:
        entry = STAGING_CAST.get((display, mfa_available))
        return entry[0] if entry else None

    def persona(self, name: str, *, practice: str | None = None) -> Account | None:
        if practice is not None:
            return self._accounts.get((name, practice))
        return next((account for (person, _), account in self._accounts.items() if person == name), None)

    def account_holder_of(self, practice: str) -> Account | None:
        return next((a for (_, real), a in self._accounts.items() if real == practice and a.account_holder), None)

    @_translated
    def sign_in(self, username: str, password: str, *, address: str | None = None) -> Session:
        kwargs = {} if address is None else {"address": address}
        token, _ = self._watched.sign_in(username, password, **kwargs)
        return InProcessSession(self._watched, token)

    def now(self) -> float:
        return self._clock() if self._clock is not None else super().now()

    def set_time(self, when: datetime) -> None:
        if self._clock is None:
            super().set_time(when)
        self._clock.now = max(self._clock.now, when.timestamp())

    def advance(self, seconds: float) -> None:
        if self._clock is None:
            super().advance(seconds)
        self._clock.now += max(0.0, seconds)

    @_translated
    def support_reset_mfa(self, username: str) -> None:
        self._watched.support_find_user(username)  # the console's search, shown before the reset (SEC-13)
        self._watched.support_reset_mfa(username)

    def submit_codes_at_once(self, attempts: Sequence[tuple[Session, str]]) -> list[CodeAnswer]:
        return at_once(attempts)

    def pages_visited(self) -> list[Page]:
        return self._pages.pages()


def provisioned_system() -> ProvisionedSystem:
    """The `--sut provisioned` factory; MFA_PROVISIONED_SUPPORT=off leaves out the support
    console, MFA_PROVISIONED_CLOCK=off the clock control (codes then run on the real clock)."""
    return ProvisionedSystem(support_console=os.environ.get("MFA_PROVISIONED_SUPPORT", "on") != "off",
                             clock=os.environ.get("MFA_PROVISIONED_CLOCK", "on") != "off")
