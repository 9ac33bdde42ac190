"""Cookies, CSRF protection and response headers.

Sessions ride on the simulator's session token in a Secure, HttpOnly,
SameSite=Lax cookie. Every form carries a CSRF token: an HMAC, under the
server's signing key, of a random per-browser cookie and of the session the
form was shown in (the signed double-submit pattern, bound to the session), so
a page on another site can neither read nor forge it, and a token seen in one
session is worth nothing in the next. Test-hook requests are JSON and need no
token: a cross-site form cannot send JSON.

Routes that exist only for tests (the hooks, and the support console when it
has no password) answer 404 to anyone but a loopback client naming this server
in its Host header, before anything else looks at the request, except its size:
a body over `ServerConfig.max_request_bytes` is refused first, unread.

Every redirect's Location is a path on this server, never an address built from
the request's Host header, which the client chooses.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, abort, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from .context import hooks_honoured

__all__ = ["SESSION_COOKIE", "CSRF_COOKIE", "CSRF_FIELD", "install", "session_cookie", "csrf_token",
           "set_session", "clear_session", "CsrfRefused", "sign", "cookie_flags", "SUPPORT_COOKIE"]

SESSION_COOKIE = "mfa_session"
CSRF_COOKIE = "mfa_csrf"
CSRF_FIELD = "csrf_token"
SUPPORT_COOKIE = "mfa_support"

CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'")


class CsrfRefused(Exception):
    """A form arrived without a valid CSRF token."""


def sign(value: str) -> str:
    key = current_app.extensions["mfa"].store.signing_key
    return hmac.new(key, value.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def session_cookie() -> str:
    """The session token the browser holds after this response: the cookie it
    sent, or the one this response sets or clears. CSRF tokens are bound to it."""
    return g.get("session_cookie", request.cookies.get(SESSION_COOKIE, ""))


def _browser_nonce() -> str:
    if "csrf_nonce" not in g:
        g.csrf_nonce = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    return g.csrf_nonce


def _csrf_for(nonce: str, session: str) -> str:
    return sign(f"csrf:{nonce}:{session}")


def csrf_token() -> str:
    return _csrf_for(_browser_nonce(), session_cookie())


def set_session(response: Response, token: str) -> None:
    g.session_cookie = token
    response.set_cookie(SESSION_COOKIE, token, **cookie_flags())


def clear_session(response: Response) -> None:
    g.session_cookie = ""
    response.delete_cookie(SESSION_COOKIE, **cookie_flags())


def cookie_flags() -> dict:
    return {"httponly": True, "secure": current_app.extensions["mfa"].config.secure_cookies,
            "samesite": "Lax", "path": "/"}


def _limit_size() -> None:
    """Refuse a body over the limit before anything reads it (werkzeug would refuse it on the
    first read too; here every route refuses it alike, with the limit named)."""
    limit = current_app.extensions["mfa"].config.max_request_bytes
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()


def _hide_test_routes() -> None:
    if request.blueprint == "test_hooks" and not hooks_honoured():
        abort(404)
    if request.blueprint == "support" and current_app.extensions["mfa"].config.support_password is None \
            and not hooks_honoured():
        abort(404)


def _check_csrf() -> None:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or request.routing_exception is not None:
        return  # reads need no token; an unknown path answers 404, not a CSRF refusal
    if request.blueprint == "test_hooks":
        if not request.is_json:
            raise CsrfRefused()
        return
    nonce = request.cookies.get(CSRF_COOKIE)
    sent = request.form.get(CSRF_FIELD, "")
    # Bytes, not text: compare_digest refuses non-ASCII text (a TypeError, once a 500 for anyone).
    if not nonce or not hmac.compare_digest(sent.encode("utf-8", "replace"),
                                            _csrf_for(nonce, session_cookie()).encode()):
        raise CsrfRefused()


def _relative(location: str) -> str:
    """The path of a Location, whatever scheme and host it was built with (and never `//host/...`)."""
    parts = urlsplit(location)
    return urlunsplit(("", "", "/" + parts.path.lstrip("/"), parts.query, parts.fragment))


def _finish(response: Response) -> Response:
    if "Location" in response.headers:
        response.headers["Location"] = _relative(response.headers["Location"])
    if "csrf_nonce" in g and request.cookies.get(CSRF_COOKIE) != g.csrf_nonce:
        flags = cookie_flags() | {"samesite": "Strict"}
        response.set_cookie(CSRF_COOKIE, g.csrf_nonce, **flags)
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def install(app: Flask) -> None:
    app.before_request(_limit_size)
    app.before_request(_hide_test_routes)
    app.before_request(_check_csrf)
    app.after_request(_finish)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["CSRF_FIELD"] = CSRF_FIELD
