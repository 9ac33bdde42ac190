"""User Settings: an account holder sees the MFA status of the practice's
users, finds one by full and exact username, and resets their MFA.

A user of another practice is indistinguishable from an unknown one, so a
holder learns nothing about other practices. The options decide what the how-to
leaves open: whether the search ignores letter case, whether a holder may
reset their own MFA, whether a reset ends the user's open sessions.
"""

from __future__ import annotations

from .base import Base
from .errors import SelfResetRefused, UnknownUser
from .state import Stage, User, UserView

__all__ = ["UserManagement"]


class UserManagement(Base):
    def user_statuses(self, token: str) -> list[UserView]:
        _, practice = self._account_holder(token)
        users = (u for u in self.state.users.values() if u.practice == practice.name)
        return [self._view(u) for u in sorted(users, key=lambda u: u.username)]

    def find_user(self, token: str, username: str) -> UserView | None:
        """Only the full, exact username finds a user (in any letter case, where the options say so)."""
        _, practice = self._account_holder(token)
        user = self.state.users.get(username)
        if user is None and self.options.search_ignores_case:
            user = next((u for u in self.state.users.values()
                         if u.practice == practice.name and u.username.casefold() == username.casefold()), None)
        if user is None or user.practice != practice.name:
            return None
        return self._view(user)

    def reset_mfa(self, token: str, username: str) -> None:
        holder, practice = self._account_holder(token)
        user = self.state.users.get(username)
        if user is None or user.practice != practice.name:
            raise UnknownUser()
        if user.username == holder.username and not self.options.self_reset:
            raise SelfResetRefused()
        self._reset(user)

    def _reset(self, user: User) -> None:
        """No device, no lock, and (unless the options keep them) no open session: the next sign-in starts
        afresh. A kept session goes on where it stood, except a sign-in waiting for a code, which ends:
        no device is left to give one."""
        user.device = None
        user.more_devices = []
        user.wrong_codes, user.locked_at = 0, None
        if self.options.reset_ends_sessions:
            self._end_sessions(user)
            return
        for token in [t for t, s in self.state.sessions.items()
                      if s.username == user.username and s.stage is Stage.CODE_REQUIRED]:
            del self.state.sessions[token]
