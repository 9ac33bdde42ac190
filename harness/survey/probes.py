"""One probe per declarable position: which alternative the system's behaviour shows.

Each probe returns the alternative it saw and the evidence for it in a line,
or raises `ProbeFailed` when the system took none of the allowed alternatives
(that is a failure, whatever the system declares). A probe that needs a
capability the system lacks is not run, and says so. Every probe starts from
a fresh `World`, so one probe's lock or reset never colours another's.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from mfa_conformance.people.authenticator import phone_for
from mfa_conformance.driver import Capability, Stage, SystemUnderTest
from mfa_conformance.driver import errors as refused
from mfa_conformance.requirements.positions import load_positions

from .world import ProbeFailed, ProbePerson, World, wrong_code

__all__ = ["Probe", "PROBES"]

OFFICE, OFFICE_ADDRESS, ELSEWHERE = "203.0.113.0/24", "203.0.113.25", "198.51.100.7"
LONGEST_WAIT = load_positions()["lockout_wait_minutes"].range[1]  # type: ignore[index]
MOST_WRONG_CODES = load_positions()["lockout_after"].range[1]  # type: ignore[index]


@dataclass(frozen=True)
class Probe:
    position: str
    needs: tuple[Capability, ...]
    run: Callable[[SystemUnderTest], tuple[int | str, str]]


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _lock(erin: ProbePerson) -> int:
    """Wrong codes in a row until code entry locks: how many it took."""
    session = erin.sign_in()
    if session.stage is not Stage.CODE_REQUIRED:
        raise ProbeFailed(f"Erin, enrolled, was at '{session.stage.value}' after her password, not asked for a code")
    for n in range(1, MOST_WRONG_CODES + 1):
        try:
            session.submit_code(wrong_code(erin.phone))
        except refused.MfaLocked:
            return n
        except refused.CodeRejected:
            continue
    raise ProbeFailed(f"{MOST_WRONG_CODES} wrong codes in a row did not lock code entry "
                      f"(NIST SP 800-63B allows at most {MOST_WRONG_CODES})")


def _right_code_signs_in(erin: ProbePerson) -> bool:
    """Whether the right code signs Erin in now (False: code entry is locked)."""
    try:
        session = erin.sign_in()
        session.submit_code(erin.phone.current_code())
    except refused.MfaLocked:
        return False
    return session.stage is Stage.SIGNED_IN


def _wrong_codes(erin: ProbePerson, count: int) -> None:
    session = erin.sign_in()
    for n in range(1, count + 1):
        try:
            session.submit_code(wrong_code(erin.phone))
        except refused.CodeRejected:
            continue
        except refused.MfaLocked:
            raise ProbeFailed(f"code entry said locked at the {_ordinal(n)} wrong code, where before it said so "
                              f"only at the {_ordinal(count + 1)}") from None


def lockout_after(system: SystemUnderTest) -> tuple[int, str]:
    """The lock is where even the right code is refused: the first answer that says locked may be the
    wrong code that locked it, or the attempt after it (the how-to does not say which announces it)."""
    world = World(system, "lockout")
    world.erin.enroll()
    n = _lock(world.erin)
    if _right_code_signs_in(world.erin):
        raise ProbeFailed(f"code entry locked at the {_ordinal(n)} wrong code, but then the right code signed in")
    if n > 1:
        earlier = World(system, "lockout-shown-next")
        earlier.erin.enroll()
        _wrong_codes(earlier.erin, n - 1)
        if not _right_code_signs_in(earlier.erin):
            return n - 1, (f"code entry locked at the {_ordinal(n - 1)} wrong code in a row (answered as wrong; "
                           f"the lock was shown from the next attempt), and then even the right code was refused")
    return n, f"code entry locked at the {_ordinal(n)} wrong code in a row, and then even the right code was refused"


def _unlocks_after(system: SystemUnderTest, minutes: int) -> bool:
    world = World(system, "wait")
    world.erin.enroll()
    _lock(world.erin)
    system.advance(minutes * 60)
    return _right_code_signs_in(world.erin)


def lockout_wait_minutes(system: SystemUnderTest) -> tuple[int, str]:
    beyond = LONGEST_WAIT + 1
    if not _unlocks_after(system, beyond):
        return 0, f"code entry was still locked {beyond} minutes after it locked"
    low, high = 1, beyond  # the shortest wait after which the right code signs in again lies in [low, high]
    while low < high:
        middle = (low + high) // 2
        if _unlocks_after(system, middle):
            high = middle
        else:
            low = middle + 1
    if low > LONGEST_WAIT:
        raise ProbeFailed(f"code entry unlocked by itself only after more than {LONGEST_WAIT} minutes")
    return low, f"code entry unlocked by itself after {low} minutes, not after {low - 1}"


def _accepted(system: SystemUnderTest, offset: int) -> bool:
    world = World(system, "drift")
    world.erin.enroll()
    system.advance(300)  # five minutes on, so no code near now is older than the setup code
    session = world.erin.sign_in()
    try:
        return session.submit_code(world.erin.phone.code_at_offset(offset)) is Stage.SIGNED_IN
    except (refused.CodeRejected, refused.MfaLocked):  # refused (and, where one wrong code locks, locked)
        return False


def drift_steps(system: SystemUnderTest) -> tuple[int, str]:
    seen = {offset: _accepted(system, offset) for offset in (-2, -1, 0, 1, 2)}
    said = ", ".join(f"{offset:+d}: {'accepted' if ok else 'refused'}" for offset, ok in seen.items())
    if seen == {-2: False, -1: True, 0: True, 1: True, 2: False}:
        return 1, f"codes one time step either side were accepted, two steps away refused ({said})"
    if seen == {-2: False, -1: False, 0: True, 1: False, 2: False}:
        return 0, f"only the current time step's code was accepted ({said})"
    raise ProbeFailed(f"codes by time steps from now: {said}")


def username_search(system: SystemUnderTest) -> tuple[str, str]:
    world = World(system, "search")
    session = world.dana.sign_in_fully()
    username = world.erin.account.username
    exact = session.find_user(username)
    if exact is None or exact.username != username:
        raise ProbeFailed(f"the full, exact username {username!r} found {exact.username if exact else 'nobody'}")
    found = session.find_user(username.upper())
    if found is None:
        return "case-sensitive", "the username in upper case found nobody"
    if found.username != username:
        raise ProbeFailed(f"the username in upper case found {found.username!r}")
    return "case-insensitive", "the username in upper case found the user"


def self_reset(system: SystemUnderTest) -> tuple[str, str]:
    world = World(system, "self reset")
    world.dana.enroll()
    session = world.dana.sign_in_fully()
    try:
        session.reset_mfa(world.dana.account.username)
    except refused.SelfResetRefused:
        return "refused", "Reset MFA on herself was refused, naming vendor support"
    stage = world.dana.sign_in().stage
    if stage is Stage.CODE_REQUIRED:
        raise ProbeFailed("Reset MFA on herself was accepted, but her next sign-in still asked for a code")
    return "allowed", "Reset MFA on herself removed her device: her next sign-in asked for no code"


def reset_sessions(system: SystemUnderTest) -> tuple[str, str]:
    world = World(system, "reset sessions")
    world.erin.enroll()
    erin = world.erin.sign_in_fully()
    world.dana.sign_in_fully().reset_mfa(world.erin.account.username)
    try:
        erin.enter_application()
    except refused.SessionEnded:
        return "ended", "the user's signed-in session ended at the reset"
    return "kept", "the user's signed-in session went on after the reset"


def enforcement_sessions(system: SystemUnderTest) -> tuple[str, str]:
    world = World(system, "enforcement")
    erin = world.erin.sign_in_fully()
    dana = world.dana.sign_in_fully()
    dana.set_enforcement(True)
    try:
        dana.enter_application()
    except refused.SessionEnded:
        raise ProbeFailed("switching enforcement on ended the account holder's own session") from None
    try:
        erin.enter_application()
    except refused.SessionEnded:
        return "ended", "a user's open session ended when enforcement was switched on"
    return "kept", "a user's open session went on when enforcement was switched on"


def safelist_host_bits(system: SystemUnderTest) -> tuple[str, str]:
    world = World(system, "host bits")
    session = world.dana.sign_in_fully()
    try:
        session.set_safelist(["198.51.100.0/24", "10.0.0.1/24"])
    except refused.InvalidSafelistEntry as error:
        if session.safelist():
            raise ProbeFailed(f"'10.0.0.1/24' was refused, but {list(session.safelist())} was saved") from None
        return "refused", f"'10.0.0.1/24' was refused ({error}) and nothing was saved"
    shown = {str(ipaddress.ip_network(entry.strip(), strict=False)) for entry in session.safelist()}
    if shown != {"198.51.100.0/24", "10.0.0.0/24"}:
        raise ProbeFailed(f"'10.0.0.1/24' was accepted, and the safelist then held {sorted(shown)}")
    return "normalised", "'10.0.0.1/24' was saved as 10.0.0.0/24"


def _with_office_safelist(world: World) -> None:
    world.dana.sign_in_fully().set_safelist([OFFICE])
    world.dana.sign_out()


def safelist_spares_code(system: SystemUnderTest) -> tuple[str, str]:
    world = World(system, "spares code")
    world.erin.enroll()
    _with_office_safelist(world)
    stage = world.erin.sign_in(OFFICE_ADDRESS).stage
    if stage is Stage.CODE_REQUIRED:
        return "no", f"from {OFFICE_ADDRESS}, on the safelist, Erin was still asked for a code"
    if stage is Stage.SIGNED_IN:
        return "yes", f"from {OFFICE_ADDRESS}, on the safelist, Erin was signed in without a code"
    raise ProbeFailed(f"from {OFFICE_ADDRESS} Erin, enrolled, was at '{stage.value}'")


OUTSIDE_REFUSALS = (refused.AddressNotAllowed, refused.WrongCredentials)
"""The right password from outside the safelist: refused naming the address, or like a wrong password
(safelist_refusal, probed on its own)."""


def safelist_account_holders(system: SystemUnderTest) -> tuple[str, str]:
    world = World(system, "holders")
    _with_office_safelist(world)
    try:
        world.erin.sign_in(ELSEWHERE)
        raise ProbeFailed(f"a user signed in from {ELSEWHERE}, outside the safelist {OFFICE}")
    except OUTSIDE_REFUSALS:
        pass
    try:
        world.dana.sign_in(ELSEWHERE)
    except OUTSIDE_REFUSALS:
        return "bound", f"the account holder was refused from {ELSEWHERE}, outside the safelist"
    return "exempt", f"the account holder signed in from {ELSEWHERE}, outside the safelist; a user was refused"


def _answer_outside(system: SystemUnderTest, username: str, password: str, which: str) -> refused.Refused:
    try:
        system.sign_in(username, password, address=ELSEWHERE)
    except refused.Refused as refusal:
        return refusal
    raise ProbeFailed(f"{which} signed in from {ELSEWHERE}, outside the safelist {OFFICE}")


def safelist_refusal(system: SystemUnderTest) -> tuple[str, str]:
    world = World(system, "safelist refusal")
    _with_office_safelist(world)
    erin = world.erin.account
    wrong = _answer_outside(system, erin.username, secrets.token_urlsafe(15), "a wrong password")
    right = _answer_outside(system, erin.username, erin.password, "her own password")
    if isinstance(right, refused.AddressNotAllowed):
        return "named", f"from {ELSEWHERE}, outside the safelist, her own password was told so ({right})"
    if (type(right), str(right)) == (type(wrong), str(wrong)):
        return "like-wrong-password", (f"from {ELSEWHERE}, outside the safelist, her own password was answered "
                                       f"exactly as a wrong one ({type(right).__name__}: {right})")
    raise ProbeFailed(f"from {ELSEWHERE}, outside the safelist, her own password was answered {type(right).__name__} "
                      f"({right}), a wrong one {type(wrong).__name__} ({wrong})")


def devices_per_user(system: SystemUnderTest) -> tuple[str, str]:
    world = World(system, "devices")
    world.erin.enroll()
    session = world.erin.sign_in_fully()
    tablet = phone_for(system)
    try:
        screen = session.open_mfa_configuration(None)
    except refused.AlreadyEnrolled:
        return "one", "an enrolled user was not offered a second device"
    try:
        tablet.scan(screen.qr_png)
        session.save_device(tablet.current_code(), "tablet")
    except refused.Refused as error:
        raise ProbeFailed(f"an enrolled user was offered a second device, then refused it as "
                          f"{type(error).__name__} ({error})") from None
    world.erin.sign_out()
    for phone, name in ((tablet, "tablet"), (world.erin.phone, "phone")):
        session = world.erin.sign_in()
        if session.submit_code(phone.current_code()) is not Stage.SIGNED_IN:
            raise ProbeFailed(f"a second device was saved, but the code of her {name} did not sign in")
        world.erin.sign_out()
    return "several", "a second device was saved, and a code from either signed in"


def password_reset(system: SystemUnderTest) -> tuple[str, str]:
    """Found only where the driver can reset a password (a product without one offers no such capability,
    and is left to the default); whether the reset passes the second factor is SEC-15's to check."""
    world = World(system, "password reset")
    world.erin.enroll()
    username, new_password = world.erin.account.username, secrets.token_urlsafe(20)
    system.reset_password(username, new_password)
    try:
        system.sign_in(username, new_password)
    except refused.WrongCredentials:
        raise ProbeFailed("Erin's password reset was accepted, but her new password did not sign in") from None
    return "offered", "Erin reset her forgotten password, and her new password then signed in"


CLOCK, ADDRESS = (Capability.CLOCK,), (Capability.CLIENT_ADDRESS,)
PROBES = {probe.position: probe for probe in (
    Probe("lockout_after", (), lockout_after),
    Probe("lockout_wait_minutes", CLOCK, lockout_wait_minutes),
    Probe("drift_steps", CLOCK, drift_steps),
    Probe("username_search", (), username_search),
    Probe("self_reset", (), self_reset),
    Probe("reset_sessions", (), reset_sessions),
    Probe("enforcement_sessions", (), enforcement_sessions),
    Probe("safelist_host_bits", (), safelist_host_bits),
    Probe("safelist_spares_code", ADDRESS, safelist_spares_code),
    Probe("safelist_account_holders", ADDRESS, safelist_account_holders),
    Probe("devices_per_user", (), devices_per_user),
    Probe("safelist_refusal", ADDRESS, safelist_refusal),
    Probe("password_reset", (Capability.PASSWORD_RESET,), password_reset),
)}
