"""A password reset for a user who forgot hers, where the options offer one.

The how-to describes none, and the reference has none (`Options.password_reset`
is off): it is here so the security check that a reset never passes the second
factor (SEC-15) has a correct system to pass and a broken one to fail.

The user's proof of the account (the e-mailed link, and whatever else a product
asks) is taken as given: what matters is what the reset leaves behind. The new
password replaces the old, its count of wrong guesses starts again, and every
session of the user ends, as after any change of a factor. Then the browser
carries on exactly as after a sign-in with the new password: at the code prompt
for a user with a device, never past it; or, with `password_reset_signs_out`,
at the sign-in page.
"""

from __future__ import annotations

import secrets

from .accounts import hash_password
from .base import Base
from .errors import UnknownUser
from .state import Stage

__all__ = ["PasswordReset"]


class PasswordReset(Base):
    def reset_password(self, username: str, new_password: str) -> tuple[str, Stage] | None:
        """The new session token and its stage, as after signing in with the new password;
        None where the reset leaves the user at the sign-in page."""
        if not self.options.password_reset:
            raise NotImplementedError("this simulator has no password reset (Options.password_reset)")
        user = self.state.users.get(username)
        if user is None:
            raise UnknownUser()
        user.password_salt = secrets.token_bytes(16)
        user.password_hash = hash_password(new_password, user.password_salt)
        self.state.password_guesses.pop(username, None)
        self._end_sessions(user)
        if self.options.password_reset_signs_out:
            return None
        return self.sign_in(username, new_password)  # type: ignore[attr-defined]
