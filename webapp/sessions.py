"""The signed-in session a request runs in, once its lifetimes are checked.

Views ask `session_token()` for the simulator token to act with. A cookie
whose session is past its idle or absolute lifetime (ServerConfig) gives the
empty token, which the domain refuses as an ended session (on the server the
session is gone; the browser may keep its dead cookie, so every form it still
shows answers "Your session has ended" alike). The check runs once per request carrying a session cookie,
before the view, so it never waits on the view's own transaction; a request
without the cookie costs no database work.
"""

from __future__ import annotations

from flask import Flask, g, request

from .context import extension
from .security import SESSION_COOKIE

__all__ = ["session_token", "install"]


def session_token() -> str:
    """The session's token while it lives; "" when there is none or it has ended."""
    return g.get("live_session", "")


def _check() -> None:
    sent = request.cookies.get(SESSION_COOKIE, "")
    if sent and request.endpoint not in (None, "static") and request.blueprint != "test_hooks":
        g.live_session = sent if extension().store.session_alive(sent) else ""


def install(app: Flask) -> None:
    app.before_request(_check)
