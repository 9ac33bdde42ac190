"""A pytest plugin that writes each scenario's outcome and tags to a JSON file.

Loaded into an acceptance run with `-p tests.scenario_outcomes --scenario-outcomes PATH`,
so tests/test_suite_power.py can tell which requirements' scenarios failed.
It reuses the harness's own scenario records, which survive pytest-xdist.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mfa_conformance.outcome import collect_outcome

__all__ = ["OutcomeFile"]


class OutcomeFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.outcomes: dict[str, dict[str, object]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        outcome = collect_outcome(report)
        if outcome is None:
            return
        previous = self.outcomes.get(report.nodeid)
        if previous is None or previous["outcome"] == "passed":  # a failed teardown outranks a passed call
            self.outcomes[report.nodeid] = {
                "scenario": outcome.record.scenario, "feature": outcome.record.feature, "tags": outcome.record.tags,
                "outcome": outcome.outcome, "message": outcome.message,
                **dict(p for p in report.user_properties if p[0] == "mfa_waits"),
            }

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.path.write_text(json.dumps(list(self.outcomes.values()), indent=1), encoding="utf-8")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--scenario-outcomes", default=None, help="write each scenario's outcome and tags to this JSON file")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("scenario_outcomes")
    if path and not hasattr(config, "workerinput"):
        config.pluginmanager.register(OutcomeFile(Path(path)), "mfa-scenario-outcomes")
