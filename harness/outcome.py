"""One scenario's record and what came of it, typed: what the console, the report writers and
the evidence all read.

The record is made where the scenario ran (`plugin.scenario_record`) and travels to the
pytest-xdist controller as plain data in the report's user properties, the only thing
pytest-xdist carries across; `ScenarioRecord.from_data` makes it typed again on arrival.
`collect_outcome` reads one phase's report into a `ScenarioOutcome`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields

import pytest

from mfa_conformance.steps.baseline import WAITED_FOR_PROPERTY, WAITED_PROPERTY

from .report.model import StepResult
from .report.verdict import NOT_APPLICABLE

__all__ = ["ScenarioRecord", "ScenarioOutcome", "collect_outcome", "SCENARIO_PROPERTY",
           "EVIDENCE_PROPERTY"]

SCENARIO_PROPERTY = "mfa_scenario"
"""The user property carrying a scenario's record (`ScenarioRecord.to_data`)."""
EVIDENCE_PROPERTY = "mfa_evidence"
"""The user property carrying a scenario's evidence files (screenshot, traces), relative to the report folder."""


@dataclass
class ScenarioRecord:
    """Feature, rule, scenario, tags and every step with its outcome: reports render a scenario from it alone."""

    feature: str
    feature_file: str
    scenario: str
    line: int
    title: str = ""
    """The name as printed and as `--scenario` takes it (an example's id added where its name repeats)."""
    tags: list[str] = field(default_factory=list)
    steps: list[StepResult] = field(default_factory=list)
    """Every step, background first, with its own outcome (the reports' `StepResult`)."""
    ran: bool = False
    keyword: str = "Scenario"
    feature_description: str = ""
    rule: str | None = None
    rule_description: str = ""
    example: int | None = None
    positions: dict[str, object] = field(default_factory=dict)
    """Which alternative of each declared position the scenario checked."""
    position_skip: str | None = None
    """Why it did not run, when it checks an alternative the system does not take."""
    repetition: dict[str, int] | None = None
    """{"number": n, "of": m} under --repeat."""
    unchecked: list[str] = field(default_factory=list)
    """Details the scenario left unchecked, as the system's screens do not show them."""

    def __post_init__(self) -> None:
        self.title = self.title or self.scenario

    def to_data(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> ScenarioRecord:
        known = {f.name for f in fields(cls)}
        given = {name: value for name, value in data.items() if name in known}
        given["steps"] = [step if isinstance(step, StepResult) else _step(step)
                          for step in data.get("steps") or ()]  # type: ignore[union-attr]
        return cls(**given)  # type: ignore[arg-type]


_STEP_FIELDS = {f.name for f in fields(StepResult)}


def _step(data: Mapping[str, object]) -> StepResult:
    """A step as plain data; one without a status is read from pytest-bdd's own `failed` flag."""
    given = {name: value for name, value in data.items() if name in _STEP_FIELDS}
    given.setdefault("status", "failed" if data.get("failed") else "passed")
    return StepResult(**given)  # type: ignore[arg-type]


@dataclass
class ScenarioOutcome:
    """A scenario's record, and what one report of it says came of it."""

    record: ScenarioRecord
    nodeid: str
    outcome: str
    """"passed", "failed", "skipped", "expected failure" or NOT_APPLICABLE."""
    duration: float = 0.0
    message: str = ""
    evidence: dict[str, str] | None = None
    waited: float = 0.0
    """Seconds the scenario waited on the real clock."""
    waited_for: str = ""
    expected: str | None = None
    """The --expected-failures entry that said it would fail."""

    def failing_step(self) -> StepResult | None:
        return next((step for step in self.record.steps if step.status == "failed"), None)


def collect_outcome(report: pytest.TestReport) -> ScenarioOutcome | None:
    """What one phase's report says of its scenario; None for a report that carries no scenario."""
    properties = dict(report.user_properties)
    data = properties.get(SCENARIO_PROPERTY)
    if data is None:
        return None
    record = data if isinstance(data, ScenarioRecord) else ScenarioRecord.from_data(data)
    outcome = ScenarioOutcome(record=record, nodeid=report.nodeid, outcome=report.outcome, duration=report.duration,
                              evidence=properties.get(EVIDENCE_PROPERTY), waited=properties.get(WAITED_PROPERTY, 0),
                              waited_for=properties.get(WAITED_FOR_PROPERTY, ""))
    if report.skipped and hasattr(report, "wasxfail"):  # failed, as an --expected-failures entry said
        outcome.outcome, outcome.expected = "expected failure", report.wasxfail
        crash = getattr(report.longrepr, "reprcrash", None)
        outcome.message = crash.message if crash is not None else ""
    elif report.skipped and isinstance(report.longrepr, tuple):
        outcome.message = str(report.longrepr[2]).removeprefix("Skipped: ")
        if record.position_skip:  # checks an alternative the system does not take
            outcome.outcome = NOT_APPLICABLE
    elif report.failed:
        crash = getattr(report.longrepr, "reprcrash", None)
        outcome.message = crash.message if crash is not None else str(report.longrepr).strip().splitlines()[-1]
    if report.when != "call" and report.failed:
        outcome.message = f"error in {report.when}: {outcome.message}"
    return outcome
