"""The personas of the scenarios, and what each of them carries.

A `Persona` is an actor with abilities: an account on the system under test,
a phone with an authenticator app, and at most one open session. Multi-action
journeys (sign in all the way, set up MFA) live here so each step stays one line.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest

from mfa_conformance.driver import Account, Capability, EnrollmentScreen, Session, Stage, SystemUnderTest
from mfa_conformance.authenticator import AuthenticatorApp, phone_for

__all__ = ["Persona", "Cast", "PASSWORD_LENGTH"]

PASSWORD_LENGTH = 20
PRONOUNS = {"Dana": "her", "Erin": "her", "Gail": "her", "Olga": "her", "Frank": "his"}


def require(system: SystemUnderTest, capability: Capability) -> None:
    """Skip the scenario, naming the capability, when the system lacks it."""
    if capability not in system.capabilities:
        pytest.skip(f"the system under test lacks the capability '{capability}'")


@dataclass
class Persona:
    name: str
    account: Account
    system: SystemUnderTest
    phone: AuthenticatorApp
    session: Session | None = None
    device_name: str | None = None
    noted_code: str | None = None
    last_code: str | None = None
    old_phone: AuthenticatorApp | None = None
    second_phone: AuthenticatorApp | None = None
    screen: EnrollmentScreen | None = None

    def __repr__(self) -> str:
        return f"Persona({self.name!r}, {self.account!r})"

    @property
    def pronoun(self) -> str:
        return PRONOUNS.get(self.name, "their")

    @property
    def practice(self) -> str:
        return self.account.practice

    def sign_in(self, address: str | None = None) -> Session:
        self.session = self.system.sign_in(self.account.username, self.account.password, address=address)
        return self.session

    def code(self) -> str:
        self.last_code = self.phone.current_code()
        return self.last_code

    def enter_code(self, code: str | None = None) -> Stage:
        assert self.session is not None, f"{self.name} has not entered a password"
        return self.session.submit_code(self.code() if code is None else code)

    def sign_in_fully(self) -> Session:
        """Password, then the code, or the forced setup when the practice requires it."""
        session = self.sign_in()
        if session.stage is Stage.CODE_REQUIRED:
            self.enter_code()
        elif session.stage is Stage.SETUP_REQUIRED:
            self.scan()
            self.save_device(f"{self.name}'s phone")
        assert session.stage is Stage.SIGNED_IN, f"{self.name} could not sign in: {session.stage.value}"
        return session

    def ensure_signed_in(self) -> Session:
        if self.session is not None and self.session.stage is Stage.SIGNED_IN:
            return self.session
        return self.sign_in_fully()

    def open_setup(self, authenticator: str | None = None) -> EnrollmentScreen:
        assert self.session is not None, f"{self.name} has not signed in"
        self.screen = self.session.open_mfa_configuration(authenticator)
        return self.screen

    def scan(self, authenticator: str | None = None) -> None:
        screen = self.screen or self.open_setup(authenticator)
        self.phone.scan(screen.qr_png)
        self.screen = None

    def save_device(self, name: str) -> None:
        assert self.session is not None
        self.session.save_device(self.code(), name)
        self.device_name = name

    def set_up_mfa(self) -> None:
        """The whole self-enrollment journey, then sign out."""
        session = self.sign_in()
        if session.stage is Stage.CODE_REQUIRED:
            raise AssertionError(f"{self.name} already has MFA set up")
        self.scan()
        self.save_device(f"{self.name}'s phone")
        session.sign_out()
        self.session = None

    def lose_phone(self) -> None:
        self.old_phone, self.phone = self.phone, phone_for(self.system)

    def sign_out(self) -> None:
        if self.session is not None:
            self.session.sign_out()
            self.session = None


class Cast:
    """Practices and personas of one scenario, each with unique names on the system."""

    def __init__(self, system: SystemUnderTest) -> None:
        self.system = system
        self._suffix = secrets.token_hex(3)
        self._practices: dict[str, str] = {}
        self._people: dict[str, Persona] = {}
        self.spotlight: Persona | None = None
        """The persona last named, whom "she" or "he" in the next step means."""

    def __getitem__(self, name: str) -> Persona:
        try:
            self.spotlight = self._people[name]
        except KeyError:
            raise AssertionError(f"the scenario has not introduced {name}") from None
        return self.spotlight

    def practice(self, display: str) -> str:
        return self._practices[display]

    def add_practice(self, display: str, *, mfa_available: bool) -> None:
        if Capability.SEEDING in self.system.capabilities:
            name = f"{display} {self._suffix}"
            self.system.create_practice(name, mfa_available=mfa_available)
        else:
            profile_name = self.system.profile_practice(display, mfa_available=mfa_available)
            if profile_name is None:
                pytest.skip(f"the system under test lacks the capability '{Capability.SEEDING}' "
                            f"and its profile names no practice for {display!r}")
            name = profile_name
        self._practices[display] = name

    def add_person(self, name: str, practice_display: str, *, account_holder: bool) -> Persona:
        practice = self.practice(practice_display)
        if Capability.SEEDING in self.system.capabilities:
            account = Account(practice=practice, username=f"{name.lower()}.{self._suffix}",
                              password=secrets.token_urlsafe(PASSWORD_LENGTH), account_holder=account_holder)
            self.system.create_user(practice, account.username, account.password, account_holder=account_holder)
        else:
            account = self.system.persona(name)
            if account is None:
                pytest.skip(f"the system under test lacks the capability '{Capability.SEEDING}' "
                            f"and its profile names no account for {name}")
        persona = Persona(name=name, account=account, system=self.system, phone=phone_for(self.system))
        self._people[name] = self.spotlight = persona
        return persona

    def holder_of(self, practice: str) -> Persona:
        for persona in self._people.values():
            if persona.practice == practice and persona.account.account_holder:
                return persona
        raise AssertionError("the scenario names no account holder for this practice")
