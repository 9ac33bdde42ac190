"""What every behaviour mixin of the simulator shares: the state, the clock,
and the lookups that turn a session token into a user allowed to act."""

from __future__ import annotations

import threading

from .clock import Clock
from .errors import AlreadyEnrolled, CodeRequired, MfaNotAvailable, NotAccountHolder, SessionEnded, SetupRequired
from .options import WRONG_CODE_LIMIT, Options
from .state import Device, Practice, Session, Stage, State, User, UserView

__all__ = ["Base", "WRONG_CODE_LIMIT"]


class Base:
    state: State
    clock: Clock
    options: Options

    @property
    def wrong_code_limit(self) -> int:
        return self.options.wrong_code_limit
    lock: threading.RLock
    """Held while a code is checked: sessions may send codes at once (the in-process driver's threads)."""

    def _session(self, token: str) -> Session:
        session = self.state.sessions.get(token)
        if session is None:
            raise SessionEnded()
        return session

    def _signed_in(self, token: str) -> tuple[Session, User]:
        """The session's user, once past every sign-in stage."""
        session = self._session(token)
        if session.stage is Stage.CODE_REQUIRED:
            raise CodeRequired()
        if session.stage is Stage.SETUP_REQUIRED:
            raise SetupRequired()
        return session, self.state.users[session.username]

    def _account_holder(self, token: str) -> tuple[User, Practice]:
        _, user = self._signed_in(token)
        if not user.account_holder:
            raise NotAccountHolder()
        return user, self.state.practices[user.practice]

    def _locked(self, user: User) -> bool:
        return user.wrong_codes >= self.wrong_code_limit and not self._lock_has_expired(user)

    def _lock_has_expired(self, user: User) -> bool:
        """Where the options let waiting unlock code entry: whether the wait is over."""
        wait = self.options.lockout_wait
        return bool(wait) and user.locked_at is not None and self.clock() - user.locked_at >= wait

    def _lift_expired_lock(self, user: User) -> None:
        """A lock that waiting has lifted starts the count of wrong codes again."""
        if user.wrong_codes >= self.wrong_code_limit and self._lock_has_expired(user):
            user.wrong_codes, user.locked_at = 0, None

    def _may_enroll(self, user: User) -> Practice:
        """The user's practice, if she may set up a device now: MFA available there, and no device yet
        unless the options allow several."""
        practice = self.state.practices[user.practice]
        if not practice.mfa_available:
            raise MfaNotAvailable()
        if user.device is not None and not self.options.several_devices:
            raise AlreadyEnrolled()
        return practice

    @staticmethod
    def _add_device(user: User, device: Device) -> None:
        if user.device is None:
            user.device = device
        else:
            user.more_devices.append(device)

    @staticmethod
    def _devices(user: User) -> list[Device]:
        return [] if user.device is None else [user.device, *user.more_devices]

    def _end_sessions(self, user: User) -> None:
        for token in [t for t, s in self.state.sessions.items() if s.username == user.username]:
            del self.state.sessions[token]

    def _view(self, user: User) -> UserView:
        names = [device.name for device in self._devices(user)]
        return UserView(
            username=user.username,
            account_holder=user.account_holder,
            enrolled=user.device is not None,
            device_name=", ".join(names) if names else None,
            locked=self._locked(user),
        )
