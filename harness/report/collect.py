"""From pytest's reports to scenario results.

Only what travels with a report from an xdist worker is used: the scenario
record that harness.plugin attaches to `user_properties`, the browser
evidence a driver may attach beside it, the outcome and the failure's
one-line message. So a parallel run gives the same results as a serial one.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from ..outcome import EVIDENCE_PROPERTY, SCENARIO_PROPERTY, ScenarioRecord
from .model import FeatureInfo, ScenarioResult
from .verdict import NOT_APPLICABLE

__all__ = ["Collected", "ScenarioCollector", "redact", "build_scenarios", "build_features"]

MESSAGE_LIMIT = 4000

_KEY_URI = re.compile(r"otpauth://\S+", re.IGNORECASE)
_SECRET_PARAM = re.compile(r"(secret=)[A-Z2-7=]+", re.IGNORECASE)


def redact(text: str) -> str:
    """Belt and braces: a Key URI or a secret= parameter never reaches a report,
    even from a vendor driver's careless message."""
    return _SECRET_PARAM.sub(r"\1(redacted)", _KEY_URI.sub("otpauth://(redacted)", text))


@dataclass
class Collected:
    """What the reports of one scenario's phases said, merged."""

    record: ScenarioRecord | None = None
    did: str = "passed"
    """"passed", "failed" or "skipped": what the scenario itself did."""
    xfail: bool = False
    message: str = ""
    where: str | None = None
    duration: float = 0.0
    evidence: dict[str, str] = field(default_factory=dict)
    start: float | None = None
    """When its first phase began (seconds since the epoch, as pytest's report says)."""


def _crash(report: pytest.TestReport, root: Path) -> tuple[str, str | None]:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is None:
        lines = str(report.longrepr).strip().splitlines()
        return (lines[-1] if lines else "failed"), None
    path = Path(crash.path)
    try:
        path = path.relative_to(root)
    except ValueError:
        pass
    return crash.message, f"{path.as_posix()}:{crash.lineno}"


class ScenarioCollector:
    """Merges the setup, call and teardown reports of each scenario, by node id."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.scenarios: dict[str, Collected] = {}

    def add(self, report: pytest.TestReport) -> None:
        properties = dict(report.user_properties)
        data, evidence = properties.get(SCENARIO_PROPERTY), properties.get(EVIDENCE_PROPERTY)
        if data is None and report.nodeid not in self.scenarios:
            return
        record = None if data is None else data if isinstance(data, ScenarioRecord) else ScenarioRecord.from_data(data)
        seen = self.scenarios.setdefault(report.nodeid, Collected())
        seen.duration += report.duration
        start = getattr(report, "start", None)
        if isinstance(start, (int, float)) and (seen.start is None or start < seen.start):
            seen.start = float(start)
        if isinstance(evidence, dict):
            seen.evidence.update({k: str(v) for k, v in evidence.items() if k in ("screenshot", "trace") and v})
        if record is not None and (seen.record is None or record.ran or not seen.record.ran):
            seen.record = record
        if seen.did != "passed":
            return  # the first bad phase tells the story; a later teardown error adds nothing
        if hasattr(report, "wasxfail"):
            seen.xfail = True
            if report.skipped:  # failed, as listed
                seen.did = "failed"
                seen.message, seen.where = _crash(report, self.root)
        elif report.skipped:
            seen.did = "skipped"
            if isinstance(report.longrepr, tuple):
                seen.message = str(report.longrepr[2]).removeprefix("Skipped: ")
        elif report.failed:
            seen.did = "failed"
            seen.message, seen.where = _crash(report, self.root)
            if report.when != "call":
                seen.message = f"error in {report.when}: {seen.message}"
        seen.message = redact(seen.message)[:MESSAGE_LIMIT]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "scenario"


def _started(start: float | None, since: float | None) -> str | None:
    """pytest's start of the scenario, unless a frozen or moved clock gave it (a vendor's in-process driver
    may patch the time module, as freezegun does)."""
    if start is None or since is None or not since - 1 <= start <= time.time() + 1:
        return None
    return dt.datetime.fromtimestamp(start, dt.UTC).isoformat(timespec="milliseconds")


def build_scenarios(collected: dict[str, Collected], since: float | None = None) -> list[ScenarioResult]:
    """`since`: when the run began (seconds since the epoch), to tell a real start from a frozen clock's."""
    results = []
    for nodeid, seen in collected.items():
        record = seen.record
        if record is None:
            continue
        steps = [replace(step) for step in record.steps]  # changed below for this report only
        if seen.did == "skipped" or (seen.did == "failed" and not record.ran):
            for step in steps:
                step.status, step.duration = "skipped", 0.0
        status = NOT_APPLICABLE if seen.did == "skipped" and record.position_skip else seen.did
        for step in steps:
            # pytest-bdd times steps with time.perf_counter, which a frozen clock (freezegun) also
            # freezes or moves: such a duration measures the system's clock, not the step.
            if step.duration is not None and not 0 <= step.duration <= seen.duration + 0.5:
                step.duration = None
        results.append(ScenarioResult(
            id=nodeid, anchor="", feature=record.feature, feature_file=record.feature_file,
            rule=record.rule, keyword=record.keyword, name=record.scenario,
            line=record.line, example=record.example, tags=list(record.tags), steps=steps,
            status=status, message=seen.message, where=seen.where, duration=round(seen.duration, 6),
            evidence=dict(sorted(seen.evidence.items())), positions=dict(record.positions),
            # a skipped scenario (one that could not start, say) is no partial check: it has nothing to list
            unchecked=[redact(d) for d in record.unchecked] if seen.did != "skipped" else [],
            started=_started(seen.start, since),
        ))
    results.sort(key=lambda s: s.sort_key)
    taken: set[str] = set()
    for scenario in results:
        base = f"{_slug(Path(scenario.feature_file).stem)}--{_slug(scenario.name)}"
        anchor, n = base, 1
        while anchor in taken:
            n += 1
            anchor = f"{base}-{n}"
        taken.add(anchor)
        scenario.anchor = anchor
    return results


def build_features(collected: dict[str, Collected]) -> list[FeatureInfo]:
    features: dict[str, FeatureInfo] = {}
    rule_lines: dict[str, dict[str, int]] = {}
    for seen in collected.values():
        record = seen.record
        if record is None:
            continue
        feature = features.setdefault(record.feature_file, FeatureInfo(
            file=record.feature_file, name=record.feature, description=record.feature_description))
        if record.rule:
            lines = rule_lines.setdefault(feature.file, {})
            lines[record.rule] = min(lines.get(record.rule, record.line), record.line)
            feature.rules[record.rule] = record.rule_description
    for file, feature in features.items():
        order = rule_lines.get(file, {})
        feature.rules = {name: feature.rules[name] for name in sorted(order, key=order.get)}
    return [features[f] for f in sorted(features)]
