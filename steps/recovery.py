"""Lost devices, and vendor support's reset of an account holder."""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from mfa_conformance.driver import Capability, SystemUnderTest

from .cast import Cast, require
from .outcome import Outcome, attempt

PRONOUN = r"(?:her|his|their)"


@given(parsers.re(rf"(?P<name>\w+) has lost {PRONOUN} phone"))
def _(cast: Cast, name: str) -> None:
    cast[name].lose_phone()


@when(parsers.re(rf"(?P<name>\w+) deletes (?P<practice>.+)'s entry from {PRONOUN} phone's authenticator app"))
def _(cast: Cast, name: str) -> None:
    persona = cast[name]
    persona.phone.delete()


@when(parsers.re(r"vendor support resets (?P<name>\w+)'s MFA"), target_fixture="outcome")
def _(system: SystemUnderTest, cast: Cast, name: str) -> Outcome:
    require(system, Capability.SUPPORT_CONSOLE)
    target = cast[name]
    outcome = attempt(f"vendor support resetting {name}'s MFA",
                      lambda: system.support_reset_mfa(target.account.username))
    if outcome.error is None:
        target.was_reset()
    return outcome
