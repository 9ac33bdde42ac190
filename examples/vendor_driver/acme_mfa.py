"""A minimal vendor driver, kept outside the harness's packages.

Acme's product is played here by a private instance of the reference
simulator, reached only through its public methods, the way a vendor's
driver would call their own product's API or test client. The driver offers
seeding and a clock of its own (Acme's test build takes an injected clock);
scenarios that need vendor support's console or a chosen client address are
skipped, each naming the missing capability.

    mfa-conformance run --sut acme_mfa:acme_system     # with this folder on PYTHONPATH
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from mfa_conformance import Capability, CapabilityMissing, EnrollmentScreen, Session, Stage, SystemUnderTest, UserStatus
from mfa_conformance import errors as refused

from mfa_conformance.simulator import Simulator  # stands in for "acme.client"
from mfa_conformance.simulator import errors as acme_errors

T = TypeVar("T")


def _call(action: Callable[[], T]) -> T:
    """Acme signals refusals with its own exceptions; name them as the harness does."""
    try:
        return action()
    except acme_errors.MfaError as error:
        raise getattr(refused, type(error).__name__)(str(error)) from None


def _status(view) -> UserStatus:
    return UserStatus(username=view.username, enrolled=view.enrolled, device_name=view.device_name,
                      account_holder=view.account_holder)


class AcmeSession(Session):
    def __init__(self, acme: Simulator, token: str) -> None:
        self.acme, self.token = acme, token

    @property
    def stage(self) -> Stage:
        return Stage(_call(lambda: self.acme.stage(self.token)).value)

    def submit_code(self, code: str) -> Stage:
        return Stage(_call(lambda: self.acme.submit_code(self.token, code)).value)

    def enter_application(self) -> None:
        _call(lambda: self.acme.enter_application(self.token))

    def sign_out(self) -> None:
        _call(lambda: self.acme.sign_out(self.token))

    def open_mfa_configuration(self, authenticator: str | None = None) -> EnrollmentScreen:
        screen = _call(lambda: self.acme.begin_enrollment(self.token))
        return EnrollmentScreen(suggested_apps=screen.suggested_apps, qr_png=screen.qr_png)

    def save_device(self, code: str, device_name: str) -> None:
        _call(lambda: self.acme.save_device(self.token, code, device_name))

    def own_mfa_status(self) -> UserStatus:
        return _status(_call(lambda: self.acme.mfa_status(self.token)))

    def enforcement(self) -> bool:
        return _call(lambda: self.acme.enforcement(self.token))

    def set_enforcement(self, enforced: bool) -> None:
        _call(lambda: self.acme.set_enforcement(self.token, enforced))

    def safelist(self) -> tuple[str, ...]:
        return _call(lambda: self.acme.safelist(self.token))

    def set_safelist(self, entries: list[str]) -> None:
        _call(lambda: self.acme.set_safelist(self.token, entries))

    def user_statuses(self) -> list[UserStatus]:
        return [_status(v) for v in _call(lambda: self.acme.user_statuses(self.token))]

    def find_user(self, username: str) -> UserStatus | None:
        view = _call(lambda: self.acme.find_user(self.token, username))
        return None if view is None else _status(view)

    def reset_mfa(self, username: str) -> None:
        _call(lambda: self.acme.reset_mfa(self.token, username))


class AcmeSystem(SystemUnderTest):
    name = "Acme MFA (example vendor driver)"
    capabilities = frozenset({Capability.SEEDING, Capability.CLOCK})
    code_latency = 0.5
    positions = {"lockout_after": 5}
    """Where the how-to leaves a choice, the alternatives Acme takes (features/positions.toml); the rest
    are the reference's. A product that locked after 10 wrong codes would say {"lockout_after": 10}."""

    def __init__(self) -> None:
        self._time = time.time()
        self.acme = Simulator(clock=lambda: self._time)

    def now(self) -> float:
        return self._time

    def set_time(self, when: datetime) -> None:
        self._time = when.timestamp()

    def advance(self, seconds: float) -> None:
        self._time += seconds

    def describe(self) -> dict[str, str]:
        return {"driver": self.name, "module": __name__}

    def sign_in(self, username: str, password: str, *, address: str | None = None) -> Session:
        if address is not None:
            raise CapabilityMissing(Capability.CLIENT_ADDRESS)
        token, _ = _call(lambda: self.acme.sign_in(username, password))
        return AcmeSession(self.acme, token)

    def create_practice(self, name: str, *, mfa_available: bool = True) -> None:
        _call(lambda: self.acme.create_practice(name, mfa_available=mfa_available))

    def create_user(self, practice: str, username: str, password: str, *, account_holder: bool = False) -> None:
        _call(lambda: self.acme.create_user(practice, username, password, account_holder=account_holder))


def acme_system() -> AcmeSystem:
    return AcmeSystem()
