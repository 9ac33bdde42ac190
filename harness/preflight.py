"""Before any scenario on a system that cannot seed: every account the features
need is one the harness can work from (steps/baseline.py), else one line
naming the account and what to do."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from mfa_conformance.requirements.catalogue import FEATURES_DIR
from .driver import Account, Capability, SystemUnderTest
from .people.introductions import introduced
from .steps.baseline import preflight

__all__ = ["cast_of", "cast_of_the_features", "accounts_to_check", "check_accounts"]


Cast = tuple[set[tuple[str, bool]], set[tuple[str, str]]]


def cast_of(lines: Iterable[str]) -> Cast:
    """(practice, MFA available) and (persona, practice) pairs these step lines introduce."""
    return introduced(lines)


def cast_of_the_features() -> Cast:
    folder = Path(os.environ.get("MFA_FEATURES") or FEATURES_DIR)
    files = [folder] if folder.is_file() else sorted(folder.rglob("*.feature"))
    return cast_of(line for file in files for line in file.read_text(encoding="utf-8").splitlines())


def accounts_to_check(system: SystemUnderTest, cast: Cast | None = None) -> dict[str, Account]:
    practices, people = cast if cast is not None else cast_of_the_features()
    accounts: dict[str, Account] = {}
    for display, available in practices:
        real = system.profile_practice(display, mfa_available=available)
        if real is None:
            continue
        for name, where in people:
            if where != display:
                continue
            try:
                account = system.persona(name, practice=real)
            except TypeError:
                account = system.persona(name)
            if account is not None:
                accounts[f"{name} of {real}"] = account
    return accounts


def check_accounts(system: SystemUnderTest, cast: Cast | None = None) -> str | None:
    """The first account the scenarios (those given, or every feature's) cannot be played with."""
    if Capability.SEEDING in system.capabilities:
        return None
    return preflight(system, accounts_to_check(system, cast))
