"""Wrong codes in a row, the lock they put on code entry, and waiting it out.

How many wrong codes lock code entry, and whether waiting unlocks it, are
declared positions (`lockout_after`, `lockout_wait_minutes`): the steps that
speak of "as many wrong codes as lock code entry" or "the lockout's waiting
time" read the declared values from the `positions` fixture, never from the
system, so a product is checked against what it declared.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from mfa_conformance.driver import Capability, SystemUnderTest
from mfa_conformance.driver import errors as refused
from mfa_conformance.driver.errors import Refused
from mfa_conformance.requirements.positions import Declaration

from .cast import Cast, Persona, require
from .outcome import Outcome, attempt, expect_refusal

AS_MANY = "as many wrong codes in a row as lock code entry"
ONE_FEWER = "one wrong code fewer in a row than lock code entry"


def right_code_locked_out(persona: Persona, action: str) -> bool:
    """Sign in anew and enter the phone's own code: True when that is refused as locked (another
    refusal fails the step), False when it signs in."""
    try:
        persona.sign_in()
        persona.enter_code()
    except Refused as other:
        expect_refusal(action, other, refused.MfaLocked)
        return True
    return False


def wrong_codes(cast: Cast, name: str, count: int) -> Outcome:
    """Sign in and enter `count` wrong codes: each but the last must be refused as wrong (not locked)."""
    persona = cast[name]
    persona.uncertain = True  # code entry may now be locked: only a reset makes the account known again
    persona.sign_in()
    result = Outcome(action=f"{name} entering no wrong code")
    for n in range(1, count + 1):
        code = persona.phone.code_at_offset(0)
        wrong = f"{(int(code) + 500_000) % 1_000_000:06d}"
        result = attempt(f"{name}'s wrong code number {n}", lambda: persona.enter_code(wrong))
        if n < count:
            result.refused_as(refused.CodeRejected)
    return result


@given(parsers.parse("{name} signs in and enters {count:d} wrong codes in a row"), target_fixture="outcome")
@when(parsers.parse("{name} signs in and enters {count:d} wrong codes in a row"), target_fixture="outcome")
def _(cast: Cast, name: str, count: int) -> Outcome:
    return wrong_codes(cast, name, count)


@given(parsers.parse(f"{{name}} signs in and enters {AS_MANY}"), target_fixture="outcome")
@when(parsers.parse(f"{{name}} signs in and enters {AS_MANY}"), target_fixture="outcome")
def _(cast: Cast, positions: Declaration, name: str) -> Outcome:
    return wrong_codes(cast, name, int(positions["lockout_after"]))


@given(parsers.parse(f"{{name}} signs in and enters {ONE_FEWER}"), target_fixture="outcome")
@when(parsers.parse(f"{{name}} signs in and enters {ONE_FEWER}"), target_fixture="outcome")
def _(cast: Cast, positions: Declaration, name: str) -> Outcome:
    result = wrong_codes(cast, name, int(positions["lockout_after"]) - 1)
    if result.error is not None:
        result.refused_as(refused.CodeRejected)  # one fewer must not lock
    return result


@then(parsers.re(r"(?P<name>\w+) is told that (?:her|his|their) code entry is locked"))
def _(cast: Cast, outcome: Outcome, name: str) -> None:
    """The how-to does not say which answer announces the lock: the wrong code that locks, or the next
    attempt. So the last wrong code may be answered as wrong, and then her phone's own code must be
    answered as locked."""
    if isinstance(outcome.error, refused.MfaLocked):
        return
    outcome.refused_as(refused.CodeRejected)
    if right_code_locked_out(cast[name], f"{name}'s next sign-in, with the code her phone shows"):
        return
    raise AssertionError(f"{name} was not told that her code entry is locked: the last wrong code was answered as "
                         f"wrong, and then the code her phone shows signed her in")


@when(parsers.re(r"the lockout's waiting time (?P<but>but one minute )?passes"))
def _(system: SystemUnderTest, positions: Declaration, but: str | None) -> None:
    require(system, Capability.CLOCK)
    minutes = int(positions["lockout_wait_minutes"]) - (1 if but else 0)
    system.advance(60 * minutes)


@when("one more minute passes")
def _(system: SystemUnderTest) -> None:
    require(system, Capability.CLOCK)
    system.advance(60)
