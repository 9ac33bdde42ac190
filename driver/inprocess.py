"""The in-process driver: the reference simulator behind the driver interface.

The only module of the harness that imports the simulator. Time is moved with
freezegun, which the simulator's default clock (`time.time`) follows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import ParamSpec, TypeVar

import freezegun

from mfa_conformance import simulator
from mfa_conformance.simulator import errors as sim_errors

from . import errors
from .interface import Capability, EnrollmentScreen, Session, Stage, SystemUnderTest, UserStatus

__all__ = ["InProcessSystem", "InProcessSession", "simulator_system", "simulator_options"]

_REAL_TIME_FOR = ["_pytest.timing", "_pytest.runner", "pytest_bdd.reporting"]
"""Modules that keep the real clock while the simulator's is frozen, so step
and scenario durations in reports stay true."""

P = ParamSpec("P")
R = TypeVar("R")

_REFUSALS: dict[type[Exception], type[errors.Refused]] = {
    getattr(sim_errors, name): getattr(errors, name) for name in sim_errors.__all__ if name != "MfaError"
}


def _translated(method: Callable[P, R]) -> Callable[P, R]:
    """Re-raise each simulator refusal as the driver refusal of the same name."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sim_errors.MfaError as refusal:
            raise _REFUSALS[type(refusal)](str(refusal)) from None

    return wrapper


def simulator_options(positions: Mapping[str, object]) -> simulator.Options:
    """The simulator's options for the declared positions (features/positions.toml);
    a position left out keeps the reference's reading."""
    default = simulator.Options()
    return simulator.Options(
        wrong_code_limit=int(positions.get("lockout_after", default.wrong_code_limit)),  # type: ignore[call-overload]
        lockout_wait=60.0 * int(positions.get("lockout_wait_minutes", 0)),  # type: ignore[call-overload]
        drift_steps=int(positions.get("drift_steps", default.drift_steps)),  # type: ignore[call-overload]
        search_ignores_case=positions.get("username_search") == "case-insensitive",
        self_reset=positions.get("self_reset") == "allowed",
        reset_ends_sessions=positions.get("reset_sessions", "ended") == "ended",
        enforcement_ends_sessions=positions.get("enforcement_sessions") == "ended",
        safelist_normalises=positions.get("safelist_host_bits") == "normalised",
        safelist_spares_code=positions.get("safelist_spares_code") == "yes",
        safelist_exempts_holders=positions.get("safelist_account_holders") == "exempt",
        several_devices=positions.get("devices_per_user") == "several",
    )


def _status(view: simulator.UserView) -> UserStatus:
    return UserStatus(
        username=view.username, enrolled=view.enrolled, device_name=view.device_name,
        account_holder=view.account_holder,
    )


class InProcessSession(Session):
    def __init__(self, sim: simulator.Simulator, token: str) -> None:
        self._sim = sim
        self._token = token

    @property
    @_translated
    def stage(self) -> Stage:
        return Stage(self._sim.stage(self._token).value)

    @_translated
    def submit_code(self, code: str) -> Stage:
        return Stage(self._sim.submit_code(self._token, code).value)

    @_translated
    def enter_application(self) -> None:
        self._sim.enter_application(self._token)

    @_translated
    def sign_out(self) -> None:
        self._sim.sign_out(self._token)

    @_translated
    def open_mfa_configuration(self, authenticator: str | None = None) -> EnrollmentScreen:
        screen = self._sim.begin_enrollment(self._token)
        return EnrollmentScreen(suggested_apps=screen.suggested_apps, qr_png=screen.qr_png)

    @_translated
    def save_device(self, code: str, device_name: str) -> None:
        self._sim.save_device(self._token, code, device_name)

    @_translated
    def own_mfa_status(self) -> UserStatus:
        return _status(self._sim.mfa_status(self._token))

    @_translated
    def enforcement(self) -> bool:
        return self._sim.enforcement(self._token)

    @_translated
    def set_enforcement(self, enforced: bool) -> None:
        self._sim.set_enforcement(self._token, enforced)

    @_translated
    def safelist(self) -> tuple[str, ...]:
        return self._sim.safelist(self._token)

    @_translated
    def set_safelist(self, entries: list[str]) -> None:
        self._sim.set_safelist(self._token, entries)

    @_translated
    def user_statuses(self) -> list[UserStatus]:
        return [_status(v) for v in self._sim.user_statuses(self._token)]

    @_translated
    def find_user(self, username: str) -> UserStatus | None:
        view = self._sim.find_user(self._token, username)
        return None if view is None else _status(view)

    @_translated
    def reset_mfa(self, username: str) -> None:
        self._sim.reset_mfa(self._token, username)


class InProcessSystem(SystemUnderTest):
    """A fresh simulator for every scenario, configured to take the run's positions.

    `positions` makes the system declare them itself, as a vendor's driver would;
    otherwise it takes whatever the run declares (`adopt_positions`)."""

    name = "in-process reference simulator"
    capabilities = frozenset(Capability)
    code_latency = 0.05

    def __init__(self, make: Callable[[], simulator.Simulator] = simulator.Simulator,
                 positions: Mapping[str, object] | None = None) -> None:
        self._make = make
        self._options: simulator.Options | None = None
        if positions is not None:
            self.positions = dict(positions)
            self._options = simulator_options(positions)
        self._sim = self._fresh()
        self._frozen: freezegun.api._freeze_time | None = None
        self._frozen_clock: freezegun.api.FrozenDateTimeFactory | None = None

    def _fresh(self) -> simulator.Simulator:
        sim = self._make()
        if self._options is not None:
            sim.options = self._options
        return sim

    def describe(self) -> dict[str, str]:
        return {"driver": self.name, "module": f"{self._make.__module__}.{getattr(self._make, '__qualname__', self._make)}"}

    def adopt_positions(self, positions: Mapping[str, object]) -> None:
        self._options = simulator_options(positions)
        self._sim = self._fresh()

    def start_scenario(self, name: str) -> None:
        self._sim = self._fresh()

    def finish_scenario(self, failed: bool) -> None:
        if self._frozen is not None:
            self._frozen.stop()
            self._frozen = self._frozen_clock = None

    close = functools.partialmethod(finish_scenario, False)

    @_translated
    def sign_in(self, username: str, password: str, *, address: str | None = None) -> Session:
        kwargs = {} if address is None else {"address": address}
        token, _ = self._sim.sign_in(username, password, **kwargs)
        return InProcessSession(self._sim, token)

    @_translated
    def create_practice(self, name: str, *, mfa_available: bool = True) -> None:
        self._sim.create_practice(name, mfa_available=mfa_available)

    @_translated
    def create_user(self, practice: str, username: str, password: str, *, account_holder: bool = False) -> None:
        self._sim.create_user(practice, username, password, account_holder=account_holder)

    def now(self) -> float:
        return self._sim.clock()

    def set_time(self, when: datetime) -> None:
        self.finish_scenario(False)
        self._frozen = freezegun.freeze_time(when.astimezone(timezone.utc), tick=False, ignore=_REAL_TIME_FOR)
        self._frozen_clock = self._frozen.start()

    def advance(self, seconds: float) -> None:
        if self._frozen_clock is None:
            self.set_time(datetime.fromtimestamp(self._sim.clock(), timezone.utc))
        assert self._frozen_clock is not None
        self._frozen_clock.tick(seconds)

    @_translated
    def support_reset_mfa(self, username: str) -> None:
        self._sim.support_reset_mfa(username)


def simulator_system() -> InProcessSystem:
    """The `--sut simulator` factory."""
    return InProcessSystem()
