"""The results model and its writers, on hand-made results: evidence, round trips, redaction."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mfa_conformance.outcome import EVIDENCE_PROPERTY, SCENARIO_PROPERTY
from mfa_conformance.report.collect import ScenarioCollector, build_scenarios, redact
from mfa_conformance.report.cucumber import cucumber_json
from mfa_conformance.report.html import render_html
from mfa_conformance.report.junit import junit_xml
from mfa_conformance.requirements.catalogue import Requirement
from mfa_conformance.report.model import FeatureInfo, Results, RunInfo
from mfa_conformance.report.writer import write_reports

# The smallest valid PNG: one transparent pixel.
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5Er"
                         "kJggg==")
NODE = "steps/test_features.py::test_erin_sets_up_mfa_on_her_phone"


def record(ran: bool = True) -> dict:
    return {
        "feature": "Self-enrollment", "feature_file": "self_enrollment.feature", "feature_description": "Why.",
        "rule": "Setup", "rule_description": "", "keyword": "Example", "scenario": "Erin sets up MFA", "line": 23,
        "example": None, "tags": ["ENR-04", "documented"], "ran": ran,
        "steps": [
            {"keyword": "Given", "text": "Erin has signed in", "failed": False, "duration": 0.01, "status": "passed",
             "line": 24, "background": False, "datatable": None, "docstring": None},
            {"keyword": "Then", "text": "she sees \"<b>her</b> phone\"", "failed": True, "duration": 0.02,
             "status": "failed", "line": 25, "background": False, "datatable": [["a", "b"]], "docstring": None},
            {"keyword": "And", "text": "she signs out", "failed": True, "duration": 0.0, "status": "skipped",
             "line": 26, "background": False, "datatable": None, "docstring": None},
        ],
    }


def report(when: str, outcome: str, properties: list, longrepr: object = None) -> pytest.TestReport:
    return pytest.TestReport(NODE, ("steps/test_features.py", 0, "x"), {}, outcome, longrepr, when,
                             user_properties=properties, duration=0.1)


def results_with_evidence(tmp_path: Path) -> Results:
    collector = ScenarioCollector(tmp_path)
    collector.add(report("setup", "passed", []))
    collector.add(report("call", "failed", [(SCENARIO_PROPERTY, record())],
                         "AssertionError: the phone shows otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"))
    # The browser driver takes its evidence at the end of the scenario, in teardown.
    collector.add(report("teardown", "passed", [(EVIDENCE_PROPERTY, {"screenshot": "evidence/shot.png",
                                                                      "trace": "evidence/trace.zip"})]))
    scenarios = build_scenarios(collector.scenarios)
    return Results(
        run=RunInfo(tool_version="0", started="2030-01-01T00:00:00+00:00", duration=1.0, sut="x:y",
                    system={"driver": "browser <chromium>", "base URL": "http://127.0.0.1:8000", "profile": "acme"}),
        catalogue=[Requirement(id="ENR-04", kind="documented", source="step 3", statement="Setup completes.")],
        features=[FeatureInfo(file="self_enrollment.feature", name="Self-enrollment", rules={"Setup": ""})],
        scenarios=scenarios,
    )


def test_the_phases_of_a_scenario_merge_into_one_result(tmp_path: Path) -> None:
    [scenario] = results_with_evidence(tmp_path).scenarios
    assert scenario.status == "failed" and scenario.failing_step == 1
    assert scenario.evidence == {"screenshot": "evidence/shot.png", "trace": "evidence/trace.zip"}
    assert scenario.duration == pytest.approx(0.2)
    assert "JBSWY3DPEHPK3PXP" not in scenario.message and "otpauth://(redacted)" in scenario.message


def test_a_failure_shows_its_screenshot_inline_and_links_its_trace(tmp_path: Path) -> None:
    results = results_with_evidence(tmp_path)
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "shot.png").write_bytes(PIXEL)
    html = render_html(results, tmp_path, tmp_path / "elsewhere")
    assert f'src="data:image/png;base64,{base64.b64encode(PIXEL).decode()}"' in html
    assert 'href="../evidence/trace.zip"' in html
    assert "browser &lt;chromium&gt;" in html and "<b>her</b>" not in html
    assert "<dt>Profile</dt><dd>acme</dd>" in html and "<dt>Base URL</dt>" in html


def test_a_missing_screenshot_is_said_not_hidden(tmp_path: Path) -> None:
    html = render_html(results_with_evidence(tmp_path), tmp_path, tmp_path)
    assert "Screenshot evidence/shot.png was not found beside the results." in html


def test_the_page_loads_nothing_from_elsewhere(tmp_path: Path) -> None:
    html = render_html(results_with_evidence(tmp_path), tmp_path, tmp_path)
    assert "default-src 'none'" in html
    for attribute in ("src=\"http", "href=\"http", "src=\"//", "href=\"//", "@import", "url("):
        assert attribute not in html


def test_results_round_trip_through_json(tmp_path: Path) -> None:
    results = results_with_evidence(tmp_path)
    write_reports(results, tmp_path / "out")
    again = Results.from_dict(json.loads((tmp_path / "out" / "results.json").read_text()))
    assert again == results
    assert cucumber_json(again) == (tmp_path / "out" / "cucumber.json").read_text()


def test_junit_and_cucumber_are_well_formed(tmp_path: Path) -> None:
    results = results_with_evidence(tmp_path)
    root = ET.fromstring(junit_xml(results))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and failure.text.startswith('failed at: Then she sees "<b>her</b> phone"')
    [feature] = json.loads(cucumber_json(results))
    steps = feature["elements"][0]["steps"]
    assert [s["result"]["status"] for s in steps] == ["passed", "failed", "skipped"]
    assert steps[1]["rows"] == [{"cells": ["a", "b"]}]


def test_redact_removes_key_uris_and_secret_parameters() -> None:
    text = "saw otpauth://totp/Updox:erin?secret=JBSWY3DPEHPK3PXP&issuer=Updox and secret=ABCDEFGH234567"
    assert redact(text) == "saw otpauth://(redacted) and secret=(redacted)"


def test_a_failure_outside_any_step_still_fails_in_every_format(tmp_path: Path) -> None:
    collector = ScenarioCollector(tmp_path)
    collector.add(report("setup", "failed", [(SCENARIO_PROPERTY, record(ran=False))], "RuntimeError: no browser"))
    results = results_with_evidence(tmp_path)
    results.scenarios = build_scenarios(collector.scenarios)
    [scenario] = results.scenarios
    assert scenario.status == "failed" and scenario.failing_step is None
    assert scenario.message == "error in setup: RuntimeError: no browser"
    assert all(step.status == "skipped" for step in scenario.steps)
    [element] = json.loads(cucumber_json(results))[0]["elements"]
    assert element["before"][0]["result"] == {"status": "failed", "error_message": scenario.message}
    assert ET.fromstring(junit_xml(results)).find("testsuite/testcase/failure").get("type") == "error"
    html = render_html(results, tmp_path, tmp_path)
    assert f'id="{scenario.anchor}-failure"' in html and "error in setup: RuntimeError: no browser" in html


def test_a_failure_with_a_screenshot_and_no_trace_renders(tmp_path: Path) -> None:
    """With --browser-trace off a failing scenario leaves a screenshot only."""
    results = results_with_evidence(tmp_path)
    results.scenarios[0].evidence = {"screenshot": "evidence/shot.png"}
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "shot.png").write_bytes(PIXEL)
    html = render_html(results, tmp_path, tmp_path)
    assert "Screenshot at the failure" in html and "Browser trace" not in html
