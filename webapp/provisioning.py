"""`serve --accounts FILE`: practices and accounts provisioned at start, as a
staging deployment has them, for a run without test hooks.

    [[practice]]
    name = "Riverside Clinic A"
    mfa_available = true             # default true

    [[practice.user]]
    username = "dana.riverside.a"
    password = "fake-test-password-dana-a"   # or password_env = "VARIABLE"
    account_holder = true            # default false

The whole file is checked before anything is stored, and a fault is one line
naming the entry (`practice "Riverside Clinic A", user 2`) and what is wrong,
never a password. Provisioning is idempotent: a practice or user that already
exists is kept as it is, with its state (enforcement, safelist, device,
lockout), neither reset nor duplicated; only missing ones are created, all in
one transaction.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .store import Store

__all__ = ["AccountsError", "AccountsFile", "PracticeEntry", "UserEntry", "load_accounts", "provision", "MAX_NAME"]

MAX_NAME = 200
PRACTICE_KEYS = {"name": str, "mfa_available": bool, "user": list}
USER_KEYS = {"username": str, "password": str, "password_env": str, "account_holder": bool}


class AccountsError(Exception):
    """The accounts file cannot be used; one line naming the entry at fault."""


@dataclass(frozen=True)
class UserEntry:
    username: str
    password: str = field(repr=False)
    account_holder: bool = False


@dataclass(frozen=True)
class PracticeEntry:
    name: str
    mfa_available: bool
    users: tuple[UserEntry, ...]


@dataclass(frozen=True)
class AccountsFile:
    path: Path
    practices: tuple[PracticeEntry, ...]

    @property
    def accounts(self) -> int:
        return sum(len(p.users) for p in self.practices)


def _check_keys(entry: Mapping, allowed: dict[str, type], where: str, fail) -> None:
    unknown = sorted(set(entry) - set(allowed))
    if unknown:
        fail(f"{where}: unknown key(s) {', '.join(unknown)}; expected {', '.join(allowed)}")
    for key, kind in allowed.items():
        if key in entry and not isinstance(entry[key], kind):
            wanted = {str: "text", bool: "true or false", list: "an array of tables ([[practice.user]])"}[kind]
            fail(f"{where}: {key} must be {wanted}")


def _name(value: object, key: str, where: str, fail) -> str:
    if not isinstance(value, str) or not value.strip():
        fail(f"{where}: {key} is missing or empty")
    assert isinstance(value, str)
    if value != value.strip():
        fail(f"{where}: {key} {value!r} begins or ends with white space")
    if len(value) > MAX_NAME or any(ord(c) < 32 for c in value):
        fail(f"{where}: {key} must be at most {MAX_NAME} printable characters")
    return value


def _user(entry: object, where: str, environ: Mapping[str, str], fail) -> UserEntry:
    if not isinstance(entry, dict):
        fail(f"{where} must be a table")
    _check_keys(entry, USER_KEYS, where, fail)
    username = _name(entry.get("username"), "username", where, fail)
    where = f"{where} ({username!r})"
    if ("password" in entry) == ("password_env" in entry):
        fail(f"{where}: give exactly one of password or password_env")
    if "password_env" in entry:
        variable = entry["password_env"]
        password = environ.get(variable, "")
        if not password:
            fail(f"{where}: password_env names {variable!r}, which is not set or empty")
    else:
        password = entry["password"]
        if not password:
            fail(f"{where}: password is empty")
    return UserEntry(username=username, password=password, account_holder=entry.get("account_holder", False))


def load_accounts(path: Path, environ: Mapping[str, str] | None = None) -> AccountsFile:
    """The file's practices and users, or AccountsError naming the first fault."""
    environ = os.environ if environ is None else environ

    def fail(problem: str):
        raise AccountsError(f"--accounts {path}: {problem}")

    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        fail(error.strerror or str(error))
    except UnicodeDecodeError as error:
        fail(f"not UTF-8 text (byte {error.start})")
    except tomllib.TOMLDecodeError as error:
        fail(f"not valid TOML ({error})")
    unknown = sorted(set(data) - {"practice"})
    if unknown:
        fail(f"unknown key(s) {', '.join(unknown)}; expected [[practice]] tables")
    entries = data.get("practice", [])
    if not isinstance(entries, list) or not entries:
        fail("expected at least one [[practice]] table")
    practices, seen_practices, seen_users = [], set(), set()
    for number, entry in enumerate(entries, 1):
        where = f"practice {number}"
        if not isinstance(entry, dict):
            fail(f"{where} must be a table")
        _check_keys(entry, PRACTICE_KEYS, where, fail)
        name = _name(entry.get("name"), "name", where, fail)
        where = f"practice {name!r}"
        if name in seen_practices:
            fail(f"{where} is listed twice")
        seen_practices.add(name)
        users = []
        for position, user_entry in enumerate(entry.get("user", []), 1):
            user = _user(user_entry, f"{where}, user {position}", environ, fail)
            if user.username in seen_users:
                fail(f"{where}, user {position}: username {user.username!r} is listed twice")
            seen_users.add(user.username)
            users.append(user)
        practices.append(PracticeEntry(name=name, mfa_available=entry.get("mfa_available", True), users=tuple(users)))
    return AccountsFile(path=path, practices=tuple(practices))


def provision(store: Store, accounts: AccountsFile) -> tuple[int, int]:
    """Create what is missing; keep what exists. Returns (accounts created, accounts kept)."""
    created = kept = 0
    with store.unit_of_work() as sim:
        for practice in accounts.practices:
            if practice.name not in sim.state.practices:
                sim.create_practice(practice.name, mfa_available=practice.mfa_available)
            for user in practice.users:
                if user.username in sim.state.users:
                    kept += 1
                    continue
                sim.create_user(practice.name, user.username, user.password, account_holder=user.account_holder)
                created += 1
    return created, kept
