"""User Settings: every user's MFA status, exact-username search, Reset MFA."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from mfa_conformance.driver import Detail, UserStatus

from .cast import Cast, shown
from .outcome import Outcome, attempt
from .starting_state import took

FORMS = {
    "in full": lambda u: u,
    "without its last letter": lambda u: u[:-1],
    "without its first letter": lambda u: u[1:],
    "with a letter added": lambda u: u + "x",
    "in upper case": lambda u: u.upper(),
}


@when(parsers.re(r"(?P<name>\w+) (?:opens|tries to open) User Settings"), target_fixture="outcome")
def _(cast: Cast, name: str) -> Outcome:
    session = cast[name].ensure_signed_in()
    return attempt(f"{name} opening User Settings", session.user_statuses)


@then(parsers.re(r"\w+ sees these users with their MFA status:"))
def _(cast: Cast, outcome: Outcome, datatable: list[list[str]]) -> None:
    listed = {s.username: s for s in outcome.succeeded()}  # type: ignore[union-attr]
    header, *rows = datatable
    expected = {cast[name].account.username: (name, status) for name, status in rows}
    missing = [name for username, (name, _) in expected.items() if username not in listed]
    assert not missing, f"User Settings do not list {', '.join(missing)}"
    for username, (name, status) in expected.items():
        shown = "enrolled" if listed[username].enrolled else "not enrolled"
        assert shown == status, f"User Settings show {name} as {shown}, not {status}"


@then(parsers.re(r"\w+ does not see (?P<name>\w+) among the users"))
def _(cast: Cast, outcome: Outcome, name: str) -> None:
    usernames = {s.username for s in outcome.succeeded()}  # type: ignore[union-attr]
    assert cast[name].account.username not in usernames, f"User Settings list {name} of another practice"


@when(parsers.re(r"(?P<name>\w+) searches User Settings for (?P<other>\w+)'s username (?P<form>.+)"),
      target_fixture="outcome")
def _(cast: Cast, name: str, other: str, form: str) -> Outcome:
    query = FORMS[form](cast[other].account.username)
    session = cast[name].ensure_signed_in()
    return attempt(f"{name}'s search for {other} {form}", lambda: session.find_user(query))


@then(parsers.parse("the search finds {result}"))
def _(cast: Cast, outcome: Outcome, result: str) -> None:
    found = outcome.succeeded()
    if result == "nobody":
        assert found is None, f"the search found {found.username!r}"  # type: ignore[union-attr]
    else:
        assert isinstance(found, UserStatus), f"the search found nobody, expected {result}"
        assert found.username == cast[result].account.username, f"the search found {found.username!r}"


@when(parsers.re(r"(?P<name>\w+) resets (?P<other>\w+)'s MFA"), target_fixture="outcome")
def _(cast: Cast, name: str, other: str) -> Outcome:
    return _reset(cast, name, other)


@given(parsers.re(r"(?P<name>\w+) resets (?P<other>\w+)'s MFA"), target_fixture="outcome")
def _(cast: Cast, name: str, other: str) -> Outcome:
    """As a starting point, the reset must have taken: one that leaves the device fails the
    reset's own requirement (MGT-05), not the later steps that would meet it."""
    outcome = _reset(cast, name, other)
    if outcome.error is None:
        target = cast[other]
        took(cast, target, f"{name}'s Reset MFA", "MGT-05")
        cast[name]  # "she" in the next step is still the one who pressed Reset MFA
    return outcome


def _reset(cast: Cast, name: str, other: str) -> Outcome:
    target = cast[other]
    session = cast[name].ensure_signed_in()
    cast[name]  # "she" in the next step is the one who pressed Reset MFA
    outcome = attempt(f"{name} resetting {other}'s MFA", lambda: session.reset_mfa(target.account.username))
    if outcome.error is None:
        target.was_reset()
    return outcome


@then(parsers.re(r"(?P<name>\w+)'s MFA status in User Settings is (?:(?P<no>not enrolled)|enrolled with \"(?P<device>[^\"]+)\")"))
def _(cast: Cast, name: str, no: str | None, device: str | None) -> None:
    persona = cast[name]
    holder = cast.holder_of(persona.practice)
    rows = {s.username: s for s in holder.ensure_signed_in().user_statuses()}
    status = rows.get(persona.account.username)
    assert status is not None, f"User Settings do not list {name}"
    if no:
        assert not status.enrolled, f"User Settings show {name} enrolled with {status.device_name!r}"
    else:
        assert status.enrolled, f"User Settings show {name} not enrolled"
        if shown(cast, Detail.DEVICE_NAMES, f"{name}'s device name in User Settings"):
            assert status.device_name == device, f"User Settings show {name}'s device as {status.device_name!r}"
