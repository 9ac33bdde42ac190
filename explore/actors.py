"""The explorer's personas: an account, a phone, at most one open session.

They mirror `steps.cast.Persona` call for call (same driver calls, same phone,
same order), because a counterexample is replayed through the suite's steps:
an action here and the step that names it must do exactly the same thing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from hypothesis.stateful import Bundle

from mfa_conformance.driver import Account, Session, SystemUnderTest
from mfa_conformance.people.authenticator import AuthenticatorApp, phone_for
from mfa_conformance.people.person import Pronouns

from .model_state import Code, time_step

__all__ = ["Actor", "Phone", "phone_for", "CAST", "ACTORS", "PEOPLE", "PHONES", "unique_cast"]


CAST = (
    # persona, practice display name, account holder
    ("Dana", "Riverside Clinic", True),
    ("Erin", "Riverside Clinic", False),
    ("Olga", "Hillside Practice", True),
)
"""The explorer's world, the suite's personas: an account holder and a user who act, and
the holder of another practice, who is only searched for and reset (MGT-10). Each
more actor would thin out the sequences in which one of them meets a deep bug."""
ACTORS = ("Dana", "Erin")
PEOPLE = Bundle("people")
"""The state machine's bundle of persona names its rules draw from: the cast."""
PHONES = Bundle("phones")
"""The state machine's bundle of every phone handed out or bought along the way."""


@dataclass(eq=False)
class Phone:
    """A phone that exists in the exploration, and which key (by the explorer's number) it holds."""

    owner: str
    app: AuthenticatorApp
    number: int
    key: int | None = None

    def __repr__(self) -> str:
        return f"Phone({self.owner!r}, #{self.number}, key={self.key})"


@dataclass(eq=False)
class Actor(Pronouns):
    """A persona of the exploration. Not a `people.Person`: its phones are the model's numbered
    `Phone`s, whose keys the model tracks on its own, independent of the simulator and the steps."""

    name: str
    account: Account
    system: SystemUnderTest
    phone: Phone
    old_phone: Phone | None = None
    session: Session | None = None
    last_code: tuple[str, Code] | None = None
    """The code `Persona.code()` last produced, for "the code she last used"."""
    devices_saved: int = field(default=0)

    def __repr__(self) -> str:
        return f"Actor({self.name!r})"

    def now_step(self) -> int:
        return time_step(self.system.now())

    def code(self) -> tuple[str, Code]:
        """`Persona.code()`: the phone's current code (it may wait for a fresh time step)."""
        text = self.phone.app.current_code()
        self.last_code = (text, Code(self.phone.key, self.now_step()))
        return self.last_code

    def code_at_offset(self, steps: int, phone: Phone | None = None) -> tuple[str, Code]:
        phone = phone or self.phone
        text = phone.app.code_at_offset(steps)
        return text, Code(phone.key, self.now_step() + steps)

    def old_phone_code(self) -> tuple[str, Code]:
        assert self.old_phone is not None
        text = self.old_phone.app.current_code()
        return text, Code(self.old_phone.key, self.now_step())

    def wrong_code(self) -> tuple[str, Code]:
        """As the steps make one: the phone's code shifted by half the code space."""
        text, code = self.code_at_offset(0)
        return f"{(int(text) + 500_000) % 1_000_000:06d}", Code(None, code.step)

    def next_device_name(self) -> str:
        return f"{self.name}'s phone" if self.devices_saved == 0 else f"{self.name}'s phone {self.devices_saved + 1}"


def unique_cast() -> tuple[str, dict[str, Account]]:
    """Practice and account names unique on the system, made as `steps.cast.Cast` makes them."""
    suffix = secrets.token_hex(3)
    accounts = {
        name: Account(practice=f"{practice} {suffix}", username=f"{name.lower()}.{suffix}",
                      password=secrets.token_urlsafe(20), account_holder=holder)
        for name, practice, holder in CAST
    }
    return suffix, accounts
