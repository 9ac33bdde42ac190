"""A person of a scenario, a probe or an exploration: an account on the system under test,
a phone, and at most one open session.

The steps' personas (`steps.cast.Persona`) and the survey's (`survey.world.ProbePerson`)
build on it with the journeys each needs. The explorer's actors keep their own phones,
numbered for the exploration's model, which stays independent of the simulator and of the
steps on purpose; they share the names and pronouns below.
"""

from __future__ import annotations

from dataclasses import dataclass

from mfa_conformance.driver import Account, Session, SystemUnderTest

from .authenticator import AuthenticatorApp

__all__ = ["Person", "Pronouns", "PRONOUNS"]

PRONOUNS = {"Dana": ("she", "her"), "Erin": ("she", "her"), "Gail": ("she", "her"), "Olga": ("she", "her"),
            "Frank": ("he", "his")}
"""Subject and possessive pronoun of each persona, as the feature files use them ("they", "their" otherwise)."""


class Pronouns:
    """How the feature files refer to whoever bears `name` ("she", "her")."""

    name: str

    @property
    def subject(self) -> str:
        return PRONOUNS.get(self.name, ("they", "their"))[0]

    @property
    def possessive(self) -> str:
        return PRONOUNS.get(self.name, ("they", "their"))[1]


@dataclass(eq=False)
class Person(Pronouns):
    name: str
    account: Account
    system: SystemUnderTest
    phone: AuthenticatorApp
    session: Session | None = None

    def __repr__(self) -> str:  # never the account: it holds the password
        return f"{type(self).__name__}({self.name!r})"

    @property
    def practice(self) -> str:
        return self.account.practice

    def sign_in(self, address: str | None = None) -> Session:
        """The password, from a new session (at `address`, where the system can be told one)."""
        self.session = self.system.sign_in(self.account.username, self.account.password, address=address)
        return self.session

    def sign_out(self) -> None:
        if self.session is not None:
            self.session.sign_out()
            self.session = None
