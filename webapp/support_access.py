"""Who may use the vendor support console: a server-side session per opening.

Opening the console with the support password starts a session: a random
token in a cookie, stored only as its SHA-256 (a copy of the database opens
nothing), with the moment it opened and a tag of the password it was opened
with (an HMAC under the server's key, so the password itself is not stored).
It ends after `support_session_seconds`, and as soon as the server runs with
another support password, restarted or not.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3

__all__ = ["SCHEMA", "open_session", "admitted", "password_tag"]

SCHEMA = ("CREATE TABLE IF NOT EXISTS support_sessions (token_hash TEXT PRIMARY KEY, opened REAL NOT NULL, "
          "password_tag TEXT NOT NULL);")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def password_tag(signing_key: bytes, password: str) -> str:
    return hmac.new(signing_key, b"support-password:" + password.encode(), hashlib.sha256).hexdigest()


def open_session(db: sqlite3.Connection, tag: str, now: float, lifetime: float) -> str:
    """A new console session's token; sessions past their lifetime are dropped."""
    db.execute("DELETE FROM support_sessions WHERE opened < ?", (now - lifetime,))
    token = secrets.token_urlsafe(32)
    db.execute("INSERT INTO support_sessions VALUES (?, ?, ?)", (_digest(token), now, tag))
    return token


def admitted(db: sqlite3.Connection, token: str, tag: str, now: float, lifetime: float) -> bool:
    if not token:
        return False
    row = db.execute("SELECT opened, password_tag FROM support_sessions WHERE token_hash = ?",
                     (_digest(token),)).fetchone()
    return (row is not None and 0 <= now - row[0] <= lifetime
            and hmac.compare_digest(row[1].encode(), tag.encode()))
