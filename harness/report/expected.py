"""Expected failures: a vendor's list of known gaps, each with a reason and an end date.

    [[expected_failure]]
    requirement = "ENR-11"              # or: scenario = "The device must be named"
    reason = "Device names are optional until release 4.2 (ACME-1234)"
    until = 2026-06-30                  # a TOML date, or "2026-06-30"

A listed scenario that fails is reported as an expected failure and does not
fail the run (pytest sees it as xfail). An entry past its date no longer
excuses anything, and an entry whose scenarios now pass is stale: both are
called out in the report and fail the run, so the list cannot quietly rot.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .model import Expectation, ExpectedEntry, ScenarioResult

__all__ = ["ExpectedFailure", "ExpectedFailuresError", "load_expected_failures", "evaluate"]

KEYS = {"scenario", "requirement", "reason", "until"}


class ExpectedFailuresError(Exception):
    """The expected-failures file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class ExpectedFailure:
    reason: str
    until: dt.date
    scenario: str | None = None
    requirement: str | None = None

    def matches(self, name: str, tags: Iterable[str]) -> bool:
        if self.scenario is not None:
            return name == self.scenario
        return self.requirement in set(tags)

    def expired(self, today: dt.date) -> bool:
        return today > self.until


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ExpectedFailuresError(f"{where}: 'until' must be a date such as 2026-06-30, not {value!r}")


def load_expected_failures(path: Path, known_requirements: Iterable[str]) -> list[ExpectedFailure]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExpectedFailuresError(f"{path}: no such file") from None
    except OSError as error:
        raise ExpectedFailuresError(f"{path}: cannot read it ({error.strerror or error})") from None
    except UnicodeDecodeError as error:  # TOML is UTF-8; a file saved in another encoding
        line = error.object[:error.start].count(b"\n") + 1
        raise ExpectedFailuresError(f"{path}: not UTF-8 text (byte 0x{error.object[error.start]:02x} on line {line}); "
                                    f"save it as UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ExpectedFailuresError(f"{path}: not valid TOML ({error})") from None
    unknown_tables = set(data) - {"expected_failure"}
    if unknown_tables:
        raise ExpectedFailuresError(
            f"{path}: unknown keys {sorted(unknown_tables)}; entries go in [[expected_failure]]")
    entries = data.get("expected_failure", [])
    if not isinstance(entries, list):
        raise ExpectedFailuresError(f"{path}: write each entry as [[expected_failure]]")
    known = set(known_requirements)
    failures = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: entry {number}"
        if not isinstance(entry, dict):
            raise ExpectedFailuresError(f"{where} is not a table")
        if set(entry) - KEYS:
            raise ExpectedFailuresError(f"{where} has unknown keys {sorted(set(entry) - KEYS)}")
        scenario, requirement = entry.get("scenario"), entry.get("requirement")
        if (scenario is None) == (requirement is None):
            raise ExpectedFailuresError(f"{where} must name exactly one of 'scenario' or 'requirement'")
        for key, value in (("scenario", scenario), ("requirement", requirement)):
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise ExpectedFailuresError(f"{where}: '{key}' must be a non-empty string")
        if requirement is not None and requirement not in known:
            raise ExpectedFailuresError(f"{where}: {requirement!r} is not a requirement of the catalogue")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ExpectedFailuresError(f"{where} gives no 'reason'")
        if "until" not in entry:
            raise ExpectedFailuresError(f"{where} gives no 'until' date")
        failures.append(ExpectedFailure(reason=reason.strip(), until=_date(entry["until"], where),
                                        scenario=scenario, requirement=requirement))
    return failures


def evaluate(failures: list[ExpectedFailure], scenarios: list[ScenarioResult], today: dt.date,
             raw: dict[str, str]) -> list[ExpectedEntry]:
    """Settle each entry against the run and mark the scenarios it bears on.

    `raw` maps scenario id to what it did: "passed", "failed" or "skipped". A
    scenario that failed under a live entry becomes an "expected failure"."""
    entries = []
    for index, failure in enumerate(failures):
        matched = [s for s in scenarios if failure.matches(s.name, s.tags)]
        expired = failure.expired(today)
        for scenario in matched:
            did = raw[scenario.id]
            if scenario.expectation is not None and did == "failed" and scenario.status == "expected failure":
                continue  # an earlier live entry already excuses it
            status = "expired" if expired else {"failed": "expected", "passed": "passes"}.get(did, "not run")
            scenario.expectation = Expectation(entry=index, status=status)
            if status == "expected":
                scenario.status = "expected failure"
        did = {raw[s.id] for s in matched}
        status = ("expired" if expired else "expected" if "failed" in did
                  else "now passes" if "passed" in did else "not run")
        entries.append(ExpectedEntry(reason=failure.reason, until=failure.until.isoformat(),
                                     scenario=failure.scenario, requirement=failure.requirement,
                                     status=status, scenarios=[s.id for s in matched]))
    return entries
