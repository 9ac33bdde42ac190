"""Limits on guessing a password: a user's at sign-in, and vendor support's.

Each subject ("user:<username>", "support") counts consecutive wrong guesses;
reaching the limit locks that door for a while, on the server's own clock. A
locked door refuses before it looks at the password, so the right password and
a wrong one get the same answer in the same time, and an attacker learns
nothing from guesses made during a lock. Usernames nobody has are counted and
locked the same way, so a lock tells nothing about which accounts exist.

The counting runs in the caller's transaction: with the store's
`BEGIN IMMEDIATE`, concurrent guesses queue, and no burst of parallel guesses
gets more tries than the limit.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

__all__ = ["SCHEMA", "Door", "user_door", "SUPPORT_DOOR", "FORGET_AFTER_SECONDS"]

SCHEMA = ("CREATE TABLE IF NOT EXISTS guesses (subject TEXT PRIMARY KEY, wrong INTEGER NOT NULL, "
          "locked_until REAL, updated REAL NOT NULL);")

SUPPORT_DOOR = "support"

FORGET_AFTER_SECONDS = 24 * 60 * 60
"""A count untouched this long (and not locked) is dropped, so guesses at
made-up usernames do not pile up rows for ever."""


def user_door(username: str) -> str:
    return "user:" + username


@dataclass(frozen=True)
class Door:
    """One subject's guesses, inside an open transaction."""

    db: sqlite3.Connection
    subject: str
    limit: int
    lockout_seconds: float
    now: float

    def locked(self) -> bool:
        row = self.db.execute("SELECT locked_until FROM guesses WHERE subject = ?", (self.subject,)).fetchone()
        return row is not None and row[0] is not None and self.now < row[0]

    def wrong(self) -> None:
        """Count a wrong guess; the one that reaches the limit locks. After a lock ends the count starts again."""
        row = self.db.execute("SELECT wrong, locked_until FROM guesses WHERE subject = ?", (self.subject,)).fetchone()
        wrong = 0 if row is None or row[1] is not None else row[0]
        wrong += 1
        locked_until = self.now + self.lockout_seconds if wrong >= self.limit else None
        self.db.execute("INSERT OR REPLACE INTO guesses VALUES (?, ?, ?, ?)",
                        (self.subject, wrong, locked_until, self.now))
        self.db.execute("DELETE FROM guesses WHERE updated < ? AND (locked_until IS NULL OR locked_until < ?)",
                        (self.now - FORGET_AFTER_SECONDS, self.now))

    def right(self) -> None:
        self.db.execute("DELETE FROM guesses WHERE subject = ?", (self.subject,))
