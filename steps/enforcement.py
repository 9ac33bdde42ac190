"""Practice Security Settings: enforcing MFA for all users, and switching it off."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from mfa_conformance.driver import Feature

from .cast import Cast
from .outcome import Outcome, attempt


@when(parsers.parse("{name} opens Practice Security Settings"), target_fixture="outcome")
def _(cast: Cast, name: str) -> Outcome:
    session = cast[name].ensure_signed_in()
    return attempt(f"{name} opening Practice Security Settings", lambda: (session.enforcement(), session.safelist()))


@then(parsers.re(r"\w+ can manage multi-factor authentication and the IP safelist there"))
def _(outcome: Outcome) -> None:
    enforced, safelist = outcome.succeeded()  # type: ignore[misc]
    assert isinstance(enforced, bool), "Practice Security Settings show no MFA enforcement setting"
    assert isinstance(safelist, tuple), "Practice Security Settings show no IP safelist"


@given(parsers.parse("{practice} enforces MFA for all users"))
def _(cast: Cast, practice: str) -> None:
    if cast.seeds("ENF", Feature.ENFORCEMENT):
        cast.system.seed_practice_settings(cast.practice(practice), enforced=True)
        return
    holder = cast.holder_of(cast.practice(practice))
    holder.ensure_signed_in().set_enforcement(True)
    holder.sign_out()


@when(parsers.parse("{name} enforces MFA for all users"))
def _(cast: Cast, name: str) -> None:
    cast[name].ensure_signed_in().set_enforcement(True)


@when(parsers.parse("{name} tries to enforce MFA for all users"), target_fixture="outcome")
def _(cast: Cast, name: str) -> Outcome:
    session = cast[name].ensure_signed_in()
    return attempt(f"{name} enforcing MFA", lambda: session.set_enforcement(True))


@given(parsers.parse("{name} stops enforcing MFA for all users"))
@when(parsers.parse("{name} stops enforcing MFA for all users"))
def _(cast: Cast, name: str) -> None:
    cast[name].ensure_signed_in().set_enforcement(False)


@then(parsers.re(r"Practice Security Settings show MFA (?P<state>enforced for all users|not enforced)"))
def _(cast: Cast, state: str) -> None:
    holder = cast.spotlight
    assert holder is not None
    holder = cast.holder_of(holder.practice)
    enforced = holder.ensure_signed_in().enforcement()
    assert enforced is (state != "not enforced"), f"Practice Security Settings show enforcement {'on' if enforced else 'off'}"
