"""Vendor support's console: resets the MFA of any user, account holders included."""

from __future__ import annotations

from .errors import UnknownUser
from .state import UserView
from .user_management import UserManagement

__all__ = ["Support"]


class Support(UserManagement):
    def support_find_user(self, username: str) -> UserView | None:
        user = self.state.users.get(username)
        return None if user is None else self._view(user)

    def support_reset_mfa(self, username: str) -> None:
        user = self.state.users.get(username)
        if user is None:
            raise UnknownUser("No user with that username.")
        self._reset(user)
