"""Prints the run as Gherkin: each feature, each scenario's outcome, the failing
step and its message, every skip with its reason, and a closing count line."""

from __future__ import annotations

from collections import defaultdict

import pytest

from .plugin import SCENARIO_PROPERTY

__all__ = ["ScenarioOutcome", "collect_outcome"]

MARKS = {"passed": "✔", "failed": "✘", "skipped": "–", "expected failure": "⚑"}


class ScenarioOutcome(dict):
    """A scenario record plus its outcome, message and duration."""


def collect_outcome(report: pytest.TestReport) -> ScenarioOutcome | None:
    record = dict(report.user_properties).get(SCENARIO_PROPERTY)
    if record is None:
        return None
    outcome = ScenarioOutcome(record)
    outcome["nodeid"] = report.nodeid
    outcome["outcome"] = report.outcome
    outcome["duration"] = report.duration
    outcome["message"] = ""
    if report.skipped and hasattr(report, "wasxfail"):  # failed, as an --expected-failures entry said
        outcome["outcome"] = "expected failure"
        outcome["expected"] = report.wasxfail
        crash = getattr(report.longrepr, "reprcrash", None)
        outcome["message"] = crash.message if crash is not None else ""
    elif report.skipped and isinstance(report.longrepr, tuple):
        outcome["message"] = str(report.longrepr[2]).removeprefix("Skipped: ")
    elif report.failed:
        crash = getattr(report.longrepr, "reprcrash", None)
        outcome["message"] = crash.message if crash is not None else str(report.longrepr).strip().splitlines()[-1]
    if report.when != "call" and report.failed:
        outcome["message"] = f"error in {report.when}: {outcome['message']}"
    return outcome


class GherkinConsole:
    def __init__(self) -> None:
        self.outcomes: dict[str, ScenarioOutcome] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        outcome = collect_outcome(report)
        if outcome is None:
            return
        previous = self.outcomes.get(report.nodeid)
        if previous is None or previous["outcome"] == "passed":  # a teardown error outranks a passed call
            self.outcomes[report.nodeid] = outcome

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.outcomes:
            return
        write = terminalreporter.write_line
        by_feature: dict[str, list[ScenarioOutcome]] = defaultdict(list)
        for outcome in self.outcomes.values():
            by_feature[outcome["feature"]].append(outcome)
        write("")
        for feature, outcomes in sorted(by_feature.items()):
            write(f"Feature: {feature}", bold=True)
            for o in sorted(outcomes, key=lambda o: (o["line"], o["nodeid"])):
                tags = " ".join(f"@{t}" for t in o["tags"] if t[:3].isupper())
                colour = {"passed": {"green": True}, "failed": {"red": True}}.get(o["outcome"], {"yellow": True})
                write(f"  {MARKS[o['outcome']]} {o['scenario']}  {tags}", **colour)
                if o["outcome"] == "skipped":
                    write(f"      skipped: {o['message']}", yellow=True)
                elif o["outcome"] == "expected failure":
                    write(f"      {o['expected']}", yellow=True)
                if o["outcome"] in ("failed", "expected failure"):
                    failing = next((s for s in o["steps"] if s["failed"]), None)
                    tone = {"red": True} if o["outcome"] == "failed" else {"yellow": True}
                    if failing:
                        write(f"      failed at: {failing['keyword']} {failing['text']}", **tone)
                    write(f"      {o['message']}", **tone)
            write("")
        counts = {k: sum(o["outcome"] == k for o in self.outcomes.values()) for k in ("passed", "failed", "skipped")}
        expected = sum(o["outcome"] == "expected failure" for o in self.outcomes.values())
        if expected:
            write(f"expected failures: {expected} (listed in --expected-failures; not counted below)",
                  yellow=True)
        write(f"scenarios: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped", bold=True)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(GherkinConsole(), "mfa-gherkin-console")
