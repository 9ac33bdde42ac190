"""The run's one verdict, said the same way by the console, report.html and results.json.

**conformant**: every scenario that applies under the declared positions ran and
passed, so every requirement was checked. **incomplete**: none failed, but some
could not run (a capability the system lacks, a starting state it cannot reach,
a selection that left requirements out); the verdict says how many and which
requirements stayed unchecked. **not conformant**: a scenario failed, also one
listed as an expected failure (a known bug is still a failure), or an
expected-failure entry expired or now passes. A scenario of an alternative the
system does not take ("not applicable") counts for nothing either way: the
scenarios of its declared alternative check that requirement instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mfa_conformance.requirements.catalogue import Requirement

__all__ = ["CONFORMANT", "INCOMPLETE", "NOT_CONFORMANT", "VERDICTS", "NOT_APPLICABLE", "Verdict", "judge"]

CONFORMANT, INCOMPLETE, NOT_CONFORMANT = "conformant", "incomplete", "not conformant"
VERDICTS = (CONFORMANT, INCOMPLETE, NOT_CONFORMANT)
NOT_APPLICABLE = "not applicable"
"""The status of a scenario that checks an alternative the system does not take."""


@dataclass(frozen=True)
class Verdict:
    name: str
    failed: int = 0
    """Scenarios that failed, expected failures included."""
    called_out: int = 0
    """Expected-failure entries that expired or now pass."""
    skipped: int = 0
    unchecked: tuple[str, ...] = ()
    """Requirements none of whose applicable scenarios passed."""
    partly: tuple[str, ...] = ()
    """Requirements checked by some scenarios, with others skipped."""

    def summary(self) -> str:
        """One line: the verdict and what it rests on."""
        if self.name == NOT_CONFORMANT:
            why = []
            if self.failed:
                why.append(f"{self.failed} scenario{'s' if self.failed != 1 else ''} failed")
            if self.called_out:
                why.append(f"{self.called_out} expected-failure entr{'ies' if self.called_out != 1 else 'y'} "
                           f"expired or now pass{'' if self.called_out != 1 else 'es'}")
            return f"{NOT_CONFORMANT.upper()}: {', '.join(why)}"
        if self.name == INCOMPLETE:
            parts = [f"{self.skipped} scenario{'s' if self.skipped != 1 else ''} skipped"] if self.skipped else []
            if self.unchecked:
                parts.append(f"{len(self.unchecked)} requirement{'s' if len(self.unchecked) != 1 else ''} "
                             f"unchecked ({', '.join(self.unchecked)})")
            if self.partly:
                parts.append(f"{len(self.partly)} partly checked ({', '.join(self.partly)})")
            return f"{INCOMPLETE.upper()}: nothing failed, but {'; '.join(parts)}"
        return f"{CONFORMANT.upper()}: every scenario that applies under the declared positions passed"


def judge(scenarios: Iterable[tuple[str, Iterable[str]]], catalogue: Iterable[Requirement],
          called_out: int = 0) -> Verdict:
    """`scenarios`: (status, tags) of each scenario of the run."""
    seen = [(status, set(tags)) for status, tags in scenarios]
    failed = sum(status in ("failed", "expected failure") for status, _ in seen)
    if failed or called_out:
        return Verdict(NOT_CONFORMANT, failed=failed, called_out=called_out)
    skipped = sum(status == "skipped" for status, _ in seen)
    unchecked, partly = [], []
    for requirement in catalogue:
        statuses = [status for status, tags in seen if requirement.id in tags and status != NOT_APPLICABLE]
        if "passed" not in statuses:
            unchecked.append(requirement.id)
        elif "skipped" in statuses:
            partly.append(requirement.id)
    if skipped or unchecked:
        return Verdict(INCOMPLETE, skipped=skipped, unchecked=tuple(unchecked), partly=tuple(partly))
    return Verdict(CONFORMANT)
