"""Broken simulators for the security checks (features/security.feature), one
attack let through each; registered in tests/mutants.py's VARIANTS, so
tests/test_suite_power.py proves a SEC scenario fails against each.

The two races do in two steps what the simulator does in one: the check, then
a pause without the simulator's lock (where a real system reads, then writes
in a second query or transaction), then the write. Run one at a time, as the
rest of the suite runs them, they behave like the reference; only codes sent
at once from several sessions fall into the gap.
"""

from __future__ import annotations

import time

from mfa_conformance.simulator import EnrollmentScreen, Simulator, Stage, totp
from mfa_conformance.simulator.accounts import password_matches
from mfa_conformance.simulator.errors import AlreadyEnrolled, CodeRejected, MfaLocked
from mfa_conformance.simulator.state import User

from .mutants import ResetKeepsSessions, variant

RACE_GAP = 0.05
"""Seconds between the check and the write: long enough for every session sent at
once to pass the check first, short enough for the suite's own sign-ins."""


@variant("replay_race", "SEC-01")
class ReplayRace(Simulator):
    """The last used time step is checked, then recorded in a second step without the lock:
    one code sent at once from several sessions signs them all in."""

    def submit_code(self, token: str, code: str) -> Stage:
        session = self._session(token)
        user = self.state.users[session.username]
        device = user.device
        if session.stage is not Stage.CODE_REQUIRED or device is None or self._locked(user):
            return super().submit_code(token, code)
        step = totp.matching_step(device.secret, code, unix_time=self.clock(), after_step=device.last_step)
        if step is None:
            return super().submit_code(token, code)
        time.sleep(RACE_GAP)
        device.last_step = step
        user.wrong_codes = 0
        session.stage = Stage.SIGNED_IN
        return session.stage


@variant("wrong_code_count_race", "SEC-02")
class WrongCodeCountRace(Simulator):
    """The count of wrong codes is read, then written back in a second step without the lock:
    wrong codes sent at once each count as the first, and the limit is never reached."""

    def submit_code(self, token: str, code: str) -> Stage:
        session = self._session(token)
        user = self.state.users[session.username]
        device = user.device
        if session.stage is not Stage.CODE_REQUIRED or device is None or self._locked(user) or \
                totp.matching_step(device.secret, code, unix_time=self.clock(), after_step=device.last_step):
            return super().submit_code(token, code)
        seen = user.wrong_codes
        time.sleep(RACE_GAP)
        user.wrong_codes = seen + 1
        if self._locked(user):
            for other in [t for t, s in self.state.sessions.items() if s.username == user.username]:
                self.state.sessions.pop(other, None)
            raise MfaLocked()
        raise CodeRejected()


@variant("sign_out_keeps_the_session", "SEC-03")
class SignOutKeepsTheSession(Simulator):
    """Signing out only makes the browser forget the session; the system keeps it alive."""

    def sign_out(self, token: str) -> None:
        self._session(token)


variant("reset_keeps_copies_of_sessions", "SEC-04", "REC-20")(ResetKeepsSessions)
"""A reset that leaves the user's sessions open leaves every copy of them open too
(the same broken simulator as reset_keeps_sessions, seen from the security check)."""


@variant("session_token_not_renewed", "SEC-05")
class SessionTokenNotRenewed(Simulator):
    """The session keeps the token it had before the code: a token planted or seen at the
    code prompt becomes a signed-in session (session fixation)."""

    def renew_session(self, token: str) -> str:
        self._session(token)
        return token


@variant("no_password_limit", "SEC-06")
class NoPasswordLimit(Simulator):
    """Passwords can be guessed without limit."""

    def _password_accepted(self, username: str, user: User | None, password: str) -> bool:
        return user is not None and password_matches(user, password)


@variant("key_on_the_status_page", "SEC-07")
class KeyOnTheStatusPage(Simulator):
    """The MFA Configuration page, which shows an enrolled user her status instead of a new
    QR code, repeats her device's key there."""

    def begin_enrollment(self, token: str) -> EnrollmentScreen:
        try:
            return super().begin_enrollment(token)
        except AlreadyEnrolled:
            session = self.state.sessions.get(token)
            device = self.state.users[session.username].device if session else None
            if device is None:
                raise
            raise AlreadyEnrolled(f"{AlreadyEnrolled.message} Your key: {device.secret}") from None

