"""The security checks (features/security.feature): an attacker who sends codes
from several sessions at the same moment, keeps a copy of a session, guesses
passwords, and reads every page and address the system shows.

Each check asserts what the standard's clause asks (the catalogue's SEC
entries name it) and says, when it fails, which attack got through. No message
shows a secret: session identifiers are compared as digests, the TOTP key
never leaves the phone (`KeyUri.appears_in`), and an address that holds the
key is named only as such.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from pytest_bdd import given, parsers, then, when

from mfa_conformance.people.authenticator import KeyUri
from mfa_conformance.driver import Page, Session, Stage, SystemUnderTest
from mfa_conformance.driver import errors as refused
from mfa_conformance.driver.errors import CannotTell, Refused
from mfa_conformance.driver.interface import CodeAnswer
from mfa_conformance.requirements.positions import Declaration

from .cast import Cast, Persona
from .outcome import attempt

PRONOUN = r"(?:her|his|their)"

NIST_GUESS_CEILING = 100
"""NIST SP 800-63B section 5.2.2: no more than 100 consecutive failed attempts on an account."""


@dataclass
class Attacker:
    """What "someone" holds in one scenario: sessions opened with a persona's password,
    their answers, copies of sessions, noted identifiers (as digests), pages marks."""

    victim: Persona | None = None
    sessions: list[Session] = field(default_factory=list)
    answers: list[CodeAnswer] = field(default_factory=list)
    copies: dict[str, Session] = field(default_factory=dict)
    identifiers: dict[str, str] = field(default_factory=dict)
    guesses: int = 0
    saved_at: dict[str, int] = field(default_factory=dict)
    """Persona -> how many pages had been shown when she saved her device."""
    keys: dict[str, KeyUri] = field(default_factory=dict)

    def __repr__(self) -> str:  # what it holds is the attacker's loot: never printed
        return f"Attacker(sessions={len(self.sessions)}, copies={sorted(self.copies)}, guesses={self.guesses})"


@pytest.fixture
def attacker() -> Attacker:
    return Attacker()


def _digest(identifier: str) -> str:
    return hashlib.sha256(identifier.encode("utf-8", "replace")).hexdigest()


def _said(answer: CodeAnswer) -> str:
    return answer.value if isinstance(answer, Stage) else type(answer).__name__


def _tally(answers: Sequence[CodeAnswer]) -> str:
    counts: dict[str, int] = {}
    for answer in answers:
        counts[_said(answer)] = counts.get(_said(answer), 0) + 1
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))


def _open_sessions(cast: Cast, attacker: Attacker, name: str, count: int) -> None:
    persona = cast[name]
    attacker.victim = persona
    for n in range(1, count + 1):
        session = persona.system.sign_in(persona.account.username, persona.account.password)
        assert session.stage is Stage.CODE_REQUIRED, f"{name}'s session {n} is at '{session.stage.value}', not asked for a code"
        attacker.sessions.append(session)


# ── Codes sent at once ───────────────────────────────────────────────────────


@given(parsers.re(rf"(?P<name>\w+) has entered {PRONOUN} password in (?P<count>\d+) sessions"))
def _(cast: Cast, attacker: Attacker, name: str, count: str) -> None:
    _open_sessions(cast, attacker, name, int(count))


@given(parsers.re(rf"(?P<name>\w+) has entered {PRONOUN} password in twice as many sessions as the lockout limit"))
def _(cast: Cast, attacker: Attacker, positions: Declaration, name: str) -> None:
    _open_sessions(cast, attacker, name, 2 * int(positions["lockout_after"]))


@when(parsers.re(rf"the code {PRONOUN} phone shows is sent from all of them at once"))
def _(system: SystemUnderTest, attacker: Attacker) -> None:
    assert attacker.victim is not None and attacker.sessions, "no sessions are waiting for a code"
    attacker.victim.uncertain = True  # the sessions that lose the race may count wrong codes, until a right one
    code = attacker.victim.code()
    attacker.answers = system.submit_codes_at_once([(session, code) for session in attacker.sessions])


@then("exactly one of them is signed in")
def _(attacker: Attacker) -> None:
    signed_in = [s for s, a in zip(attacker.sessions, attacker.answers) if a is Stage.SIGNED_IN]
    sent = len(attacker.sessions)
    assert len(signed_in) <= 1, (f"one code sent at once from {sent} sessions signed in {len(signed_in)} of them "
                                 f"({_tally(attacker.answers)}): the code is not checked and used up in one step")
    assert signed_in, f"the code sent at once from {sent} sessions signed in none of them ({_tally(attacker.answers)})"
    signed_in[0].enter_application()


@then("the code is refused in every other one")
def _(attacker: Attacker) -> None:
    others = [a for a in attacker.answers if a is not Stage.SIGNED_IN]
    wrong = [a for a in others if not isinstance(a, (refused.CodeRejected, refused.SessionEnded))]  # not signed in
    assert not wrong, f"the sessions that lost the race answered {_tally(others)}, not all a refused code"


@then(parsers.re(rf"(?P<name>\w+) still signs in with {PRONOUN} next code"))
def _(cast: Cast, name: str) -> None:
    persona = cast[name]
    persona.sign_out()
    session = persona.sign_in()
    stage = persona.enter_code()
    assert stage is Stage.SIGNED_IN, f"{name}'s next code left her at '{stage.value}'"
    session.enter_application()
    persona.sign_out()  # a right code clears the replays counted as wrong codes


@when("a different wrong code is sent from each of them at once")
def _(system: SystemUnderTest, attacker: Attacker) -> None:
    persona = attacker.victim
    assert persona is not None and attacker.sessions, "no sessions are waiting for a code"
    persona.uncertain = True  # code entry is locked now: only a reset makes the account known again
    valid = {persona.phone.code_at_offset(offset) for offset in (-1, 0, 1)}
    start = int(persona.phone.code_at_offset(0))
    wrong = (f"{(start + 500_000 + 7919 * n) % 1_000_000:06d}" for n in range(1, 1000))
    codes = [code for code in wrong if code not in valid][:len(attacker.sessions)]
    attacker.answers = system.submit_codes_at_once(list(zip(attacker.sessions, codes)))


@then("no more of them are refused as wrong codes than the lockout limit")
def _(attacker: Attacker, positions: Declaration) -> None:
    """The wrong code that locks may itself be answered as wrong (the lock shown from the next attempt);
    the limit is the declared lockout_after (SGN-06's position)."""
    answers, limit = attacker.answers, int(positions["lockout_after"])
    assert Stage.SIGNED_IN not in answers, f"a wrong code signed in ({_tally(answers)})"
    weighed = sum(isinstance(a, refused.CodeRejected) for a in answers)
    assert weighed <= limit, (
        f"{weighed} of the {len(answers)} wrong codes sent at once were each answered as a wrong code, where the "
        f"lockout limit is {limit} ({_tally(answers)}): a burst of guesses gets more tries than the limit")


@then("the others are refused because code entry is locked or the session ended")
def _(attacker: Attacker) -> None:
    others = [a for a in attacker.answers if not isinstance(a, refused.CodeRejected)]
    unexpected = [a for a in others if not isinstance(a, (refused.MfaLocked, refused.SessionEnded))]
    assert not unexpected, f"past the limit the wrong codes were answered {_tally(others)}"


# ── Copies of a session, and its identifier ──────────────────────────────────


def _copy(cast: Cast, attacker: Attacker, name: str) -> Session:
    session = cast[name].session
    assert session is not None, f"{name} has no session to copy"
    attacker.copies[name] = copy = session.copy()
    return copy


@given(parsers.re(r"someone has a working copy of (?P<name>\w+)'s session"))
def _(cast: Cast, attacker: Attacker, name: str) -> None:
    copy = _copy(cast, attacker, name)
    try:
        copy.enter_application()
    except Refused as refusal:
        raise AssertionError(f"a copy of {name}'s session cannot use the product even while she is signed in "
                             f"({type(refusal).__name__}): the driver's copy is no copy, nothing can be checked") from None


@when(parsers.re(r"someone copies (?P<name>\w+)'s session at the code prompt"))
def _(cast: Cast, attacker: Attacker, name: str) -> None:
    try:
        stage = _copy(cast, attacker, name).stage
    except refused.SessionEnded:
        pytest.skip(f"the copy of {name}'s session cannot be brought to the code prompt: opened from its cookies, "
                    f"the product shows its sign-in page (its code prompt is only the answer to the password)")
    assert stage is Stage.CODE_REQUIRED, f"the copy of {name}'s session is at '{stage.value}', not at the code prompt"


@then(parsers.re(r"the copy of (?P<name>\w+)'s session cannot use the product"))
def _(attacker: Attacker, name: str) -> None:
    copy = attacker.copies.get(name)
    assert copy is not None, f"nobody copied {name}'s session"
    try:
        copy.enter_application()
    except Refused:
        return
    raise AssertionError(f"a copy of {name}'s session taken before still uses the product")


@when(parsers.re(r"someone notes (?P<name>\w+)'s session identifier"))
def _(cast: Cast, attacker: Attacker, name: str) -> None:
    session = cast[name].session
    assert session is not None, f"{name} has no session"
    attacker.identifiers[name] = _digest(session.identifier())


@then(parsers.re(r"(?P<name>\w+)'s session identifier is not the one noted"))
def _(cast: Cast, attacker: Attacker, name: str) -> None:
    session = cast[name].session
    assert session is not None and name in attacker.identifiers, f"nobody noted {name}'s session identifier"
    unchanged = _digest(session.identifier()) == attacker.identifiers[name]  # compared, never shown
    assert not unchanged, f"{name}'s session is known by the same identifier after her code was accepted as before it"


# ── Password guessing ────────────────────────────────────────────────────────


@when(parsers.re(r"someone tries as many wrong passwords for (?P<name>\w+) as the system allows"))
def _(system: SystemUnderTest, cast: Cast, attacker: Attacker, name: str) -> None:
    limit = system.password_guess_limit
    assert 1 <= limit <= NIST_GUESS_CEILING, (
        f"the system declares a password guess limit of {limit}; NIST SP 800-63B section 5.2.2 allows 1 to "
        f"{NIST_GUESS_CEILING}")
    persona = cast[name]
    for n in range(1, limit + 1):
        guess = attempt(f"wrong password number {n} for {name}",
                        lambda: system.sign_in(persona.account.username, secrets.token_urlsafe(15)))
        assert guess.error is not None, f"wrong password number {n} for {name} signed in"
    attacker.guesses = limit


@then(parsers.re(r"(?P<name>\w+)'s own password is refused with the same answer as one more wrong one"))
def _(system: SystemUnderTest, cast: Cast, attacker: Attacker, name: str) -> None:
    account = cast[name].account
    wrong = attempt("one more wrong password", lambda: system.sign_in(account.username, secrets.token_urlsafe(15)))
    right = attempt(f"{name}'s own password", lambda: system.sign_in(account.username, account.password))
    assert wrong.error is not None, "one more wrong password signed in"
    assert right.error is not None, (f"after {attacker.guesses} wrong passwords in a row {name}'s own password still "
                                     f"signs in: password guessing is not limited")
    assert (type(right.error), str(right.error)) == (type(wrong.error), str(wrong.error)), (
        f"after {attacker.guesses} wrong passwords a wrong one is answered {type(wrong.error).__name__} "
        f"({wrong.error}), the right one {type(right.error).__name__} ({right.error}): the answer gives the "
        f"password away")


# ── The key on pages and in addresses ────────────────────────────────────────


@when(parsers.re(rf"(?P<name>\w+) sets up MFA with {PRONOUN} phone"))
def _(system: SystemUnderTest, cast: Cast, attacker: Attacker, name: str) -> None:
    persona = cast[name]
    session = persona.sign_in()
    assert session.stage is not Stage.CODE_REQUIRED, f"{name} already has MFA set up"
    persona.scan()
    attacker.keys[name] = persona.phone.key()
    attacker.saved_at[name] = len(system.pages_visited())
    persona.save_device(f"{name}'s phone")
    persona.sign_out()


@when(parsers.re(rf"(?P<name>\w+) signs in with {PRONOUN} code and looks at {PRONOUN} own MFA status"))
def _(cast: Cast, name: str) -> None:
    session = cast[name].sign_in_fully()
    session.enter_application()
    session.own_mfa_status()


@when(parsers.re(r"(?P<name>\w+) opens the authenticator setup again"))
def _(cast: Cast, name: str) -> None:
    session = cast[name].ensure_signed_in()
    attempt(f"{name} opening the MFA Configuration page again", session.open_mfa_configuration)  # a page either way


@when(parsers.re(r"(?P<name>\w+) looks up (?P<other>\w+) in User Settings"))
def _(cast: Cast, name: str, other: str) -> None:
    session = cast[name].ensure_signed_in()
    session.user_statuses()
    session.find_user(cast[other].account.username)


def _where(page: Page, key: KeyUri) -> str:
    """The page's address for a message: never one that holds the key, nor its query."""
    return "an address holding the key" if key.appears_in(page.address) else page.address.split("?")[0]


@then(parsers.re(rf"no page shown since (?P<name>\w+) saved {PRONOUN} device holds {PRONOUN} key"))
def _(system: SystemUnderTest, attacker: Attacker, name: str) -> None:
    key, mark = attacker.keys.get(name), attacker.saved_at.get(name)
    assert key is not None and mark is not None, f"{name} has not set up MFA in this scenario"
    pages = list(system.pages_visited())[mark:]
    leaks = [page for page in pages if key.appears_in(page.content) or key.appears_in(page.address)]
    assert not leaks, (f"{name}'s TOTP key is on {len(leaks)} of the {len(pages)} pages shown since she saved her "
                       f"device, first on {_where(leaks[0], key)}")
    # No leak seen is a pass only when what was seen could have shown one.
    unread = [page for page in pages if page.unread]
    if unread:
        raise CannotTell(f"whether every page shown since {name} saved her device is free of her key: no page "
                         f"read holds it, but the driver could not read {len(unread)} of the {len(pages)} "
                         f"(first {_where(unread[0], key)})")
    if not any(page.content.strip() for page in pages):
        raise CannotTell(f"whether any page shown since {name} saved her device holds her key: the driver read "
                         f"the text of none of the {len(pages)} pages shown since")


@then(parsers.re(r"no address the system was asked for holds (?P<name>\w+)'s key"))
def _(system: SystemUnderTest, attacker: Attacker, name: str) -> None:
    key = attacker.keys.get(name)
    assert key is not None, f"{name} has not set up MFA in this scenario"
    pages = list(system.pages_visited())
    leaks = [page for page in pages if key.appears_in(page.address)]
    assert not leaks, f"{name}'s TOTP key is in {len(leaks)} of the {len(pages)} addresses asked for in the scenario"
