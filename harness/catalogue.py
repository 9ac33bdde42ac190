"""The requirement catalogue (features/requirements.toml) as data."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import features

__all__ = ["FEATURES_DIR", "CATALOGUE_PATH", "KINDS", "CAPABILITY_TAGS", "Requirement", "load_catalogue", "CatalogueError"]

FEATURES_DIR = Path(features.__file__).resolve().parent
CATALOGUE_PATH = FEATURES_DIR / "requirements.toml"
KINDS = ("documented", "inferred", "interpreted")
CAPABILITY_TAGS = {
    "needs-clock": "clock",
    "needs-support-console": "support-console",
    "needs-client-address": "client-address",
    "needs-seeding": "seeding",
}


class CatalogueError(Exception):
    """The catalogue file is malformed; the message names the entry."""


@dataclass(frozen=True)
class Requirement:
    id: str
    kind: str
    source: str
    statement: str
    position: str | None = None
    reason: str | None = None

    @property
    def summary(self) -> str:
        return self.position or self.statement


@cache
def load_catalogue(path: Path = CATALOGUE_PATH) -> dict[str, Requirement]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CatalogueError(f"{path}: {error}") from None
    catalogue = {}
    for rid, entry in data.items():
        if not isinstance(entry, dict):
            raise CatalogueError(f"{path}: {rid} is not a table")
        unknown = set(entry) - {"kind", "source", "statement", "position", "reason"}
        if unknown:
            raise CatalogueError(f"{path}: {rid} has unknown keys {sorted(unknown)}")
        try:
            requirement = Requirement(id=rid, **entry)
        except TypeError as error:
            raise CatalogueError(f"{path}: {rid}: {error}") from None
        if requirement.kind not in KINDS:
            raise CatalogueError(f"{path}: {rid} has kind {requirement.kind!r}, not one of {KINDS}")
        if requirement.kind != "documented" and not requirement.reason:
            raise CatalogueError(f"{path}: {rid} is {requirement.kind} but gives no reason")
        if requirement.kind == "interpreted" and not requirement.position:
            raise CatalogueError(f"{path}: {rid} is interpreted but states no position")
        catalogue[rid] = requirement
    return catalogue
