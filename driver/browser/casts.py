"""Who plays the scenarios on a system without seeding: real practices and the
accounts that play each persona in them. A profile names one cast, or a pool of
them (`[[pool]]`), one per parallel worker, since enforcement and the safelist
belong to a whole practice."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .profile_checks import ProfileError, check_keys, typed, table

__all__ = ["PracticeEntry", "PersonaEntry", "CastEntry", "read_cast", "read_casts"]

PRACTICE_KEYS = {"name": str, "mfa_available": bool, "plays": str}
PERSONA_KEYS = {"practice": str, "username": str, "password": str, "password_env": str, "account_holder": bool,
                "plays": str}


@dataclass(frozen=True)
class PracticeEntry:
    name: str
    mfa_available: bool = True
    plays: str = ""
    """The scenario practice this real practice plays (default: its key in the profile)."""


@dataclass(frozen=True, repr=False)
class PersonaEntry:
    practice: str
    username: str
    password: str | None
    password_env: str | None
    account_holder: bool = False
    plays: str = ""
    """The persona this account plays (default: its key in the profile)."""

    def __repr__(self) -> str:
        return f"PersonaEntry(practice={self.practice!r}, username={self.username!r})"

    def resolve_password(self) -> str | None:
        return self.password if self.password is not None else os.environ.get(self.password_env or "")


@dataclass(frozen=True)
class CastEntry:
    """One cast of the pool: real practices and the accounts that play the personas in them."""

    practices: Mapping[str, PracticeEntry]
    personas: Mapping[str, PersonaEntry]

    def practice_for(self, display: str, mfa_available: bool) -> PracticeEntry | None:
        return next((p for p in self.practices.values() if p.plays == display and p.mfa_available == mfa_available),
                    None)

    def account_for(self, persona: str, practice: str | None) -> PersonaEntry | None:
        for entry in self.personas.values():
            if entry.plays == persona and (practice is None or self.practices[entry.practice].name == practice):
                return entry
        return None

    def holder_of(self, practice: str) -> PersonaEntry | None:
        return next((e for e in self.personas.values()
                     if e.account_holder and self.practices[e.practice].name == practice), None)




def read_cast(at: str, data: dict) -> CastEntry:
    """One cast: [practices] and [personas] (at top level, or one [[pool]] entry)."""
    if at.endswith("]"):  # a [[pool]] entry holds nothing else
        check_keys(at, data, {"practices", "personas"})
    practices: dict[str, PracticeEntry] = {}
    for display, entry in table(f"{at}: [practices]", data.get("practices", {})).items():
        where = f"{at}: practices.{display!r}"
        entry = table(where, entry)
        check_keys(where, entry, PRACTICE_KEYS)
        if "name" not in entry:
            raise ProfileError(f"{where} lacks 'name'")
        for key, kind in PRACTICE_KEYS.items():
            if key in entry:
                typed(f"{where}.{key}", entry[key], kind)
        practices[display] = PracticeEntry(name=entry["name"], mfa_available=entry.get("mfa_available", True),
                                           plays=entry.get("plays", display))

    personas: dict[str, PersonaEntry] = {}
    for persona, entry in table(f"{at}: [personas]", data.get("personas", {})).items():
        where = f"{at}: personas.{persona}"
        entry = table(where, entry)
        check_keys(where, entry, PERSONA_KEYS)
        for key, kind in PERSONA_KEYS.items():
            if key in entry:
                typed(f"{where}.{key}", entry[key], kind)
        for key in ("practice", "username"):
            if key not in entry:
                raise ProfileError(f"{where} lacks {key!r}")
        if ("password" in entry) == ("password_env" in entry):
            raise ProfileError(f"{where} needs exactly one of 'password' or 'password_env'")
        if entry["practice"] not in practices:
            raise ProfileError(f"{where}.practice {entry['practice']!r} is not in [practices]")
        personas[persona] = PersonaEntry(practice=entry["practice"], username=entry["username"],
                                         password=entry.get("password"), password_env=entry.get("password_env"),
                                         account_holder=entry.get("account_holder", False),
                                         plays=entry.get("plays", persona))

    return CastEntry(practices=MappingProxyType(practices), personas=MappingProxyType(personas))


def read_casts(at: str, data: dict) -> tuple[CastEntry, ...]:
    pool = data.get("pool")
    if pool is None:
        return (read_cast(at, data),)
    if not isinstance(pool, list) or not pool:
        raise ProfileError(f"{at}: pool must be a list of [[pool]] tables, each with practices and personas")
    if "practices" in data or "personas" in data:
        raise ProfileError(f"{at}: give the practices and personas either at top level or in [[pool]], not both")
    return tuple(read_cast(f"{at}: pool[{n}]", table(f"{at}: pool[{n}]", entry)) for n, entry in enumerate(pool))
