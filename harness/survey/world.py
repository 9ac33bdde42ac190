"""Fresh practices and people for one probe, acting through the driver interface only.

Each probe needs accounts in a known state, so a survey needs the `seeding`
capability: every probe creates its own practice (with MFA available), an
account holder and a user, with unique names and random passwords, and a phone
that learns keys only by scanning the displayed QR code.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from mfa_conformance.driver import Account, Session, Stage, SystemUnderTest
from mfa_conformance.people.authenticator import AuthenticatorApp, phone_for
from mfa_conformance.people.person import Person

__all__ = ["ProbePerson", "World", "wrong_code", "ProbeFailed"]


class ProbeFailed(Exception):
    """The system did something that none of the position's alternatives allows; the message is the evidence."""


def wrong_code(phone: AuthenticatorApp) -> str:
    """A code no time step near now shows: the phone's code shifted by half the code space."""
    return f"{(int(phone.code_at_offset(0)) + 500_000) % 1_000_000:06d}"


@dataclass(eq=False)
class ProbePerson(Person):
    """A person of one probe, with the devices she saved during it."""

    devices: list[AuthenticatorApp] = field(default_factory=list)

    def sign_in_fully(self) -> Session:
        session = self.sign_in()
        if session.stage is Stage.CODE_REQUIRED:
            session.submit_code(self.phone.current_code())
        if session.stage is not Stage.SIGNED_IN:
            raise ProbeFailed(f"{self.name} could not sign in with her password and code: {session.stage.value}")
        return session

    def enroll(self) -> None:
        """The self-enrollment journey with her phone, then sign out."""
        session = self.sign_in()
        if session.stage is not Stage.SIGNED_IN:
            raise ProbeFailed(f"{self.name}, without MFA in a practice that does not enforce it, was at "
                              f"'{session.stage.value}' after her password")
        self.add_device(self.phone, "phone")
        session.sign_out()
        self.session = None

    def add_device(self, phone: AuthenticatorApp, name: str) -> None:
        assert self.session is not None
        phone.scan(self.session.open_mfa_configuration(None).qr_png)
        self.session.save_device(phone.current_code(), name)
        self.devices.append(phone)



class World:
    """One probe's practice: Dana holds it, Erin uses it."""

    def __init__(self, system: SystemUnderTest, probe: str) -> None:
        self.system = system
        suffix = secrets.token_hex(3)
        self.practice = f"Survey {probe} {suffix}"
        system.create_practice(self.practice, mfa_available=True)
        self.dana = self._person("Dana", suffix, holder=True)
        self.erin = self._person("Erin", suffix, holder=False)

    def _person(self, name: str, suffix: str, *, holder: bool) -> ProbePerson:
        account = Account(practice=self.practice, username=f"{name.lower()}.{suffix}",
                          password=secrets.token_urlsafe(20), account_holder=holder)
        self.system.create_user(self.practice, account.username, account.password, account_holder=holder)
        return ProbePerson(name, account, self.system, phone_for(self.system))
