"""Broken simulators for the security checks (features/security.feature), one
attack let through each; registered in tests/mutants.py's VARIANTS, so
tests/test_suite_power.py proves a SEC scenario fails against each. From
SEC-08 on, each is a bug an MFA product shipped (the catalogue names the
tracker entry). The last three are broken in an alternative the reference does
not take (`under`): a safelist that answers like a wrong password (SEC-14), a
password reset (SEC-15); their runs declare it.

The two races do in two steps what the simulator does in one: the check, then
a pause without the simulator's lock (where a real system reads, then writes
in a second query or transaction), then the write. Run one at a time, as the
rest of the suite runs them, they behave like the reference; only codes sent
at once from several sessions fall into the gap.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

from mfa_conformance.simulator import EnrollmentScreen, Simulator, Stage, totp
from mfa_conformance.simulator.accounts import password_matches
from mfa_conformance.simulator.errors import (AddressNotAllowed, AlreadyEnrolled, CodeRejected, MfaError, MfaLocked,
                                              WrongCredentials)
from mfa_conformance.simulator.state import User, UserView

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



# ── The bugs MFA products shipped (SEC-08 onward) ────────────────────────────


@variant("opening_setup_removes_the_device", "SEC-08", "ENR-20")
class OpeningSetupRemovesTheDevice(Simulator):
    """Opening the MFA Configuration page removes the user's devices before it shows a new QR code,
    not once the new one is saved (Keycloak #38593): a setup left unfinished leaves no MFA at all."""

    def begin_enrollment(self, token: str) -> EnrollmentScreen:
        session = self._session(token)
        if session.stage is Stage.SIGNED_IN:
            user = self.state.users[session.username]
            user.device, user.more_devices = None, []
        return super().begin_enrollment(token)


@variant("setup_offered_at_the_code_prompt", "SEC-09")
class SetupOfferedAtTheCodePrompt(Simulator):
    """A sign-in at the code prompt may set up a new device instead of giving the code ("lost your
    phone? set up a new one"): the old devices go, and the password alone binds whoever's phone."""

    def begin_enrollment(self, token: str) -> EnrollmentScreen:
        session = self._session(token)
        if session.stage is Stage.CODE_REQUIRED:
            user = self.state.users[session.username]
            user.device, user.more_devices = None, []
            session.stage = Stage.SETUP_REQUIRED
        return super().begin_enrollment(token)


PENDING = "{username} (signing in)"
"""The name of the copy of an account that a sign-in waiting for its code keeps (WaitingSignInKeepsTheOldDevice)."""


@variant("waiting_sign_in_keeps_the_old_device", "SEC-10")
class WaitingSignInKeepsTheOldDevice(Simulator):
    """A sign-in waiting for its code holds its own copy of the account as it was at the password
    (as an authentication session holds the credential it will check): a reset changes the account,
    not the copy, so the old device's code still finishes that sign-in (Keycloak #50621)."""

    def _reset(self, user: User) -> None:
        waiting = [s for s in self.state.sessions.values()
                   if s.username == user.username and s.stage is Stage.CODE_REQUIRED]
        if waiting and user.device is not None:
            held = dataclasses.replace(user, username=PENDING.format(username=user.username),
                                       more_devices=list(user.more_devices))
            self.state.users[held.username] = held
            for session in waiting:
                session.username = held.username
        super()._reset(user)


@variant("lock_leaves_the_sign_in_open", "SEC-11")
class LockLeavesTheSignInOpen(Simulator):
    """Reaching the lockout refuses the code but leaves the sign-in (and every other one) open, still
    at the code prompt: once the lock lifts it goes on guessing without the password (Keycloak #26177)."""

    def _submit_code(self, token: str, code: str) -> Stage:
        session = self._session(token)
        if session.stage is not Stage.CODE_REQUIRED:
            return session.stage
        user = self.state.users[session.username]
        if self._locked(user):
            raise MfaLocked()
        self._lift_expired_lock(user)
        now = self.clock()
        matches = [(device, step) for device in self._devices(user)
                   if (step := totp.matching_step(device.secret, code, unix_time=now, after_step=device.last_step,
                                                  drift=self.options.drift_steps)) is not None]
        if not matches:
            user.wrong_codes += 1
            if self._locked(user):
                user.locked_at = now if self.options.lockout_wait else None
                if not self.options.lock_shown_next:
                    raise MfaLocked()
            raise CodeRejected()
        device, step = matches[0]
        device.last_step, user.wrong_codes, session.stage = step, 0, Stage.SIGNED_IN
        return session.stage


@variant("password_clears_the_wrong_codes", "SEC-11")
class PasswordClearsTheWrongCodes(Simulator):
    """The right password starts the count of wrong codes again (one counter for both factors, cleared
    by a successful step, as Keycloak #46164 describes): a few guesses per sign-in, for ever."""

    def sign_in(self, username: str, password: str, *, address: str = "127.0.0.1") -> tuple[str, Stage]:
        token, stage = super().sign_in(username, password, address=address)
        self.state.users[username].wrong_codes = 0
        return token, stage


@variant("locked_account_told_apart", "SEC-12")
class LockedAccountToldApart(Simulator):
    """An account whose code entry is locked answers every password "too many wrong codes", before
    looking at it: whoever has no password learns which accounts are locked (and that they exist)."""

    def sign_in(self, username: str, password: str, *, address: str = "127.0.0.1") -> tuple[str, Stage]:
        user = self.state.users.get(username)
        if user is not None and self._locked(user):
            raise MfaLocked()
        return super().sign_in(username, password, address=address)


@variant("key_on_the_support_console", "SEC-13")
class KeyOnTheSupportConsole(Simulator):
    """Vendor support's console shows a user's device with its key beside the name."""

    def support_find_user(self, username: str) -> UserView | None:
        view = super().support_find_user(username)
        user = self.state.users.get(username)
        if view is None or user is None or user.device is None:
            return view
        return dataclasses.replace(view, device_name=f"{view.device_name} (key {user.device.secret})")


@dataclass(frozen=True)
class UserRowWithKey(UserView):
    """A row of User Settings that also holds the device's key (the driver reads only the documented
    columns, so the how-to's checks of User Settings see nothing amiss)."""

    key: str = ""


@variant("key_in_user_settings", "SEC-13", "SEC-07")
class KeyInUserSettings(Simulator):
    """User Settings list each enrolled user's key, as the Authenticator list of a stock admin console does."""

    def user_statuses(self, token: str) -> list[UserView]:
        rows = []
        for view in super().user_statuses(token):
            device = self.state.users[view.username].device
            rows.append(view if device is None else UserRowWithKey(**dataclasses.asdict(view), key=device.secret))
        return rows


# ── Alternatives the reference does not take (SEC-14, SEC-15) ────────────────

LIKE_WRONG_PASSWORD = {"safelist_refusal": "like-wrong-password"}


@variant("safelist_answer_worded_apart", "SEC-14", under=LIKE_WRONG_PASSWORD)
class SafelistAnswerWordedApart(Simulator):
    """Declared to answer the right password from outside the safelist like a wrong one, it does, as a
    wrong password, but from a template of its own: the words tell the right password from a wrong one."""

    def _answer_outside_the_safelist(self, user: User, password: str) -> MfaError:
        answer = super()._answer_outside_the_safelist(user, password)
        if password_matches(user, password):
            return WrongCredentials("Wrong username or password for this network.")
        return answer


@variant("safelist_answer_of_another_kind", "SEC-14", "SAF-20", under=LIKE_WRONG_PASSWORD)
class SafelistAnswerOfAnotherKind(Simulator):
    """Declared to answer the right password from outside the safelist like a wrong one, it gives the
    wrong password's words, but as the refusal of a blocked address (another status code on the web)."""

    def _answer_outside_the_safelist(self, user: User, password: str) -> MfaError:
        answer = super()._answer_outside_the_safelist(user, password)
        if password_matches(user, password):
            return AddressNotAllowed(WrongCredentials.message)
        return answer


@variant("password_reset_passes_mfa", "SEC-15", under={"password_reset": "offered"})
class PasswordResetPassesMfa(Simulator):
    """A successful password reset signs the user in, past the code prompt (Flask-Security-Too #258,
    Django's post_reset_login in django-two-factor-auth #377): whoever reads her mail is her."""

    def reset_password(self, username: str, new_password: str) -> tuple[str, Stage] | None:
        answer = super().reset_password(username, new_password)
        if answer is None:
            return None
        token, _ = answer
        self.state.sessions[token].stage = Stage.SIGNED_IN
        return token, Stage.SIGNED_IN
