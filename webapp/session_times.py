"""When each signed-in session began and was last used, beside the simulator's sessions.

The simulator's sessions never expire (the how-to says nothing about it); a web
product's must. Their times live in a table of their own, kept in step with
the sessions table inside the same transaction by the store: a session row
added gets its times, a session row the domain deleted (sign-out, reset,
lockout, renewal) loses them. A session without times counts as ended, so a
database from before this table, or a crash between two writes, can only end
sessions, never keep one alive.

The times are the server's own clock (ServerConfig.wall_clock), not a test
clock lane: a scenario moving its clock by an hour must not sign its people
out, and no test hook can keep a session alive.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["SCHEMA", "Lifetimes", "record", "forget", "sweep", "alive", "TOUCH_SECONDS"]

SCHEMA = "CREATE TABLE IF NOT EXISTS session_times (token TEXT PRIMARY KEY, started REAL NOT NULL, seen REAL NOT NULL);"

TOUCH_SECONDS = 10.0
"""`seen` is written at most this often per session, so reading pages does not
take the write lock on every request; the idle lifetime is this much coarser."""


@dataclass(frozen=True)
class Lifetimes:
    idle: float
    absolute: float

    def ended(self, started: float, seen: float, now: float) -> bool:
        return now - seen > self.idle or now - started > self.absolute


def record(db: sqlite3.Connection, tokens: Iterable[str], now: float) -> None:
    db.executemany("INSERT OR REPLACE INTO session_times VALUES (?, ?, ?)", [(t, now, now) for t in tokens])


def forget(db: sqlite3.Connection, tokens: Iterable[str]) -> None:
    db.executemany("DELETE FROM session_times WHERE token = ?", [(t,) for t in tokens])


def sweep(db: sqlite3.Connection, lifetimes: Lifetimes, now: float) -> None:
    """End every session past a lifetime, and every session without times."""
    db.execute("DELETE FROM session_times WHERE seen < ? OR started < ?",
               (now - lifetimes.idle, now - lifetimes.absolute))
    db.execute("DELETE FROM sessions WHERE token NOT IN (SELECT token FROM session_times)")


def alive(db: sqlite3.Connection, token: str, lifetimes: Lifetimes, now: float) -> bool:
    """Whether the session is within both lifetimes; marks it used (at most every TOUCH_SECONDS),
    or ends it. Runs inside a write transaction."""
    row = db.execute("SELECT started, seen FROM session_times WHERE token = ?", (token,)).fetchone()
    if row is not None and not lifetimes.ended(row[0], row[1], now):
        if now - row[1] >= TOUCH_SECONDS:
            db.execute("UPDATE session_times SET seen = ? WHERE token = ?", (now, token))
        return True
    db.execute("DELETE FROM session_times WHERE token = ?", (token,))
    db.execute("DELETE FROM sessions WHERE token = ?", (token,))
    return False
