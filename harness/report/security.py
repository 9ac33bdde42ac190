"""Which results are the security checks', and their verdict, kept apart from the how-to's.

A scenario whose requirements are all of kind `security` (features/security.feature)
checks an attack MFA exists to stop, not something the how-to says: its outcome
goes to the security verdict only, and the conformance verdict (the how-to's
documented, inferred and interpreted requirements) is computed without it. An
expected-failure entry is the security verdict's when everything it matched is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from mfa_conformance.requirements.catalogue import SECURITY, Requirement

from .verdict import NOT_APPLICABLE, Verdict, judge

__all__ = ["SECURITY_VERDICTS", "security_ids", "is_security", "security_verdict", "howto_verdict"]

ID_TAG = re.compile(r"^[A-Z]{3}-\d{2}$")
SECURITY_VERDICTS = {
    "passed": "every security check that applies under the declared positions ran and passed",
    "failed": "a security check failed: an attack got through",
    "incomplete": "no security check failed, but some were skipped (the system lacks what they need)",
    "not checked": "no security check ran",
}


class _Scenario(Protocol):
    status: str
    tags: list[str]


class _Entry(Protocol):
    requirement: str | None
    scenarios: list[str]

    @property
    def called_out(self) -> bool: ...


def security_ids(catalogue: Iterable[Requirement]) -> set[str]:
    return {r.id for r in catalogue if r.kind == SECURITY}


def is_security(tags: Iterable[str], ids: set[str]) -> bool:
    """Tagged only with security requirements (and with at least one)."""
    requirements = [tag for tag in tags if ID_TAG.match(tag)]
    return bool(requirements) and all(r in ids for r in requirements)


def entry_is_security(entry: _Entry, scenario_tags: dict[str, list[str]], ids: set[str]) -> bool:
    if entry.requirement:
        return entry.requirement in ids
    return bool(entry.scenarios) and all(is_security(scenario_tags.get(s, []), ids) for s in entry.scenarios)


def security_verdict(scenarios: Iterable[tuple[str, _Scenario]], expected: Iterable[_Entry],
                     catalogue: Iterable[Requirement]) -> str:
    """One of SECURITY_VERDICTS, from (scenario id, scenario) pairs and the expected-failure entries."""
    ids = security_ids(catalogue)
    tags = {sid: list(s.tags) for sid, s in scenarios}
    # a check of an alternative the system does not take (SEC-14, SEC-15) counts for nothing
    statuses = [s.status for sid, s in scenarios if is_security(s.tags, ids) and s.status != NOT_APPLICABLE]
    if "failed" in statuses or any(e.called_out and entry_is_security(e, tags, ids) for e in expected):
        return "failed"
    if not statuses:
        return "not checked"
    return "incomplete" if "skipped" in statuses else "passed"


def howto_verdict(scenarios: Iterable[tuple[str, Iterable[str]]], catalogue: Iterable[Requirement]) -> Verdict:
    """The how-to's verdict from (status, tags) of each scenario: the security checks' left out, as
    `Results.judgement` leaves them (a check not applicable under the declared positions is no gap)."""
    requirements = list(catalogue)
    ids = security_ids(requirements)
    return judge(((status, tags) for status, tags in scenarios if not is_security(tags, ids)),
                 [r for r in requirements if r.id not in ids])
