"""The requirement catalogue (features/requirements.toml) as data.

Each entry says where in the how-to it comes from twice over: `source` names
the section and step for a reader, `quotes` gives the how-to's own sentences
verbatim, so a test (tests/test_howto_accounting.py, through
mfa_conformance.requirements.howto) can prove every quote is really there and every
sentence of the how-to is accounted for. An entry that rests on a standard
rather than on the how-to names the clause in `basis`.

Besides the how-to's own kinds (documented, inferred, interpreted), entries of
kind `security` are checks of the attacks MFA exists to stop (features/
security.feature): they quote no sentence of the how-to, each names the clause
of the standard it comes from (`basis`) and the attack (`reason`), and the
reports give them a verdict of their own, apart from the how-to's.

An entry may name the NIST SP 800-53 Rev. 5 controls it serves (`controls`), from
the reviewed table of mfa_conformance.requirements.controls; the OSCAL export carries them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mfa_conformance import features
from .controls import ControlError, check_control

__all__ = ["FEATURES_DIR", "CATALOGUE_PATH", "KINDS", "HOWTO_KINDS", "SECURITY", "CAPABILITY_TAGS", "Requirement",
           "load_catalogue", "CatalogueError"]

FEATURES_DIR = Path(features.__file__).resolve().parent
CATALOGUE_PATH = FEATURES_DIR / "requirements.toml"
HOWTO_KINDS = ("documented", "inferred", "interpreted")
"""What the how-to says, implies, or leaves to a reading: the conformance verdict's."""
SECURITY = "security"
"""An attack MFA exists to stop, checked against a standard's clause: a verdict of its own."""
KINDS = (*HOWTO_KINDS, SECURITY)
CAPABILITY_TAGS = {
    "needs-clock": "clock",
    "needs-support-console": "support-console",
    "needs-client-address": "client-address",
    "needs-seeding": "seeding",
    "needs-concurrent-sessions": "concurrent-sessions",
    "needs-session-copy": "session-copy",
    "needs-session-identifier": "session-identifier",
    "needs-pages-visited": "pages-visited",
    "needs-password-reset": "password-reset",
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
    quotes: tuple[str, ...] = ()
    """The how-to's sentences this entry comes from (documented) or rests on, verbatim."""
    basis: str | None = None
    """For an entry resting on a standard (RFC, NIST) rather than the how-to: the clause."""
    positions: tuple[str, ...] = ()
    """The declarable positions (features/positions.toml) under which this entry is checked."""
    no_alternative: str | None = None
    """Why an interpreted entry (or an inferred one fixing a number) admits no other reading."""
    controls: tuple[str, ...] = ()
    """The NIST SP 800-53 Rev. 5 controls the entry serves (`IA-2(1)`), where the mapping is defensible
    (mfa_conformance.requirements.controls); none where no control clearly applies."""

    def __post_init__(self) -> None:
        # results.json gives lists back; keep the entry hashable and immutable.
        object.__setattr__(self, "quotes", tuple(self.quotes))
        object.__setattr__(self, "positions", tuple(self.positions))
        object.__setattr__(self, "controls", tuple(self.controls))

    @property
    def summary(self) -> str:
        return self.position or self.statement


def _check_grounds(path: Path, requirement: Requirement, entry: dict) -> None:
    """A documented entry quotes the how-to; any other quotes it or names the standard it rests on."""
    rid = requirement.id
    quotes = entry.get("quotes", [])
    if not isinstance(quotes, list) or not all(isinstance(q, str) and q.strip() for q in quotes):
        raise CatalogueError(f"{path}: {rid}: quotes must be a list of the how-to's sentences, as text")
    if "basis" in entry and (not isinstance(entry["basis"], str) or not entry["basis"].strip()):
        raise CatalogueError(f"{path}: {rid}: basis must name a clause, as text")
    if requirement.kind == "documented" and not quotes:
        raise CatalogueError(f"{path}: {rid} is documented but quotes no sentence of the how-to")
    if requirement.kind == SECURITY and quotes:
        raise CatalogueError(f"{path}: {rid} is a security check: it quotes no sentence of the how-to "
                             f"(its basis names the standard)")
    if requirement.kind == SECURITY and not requirement.basis:
        raise CatalogueError(f"{path}: {rid} is a security check but names no basis (the standard's clause)")
    if not quotes and not requirement.basis:
        raise CatalogueError(f"{path}: {rid} is {requirement.kind} but quotes nothing and names no basis")


def _check_controls(path: Path, rid: str, entry: dict) -> None:
    controls = entry.get("controls", [])
    if not isinstance(controls, list):
        raise CatalogueError(f"{path}: {rid}: controls must be a list of NIST SP 800-53 controls (\"IA-2(1)\")")
    for control in controls:
        try:
            check_control(control)
        except ControlError as error:
            raise CatalogueError(f"{path}: {rid}: controls: {error}") from None
    if len(set(controls)) != len(controls):
        raise CatalogueError(f"{path}: {rid}: controls names a control twice")


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
        unknown = set(entry) - {"kind", "source", "statement", "position", "reason", "quotes", "basis", "positions",
                                "no_alternative", "controls"}
        if unknown:
            raise CatalogueError(f"{path}: {rid} has unknown keys {sorted(unknown)}")
        if not isinstance(entry.get("positions", []), list):
            raise CatalogueError(f"{path}: {rid}: positions must be a list of position names")
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
        _check_grounds(path, requirement, entry)
        if not all(isinstance(name, str) and name for name in requirement.positions):
            raise CatalogueError(f"{path}: {rid}: positions must be a list of position names")
        if requirement.kind == "interpreted" and not (requirement.positions or requirement.no_alternative):
            raise CatalogueError(f"{path}: {rid} is interpreted but names no positions and no no_alternative")
        _check_controls(path, rid, entry)
        catalogue[rid] = requirement
    return catalogue
