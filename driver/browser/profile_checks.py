"""The small checks every part of a profile is read with: each failure is one
`ProfileError` line naming the file and the key."""

from __future__ import annotations

from typing import Any

__all__ = ["ProfileError", "typed", "table", "check_keys"]


class ProfileError(Exception):
    """The profile cannot be used; the message is one line naming the file and the key."""


def typed(where: str, value: object, kind: type | tuple[type, ...]) -> Any:
    if isinstance(value, bool) and kind in (int, (int, float)):
        raise ProfileError(f"{where} must be a number")
    if not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise ProfileError(f"{where} must be {names}, not {type(value).__name__}")
    return value


def table(where: str, value: object) -> dict:
    if not isinstance(value, dict):
        raise ProfileError(f"{where} must be a table")
    return value


def check_keys(where: str, given: dict, known: set[str] | dict) -> None:
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ProfileError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")


