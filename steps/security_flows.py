"""The security checks that walk the documented flows as an intruder would
(features/security.feature, SEC-09 to SEC-12, SEC-14, SEC-15): someone who has
a user's password but not her phone, or has found her lost phone, a stranger
who has neither and watches how passwords are answered (from outside the IP
safelist too), and whoever can reset a user's forgotten password.

SEC-08 and SEC-13 are written in steps the suite already has. Like
steps/security.py, no message here shows a secret: a refusal is named by its
class and the product's own words, a code never.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass, field

import pytest
from pytest_bdd import given, parsers, then, when

from mfa_conformance.people.authenticator import AuthenticatorApp
from mfa_conformance.driver import Session, Stage, SystemUnderTest
from mfa_conformance.driver import errors as refused
from mfa_conformance.driver.errors import Refused

from .cast import PASSWORD_LENGTH, Cast, Persona
from .lockout import wrong_codes
from .outcome import Outcome, attempt, expect_refusal

PRONOUN = r"(?:her|his|their)"


@dataclass
class Intruder:
    """"Someone" of one scenario: the sign-in they started with a victim's password, what
    they tried in it, and how each of their wrong passwords was answered."""

    victim: Persona | None = None
    sign_in: Session | None = None
    tried: Outcome | None = None
    phone: AuthenticatorApp | None = None
    answers: list[tuple[str, Refused]] = field(default_factory=list)
    """(which wrong password, the refusal it met), in the order tried."""

    def __repr__(self) -> str:  # the sign-in is the intruder's loot: never printed
        return f"Intruder(victim={self.victim!r}, answers={len(self.answers)})"

    def session(self) -> Session:
        assert self.sign_in is not None and self.victim is not None, "nobody has entered a password yet"
        return self.sign_in


@pytest.fixture
def intruder() -> Intruder:
    return Intruder()


def _at_the_code_prompt(system: SystemUnderTest, intruder: Intruder, persona: Persona) -> None:
    """The intruder's own sign-in with the persona's password, on a browser of their own."""
    intruder.victim = persona
    intruder.sign_in = session = system.sign_in(persona.account.username, persona.account.password)
    assert session.stage is Stage.CODE_REQUIRED, (f"with {persona.name}'s password someone reached "
                                                  f"'{session.stage.value}', not her code prompt")


def _stage(outcome: Outcome) -> str:
    return outcome.value.value if isinstance(outcome.value, Stage) else str(outcome.value)


def _refusal_in(outcome: Outcome) -> str:
    error = outcome.error
    return f"{type(error).__name__} ({error})" if error is not None else "no refusal"


# ── A phone of their own, at the code prompt (SEC-09) ────────────────────────


@when(parsers.re(rf"someone who has (?P<name>\w+)'s password but not {PRONOUN} phone signs in as (?:her|him|them)"))
def _(system: SystemUnderTest, cast: Cast, intruder: Intruder, name: str) -> None:
    _at_the_code_prompt(system, intruder, cast[name])


@when(parsers.re(rf"they try to set up a phone of their own at {PRONOUN} code prompt"))
def _(cast: Cast, intruder: Intruder) -> None:
    session, victim = intruder.session(), intruder.victim
    assert victim is not None
    victim.uncertain = True  # should the system let them, the account is no longer the one the harness knew
    intruder.phone = phone = cast.new_phone()
    opened = attempt(f"someone opening the authenticator setup at {victim.name}'s code prompt",
                     session.open_mfa_configuration)
    intruder.tried = opened
    if opened.error is None:
        phone.scan(opened.value.qr_png)  # type: ignore[union-attr]
        intruder.tried = attempt(f"someone saving a phone of their own at {victim.name}'s code prompt",
                                 lambda: session.save_device(phone.current_code(), "someone else's phone"))


@then(parsers.re(r"no phone of theirs is set up for (?P<name>\w+)"))
def _(intruder: Intruder, name: str) -> None:
    tried = intruder.tried
    assert tried is not None, "nobody tried to set up a phone"
    assert tried.error is not None, (
        f"with {name}'s password alone, at her code prompt, someone set up a phone of their own for her account: "
        f"the code from her phone was never asked for")


# ── The sign-in left waiting when the device is reset (SEC-10) ───────────────


@given(parsers.re(rf"someone who found it has entered (?P<name>\w+)'s password and waits for {PRONOUN} code"))
def _(system: SystemUnderTest, cast: Cast, intruder: Intruder, name: str) -> None:
    persona = cast[name]
    assert persona.old_phone is not None, f"{name} has lost no phone"
    intruder.phone = persona.old_phone
    _at_the_code_prompt(system, intruder, persona)


@when(parsers.re(r"they enter the code (?P<name>\w+)'s old phone shows"))
def _(intruder: Intruder, name: str) -> None:
    session, phone = intruder.session(), intruder.phone
    assert phone is not None, f"nobody holds {name}'s old phone"
    code = phone.current_code()
    if intruder.victim is not None:
        intruder.victim.uncertain = True  # a refused code counts towards her lockout
    intruder.tried = attempt(f"the code of {name}'s old phone, entered in the sign-in left waiting",
                             lambda: session.submit_code(code))


@then("they cannot use the product")
def _(intruder: Intruder) -> None:
    session, victim = intruder.session(), intruder.victim
    assert victim is not None
    tried = intruder.tried
    if tried is not None and tried.value is Stage.SIGNED_IN:
        raise AssertionError(f"{tried.action} signed in as {victim.name}: what stopped her lost phone stopped no "
                             f"sign-in already under way with it")
    try:
        session.enter_application()
    except Refused:
        return
    raise AssertionError(f"the sign-in someone started with {victim.name}'s password can use the product "
                         f"({tried.action if tried else 'nothing tried'}: {_refusal_in(tried) if tried else ''})")


# ── The sign-in in which code entry locks, and a count kept per sign-in (SEC-11) ──


@then(parsers.re(rf"(?P<name>\w+)'s sign-in in which {PRONOUN} code entry locked has ended"))
def _(cast: Cast, outcome: Outcome, name: str) -> None:
    """The wrong code that locks may itself be answered as wrong, the lock shown from the next
    attempt (steps/lockout.py); from the attempt after the one that showed it, the sign-in is over."""
    persona = cast[name]
    session = persona.session
    assert session is not None, f"{name} has not signed in"

    def own_code(moment: str, code: str) -> Outcome:
        return attempt(f"{name}'s own code in the sign-in in which her code entry locked, {moment}",
                       lambda: session.submit_code(code))

    if not isinstance(outcome.error, refused.MfaLocked):
        outcome.refused_as(refused.CodeRejected)
        shown = own_code("after the wrong code that locked it", persona.phone.current_code())  # a fresh one
        if shown.error is None:
            raise AssertionError(f"after as many wrong codes in a row as lock code entry, {name}'s own code in the "
                                 f"same sign-in left her '{_stage(shown)}': code entry is not locked")
        if isinstance(shown.error, refused.SessionEnded):
            return
        expect_refusal(shown.action, shown.error, refused.MfaLocked)
    after = own_code("once the lock was shown", persona.phone.code_at_offset(0))  # refused before it is weighed
    if after.error is None:
        raise AssertionError(f"{after.action} left her '{_stage(after)}'")
    if isinstance(after.error, refused.MfaLocked):
        raise AssertionError(
            f"the sign-in in which {name}'s code entry locked is still open, answering {_refusal_in(after)}: once "
            f"the lock lifts, whoever entered her password there goes on guessing codes without entering it again")
    expect_refusal(after.action, after.error, refused.SessionEnded)
    with pytest.raises(Refused):
        session.enter_application()


@when(parsers.re(r"(?P<name>\w+) signs in again and enters one more wrong code"), target_fixture="outcome")
def _(cast: Cast, name: str) -> Outcome:
    return wrong_codes(cast, name, 1)


# ── How wrong passwords are answered (SEC-12) ────────────────────────────────


def _wrong_password(system: SystemUnderTest, intruder: Intruder, username: str, which: str,
                    address: str | None = None) -> None:
    tried = attempt(which, lambda: system.sign_in(username, secrets.token_urlsafe(15), address=address))
    assert tried.error is not None, f"{which} signed in"
    intruder.answers.append((which, tried.error))


@when(parsers.re(r"someone tries (?P<another>a|another) wrong password for (?P<name>\w+)"))
def _(system: SystemUnderTest, cast: Cast, intruder: Intruder, another: str, name: str) -> None:
    persona = cast[name]
    moment = "after her code entry locked" if another == "another" else "before her code entry locked"
    _wrong_password(system, intruder, persona.account.username, f"a wrong password for {name} {moment}")


@when("someone tries a wrong password for a username nobody has")
def _(system: SystemUnderTest, intruder: Intruder) -> None:
    _wrong_password(system, intruder, f"nobody.{secrets.token_hex(6)}", "a wrong password for a username nobody has")


@then("the three wrong passwords are answered alike")
def _(intruder: Intruder) -> None:
    assert len(intruder.answers) == 3, f"{len(intruder.answers)} wrong passwords were tried, not three"
    said = {(type(error).__name__, str(error)) for _, error in intruder.answers}
    assert len(said) == 1, "; ".join(f"{which} was answered {type(error).__name__} ({error})"
                                     for which, error in intruder.answers) + (
        ": without any password, the answers tell the accounts and their state apart")


# ── The right password from outside the IP safelist (SEC-14) ──────────────────


@when(parsers.re(r"someone tries a wrong password for (?P<name>\w+) from (?P<address>\S+)"))
def _(system: SystemUnderTest, cast: Cast, intruder: Intruder, name: str, address: str) -> None:
    _wrong_password(system, intruder, cast[name].account.username, f"a wrong password for {name} from {address}",
                    address)


@when(parsers.re(r"someone tries (?P<name>\w+)'s own password from (?P<address>\S+)"))
def _(system: SystemUnderTest, cast: Cast, intruder: Intruder, name: str, address: str) -> None:
    account = cast[name].account
    tried = attempt(f"{name}'s own password from {address}",
                    lambda: system.sign_in(account.username, account.password, address=address))
    assert tried.error is not None, f"{tried.action}, outside the IP safelist, signed in"
    intruder.answers.append((tried.action, tried.error))


@then(parsers.re(r"(?P<name>\w+)'s own password is answered exactly as the wrong one was"))
def _(intruder: Intruder, name: str) -> None:
    assert len(intruder.answers) == 2, f"{len(intruder.answers)} passwords were tried, not a wrong one and hers"
    (_, wrong), (_, right) = intruder.answers
    assert (type(right), str(right)) == (type(wrong), str(wrong)), (
        f"from outside the IP safelist a wrong password for {name} was answered {type(wrong).__name__} ({wrong}), "
        f"her own {type(right).__name__} ({right}): the answer tells whoever is outside the safelist that the "
        f"password is right, where the system declares it answers it like a wrong one")


# ── A password reset (SEC-15) ─────────────────────────────────────────────────


@when(parsers.re(rf"(?P<name>\w+) resets {PRONOUN} forgotten password"))
def _(system: SystemUnderTest, cast: Cast, name: str) -> None:
    """As the product lets her, through the driver; from then on her persona signs in with the new password."""
    persona = cast[name]
    new_password = secrets.token_urlsafe(PASSWORD_LENGTH)
    reset = attempt(f"{name}'s password reset", lambda: system.reset_password(persona.account.username, new_password))
    persona.session = reset.succeeded()  # type: ignore[assignment]
    persona.account = dataclasses.replace(persona.account, password=new_password)


def _stage_after_reset(persona: Persona) -> Stage | None:
    """Where the browser the reset left her in stands: None at the sign-in page (or a session ended)."""
    session = persona.session
    if session is None:
        return None
    try:
        return session.stage
    except refused.SessionEnded:
        return None


@then(parsers.re(rf"(?P<name>\w+) cannot use the product without {PRONOUN} code"))
def _(cast: Cast, name: str) -> None:
    persona = cast[name]
    stage = _stage_after_reset(persona)
    if stage is None:
        return  # at the sign-in page: she signs in again, and is asked for her code then
    if stage is Stage.SIGNED_IN:
        raise AssertionError(f"resetting her forgotten password signed {name} in: the code her phone shows was never "
                             f"asked for, so whoever can reset her password is her")
    if stage is Stage.SETUP_REQUIRED:
        raise AssertionError(f"resetting her forgotten password left {name} at the authenticator setup: her device is "
                             f"gone, so whoever can reset her password sets up a phone of their own")
    session = persona.session
    assert session is not None
    try:
        session.enter_application()
    except Refused:
        return
    raise AssertionError(f"after resetting her forgotten password {name}, at '{stage.value}', uses the product: the "
                         f"code her phone shows was never asked for")


@then(parsers.re(rf"(?P<name>\w+) signs in with {PRONOUN} new password and the code {PRONOUN} phone shows"))
def _(cast: Cast, name: str) -> None:
    persona = cast[name]
    if _stage_after_reset(persona) is not Stage.CODE_REQUIRED:
        session = persona.sign_in()
        assert session.stage is Stage.CODE_REQUIRED, (f"{name}, signing in with her new password after the reset, is "
                                                      f"at '{session.stage.value}', not asked for her code")
    stage = persona.enter_code()
    assert stage is Stage.SIGNED_IN, f"{name}'s code left her at '{stage.value}'"
    assert persona.session is not None
    persona.session.enter_application()
