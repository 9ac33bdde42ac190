"""Checks that counterexamples found by `mfa-conformance explore` need and the
features did not: where an open session stands without signing in again, that
and that a reset went through."""

from __future__ import annotations

from pytest_bdd import parsers, then

from mfa_conformance.driver import errors as refused
from mfa_conformance.driver.errors import Refused

from .cast import Cast
from .outcome import Outcome

SUBJECT = r"(?:she|he|they)"


def _cannot_use_until(cast: Cast, name: str, expected: type[Refused], until: str) -> None:
    session = cast[name].session
    assert session is not None, f"{name} has not signed in"
    try:
        session.enter_application()
    except expected:
        return
    except Refused as other:
        raise AssertionError(f"{name} was refused as {type(other).__name__}, expected {expected.__name__}") from None
    raise AssertionError(f"{name} could use the product before {until}")


@then(parsers.re(rf"(?P<name>\w+) cannot use the product until {SUBJECT} enters a code"))
def _(cast: Cast, name: str) -> None:
    _cannot_use_until(cast, name, refused.CodeRequired, "entering a code")


@then(parsers.re(rf"(?P<name>\w+) cannot use the product until {SUBJECT} sets up MFA"))
def _(cast: Cast, name: str) -> None:
    _cannot_use_until(cast, name, refused.SetupRequired, "setting up MFA")


@then(parsers.re(r"(?P<name>\w+)'s MFA has been reset"))
def _(outcome: Outcome) -> None:
    outcome.succeeded()


@then("the IP safelist is still empty")
def _(cast: Cast) -> None:
    assert cast.spotlight is not None
    shown = cast.holder_of(cast.spotlight.practice).ensure_signed_in().safelist()
    assert not shown, f"the IP safelist holds {sorted(shown)}"
