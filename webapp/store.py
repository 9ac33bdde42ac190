"""The simulator's state in SQLite, one transaction per request.

Each request runs as a unit of work: `BEGIN IMMEDIATE` (so concurrent requests
queue instead of interleaving), load the state, run one domain action on a
`Simulator` built over it, write back only the rows that changed, commit. The
stored state is always exactly the simulator's after the action, refused or
not; a crash (any other exception) rolls back. The simulator stays free of
I/O: the (de)serialisation lives here.

Each practice, user and session is one row holding its dataclass as JSON,
read only when the domain asks for it (`LazyTable`); test clocks ("lanes")
and the server's signing key have tables of their own.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mfa_conformance.simulator import Simulator, State
from mfa_conformance.simulator.errors import MfaError
from mfa_conformance.simulator.state import Device, Practice, Session, Stage, User

__all__ = ["Store", "LaneClock", "LazyTable", "CODECS"]

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS practices (name TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (username TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clocks (lane TEXT PRIMARY KEY, frozen REAL, offset REAL NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _dump(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def encode_practice(p: Practice) -> str:
    return _dump({"name": p.name, "mfa_available": p.mfa_available, "enforced": p.enforced,
                  "safelist": list(p.safelist)})


def decode_practice(text: str) -> Practice:
    d = json.loads(text)
    return Practice(name=d["name"], mfa_available=d["mfa_available"], enforced=d["enforced"],
                    safelist=tuple(d["safelist"]))


def encode_user(u: User) -> str:
    device = u.device and {"name": u.device.name, "secret": u.device.secret, "last_step": u.device.last_step}
    return _dump({"username": u.username, "practice": u.practice, "password_salt": u.password_salt.hex(),
                  "password_hash": u.password_hash.hex(), "account_holder": u.account_holder, "device": device,
                  "wrong_codes": u.wrong_codes})


def decode_user(text: str) -> User:
    d = json.loads(text)
    device = d["device"] and Device(name=d["device"]["name"], secret=d["device"]["secret"],
                                    last_step=d["device"]["last_step"])
    return User(username=d["username"], practice=d["practice"], password_salt=bytes.fromhex(d["password_salt"]),
                password_hash=bytes.fromhex(d["password_hash"]), account_holder=d["account_holder"],
                device=device, wrong_codes=d["wrong_codes"])


def encode_session(s: Session) -> str:
    return _dump({"token": s.token, "username": s.username, "stage": s.stage.value,
                  "pending_secret": s.pending_secret})


def decode_session(text: str) -> Session:
    d = json.loads(text)
    return Session(token=d["token"], username=d["username"], stage=Stage(d["stage"]),
                   pending_secret=d["pending_secret"])


CODECS: dict[str, tuple[str, Callable[[Any], str], Callable[[str], Any]]] = {
    "practices": ("name", encode_practice, decode_practice),
    "users": ("username", encode_user, decode_user),
    "sessions": ("token", encode_session, decode_session),
}


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


@dataclass(frozen=True)
class LaneClock:
    """A test clock: frozen at a moment, or the real time moved by an offset.

    Lanes keep parallel runs apart: each scenario moves only its own clock.
    The default lane "" runs on real time until a test hook moves it.
    """

    frozen: float | None = None
    offset: float = 0.0

    def __call__(self) -> float:
        return self.frozen if self.frozen is not None else time.time() + self.offset

    def set(self, when: float) -> LaneClock:
        return LaneClock(frozen=when)

    def advance(self, seconds: float) -> LaneClock:
        """Freeze at now, then move on: time moved by a test stays where it was put."""
        return LaneClock(frozen=self() + seconds)


class Store:
    """One SQLite file; a short-lived connection per unit of work, so any thread may use it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"{path} has schema version {version}, expected {SCHEMA_VERSION}")
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute("INSERT OR IGNORE INTO settings VALUES ('signing_key', ?)", (secrets.token_hex(32),))
            self.signing_key = bytes.fromhex(
                db.execute("SELECT value FROM settings WHERE key='signing_key'").fetchone()[0])

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout=30000")
        return db

    @contextmanager
    def _immediate(self) -> Iterator[sqlite3.Connection]:
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
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            tables = {name: LazyTable(db, name) for name in CODECS}
            state = State(practices=tables["practices"], users=tables["users"], sessions=tables["sessions"])
            sim = Simulator(clock=self._lane(db, lane), state=state)
            try:
                yield sim
            except MfaError:
                self._save(tables)
                db.execute("COMMIT")
                raise
            self._save(tables)
            db.execute("COMMIT")
        finally:
            if db.in_transaction:
                db.execute("ROLLBACK")
            db.close()

    @staticmethod
    def _save(tables: dict[str, LazyTable]) -> None:
        for table in tables.values():
            table.save()

    @staticmethod
    def _lane(db: sqlite3.Connection, lane: str) -> LaneClock:
        row = db.execute("SELECT frozen, offset FROM clocks WHERE lane = ?", (lane,)).fetchone()
        return LaneClock(*row) if row else LaneClock()

    def clock(self, lane: str = "") -> LaneClock:
        with self._immediate() as db:
            return self._lane(db, lane)

    def move_clock(self, lane: str, *, to: float | None = None, by: float | None = None) -> LaneClock:
        with self._immediate() as db:
            clock = self._lane(db, lane)
            clock = clock.set(to) if to is not None else clock
            clock = clock.advance(by) if by is not None else clock
            db.execute("INSERT OR REPLACE INTO clocks VALUES (?, ?, ?)", (lane, clock.frozen, clock.offset))
            return clock
