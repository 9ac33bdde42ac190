"""What every behaviour mixin of the simulator shares: the state, the clock,
and the lookups that turn a session token into a user allowed to act."""

from __future__ import annotations

import threading

from .clock import Clock
from .errors import CodeRequired, NotAccountHolder, SessionEnded, SetupRequired
from .state import Practice, Session, Stage, State, User, UserView

__all__ = ["Base", "WRONG_CODE_LIMIT"]

WRONG_CODE_LIMIT = 5
"""Consecutive wrong sign-in codes before code entry locks (NIST SP 800-63B allows at most 100)."""


class Base:
    state: State
    clock: Clock
    wrong_code_limit: int
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
        return user.wrong_codes >= self.wrong_code_limit

    def _view(self, user: User) -> UserView:
        return UserView(
            username=user.username,
            account_holder=user.account_holder,
            enrolled=user.device is not None,
            device_name=user.device.name if user.device else None,
            locked=self._locked(user),
        )
