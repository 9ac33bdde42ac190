"""Where every sequence starts on a system that cannot seed: the profile's
accounts without MFA and unlocked, each practice with enforcement off and an
empty IP safelist, reached through the documented actions.

Exploration ends a sequence wherever it ends (a holder enrolled with a phone
that is gone, code entry locked, enforcement on), so the way back relies on
vendor support, who resets any account; a system without the support console
cannot be explored this way, and `explore` says so before it starts.
"""

from __future__ import annotations

from mfa_conformance.people.authenticator import phone_for
from mfa_conformance.driver import Account, Capability, Feature, Stage, SystemUnderTest
from mfa_conformance.driver import errors as refused

from .actors import CAST

__all__ = ["BaselineUnreachable", "provisioned_cast", "bring_to_baseline"]


class BaselineUnreachable(Exception):
    """The accounts cannot be brought back to where a sequence starts; one line saying why."""


def provisioned_cast(system: SystemUnderTest) -> dict[str, Account]:
    """The explorer's personas as the system's profile names them (practices with MFA)."""
    accounts: dict[str, Account] = {}
    for name, display, holder in CAST:
        practice = system.profile_practice(display, mfa_available=True)
        account = system.persona(name, practice=practice) if practice is not None else None
        if account is None or account.account_holder != holder:
            role = "the account holder" if holder else "a user"
            raise BaselineUnreachable(f"the system names no account for {name}, {role} of a practice playing "
                                      f"{display!r} with MFA available (profile [practices] and [personas])")
        accounts[name] = account
    return accounts


def bring_to_baseline(system: SystemUnderTest, accounts: dict[str, Account]) -> None:
    if Capability.SUPPORT_CONSOLE not in system.capabilities:
        raise BaselineUnreachable("exploring a system without seeding needs the vendor support console, which "
                                  "brings every account back to where a sequence starts")
    for account in accounts.values():
        system.support_reset_mfa(account.username)
    for account in accounts.values():
        if account.account_holder:
            _clear_practice(system, account)


def _clear_practice(system: SystemUnderTest, holder: Account) -> None:
    try:
        session = system.sign_in(holder.username, holder.password)
    except refused.Refused as error:
        raise BaselineUnreachable(f"{holder.username} cannot sign in to clear her practice's settings: "
                                  f"{type(error).__name__}: {error}") from None
    enrolled = False
    if session.stage is Stage.SETUP_REQUIRED:  # enforcement is on: the way in is through setting up MFA
        phone = phone_for(system)
        phone.scan(session.open_mfa_configuration(None).qr_png)
        session.save_device(phone.current_code(), "exploration baseline")
        enrolled = True
    if Feature.ENFORCEMENT not in system.lacks and session.enforcement():
        session.set_enforcement(False)
    if Feature.SAFELIST not in system.lacks and session.safelist():
        session.set_safelist([])
    session.sign_out()
    if enrolled:
        system.support_reset_mfa(holder.username)
