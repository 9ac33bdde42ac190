"""Practice Security Settings: the account holder's switch that requires MFA
of every user. Switching it off un-enrolls nobody; switching it on takes
effect at each user's next sign-in, not in sessions already open."""

from __future__ import annotations

from .base import Base
from .errors import MfaNotAvailable

__all__ = ["Enforcement"]


class Enforcement(Base):
    def enforcement(self, token: str) -> bool:
        _, practice = self._account_holder(token)
        return practice.enforced

    def set_enforcement(self, token: str, enforced: bool) -> None:
        _, practice = self._account_holder(token)
        if enforced and not practice.mfa_available:
            raise MfaNotAvailable()
        practice.enforced = enforced
