"""Practice Security Settings: the account holder's switch that requires MFA
of every user. Switching it off un-enrolls nobody; switching it on takes
effect at each user's next sign-in, not in sessions already open (unless the
options end the other users' open sessions at once)."""

from __future__ import annotations

from .base import Base
from .errors import MfaNotAvailable

__all__ = ["Enforcement"]


class Enforcement(Base):
    def enforcement(self, token: str) -> bool:
        _, practice = self._account_holder(token)
        return practice.enforced

    def set_enforcement(self, token: str, enforced: bool) -> None:
        holder, practice = self._account_holder(token)
        if enforced and not practice.mfa_available:
            raise MfaNotAvailable()
        switched_on = enforced and not practice.enforced
        practice.enforced = enforced
        if switched_on and self.options.enforcement_ends_sessions:
            for user in self.state.users.values():
                if user.practice == practice.name and user is not holder:
                    self._end_sessions(user)
