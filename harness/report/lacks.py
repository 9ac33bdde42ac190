"""What the product lacks of the how-to, read from the failures that say so.

A product without enforcement, an IP safelist or a device name fails each
requirement that needs it, naming it (`FeatureAbsent`). Such failures are
listed apart from the failures of what the product has: a vendor reads "no IP
safelist: 6 scenarios" once, not six separate faults.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["lacked", "lacking"]

LACKED = re.compile(r"FeatureAbsent: the product has no (.+)$", re.MULTILINE)


def lacked(message: str | None) -> str | None:
    """What the product lacks, where a failure says it failed on that alone."""
    found = LACKED.search(message or "")
    return found.group(1).strip() if found else None


def lacking(failures: Iterable[tuple[str, str | None, Iterable[str]]]) -> list[dict[str, object]]:
    """From (scenario, message, tags) of each failure: each thing lacked, with its scenarios and requirements."""
    grouped: dict[str, dict[str, object]] = {}
    for scenario, message, tags in failures:
        what = lacked(message)
        if what is None:
            continue
        entry = grouped.setdefault(what, {"lacks": what, "scenarios": [], "requirements": set()})
        entry["scenarios"].append(scenario)  # type: ignore[union-attr]
        entry["requirements"] |= {t for t in tags if t[:3].isupper() and "-" in t}  # type: ignore[operator]
    return [{**entry, "requirements": sorted(entry["requirements"])} for entry in grouped.values()]  # type: ignore[arg-type]
