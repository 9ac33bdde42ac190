"""The system under test opened with its declared positions, one way for `run`,
`survey` and `explore`, and the exit codes they share for their input.

A positions file is read and checked on its own first, so a bad one costs no
browser; then the system is built, and its own positions (a profile's
`[positions]`) are declared with the file's, checked together and adopted.
"""

from __future__ import annotations

import os
from pathlib import Path

from mfa_conformance.driver import SystemUnderTest
from mfa_conformance.driver.loading import SutSpecError, load_system

from mfa_conformance.requirements.positions import Declaration, PositionsError, declare, read_declaration

__all__ = ["USAGE", "UNUSABLE", "Unusable", "PositionsLayer", "read_positions_file", "declared_positions", "open_system"]

USAGE = 2
"""The command line itself is wrong: an unknown option, an option without its value, a bad number."""
UNUSABLE = 4
"""An input cannot be used: the --sut, a positions file or a declaration (pytest's code for a usage
error, which `run` gives for all of these; `survey` and `explore` give it too)."""

PositionsLayer = tuple[str, dict[str, object]]
"""Where a declaration comes from (for its messages), and its table."""


class Unusable(Exception):
    """An input the command cannot use; one line naming it (exit UNUSABLE)."""


def read_positions_file(option: str | None, folder: Path) -> PositionsLayer | None:
    """`--positions FILE` (else the MFA_POSITIONS a user sets), relative to `folder`, read and checked alone."""
    name = option or os.environ.get("MFA_POSITIONS")
    if not name:
        return None
    where = f"--positions {name}"
    try:
        table = read_declaration(folder / name, where)
        declare((where, table))
    except PositionsError as error:
        raise Unusable(str(error)) from None
    return where, table


def declared_positions(system: SystemUnderTest, file: PositionsLayer | None) -> Declaration:
    """The system's own positions, then the file's, checked together and adopted by the system."""
    try:
        profile = system.describe().get("profile")
    except Exception:  # a vendor's describe() must not cost the run
        profile = None
    layers: list[PositionsLayer] = [
        (f"profile {profile}: [positions]" if profile else f"the system under test ({system.name})",
         dict(system.positions))]
    if file is not None:
        layers.append(file)
    try:
        declaration = declare(*layers)
    except PositionsError as error:
        raise Unusable(str(error)) from None
    system.adopt_positions(dict(declaration))
    return declaration


def open_system(spec: str, file: PositionsLayer | None, **given: object) -> tuple[SystemUnderTest, Declaration]:
    """The system `spec` names with its declared positions adopted; closed again if they do not fit.
    `given` goes to its factory by name (`load_system`): a command's `browser_options`."""
    try:
        system = load_system(spec, **given)
    except SutSpecError as error:
        raise Unusable(str(error)) from None
    try:
        return system, declared_positions(system, file)
    except Unusable:
        system.close()
        raise
