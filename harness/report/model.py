"""The results of one run as plain data: what every report file is written from.

`results.json` is this model serialised; `mfa-conformance report --from DIR`
reads it back, so every report can be rendered again without the run. The
catalogue travels inside the results, so a report shows the requirements as
they were when the run checked them.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mfa_conformance.requirements.catalogue import Requirement

from .lacks import lacking
from .verdict import Verdict, judge
from .security import entry_is_security, is_security, security_ids, security_verdict

__all__ = [
    "FORMAT",
    "OUTCOMES",
    "StepResult",
    "ScenarioResult",
    "FeatureInfo",
    "Expectation",
    "Repetition",
    "FlakyScenario",
    "ExpectedEntry",
    "RunInfo",
    "RequirementSummary",
    "Results",
    "ResultsError",
    "load_results",
]

FORMAT = "mfa-conformance-results/1"

OUTCOMES = ("failed", "expected failure", "passed", "skipped", "not applicable", "not run")
"""Scenario and requirement outcomes, worst first (a requirement takes its worst scenario's).
"not applicable": the scenario checks an alternative the system does not take (a declared position)."""

ID_TAG = re.compile(r"^[A-Z]{3}-\d{2}$")


class ResultsError(Exception):
    """A results file is missing or not one this version reads; one line for the user."""


@dataclass
class StepResult:
    keyword: str
    text: str
    status: str
    """"passed", "failed" or "skipped" (never ran)."""
    duration: float | None = 0.0
    """Seconds; None when it could not be measured (the step ran under a frozen clock)."""
    line: int | None = None
    background: bool = False
    datatable: list[list[str]] | None = None
    docstring: str | None = None


@dataclass
class Expectation:
    """How an expected-failure entry bears on one scenario."""

    entry: int
    """Index of the entry in `Results.expected_failures`."""
    status: str
    """"expected" (failed as listed), "passes" (passed though listed), "expired", or "not run"."""


@dataclass
class ScenarioResult:
    id: str
    """The pytest node id: unique within a run, the same in serial and parallel runs."""
    anchor: str
    feature: str
    feature_file: str
    rule: str | None
    keyword: str
    name: str
    line: int
    example: int | None
    tags: list[str]
    steps: list[StepResult]
    status: str
    message: str = ""
    where: str | None = None
    """file:line of the failing assertion, for failures."""
    duration: float = 0.0
    evidence: dict[str, str] = field(default_factory=dict)
    """Relative paths (from the report folder) of a browser run's "screenshot" and "trace"."""
    expectation: Expectation | None = None
    positions: dict[str, int | str] = field(default_factory=dict)
    """The alternative of each declared position this scenario checked (or, not applicable, would have)."""
    unchecked: list[str] = field(default_factory=list)
    """The details it left unchecked, each with the system's reason: the system's screens do not show
    them and the how-to never says where they are shown (a device's name). The outcome stands on
    what it did check (report.unchecked)."""
    started: str | None = None
    """When it started, ISO 8601 UTC to the millisecond (None when unknown: results of older runs,
    or a clock the scenario froze); what Allure's timeline shows."""

    @property
    def requirements(self) -> list[str]:
        return [tag for tag in self.tags if ID_TAG.match(tag)]

    @property
    def failing_step(self) -> int | None:
        return next((i for i, s in enumerate(self.steps) if s.status == "failed"), None)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.feature_file, self.line, self.example or 0, self.id)


@dataclass
class Repetition:
    """What one repetition of a scenario did, under `run --repeat`."""

    number: int
    outcome: str
    """"passed", "failed", "skipped" (also "could not start: ..."), "expected failure" or "not applicable"."""
    message: str = ""
    where: str | None = None
    evidence: dict[str, str] = field(default_factory=dict)
    id: str = ""
    """The repetition's own node id (`...[repeat-2-of-3]`)."""

    @property
    def said(self) -> str:
        """The outcome as a reader tells it: a scenario that could not start was not merely skipped."""
        for said in ("could not start", "cannot tell"):
            if self.outcome == "skipped" and self.message.startswith(said):
                return said
        return self.outcome


@dataclass
class FlakyScenario:
    """A scenario whose outcome changed between repetitions (report.stability)."""

    id: str
    """The scenario's id in `Results.scenarios`."""
    feature: str
    name: str
    requirements: list[str]
    outcome: str
    """The outcome the verdict counted: the worst of its repetitions'."""
    repetitions: list[Repetition]

    @property
    def outcomes(self) -> str:
        """"passed, failed, passed"."""
        return ", ".join(r.said for r in self.repetitions)


@dataclass
class FeatureInfo:
    file: str
    name: str
    description: str = ""
    rules: dict[str, str] = field(default_factory=dict)
    """Rule name -> description, in the order the rules appear."""


@dataclass
class ExpectedEntry:
    """One entry of the expected-failures file, and what the run made of it."""

    reason: str
    until: str
    scenario: str | None = None
    requirement: str | None = None
    status: str = "not run"
    """"expected", "now passes", "expired" or "not run"."""
    scenarios: list[str] = field(default_factory=list)
    """Ids of the scenarios it matched."""

    @property
    def target(self) -> str:
        return f"requirement {self.requirement}" if self.requirement else f"scenario “{self.scenario}”"

    @property
    def called_out(self) -> bool:
        """An expired entry, or one that now passes, fails the run."""
        return self.status in ("expired", "now passes")


@dataclass
class RunInfo:
    tool_version: str
    started: str
    """ISO 8601, UTC."""
    duration: float
    sut: str
    """The --sut value the run was given."""
    system: dict[str, str]
    """`SystemUnderTest.describe()`: driver, module or base URL, profile..."""
    expected_failures_file: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    """SHA-256 of what the run checked against: "how-to", "catalogue", "how-to sentences", each feature file."""
    repeat: int = 1
    """How many times each scenario ran (`run --repeat`)."""


@dataclass
class RequirementSummary:
    requirement: Requirement
    outcome: str
    scenarios: list[ScenarioResult]

    @property
    def lacks(self) -> list[dict[str, object]]:
        """What the product lacks of the how-to, each with the scenarios and requirements that failed on it."""
        return lacking((s.name, s.message, s.tags) for s in self.scenarios if s.status == "failed")

    @property
    def counts(self) -> dict[str, int]:
        return {o: sum(s.status == o for s in self.scenarios) for o in OUTCOMES[:-1]}

    def as_dict(self) -> dict[str, object]:
        return {
            **asdict(self.requirement),
            "outcome": self.outcome,
            "counts": self.counts,
            "scenarios": [
                {"id": s.id, "feature": s.feature, "name": s.name, "outcome": s.status,
                 **({"failed_step": f"{s.steps[s.failing_step].keyword} {s.steps[s.failing_step].text}",
                     "message": s.message} if s.failing_step is not None and s.status != "passed" else {}),
                 **({"reason": s.message} if s.status == "skipped" else {}),
                 **({"unchecked": s.unchecked} if s.unchecked else {})}
                for s in self.scenarios
            ],
        }


def worst(outcomes: list[str]) -> str:
    return min(outcomes, key=OUTCOMES.index) if outcomes else "not run"


@dataclass
class Results:
    run: RunInfo
    catalogue: list[Requirement]
    features: list[FeatureInfo]
    scenarios: list[ScenarioResult]
    expected_failures: list[ExpectedEntry] = field(default_factory=list)
    positions: dict[str, int | str] | None = None
    """The run's declared positions, every one (the reference default where none was declared)."""
    position_sources: dict[str, str] = field(default_factory=dict)
    """Who declared each position: the profile, the driver, --positions FILE, or the reference default."""
    flaky: list[FlakyScenario] = field(default_factory=list)
    """The scenarios whose outcome changed between repetitions (`run --repeat`), each counted once, with its worst."""
    format: str = FORMAT

    def judgement(self) -> Verdict:
        """The how-to's verdict: the security checks (kind `security`) have their own."""
        ids = security_ids(self.catalogue)
        tags = {s.id: s.tags for s in self.scenarios}
        return judge(((s.status, s.tags) for s in self.scenarios if not is_security(s.tags, ids)),
                     [r for r in self.catalogue if r.id not in ids],
                     sum(e.called_out for e in self.expected_failures if not entry_is_security(e, tags, ids)))

    @property
    def verdict(self) -> str:
        """"conformant", "incomplete" or "not conformant" (report.verdict)."""
        return self.judgement().name

    @property
    def security_verdict(self) -> str:
        """The security checks' verdict (report.security): passed, failed, incomplete or not checked."""
        return security_verdict([(s.id, s) for s in self.scenarios], self.expected_failures, self.catalogue)

    @property
    def lacks(self) -> list[dict[str, object]]:
        """What the product lacks of the how-to, each with the scenarios and requirements that failed on it."""
        return lacking((s.name, s.message, s.tags) for s in self.scenarios if s.status == "failed")

    @property
    def counts(self) -> dict[str, int]:
        return {o: sum(s.status == o for s in self.scenarios) for o in OUTCOMES[:-1]}

    def requirements(self) -> list[RequirementSummary]:
        summaries = []
        for requirement in self.catalogue:
            checked = [s for s in self.scenarios if requirement.id in s.tags]
            summaries.append(RequirementSummary(requirement, worst([s.status for s in checked]), checked))
        return summaries

    def by_feature(self) -> list[tuple[FeatureInfo, list[ScenarioResult]]]:
        return [(f, [s for s in self.scenarios if s.feature_file == f.file]) for f in self.features]

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        judgement = self.judgement()
        data["verdict"] = judgement.name
        data["verdict_summary"] = judgement.summary()
        data["unchecked"] = list(judgement.unchecked)
        data["lacks"] = self.lacks
        data["security_verdict"] = self.security_verdict
        data["counts"] = self.counts
        data["flaky"] = [{**entry, "outcomes": flaky.outcomes} for entry, flaky in zip(data["flaky"], self.flaky)]
        return data

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict) -> Results:
        if data.get("format") != FORMAT:
            raise ResultsError(f"not a results file of format {FORMAT} (format: {data.get('format')!r})")
        scenarios = []
        for raw in data["scenarios"]:
            raw = dict(raw)
            raw["steps"] = [StepResult(**s) for s in raw["steps"]]
            raw["expectation"] = Expectation(**raw["expectation"]) if raw.get("expectation") else None
            scenarios.append(ScenarioResult(**raw))
        return cls(
            run=RunInfo(**data["run"]),
            catalogue=[Requirement(**r) for r in data["catalogue"]],
            features=[FeatureInfo(**f) for f in data["features"]],
            scenarios=scenarios,
            expected_failures=[ExpectedEntry(**e) for e in data.get("expected_failures", [])],
            positions=data.get("positions"),
            position_sources=data.get("position_sources") or {},
            flaky=[FlakyScenario(**{k: v for k, v in f.items() if k not in ("outcomes", "repetitions")},
                                 repetitions=[Repetition(**r) for r in f["repetitions"]]) for f in data.get("flaky", [])],
        )


def load_results(path: Path) -> Results:
    """Read results.json (or the results.json inside a folder)."""
    path = path / "results.json" if path.is_dir() else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file (a run with --report-dir writes it)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ResultsError(f"{path}: cannot read results ({error})") from None
    try:
        return Results.from_dict(data)
    except ResultsError as error:
        raise ResultsError(f"{path}: {error}") from None
    except (KeyError, TypeError, AttributeError) as error:
        raise ResultsError(f"{path}: malformed results ({error!r})") from None
