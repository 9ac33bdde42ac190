"""A fresh session token once a step of signing in is passed.

A token seen before the code was accepted (in a shared browser, a proxy log,
a fixation attack that planted it) must not become a signed-in session. The
web app asks for a new token after the code or the forced setup; the session
itself (its user, stage, pending key) carries on unchanged.
"""

from __future__ import annotations

import secrets

from .base import Base

__all__ = ["SessionRenewal"]


class SessionRenewal(Base):
    def renew_session(self, token: str) -> str:
        """The same session under a new token; the old token ends (SessionEnded if it already had)."""
        session = self._session(token)
        renewed = secrets.token_urlsafe(24)
        del self.state.sessions[token]
        session.token = renewed
        self.state.sessions[renewed] = session
        return renewed
