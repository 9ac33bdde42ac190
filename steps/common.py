"""Practices, personas, the clock, and the refusals every feature shares."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from pytest_bdd import given, parsers, then, when

from mfa_conformance.driver import Capability, Stage, SystemUnderTest
from mfa_conformance.driver import errors as refused
from mfa_conformance.people import introductions
from mfa_conformance.requirements.positions import Declaration

from .baseline import Ledger

TIME_STEP = 30
"""RFC 6238's default time step, the one every authenticator app honours (SGN-02)."""
from .cast import UNCHECKED, Cast, require
from .starting_state import FAILED, LEDGER, record
from .outcome import Outcome


@pytest.fixture
def cast(request: pytest.FixtureRequest, system: SystemUnderTest, ledger: Ledger) -> Cast:
    ledger.waited = 0.0
    ledger.waited_for.clear()
    ledger.waits.clear()
    system.wait_real = ledger.wait_real  # the product's own waits (rate limits) are told and counted too
    request.node.stash[LEDGER] = ledger
    cast = Cast(system, ledger, about=frozenset(marker.name for marker in request.node.iter_markers()))
    request.node.stash[UNCHECKED] = cast.unchecked
    yield cast
    record(cast, failed=request.node.stash.get(FAILED, False))


@pytest.fixture
def outcome() -> Outcome:
    return Outcome()


@given(parsers.re(introductions.PRACTICE))
def _(cast: Cast, practice: str, negation: str | None) -> None:
    cast.add_practice(practice, mfa_available=not negation)


@given(parsers.re(introductions.PERSON))
def _(cast: Cast, name: str, role: str, practice: str) -> None:
    cast.add_person(name, practice, account_holder=role == "the account holder")


@given(parsers.parse("it is {hour:d}:{minute:d}:{second:d} UTC"))
def _(system: SystemUnderTest, hour: int, minute: int, second: int) -> None:
    """The next such time of day on the system's clock: time never runs backwards,
    which would make codes already used look like future ones."""
    require(system, Capability.CLOCK)
    now = datetime.fromtimestamp(system.now(), timezone.utc)
    when = now.replace(hour=hour, minute=minute, second=second, microsecond=0)
    system.set_time(when if when > now else when + timedelta(days=1))


REAL_WAIT_LIMIT = 150
"""Seconds a scenario may wait on the real clock for time to pass; longer needs clock control."""


def _let_pass(system: SystemUnderTest, ledger: Ledger, seconds: float, why: str) -> None:
    """Move the system's clock, or, without clock control, wait on the real one (briefly only)."""
    if Capability.CLOCK in system.capabilities:
        system.advance(seconds)
    elif seconds <= REAL_WAIT_LIMIT:
        ledger.wait_real(seconds, why)
    else:
        require(system, Capability.CLOCK)


@given(parsers.re(r"(?P<amount>\d+) (?P<unit>seconds|minutes|hours) pass"))
@when(parsers.re(r"(?P<amount>\d+) (?P<unit>seconds|minutes|hours) pass"))
def _(system: SystemUnderTest, ledger: Ledger, amount: str, unit: str) -> None:
    seconds = int(amount) * {"seconds": 1, "minutes": 60, "hours": 3600}[unit]
    _let_pass(system, ledger, seconds, f"{amount} {unit} to pass")


@given("a new time step has just begun")
def _(system: SystemUnderTest, ledger: Ledger) -> None:
    """The start of a fresh 30-second step, so what follows is not cut by a step's end."""
    now = system.now()
    _let_pass(system, ledger, (int(now // TIME_STEP) + 1) * TIME_STEP - now + 0.05, "a fresh time step")


@given(parsers.re(rf"(?P<name>\w+)'s last code is more than (?P<count>\d+) time steps old"))
def _(system: SystemUnderTest, ledger: Ledger, cast: Cast, name: str, count: str) -> None:
    """Codes of the steps just before now are then neither replays nor already used."""
    shown = cast[name].phone.last_shown_step()
    if shown is None:
        return
    now = system.now()
    wanted = (shown + int(count) + 1) * TIME_STEP + 0.05
    _let_pass(system, ledger, max(0.0, wanted - now), f"{name}'s last code to be {count} time steps old")


_REFUSALS = {
    "only an account holder can do this": refused.NotAccountHolder,
    "MFA is not available to her practice": refused.MfaNotAvailable,
    "there is no such user in her practice": refused.UnknownUser,
    "she already has an MFA device": refused.AlreadyEnrolled,
    "the device needs a name": refused.DeviceNameRequired,
}


@then(parsers.re(r"\w+ is told that (?P<what>" + "|".join(map(re.escape, _REFUSALS)) + ")"))
def _(outcome: Outcome, what: str) -> None:
    outcome.refused_as(_REFUSALS[what])


@then(parsers.re(r"(?:\w+) is told to contact vendor support"))
def _(outcome: Outcome) -> None:
    outcome.refused_as(refused.SelfResetRefused)


@then("the code is refused")
def _(outcome: Outcome, positions: Declaration) -> None:
    if positions["lockout_after"] == 1 and isinstance(outcome.error, refused.MfaLocked):
        return  # where a single wrong code locks code entry, the refusal of one says so
    outcome.refused_as(refused.CodeRejected)


@then("the code is accepted")
def _(outcome: Outcome) -> None:
    stage = outcome.succeeded()
    if isinstance(stage, Stage):  # a code at sign-in must finish it; a code that saved a device returns nothing
        assert stage is Stage.SIGNED_IN, f"after the code the sign-in is at '{stage.value}'"
