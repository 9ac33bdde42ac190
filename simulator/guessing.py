"""Password guessing at sign-in is limited (NIST SP 800-63B section 5.2.2).

Each username counts its consecutive wrong passwords; the one that reaches the
limit locks password sign-in for that username for a while, on the
simulator's clock. A locked username refuses every password alike, the right
one too, before looking at it, as if it were wrong: the answer tells a guesser
nothing. Usernames nobody has are counted and locked the same way, so a lock
tells nothing about which accounts exist. A right password (while not locked)
clears the count.

The reference web app keeps its own count instead (webapp/guesses.py: in its
database, across requests), so it builds its simulators without this limit.
"""

from __future__ import annotations

from .accounts import password_matches
from .base import Base
from .state import PasswordGuesses, User

__all__ = ["PasswordGuessing", "PASSWORD_GUESS_LIMIT", "PASSWORD_LOCKOUT_SECONDS"]

PASSWORD_GUESS_LIMIT = 10
"""Consecutive wrong passwords before a username's password sign-in locks (NIST allows at most 100)."""
PASSWORD_LOCKOUT_SECONDS = 15 * 60


class PasswordGuessing(Base):
    password_guess_limit: int | None
    """None: no limit here (the caller counts guesses itself)."""

    def _password_accepted(self, username: str, user: User | None, password: str) -> bool:
        """Whether the password is the user's and the username's password sign-in is not locked."""
        limit = self.password_guess_limit
        if limit is None:
            return user is not None and password_matches(user, password)
        now = self.clock()
        guesses = self.state.password_guesses.get(username)
        if guesses is not None and guesses.locked_until is not None:
            if now < guesses.locked_until:
                return False
            guesses = None  # the lock is over: counting starts again
        if user is not None and password_matches(user, password):
            self.state.password_guesses.pop(username, None)
            return True
        wrong = (guesses.wrong if guesses is not None else 0) + 1
        self.state.password_guesses[username] = PasswordGuesses(
            wrong=wrong, locked_until=now + PASSWORD_LOCKOUT_SECONDS if wrong >= limit else None)
        return False
