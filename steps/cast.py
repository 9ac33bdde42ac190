"""The personas of the scenarios, and what each of them carries.

A `Persona` is an actor with abilities: an account on the system under test,
a phone with an authenticator app, and at most one open session. Multi-action
journeys (sign in all the way, set up MFA) live here so each step stays one line.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from mfa_conformance.driver import Account, Capability, Detail, EnrollmentScreen, Feature, Session, Stage, SystemUnderTest
from mfa_conformance.driver.errors import Refused
from mfa_conformance.people.authenticator import AuthenticatorApp
from mfa_conformance.people.person import Person

from .baseline import Ledger, phone_on

__all__ = ["Persona", "Cast", "PASSWORD_LENGTH", "UNCHECKED"]

PASSWORD_LENGTH = 20
UNCHECKED = pytest.StashKey[list[str]]()
"""The scenario's `Cast.unchecked`, where the plugin finds it for the scenario's report."""


def require(system: SystemUnderTest, capability: Capability) -> None:
    """Skip the scenario, naming the capability, when the system lacks it."""
    if capability not in system.capabilities:
        pytest.skip(f"the system under test lacks the capability '{capability}'")


def shown(cast: Cast, detail: Detail, what: str) -> bool:
    """Whether the system's screens show the detail a step would check. Where they do not, the
    scenario carries on, `what` noted as unchecked with the system's reason: the how-to never says
    where a device's name is shown again, so its absence is no fault and takes nothing from what
    else the scenario checked. A product with no device name at all, which the how-to has the user
    give, fails instead."""
    system = cast.system
    if Feature.DEVICE_NAME in system.lacks:
        raise system.lacking(Feature.DEVICE_NAME)
    if detail in system.shows:
        return True
    if (noted := f"{what}: {system.not_shown(detail)}") not in cast.unchecked:
        cast.unchecked.append(noted)
    return False


@dataclass(eq=False)
class Persona(Person):
    """A person of the scenarios, with the journeys the steps take her on and what the harness saw."""

    device_name: str | None = None
    noted_code: str | None = None
    last_code: str | None = None
    old_phone: AuthenticatorApp | None = None
    second_phone: AuthenticatorApp | None = None
    screen: EnrollmentScreen | None = None
    new_phone: Callable[[], AuthenticatorApp] = lambda: None  # type: ignore[assignment,return-value]
    """Makes another phone on the system's clock (the cast sets it)."""
    enrolled_with: AuthenticatorApp | None = None
    """The phone whose key this scenario enrolled the account with, as far as the harness saw."""
    uncertain: bool = False
    """Something happened (wrong codes) after which the account's standing is not known."""
    adopted: bool = False
    """The account started the scenario enrolled with a phone the harness held from an earlier one."""

    def code(self) -> str:
        self.last_code = self.phone.current_code()
        return self.last_code

    def enter_code(self, code: str | None = None) -> Stage:
        """A refused code counts towards the lockout, so the account's standing is uncertain
        until a code is accepted again (which clears the count)."""
        assert self.session is not None, f"{self.name} has not entered a password"
        code = self.code() if code is None else code
        try:
            stage = self.session.submit_code(code)
        except Refused:
            self.uncertain = True
            raise
        self.uncertain = False
        if len(self.phone.accounts) == 1:
            self.phone.note_accepted(code)  # a code read off at another step uses that step up too
        return stage

    @property
    def phone_name(self) -> str:
        """The device name "has set up MFA with her phone" gives: the name its scenarios check."""
        return f"{self.name}'s phone"

    def sign_in_fully(self) -> Session:
        """Password, then the code, or the forced setup when the practice requires it."""
        session = self.sign_in()
        if session.stage is Stage.CODE_REQUIRED:
            self.enter_code()
        elif session.stage is Stage.SETUP_REQUIRED:
            self.scan()
            self.save_device(self.phone_name)
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
        self.enrolled_with = self.phone

    def seed_device(self) -> None:
        """The end of the self-enrollment journey, set directly (Capability.STATE_SEEDING): the phone
        takes the device's key as it would from the QR code."""
        if self.adopted:
            return
        name = self.phone_name
        self.phone.add(self.system.seed_device(self.account.username, name))
        self.device_name, self.enrolled_with = name, self.phone

    def set_up_mfa(self) -> None:
        """The whole self-enrollment journey, then sign out; nothing to do for an
        account that starts the scenario enrolled with this phone already."""
        if self.adopted:
            return
        session = self.sign_in()
        if session.stage is Stage.CODE_REQUIRED:
            raise AssertionError(f"{self.name} already has MFA set up")
        self.scan()
        self.save_device(self.phone_name)
        session.sign_out()
        self.session = None

    def was_reset(self) -> None:
        """Someone reset this account's MFA: it has no device until set up again."""
        self.enrolled_with = None
        self.adopted = False

    def lose_phone(self) -> None:
        self.old_phone, self.phone = self.phone, self.new_phone()



class Cast:
    """Practices and personas of one scenario, each with unique names on the system."""

    def __init__(self, system: SystemUnderTest, ledger: Ledger | None = None,
                 about: frozenset[str] = frozenset()) -> None:
        self.system = system
        self.ledger = ledger or Ledger()
        self.about = about
        """The requirements the scenario checks (its tags): where a starting state is their subject,
        it is reached through the screens, never set directly (`seeds`)."""
        self.settled = Capability.SEEDING in system.capabilities
        """Always true for fresh seeded accounts: they start where every scenario starts."""
        self.aborted = False
        """The starting state could not be reached; the scenario was skipped and changed nothing."""
        self._settled_names: set[str] = set()
        """Practices (real names) and personas already brought to the scenario's starting state."""
        self._suffix = secrets.token_hex(3)
        self._practices: dict[str, str] = {}
        self._people: dict[str, Persona] = {}
        self._off_stage: dict[str, Persona] = {}
        self.steps_run: list[str] = []
        """The text of every step run in this scenario, for what it may have left behind."""
        self.spotlight: Persona | None = None
        """The persona last named, whom "she" or "he" in the next step means."""
        self.unchecked: list[str] = []
        """The details the scenario would have checked and the system's screens do not show, each with
        the system's reason (`shown`); the scenario's report lists them."""

    def seeds(self, area: str, feature: Feature | None = None) -> bool:
        """Whether a Given step may set its state directly rather than walk the screens: the system
        can, the product has the feature (else the walk meets its absence), and the scenario checks no
        requirement of the area (`ENR`, `ENF`, `SAF`), whose screens are then what it is about."""
        return (Capability.STATE_SEEDING in self.system.capabilities
                and (feature is None or feature not in self.system.lacks)
                and not any(tag.startswith(f"{area}-") for tag in self.about))

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
                kind = "with" if mfa_available else "without"
                pytest.skip(f"the scenario needs a practice {kind} MFA playing {display!r}, and the product's "
                            f"profile names none (a product with one practice, or none {kind} MFA; no seeding "
                            f"to create one)")
            name = profile_name
        self._practices[display] = name

    def add_person(self, name: str, practice_display: str, *, account_holder: bool) -> Persona:
        practice = self.practice(practice_display)
        if Capability.SEEDING in self.system.capabilities:
            account = Account(practice=practice, username=f"{name.lower()}.{self._suffix}",
                              password=secrets.token_urlsafe(PASSWORD_LENGTH), account_holder=account_holder)
            self.system.create_user(practice, account.username, account.password, account_holder=account_holder)
        else:
            account = _profile_persona(self.system, name, practice)
            if account is None:
                pytest.skip(f"the system under test lacks the capability '{Capability.SEEDING}' "
                            f"and its profile names no account for {name}")
        persona = Persona(name=name, account=account, system=self.system, phone=self.new_phone(),
                          new_phone=self.new_phone)
        self._people[name] = self.spotlight = persona
        return persona

    def new_phone(self) -> AuthenticatorApp:
        return phone_on(self.system, self.ledger)

    def unsettled(self) -> tuple[list[str], list[Persona]]:
        """Practices and personas introduced since the last settling."""
        return ([real for real in self._practices.values() if real not in self._settled_names],
                [p for p in self._people.values() if p.name not in self._settled_names])

    def settle_done(self, practices: list[str], people: list[Persona]) -> None:
        self._settled_names |= set(practices) | {p.name for p in people}

    @property
    def people(self) -> list[Persona]:
        return list(self._people.values())

    @property
    def settled_people(self) -> list[Persona]:
        """The personas brought to the scenario's starting state: the only ones it may have changed
        (a scenario skipped before its first action, after its Background, changed nobody)."""
        return [p for p in self._people.values() if p.name in self._settled_names]

    @property
    def practices(self) -> dict[str, str]:
        """Display name -> the practice's real name."""
        return dict(self._practices)

    def holder_of(self, practice: str, *, off_stage: bool = False) -> Persona:
        """The practice's account holder in the scenario; with `off_stage`, the one
        the system names when the scenario names none (to prepare its accounts)."""
        for persona in self._people.values():
            if persona.practice == practice and persona.account.account_holder:
                return persona
        if off_stage:
            if practice not in self._off_stage:
                account = self.system.account_holder_of(practice)
                if account is None:
                    raise AssertionError(f"the system names no account holder of {practice!r}")
                self._off_stage[practice] = Persona(name=f"the account holder of {practice}", account=account,
                                                    system=self.system, phone=self.new_phone(),
                                                    new_phone=self.new_phone)
            return self._off_stage[practice]
        raise AssertionError("the scenario names no account holder for this practice")


def _profile_persona(system: SystemUnderTest, name: str, practice: str) -> Account | None:
    """The account that plays `name` in `practice`; a driver that knows one account
    per persona may ignore the practice (the interface's older form)."""
    try:
        return system.persona(name, practice=practice)
    except TypeError:
        return system.persona(name)
