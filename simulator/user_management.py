"""User Settings: an account holder sees the MFA status of the practice's
users, finds one by full and exact username, and resets their MFA.

A user of another practice is indistinguishable from an unknown one, so a
holder learns nothing about other practices.
"""

from __future__ import annotations

from .base import Base
from .errors import SelfResetRefused, UnknownUser
from .state import User, UserView

__all__ = ["UserManagement"]


class UserManagement(Base):
    def user_statuses(self, token: str) -> list[UserView]:
        _, practice = self._account_holder(token)
        users = (u for u in self.state.users.values() if u.practice == practice.name)
        return [self._view(u) for u in sorted(users, key=lambda u: u.username)]

    def find_user(self, token: str, username: str) -> UserView | None:
        """Only the full, exact (case-sensitive) username finds a user."""
        _, practice = self._account_holder(token)
        user = self.state.users.get(username)
        if user is None or user.practice != practice.name:
            return None
        return self._view(user)

    def reset_mfa(self, token: str, username: str) -> None:
        holder, practice = self._account_holder(token)
        user = self.state.users.get(username)
        if user is None or user.practice != practice.name:
            raise UnknownUser()
        if user.username == holder.username:
            raise SelfResetRefused()
        self._reset(user)

    def _reset(self, user: User) -> None:
        """No device, no lock, no open session: the next sign-in starts afresh."""
        user.device = None
        user.wrong_codes = 0
        for token in [t for t, s in self.state.sessions.items() if s.username == user.username]:
            del self.state.sessions[token]
