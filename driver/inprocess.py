"""The in-process driver: the reference simulator behind the driver interface.

With its helper inprocess_pages.py and the staging stand-in provisioned.py,
the only modules of the harness that import the simulator. Time is moved on a
clock the driver hands to each fresh simulator (`MovableClock`), not by patching
the time module: nothing else in the process sees the simulator's time move.

Like the reference web app, a session gets a new token once a step of signing
in is passed (the code accepted, or the forced setup saved), so a copy taken
before is worth nothing after. For the security checks it offers every
capability they need: codes sent at once from threads that start together
(the simulator serializes its code checks itself), a copy of a session (its
token, held by another handle), the token as the session's identifier, and
every screen the simulator answered (inprocess_pages.py); and a password reset
where the simulator has one (declared password_reset = offered), as no other
system is asked to drive one it does not have.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import ParamSpec, TypeVar

from mfa_conformance import simulator
from mfa_conformance.simulator import errors as sim_errors
from mfa_conformance.simulator.clock import system_clock

from . import errors
from .inprocess_pages import PageLog, Watched
from .interface import Capability, CodeAnswer, EnrollmentScreen, Page, Session, Stage, SystemUnderTest, UserStatus

__all__ = ["InProcessSystem", "InProcessSession", "simulator_system", "simulator_options", "at_once", "MovableClock"]



class MovableClock:
    """The real time until a step sets or moves it; then still, moving only when told.

    Only the simulator and the phones (through `SystemUnderTest.now`) read it, so step
    and scenario durations in reports stay real while a scenario's time is set."""

    def __init__(self) -> None:
        self.fixed: float | None = None

    def __call__(self) -> float:
        return time.time() if self.fixed is None else self.fixed

    def set(self, unix: float) -> None:
        self.fixed = unix

    def advance(self, seconds: float) -> None:
        self.fixed = self() + seconds

    def release(self) -> None:
        self.fixed = None

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
        safelist_like_wrong_password=positions.get("safelist_refusal") == "like-wrong-password",
        password_reset=positions.get("password_reset") == "offered",
    )


def _status(view: simulator.UserView) -> UserStatus:
    return UserStatus(
        username=view.username, enrolled=view.enrolled, device_name=view.device_name,
        account_holder=view.account_holder,
    )


class InProcessSession(Session):
    def __init__(self, sim: simulator.Simulator | Watched, token: str) -> None:
        self._sim = sim
        self._token = token

    def _renew(self) -> None:
        """A step of signing in was passed: the session carries on under a new token."""
        with self._sim.lock:
            self._token = self._sim.renew_session(self._token)

    @property
    @_translated
    def stage(self) -> Stage:
        return Stage(self._sim.stage(self._token).value)

    @_translated
    def submit_code(self, code: str) -> Stage:
        waiting = self._sim.stage(self._token) is simulator.Stage.CODE_REQUIRED
        stage = self._sim.submit_code(self._token, code)
        if waiting and stage is simulator.Stage.SIGNED_IN:
            self._renew()
        return Stage(stage.value)

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
        forced = self._sim.stage(self._token) is simulator.Stage.SETUP_REQUIRED
        self._sim.save_device(self._token, code, device_name)
        if forced and self._sim.stage(self._token) is simulator.Stage.SIGNED_IN:
            self._renew()

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

    def copy(self) -> InProcessSession:
        return InProcessSession(self._sim, self._token)

    def identifier(self) -> str:
        return self._token


def at_once(attempts: Sequence[tuple[Session, str]]) -> list[CodeAnswer]:
    """Each session's code from a thread of its own, all let go at the same moment."""
    start = threading.Barrier(len(attempts))
    answers: list[CodeAnswer | None] = [None] * len(attempts)
    crashes: list[BaseException] = []

    def send(index: int, session: Session, code: str) -> None:
        start.wait()
        try:
            answers[index] = session.submit_code(code)
        except errors.Refused as refusal:
            answers[index] = refusal
        except BaseException as crash:  # a failure of the driver, not an answer: raised below
            crashes.append(crash)

    threads = [threading.Thread(target=send, args=(i, session, code), daemon=True)
               for i, (session, code) in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if crashes:
        raise crashes[0]
    return [answer for answer in answers if answer is not None]


class InProcessSystem(SystemUnderTest):
    """A fresh simulator for every scenario, configured to take the run's positions.

    `positions` makes the system declare them itself, as a vendor's driver would;
    otherwise it takes whatever the run declares (`adopt_positions`)."""

    name = "in-process reference simulator"
    code_latency = 0.05

    def __init__(self, make: Callable[[], simulator.Simulator] = simulator.Simulator,
                 positions: Mapping[str, object] | None = None) -> None:
        self._make = make
        self._options: simulator.Options | None = None
        if positions is not None:
            self.positions = dict(positions)
            self._options = simulator_options(positions)
        self._pages = PageLog()
        self._clock = MovableClock()
        self._sim = self._fresh()
        self._watched = Watched(self._sim, self._pages)

    def _fresh(self) -> simulator.Simulator:
        sim = self._make()
        if self._options is not None:
            sim.options = self._options
        if sim.clock is system_clock:  # a simulator made with its own clock keeps it
            sim.clock = self._clock
        return sim

    def describe(self) -> dict[str, str]:
        return {"driver": self.name, "module": f"{self._make.__module__}.{getattr(self._make, '__qualname__', self._make)}"}

    @property
    def capabilities(self) -> frozenset[Capability]:  # type: ignore[override]
        """Every capability; a password reset only where the simulator has one (password_reset = offered)."""
        if self._sim.options.password_reset:
            return frozenset(Capability)
        return frozenset(Capability) - {Capability.PASSWORD_RESET}

    @property
    def password_guess_limit(self) -> int:  # type: ignore[override]
        return self._sim.password_guess_limit or 0

    def adopt_positions(self, positions: Mapping[str, object]) -> None:
        self._options = simulator_options(positions)
        self.start_scenario("")

    def start_scenario(self, name: str) -> None:
        self._sim = self._fresh()
        self._pages.clear()
        self._watched = Watched(self._sim, self._pages)
    def finish_scenario(self, failed: bool) -> None:
        self._clock.release()

    close = functools.partialmethod(finish_scenario, False)

    @_translated
    def sign_in(self, username: str, password: str, *, address: str | None = None) -> Session:
        kwargs = {} if address is None else {"address": address}
        token, _ = self._watched.sign_in(username, password, **kwargs)
        return InProcessSession(self._watched, token)

    @_translated
    def create_practice(self, name: str, *, mfa_available: bool = True) -> None:
        self._sim.create_practice(name, mfa_available=mfa_available)

    @_translated
    def create_user(self, practice: str, username: str, password: str, *, account_holder: bool = False) -> None:
        self._sim.create_user(practice, username, password, account_holder=account_holder)

    @_translated
    def seed_device(self, username: str, device_name: str) -> str:
        return self._sim.seed_device(username, device_name)

    @_translated
    def seed_practice_settings(self, practice: str, *, enforced: bool | None = None,
                               safelist: Sequence[str] | None = None) -> None:
        self._sim.seed_practice_settings(practice, enforced=enforced, safelist=safelist)

    def now(self) -> float:
        return self._sim.clock()

    def set_time(self, when: datetime) -> None:
        self._clock.set(when.timestamp())

    def advance(self, seconds: float) -> None:
        self._clock.advance(seconds)

    @_translated
    def support_reset_mfa(self, username: str) -> None:
        self._watched.support_find_user(username)  # the console's search, shown before the reset (SEC-13)
        self._watched.support_reset_mfa(username)

    def submit_codes_at_once(self, attempts: Sequence[tuple[Session, str]]) -> list[CodeAnswer]:
        return at_once(attempts)

    def pages_visited(self) -> list[Page]:
        return self._pages.pages()

    @_translated
    def reset_password(self, username: str, new_password: str) -> Session | None:
        if Capability.PASSWORD_RESET not in self.capabilities:
            raise errors.CapabilityMissing(Capability.PASSWORD_RESET)
        answer = self._watched.reset_password(username, new_password)
        return None if answer is None else InProcessSession(self._watched, answer[0])


def simulator_system() -> InProcessSystem:
    """The `--sut simulator` factory."""
    return InProcessSystem()
