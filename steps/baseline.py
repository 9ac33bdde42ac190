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
from dataclasses import dataclass, field

import pytest

from mfa_conformance.authenticator import AuthenticatorApp
from mfa_conformance.driver import Capability, Stage, SystemUnderTest
from mfa_conformance.driver import errors as refused

__all__ = ["Ledger", "Standing", "Unreachable", "wanted_enrolled", "is_introduction", "touches_practice"]

ENROLLED_GIVEN = re.compile(r"^(\w+) has set up MFA with (?:her|his|their) phone$")
INTRODUCTION = re.compile(r"^(?:.+ is a practice where MFA is (?:not )?available|\w+ is the account holder of .+"
                          r"|\w+ is a user of .+)$")
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

    def standing(self, username: str) -> Standing:
        return self.accounts.setdefault(username, Standing())


def wanted_enrolled(given_steps: list[str]) -> set[str]:
    """Personas a scenario's Given steps say have set up MFA."""
    return {match.group(1) for text in given_steps if (match := ENROLLED_GIVEN.match(text))}


def is_introduction(text: str) -> bool:
    return bool(INTRODUCTION.match(text))


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
