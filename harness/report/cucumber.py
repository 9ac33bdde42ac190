"""Cucumber JSON, as cucumber-jvm/-js write it and CI plugins read it.

Built from the results model rather than pytest-bdd's own `--cucumberjson`,
which comes out empty under pytest-xdist. An expected failure has its failing
step marked "skipped" with the reason, since Cucumber JSON has no such status
and CI tools count "failed" as a broken build.
"""

from __future__ import annotations

import json
import re

from .model import Results, ScenarioResult

__all__ = ["cucumber_json"]


def _id(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _tags(tags: list[str], line: int) -> list[dict[str, object]]:
    return [{"name": f"@{tag}", "line": line} for tag in tags]


def _steps(results: Results, scenario: ScenarioResult) -> list[dict[str, object]]:
    steps = []
    for index, step in enumerate(scenario.steps):
        status = step.status
        result: dict[str, object] = {"status": status}
        if step.duration is not None:
            result["duration"] = int(step.duration * 1e9)
        if index == scenario.failing_step:
            if scenario.status == "expected failure":
                entry = results.expected_failures[scenario.expectation.entry]  # type: ignore[union-attr]
                result["status"] = "skipped"
                result["error_message"] = f"expected failure ({entry.reason}, until {entry.until}): {scenario.message}"
            else:
                result["error_message"] = scenario.message
        elif scenario.status in ("skipped", "not applicable") and index == 0:
            result["error_message"] = f"{scenario.status}: {scenario.message}"
        entry = {"keyword": f"{step.keyword} ", "name": step.text, "line": step.line or scenario.line,
                 "match": {"location": scenario.feature_file}, "result": result}
        if step.datatable:
            entry["rows"] = [{"cells": row} for row in step.datatable]
        if step.docstring is not None:
            entry["doc_string"] = {"value": step.docstring, "line": (step.line or 0) + 1}
        steps.append(entry)
    return steps


def _hooks(scenario: ScenarioResult) -> dict[str, object]:
    """A failure outside any step (a fixture's setup or teardown) as a failed hook, so CI still sees it."""
    if scenario.status not in ("failed", "expected failure") or scenario.failing_step is not None:
        return {}
    status = "failed" if scenario.status == "failed" else "skipped"
    where = "after" if any(step.status == "passed" for step in scenario.steps) else "before"
    return {where: [{"match": {"location": scenario.where or scenario.feature_file},
                     "result": {"status": status, "error_message": scenario.message}}]}


def cucumber_json(results: Results) -> str:
    features = []
    for feature, scenarios in results.by_feature():
        feature_id = _id(feature.name)
        features.append({
            "uri": feature.file, "id": feature_id, "keyword": "Feature", "name": feature.name,
            "description": feature.description, "line": 1, "tags": [],
            "elements": [
                {"id": f"{feature_id};{_id(s.name)}", "keyword": s.keyword, "type": "scenario", "name": s.name,
                 "description": "", "line": s.line, "tags": _tags(s.tags, s.line - 1), **_hooks(s), "steps": _steps(results, s)}
                for s in scenarios
            ],
        })
    return json.dumps(features, indent=1, ensure_ascii=False) + "\n"
