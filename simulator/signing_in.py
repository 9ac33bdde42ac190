"""Sign-in: the password, then a code when the user has a device, or the
setup screen when the practice requires MFA and the user has none.

Password guesses are limited (guessing.py). A code is checked and its time
step recorded under the simulator's lock, so the same code sent at once from
several sessions signs in one of them only (RFC 6238 section 5.2), and wrong
codes sent at once are counted one by one (no more tries than the limit).
"""

from __future__ import annotations

import secrets

from . import totp
from .errors import AddressNotAllowed, CodeRejected, MfaLocked, SessionEnded, WrongCredentials
from .guessing import PasswordGuessing
from .safelist import allows
from .state import Session, Stage, User

__all__ = ["SigningIn"]

DEFAULT_ADDRESS = "127.0.0.1"


class SigningIn(PasswordGuessing):
    def sign_in(self, username: str, password: str, *, address: str = DEFAULT_ADDRESS) -> tuple[str, Stage]:
        """A new session token and the stage it starts in."""
        user = self.state.users.get(username)
        if not self._password_accepted(username, user, password):
            raise WrongCredentials()
        assert user is not None
        practice = self.state.practices[user.practice]
        if not allows(practice.safelist, address):
            raise AddressNotAllowed()
        if self._locked(user):
            raise MfaLocked()
        if user.device is not None:
            stage = Stage.CODE_REQUIRED
        elif practice.enforced and practice.mfa_available:
            stage = Stage.SETUP_REQUIRED
        else:
            stage = Stage.SIGNED_IN
        token = secrets.token_urlsafe(24)
        self.state.sessions[token] = Session(token=token, username=username, stage=stage)
        return token, stage

    def submit_code(self, token: str, code: str) -> Stage:
        with self.lock:  # check and record the time step (or the wrong code) as one step
            return self._submit_code(token, code)

    def _submit_code(self, token: str, code: str) -> Stage:
        session = self._session(token)
        if session.stage is not Stage.CODE_REQUIRED:
            return session.stage
        user = self.state.users[session.username]
        if self._locked(user):
            self._end_sessions(user)
            raise MfaLocked()
        device = user.device
        assert device is not None  # a session waits for a code only when the user has a device
        step = totp.matching_step(device.secret, code, unix_time=self.clock(), after_step=device.last_step)
        if step is None:
            user.wrong_codes += 1
            if self._locked(user):
                self._end_sessions(user)
                raise MfaLocked()
            raise CodeRejected()
        device.last_step = step
        user.wrong_codes = 0
        session.stage = Stage.SIGNED_IN
        return session.stage

    def stage(self, token: str) -> Stage:
        return self._session(token).stage

    def enter_application(self, token: str) -> None:
        """Refused unless the session has passed every sign-in stage."""
        self._signed_in(token)

    def sign_out(self, token: str) -> None:
        if self.state.sessions.pop(token, None) is None:
            raise SessionEnded()

    def _end_sessions(self, user: User) -> None:
        for token in [t for t, s in self.state.sessions.items() if s.username == user.username]:
            del self.state.sessions[token]
