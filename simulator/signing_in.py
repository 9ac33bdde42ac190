"""Sign-in: the password, then a code when the user has a device, or the
setup screen when the practice requires MFA and the user has none.

The options decide what the how-to leaves open: how many wrong codes lock code
entry and whether waiting unlocks it, how much clock drift a code may have,
whether the safelist binds account holders and whether it spares the code,
and whether the right password from outside the safelist is told so or answered
like a wrong one.

Password guesses are limited (guessing.py). A code is checked and its time
step recorded under the simulator's lock, so the same code sent at once from
several sessions signs in one of them only (RFC 6238 section 5.2), and wrong
codes sent at once are counted one by one (no more tries than the limit).
"""

from __future__ import annotations

import secrets

from . import totp
from .errors import AddressNotAllowed, CodeRejected, MfaError, MfaLocked, SessionEnded, WrongCredentials
from .guessing import PasswordGuessing
from .safelist import allows
from .state import Session, Stage, User

__all__ = ["SigningIn"]

DEFAULT_ADDRESS = "127.0.0.1"


class SigningIn(PasswordGuessing):
    def sign_in(self, username: str, password: str, *, address: str = DEFAULT_ADDRESS) -> tuple[str, Stage]:
        """A new session token and the stage it starts in."""
        user = self.state.users.get(username)
        shut_out = user is not None and self._shut_out(user, address)
        if shut_out and self.options.safelist_like_wrong_password:
            assert user is not None
            raise self._answer_outside_the_safelist(user, password)
        if not self._password_accepted(username, user, password):
            raise WrongCredentials()
        assert user is not None
        if shut_out:
            raise AddressNotAllowed()
        practice = self.state.practices[user.practice]
        listed = allows(practice.safelist, address)
        if self._locked(user):
            raise MfaLocked()
        self._lift_expired_lock(user)
        spared = listed and bool(practice.safelist) and self.options.safelist_spares_code
        if user.device is not None and spared:
            stage = Stage.SIGNED_IN
        elif user.device is not None:
            stage = Stage.CODE_REQUIRED
        elif practice.enforced and practice.mfa_available:
            stage = Stage.SETUP_REQUIRED
        else:
            stage = Stage.SIGNED_IN
        token = secrets.token_urlsafe(24)
        self.state.sessions[token] = Session(token=token, username=username, stage=stage)
        return token, stage

    def _shut_out(self, user: User, address: str) -> bool:
        """The address is outside the practice's non-empty safelist, and the safelist binds the user."""
        practice = self.state.practices[user.practice]
        exempt = user.account_holder and self.options.safelist_exempts_holders
        return not exempt and not allows(practice.safelist, address)

    def _answer_outside_the_safelist(self, user: User, password: str) -> MfaError:
        """Under safelist_like_wrong_password: any password from outside the safelist, before it is
        looked at, counted as a wrong one and answered as one, so nobody there learns whether it was right."""
        self._password_accepted(user.username, None, password)  # no user: counted as a wrong password
        return WrongCredentials()

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
        self._lift_expired_lock(user)
        devices = self._devices(user)
        assert devices, "a session waits for a code only when the user has a device"
        now = self.clock()
        matches = [(device, step) for device in devices
                   if (step := totp.matching_step(device.secret, code, unix_time=now, after_step=device.last_step,
                                                  drift=self.options.drift_steps)) is not None]
        if not matches:
            user.wrong_codes += 1
            if self._locked(user):
                user.locked_at = now if self.options.lockout_wait else None
                if not self.options.lock_shown_next:
                    self._end_sessions(user)
                    raise MfaLocked()
            raise CodeRejected()
        device, step = matches[0]
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
