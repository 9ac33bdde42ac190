"""Bringing pre-provisioned accounts to the state a scenario starts from.

A system that cannot seed (a staging deployment) keeps every account from one
scenario to the next. Before a scenario's first action, the harness brings the
accounts and practices it uses to the scenario's starting state: every persona
without MFA (unless a Given step says she has set it up), code entry unlocked,
enforcement off and an empty IP safelist. It does so only through the
documented actions: the account holder's Reset MFA in User Settings, vendor
support's reset of an account holder, the practice's security settings.

The `Ledger` is what the harness knows of each account for the whole run (in
memory only): the phone whose key it is enrolled with, and whether that is
certain. It takes the cheapest route: an account enrolled with a phone the
harness holds stays enrolled when the next scenario wants it so. Where the
wanted state cannot be reached, the scenario is skipped with the reason.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from mfa_conformance.people.authenticator import AuthenticatorApp
from mfa_conformance.driver import Account, Capability, Stage, SystemUnderTest
from mfa_conformance.driver import errors as refused

__all__ = ["WAITED_PROPERTY", "WAITED_FOR_PROPERTY", "WAITS_PROPERTY", "Ledger", "Standing", "Unreachable", "phone_on", "wanted_enrolled", "touches_practice", "preflight"]

WAITED_PROPERTY = "mfa_waited"
"""The user property of a scenario's report: seconds it waited on the real clock."""
WAITED_FOR_PROPERTY = "mfa_waited_for"
"""What it waited for."""
WAITS_PROPERTY = "mfa_waits"
"""Each wait (start, seconds, why) and the worker, for the benchmark's breakdown."""

ENROLLED_GIVEN = re.compile(r"^(\w+) has set up MFA with (?:her|his|their) phone$")
PRACTICE_WORDS = re.compile(r"enforc|safelist", re.IGNORECASE)


class Unreachable(Exception):
    """The starting state the scenario describes cannot be reached on this system."""


@dataclass
class Standing:
    """What the harness knows of one account between scenarios."""

    phone: AuthenticatorApp | None = None
    """The phone holding the key the account is enrolled with (None: no device, or one the harness lacks)."""
    enrolled: bool | None = None
    """None: not known (never looked, or a scenario left it uncertain)."""
    device_name: str | None = None


@dataclass
class Ledger:
    """The run's memory of accounts and practices, per worker, never written anywhere."""

    accounts: dict[str, Standing] = field(default_factory=dict)
    clean_practices: set[str] = field(default_factory=set)
    """Practices known to have enforcement off and an empty safelist."""
    waited: float = 0.0
    """Seconds this scenario spent waiting on the real clock (for a fresh time step, or time to pass)."""
    waited_for: list[str] = field(default_factory=list)
    """Why this scenario waited on the real clock, each reason once, in order."""
    waits: list[tuple[float, float, str]] = field(default_factory=list)
    """This scenario's waits on the real clock: (when each began, Unix time; seconds; why), for the
    benchmark's breakdown and to show that parallel workers overlap them."""
    announce: Callable[[str], None] | None = None
    """Tells the person watching that the run is waiting, and for how long (serial runs)."""

    def wait_real(self, seconds: float, why: str) -> None:
        """Wait on the real clock, saying so: a system without clock control cannot be hurried."""
        if seconds <= 0:
            return
        if self.announce is not None and seconds >= 1:
            self.announce(f"waiting {seconds:.0f} s on the real clock for {why}")
        self.waits.append((time.time(), seconds, why))
        time.sleep(seconds)
        self.waited += seconds
        if why not in self.waited_for:
            self.waited_for.append(why)

    def standing(self, username: str) -> Standing:
        return self.accounts.setdefault(username, Standing())


def phone_on(system: SystemUnderTest, ledger: Ledger) -> AuthenticatorApp:
    """A phone on the system's clock: waiting for a fresh time step moves the system's
    clock when it can be moved, and otherwise waits on the real clock, saying so."""

    def wait_until(when: float) -> None:
        if Capability.CLOCK in system.capabilities:
            system.advance(max(0.0, when - system.now()))
        else:
            ledger.wait_real(when - time.time(), "a fresh time step")

    return AuthenticatorApp(now=system.now, wait_until=wait_until, latency=system.code_latency)


def wanted_enrolled(given_steps: list[str]) -> set[str]:
    """Personas a scenario's Given steps say have set up MFA."""
    return {match.group(1) for text in given_steps if (match := ENROLLED_GIVEN.match(text))}


def touches_practice(texts: list[str]) -> bool:
    return any(PRACTICE_WORDS.search(text) for text in texts)


def probe(system: SystemUnderTest, username: str, password: str) -> str:
    """Where the password alone leads: 'no device', 'code required' or 'locked'; no code is spent."""
    try:
        session = system.sign_in(username, password)
    except refused.MfaLocked:
        return "locked"
    except refused.WrongCredentials:
        raise Unreachable(f"the account {username!r} does not sign in with the profile's password; "
                          f"correct the profile or the account") from None
    except refused.AddressNotAllowed:
        raise Unreachable(f"the account {username!r} is shut out by its practice's IP safelist; "
                          f"empty the safelist by hand") from None
    stage = session.stage
    if stage is not Stage.CODE_REQUIRED:
        _quietly(session.sign_out)
    return "code required" if stage is Stage.CODE_REQUIRED else "no device"


def support_reset(system: SystemUnderTest, who: str, username: str) -> None:
    if Capability.SUPPORT_CONSOLE not in system.capabilities:
        raise Unreachable(f"{who} ({username}) has MFA set up and the scenario needs her without it; only vendor "
                          f"support resets an account holder, and the system offers no support console")
    system.support_reset_mfa(username)


def skip_unreachable(error: Unreachable) -> None:
    pytest.skip(f"the starting state cannot be reached without seeding: {error}")


def _quietly(action) -> None:
    try:
        action()
    except refused.Refused:
        pass


def preflight(system: SystemUnderTest, accounts: dict[str, Account]) -> str | None:
    """Before any scenario: the first account the harness cannot work from, and what to do; None if all can be.

    An account enrolled with a device whose key the harness does not hold (it holds
    none yet), or locked, can be brought back only by a reset: by its practice's
    account holder for a user, by vendor support for an account holder."""
    support = Capability.SUPPORT_CONSOLE in system.capabilities
    states: dict[str, str] = {}
    for who, account in accounts.items():
        try:
            states[who] = probe(system, account.username, account.password)
        except Unreachable as error:
            return str(error)
    for who, account in accounts.items():
        if states[who] == "no device":
            continue
        what = "is locked out of code entry" if states[who] == "locked" else \
            "has MFA set up with a device whose key the harness does not hold"
        if account.account_holder and not support:
            return (f"{who} ({account.username}) {what}, and only vendor support resets an account holder, which "
                    f"this system does not offer: reset her MFA in the product (or give the harness the support "
                    f"console), then run again")
        if not account.account_holder:
            holder = next((a for a in accounts.values() if a.account_holder and a.practice == account.practice),
                          None) or system.account_holder_of(account.practice)
            if holder is None:
                return (f"{who} ({account.username}) {what}, and the profile names no account holder of "
                        f"{account.practice!r} to reset it: reset it in the product, then run again")
    return None
