"""The simulator's state in SQLite, one transaction per request.

Each request runs as a unit of work: `BEGIN IMMEDIATE` (so concurrent requests
queue instead of interleaving), load the state, run one domain action on a
`Simulator` built over it, write back only the rows that changed, commit. The
stored state is always exactly the simulator's after the action, refused or
not; a crash (any other exception) rolls back. The simulator stays free of
I/O: the (de)serialisation lives here.

Each practice, user and session is one row holding its dataclass as JSON,
read only when the domain asks for it (`LazyTable`); test clocks ("lanes")
and the server's signing key have tables of their own, and so have the web
app's own records: when sessions began and were used (`session_times`),
guesses at passwords (`guesses`), support console sessions (`support_sessions`).

The file holds every TOTP key, session token and the signing key, so it is
created readable and writable by its owner only (0600), and SQLite gives its
-wal and -shm files the same mode.

An existing file is first read, read-only, to see that it is this server's
(`check_file`): another application's SQLite file, even one whose
`user_version` is 0 like a new one's, is refused before a byte of it changes
(the server once added its tables to one, switched it to WAL and narrowed its
mode, and then answered every sign-in with a 500).
"""

from __future__ import annotations

import math
import os
import re
import secrets
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mfa_conformance.simulator import Options, Simulator, State
from mfa_conformance.simulator.errors import MfaError

from . import guesses, session_times, support_access
from .rows import CODECS
from .session_times import Lifetimes

__all__ = ["Store", "LaneClock", "LazyTable", "CODECS", "MAX_TIME", "valid_time", "check_file", "NotOurDatabase"]

SCHEMA_VERSION = 2
"""2 added the web app's own tables; a version-1 file is upgraded in place (its
open sessions have no times, so they end: everyone signs in again)."""
MAX_TIME = 253402300799.0
"""The last second of the year 9999: the latest moment a test clock may show."""
SCHEMA = session_times.SCHEMA + guesses.SCHEMA + support_access.SCHEMA + """
CREATE TABLE IF NOT EXISTS practices (name TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (username TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clocks (lane TEXT PRIMARY KEY, frozen REAL, offset REAL NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


TABLES = frozenset(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA))
"""Every table this server makes; a file holding anything else is another application's."""


class NotOurDatabase(Exception):
    """An existing file that is not this server's database; the message says what it is, in one line."""


def check_file(path: Path) -> None:
    """NotOurDatabase unless `path` is missing, empty, or an SQLite database holding only this server's
    tables at a schema version it knows. Reads the file read-only: nothing is written, created or locked
    for long."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as error:
        raise NotOurDatabase(f"cannot be opened as an SQLite database ({error})") from None
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        names = sorted({row[0] for row in db.execute("SELECT tbl_name FROM sqlite_master")
                        if not row[0].startswith("sqlite_")})
    except sqlite3.Error as error:
        raise NotOurDatabase(f"not an SQLite database this server can read ({error})") from None
    finally:
        db.close()
    foreign = [name for name in names if name not in TABLES]
    if foreign:
        shown = ", ".join(repr(name) for name in foreign[:3])
        shown += f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        raise NotOurDatabase(f"another application's database, not this server's (it holds {shown}); "
                             "give a new file or one this server made")
    if version not in (0, 1, SCHEMA_VERSION):
        raise NotOurDatabase(f"has schema version {version}; this server reads 0 to {SCHEMA_VERSION}")


class LazyTable(dict):
    """One table of the state, read from the database row by row as the domain asks.

    A request usually touches a session, its user and their practice: those
    rows are read on first use; iterating (User Settings lists every user) reads
    the rest. What was read is remembered, so saving writes only changed rows.
    """

    def __init__(self, db: sqlite3.Connection, table: str) -> None:
        super().__init__()
        self._db, self._table = db, table
        self._key, self._encode, self._decode = CODECS[table]
        self._complete = False
        self.read: dict[str, str] = {}
        """Each row as it was read: the baseline for saving."""
        self.deleted: set[str] = set()

    def _fetch(self, key: object) -> None:
        if self._complete or not isinstance(key, str) or dict.__contains__(self, key) or key in self.deleted:
            return
        row = self._db.execute(f"SELECT data FROM {self._table} WHERE {self._key} = ?", (key,)).fetchone()
        if row is not None:
            self.read[key] = row[0]
            dict.__setitem__(self, key, self._decode(row[0]))

    def _fetch_all(self) -> None:
        if self._complete:
            return
        for key, text in self._db.execute(f"SELECT {self._key}, data FROM {self._table}"):
            if key not in self.read and key not in self.deleted and not dict.__contains__(self, key):
                self.read[key] = text
                dict.__setitem__(self, key, self._decode(text))
        self._complete = True

    def __getitem__(self, key: str) -> Any:
        self._fetch(key)
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        self._fetch(key)
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        self._fetch(key)
        return dict.__contains__(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.deleted.discard(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: str) -> None:
        self._fetch(key)
        dict.__delitem__(self, key)
        self.deleted.add(key)

    def pop(self, key: str, *default: Any) -> Any:
        self._fetch(key)
        if dict.__contains__(self, key):
            self.deleted.add(key)
        return dict.pop(self, key, *default)

    def __iter__(self):
        self._fetch_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._fetch_all()
        return dict.__len__(self)

    def keys(self):  # type: ignore[override]
        self._fetch_all()
        return dict.keys(self)

    def values(self):  # type: ignore[override]
        self._fetch_all()
        return dict.values(self)

    def items(self):  # type: ignore[override]
        self._fetch_all()
        return dict.items(self)

    def save(self) -> None:
        """Write the rows added or changed since they were read, and delete the deleted ones."""
        changed = []
        for key, value in dict.items(self):
            text = self._encode(value)
            if self.read.get(key) != text:
                changed.append((key, text))
        self._db.executemany(f"INSERT OR REPLACE INTO {self._table} ({self._key}, data) VALUES (?, ?)", changed)
        self._db.executemany(f"DELETE FROM {self._table} WHERE {self._key} = ?", [(k,) for k in self.deleted])


def valid_time(when: object) -> bool:
    """A moment a clock may show: a finite number of Unix seconds from 1970 to the year 9999."""
    if isinstance(when, bool) or not isinstance(when, (int, float)):
        return False
    return 0 <= when <= MAX_TIME  # compared as given: float(10**400) would overflow; NaN compares false


@dataclass(frozen=True)
class LaneClock:
    """A test clock: frozen at a moment, or the real time moved by an offset.

    Lanes keep parallel runs apart: each scenario moves only its own clock.
    The default lane "" runs on real time until a test hook moves it.
    """

    frozen: float | None = None
    offset: float = 0.0

    def __post_init__(self) -> None:
        if self.frozen is not None and not valid_time(self.frozen):
            raise ValueError(f"a test clock cannot show {self.frozen!r}")
        if not math.isfinite(self.offset) or abs(self.offset) > MAX_TIME:
            raise ValueError(f"a test clock cannot be {self.offset!r} s off")

    def __call__(self) -> float:
        return self.frozen if self.frozen is not None else time.time() + self.offset

    def set(self, when: float) -> LaneClock:
        return LaneClock(frozen=when)

    def advance(self, seconds: float) -> LaneClock:
        """Freeze at now, then move on: time moved by a test stays where it was put."""
        return LaneClock(frozen=self() + seconds)


class Store:
    """One SQLite file; a short-lived connection per unit of work, so any thread may use it."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time,
                 lifetimes: Lifetimes = Lifetimes(idle=30 * 60, absolute=12 * 60 * 60),
                 options: Options = Options()) -> None:
        self.path = path
        self.wall_clock = clock
        """The server's own time: session lifetimes, never a test lane."""
        self.lifetimes = lifetimes
        self.options = options
        """The readings the stored simulator takes where the how-to leaves a choice (the reference's,
        but for `serve --safelist-answer`)."""
        check_file(path)  # before anything is written: another application's file stays as it is
        if not path.exists():
            _private_file(path)  # created 0600 before SQLite opens it, so it is never readable by others
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute("INSERT OR IGNORE INTO settings VALUES ('signing_key', ?)", (secrets.token_hex(32),))
            self.signing_key = bytes.fromhex(
                db.execute("SELECT value FROM settings WHERE key='signing_key'").fetchone()[0])
        db.close()
        for suffix in ("", "-wal", "-shm"):  # now known to be ours: narrow what an older version left readable
            _private_file(Path(f"{path}{suffix}"), create=False)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout=30000")
        return db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on the web app's own tables; rolled back by any exception."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    @contextmanager
    def unit_of_work(self, lane: str = "") -> Iterator[Simulator]:
        """A simulator over the stored state, saved when the block ends.

        A domain refusal is saved too: the simulator keeps its own bookkeeping
        of refusals (the count of wrong codes, the sessions a lockout ends), and
        the stored state must be exactly the simulator's. Any other exception
        rolls back.
        """
        with self.unit(lane) as (sim, _):
            yield sim

    @contextmanager
    def unit(self, lane: str = "") -> Iterator[tuple[Simulator, sqlite3.Connection]]:
        """`unit_of_work`, also giving its connection, for records kept in the same transaction."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            tables = {name: LazyTable(db, name) for name in CODECS}
            state = State(practices=tables["practices"], users=tables["users"], sessions=tables["sessions"])
            # Password guesses are counted by the web app itself (guesses.py), across requests.
            sim = Simulator(clock=self._lane(db, lane), state=state, options=self.options, password_guess_limit=None)
            try:
                yield sim, db
            except MfaError:
                self._save(db, tables)
                db.execute("COMMIT")
                raise
            self._save(db, tables)
            db.execute("COMMIT")
        finally:
            if db.in_transaction:
                db.execute("ROLLBACK")
            db.close()

    def _save(self, db: sqlite3.Connection, tables: dict[str, LazyTable]) -> None:
        for table in tables.values():
            table.save()
        sessions = tables["sessions"]
        added = [token for token in dict.keys(sessions) if token not in sessions.read]
        session_times.forget(db, sessions.deleted)
        if added:  # a sign-in step: the moment to drop sessions past their lifetimes
            now = self.wall_clock()
            session_times.record(db, added, now)
            session_times.sweep(db, self.lifetimes, now)

    def session_alive(self, token: str) -> bool:
        """Whether a session token is within its lifetimes (see session_times); ends it when not."""
        now = self.wall_clock()
        db = self._connect()
        try:
            row = db.execute("SELECT started, seen FROM session_times WHERE token = ?", (token,)).fetchone()
        finally:
            db.close()
        if row is not None and not self.lifetimes.ended(*row, now) and now - row[1] < session_times.TOUCH_SECONDS:
            return True  # alive, and marked used a moment ago: no write needed
        with self.transaction() as db:
            return session_times.alive(db, token, self.lifetimes, now)

    @staticmethod
    def _lane(db: sqlite3.Connection, lane: str) -> LaneClock:
        row = db.execute("SELECT frozen, offset FROM clocks WHERE lane = ?", (lane,)).fetchone()
        try:
            return LaneClock(*row) if row else LaneClock()
        except ValueError:  # stored by a version that did not check: the lane runs on real time again
            return LaneClock()

    def clock(self, lane: str = "") -> LaneClock:
        with self.transaction() as db:
            return self._lane(db, lane)

    def move_clock(self, lane: str, *, to: float | None = None, by: float | None = None) -> LaneClock:
        """ValueError, nothing changed, when the clock would leave 1970..9999."""
        with self.transaction() as db:
            clock = self._lane(db, lane)
            clock = clock.set(to) if to is not None else clock
            clock = clock.advance(by) if by is not None else clock
            db.execute("INSERT OR REPLACE INTO clocks VALUES (?, ?, ?)", (lane, clock.frozen, clock.offset))
            return clock


def _private_file(path: Path, *, create: bool = True) -> None:
    """Make the file readable and writable by its owner only, creating it (empty) if asked."""
    if create:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if stat.S_IMODE(mode) & 0o077:
        os.chmod(path, stat.S_IMODE(mode) & 0o700)
