"""Cookies, CSRF protection and response headers.

Sessions ride on the simulator's session token in a Secure, HttpOnly,
SameSite=Lax cookie. Every form carries a CSRF token: an HMAC, under the
server's signing key, of a random per-browser cookie (the signed double-submit
pattern), so a page on another site can neither read nor forge it. Test-hook
requests are JSON and need no token: a cross-site form cannot send JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Flask, Response, current_app, g, request

__all__ = ["SESSION_COOKIE", "CSRF_COOKIE", "CSRF_FIELD", "install", "session_token", "csrf_token",
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
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def session_token() -> str:
    """The simulator session token from the cookie; empty (an ended session) when there is none."""
    return request.cookies.get(SESSION_COOKIE, "")


def _browser_nonce() -> str:
    if "csrf_nonce" not in g:
        g.csrf_nonce = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    return g.csrf_nonce


def csrf_token() -> str:
    return sign("csrf:" + _browser_nonce())


def set_session(response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, **cookie_flags())


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, **cookie_flags())


def cookie_flags() -> dict:
    return {"httponly": True, "secure": current_app.extensions["mfa"].config.secure_cookies,
            "samesite": "Lax", "path": "/"}


def _check_csrf() -> None:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or request.routing_exception is not None:
        return  # reads need no token; an unknown path answers 404, not a CSRF refusal
    if request.blueprint == "test_hooks":
        if not request.is_json:
            raise CsrfRefused()
        return
    nonce = request.cookies.get(CSRF_COOKIE)
    sent = request.form.get(CSRF_FIELD, "")
    if not nonce or not hmac.compare_digest(sent, sign("csrf:" + nonce)):
        raise CsrfRefused()


def _finish(response: Response) -> Response:
    if "csrf_nonce" in g and request.cookies.get(CSRF_COOKIE) != g.csrf_nonce:
        flags = cookie_flags() | {"samesite": "Strict"}
        response.set_cookie(CSRF_COOKIE, g.csrf_nonce, **flags)
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def install(app: Flask) -> None:
    app.before_request(_check_csrf)
    app.after_request(_finish)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["CSRF_FIELD"] = CSRF_FIELD
