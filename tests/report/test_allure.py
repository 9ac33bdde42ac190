"""allure-results: a run's scenarios as Allure reads them, from the same records as every report.

A real run with two workers against the broken simulator (failures, skips for a
capability it lacks, scenarios of positions it does not take), then results
made from it with evidence, expected failures, flakiness and the skips the
harness tells apart (could not start, cannot tell); each folder is held to
Allure's results format (tests/report/allure_format.py).
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from mfa_conformance.report.allure import ALLURE_STATUS, CATEGORIES, write_allure
from mfa_conformance.report.model import (
    Expectation, ExpectedEntry, FlakyScenario, Repetition, Results, load_results,
)
from tests.report.allure_format import check_allure_dir, load_results as load_allure
from tests.report.runs import BROKEN, REPO, Run, run_harness, run_suite

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(scope="module")
def allure_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    root = tmp_path_factory.mktemp("allure")
    run = run_suite(root / "reports", "--sut", BROKEN, "-n", "2", "--alluredir", str(root / "allure-results"))
    assert run.code == 1, run.output[-2000:]
    return run, root / "allure-results"


def _by_name(directory: Path) -> dict[str, dict]:
    return {(r["fullName"]): r for r in load_allure(directory)}


def _full_name(scenario) -> str:
    """Allure's fullName of a scenario of results.json (a dict) or of the model."""
    get = scenario.get if isinstance(scenario, dict) else lambda key: getattr(scenario, key)
    example = get("example")
    return f"{get('feature_file')}::{get('name')}" + (f" (example {example})" if example is not None else "")


def test_a_parallel_run_writes_allure_results_in_allures_format(allure_run) -> None:
    run, directory = allure_run
    assert check_allure_dir(directory) == []
    scenarios = run.json("results.json")["scenarios"]
    results = load_allure(directory)
    assert len(results) == len(scenarios)  # skipped ones too: could not start, not applicable, lacking
    assert f"allure-results: {directory} ({len(scenarios)} scenarios" in run.output
    wanted = sorted(ALLURE_STATUS[s["status"]] for s in scenarios)
    assert sorted(r["status"] for r in results) == wanted
    assert {"categories.json", "environment.properties"} <= {p.name for p in directory.iterdir()}
    environment = (directory / "environment.properties").read_text(encoding="utf-8")
    assert f"sut={BROKEN}" in environment and "verdict=not conformant" in environment
    assert "position.lockout_after=5" in environment


def test_each_scenario_has_its_steps_requirements_and_positions(allure_run) -> None:
    run, directory = allure_run
    results = _by_name(directory)
    for scenario in run.json("results.json")["scenarios"]:
        result = results[_full_name(scenario)]
        assert result["name"] == scenario["name"]
        assert [s["name"] for s in result["steps"]] == [f"{s['keyword']} {s['text']}" for s in scenario["steps"]]
        assert [s["status"] for s in result["steps"]] == [s["status"] for s in scenario["steps"]]
        labels = {(label["name"], label["value"]) for label in result["labels"]}
        requirements = [t for t in scenario["tags"] if re.fullmatch(r"[A-Z]{3}-\d{2}", t)]
        assert {v for n, v in labels if n == "requirement"} == set(requirements)
        assert {v for n, v in labels if n == "tag"} == set(scenario["tags"])
        assert ("feature", scenario["feature"]) in labels
        assert {v for n, v in labels if n == "position"} == {f"{k} = {v}" for k, v in scenario["positions"].items()}
        assert {p["name"]: p["value"] for p in result["parameters"]} == \
            {k: str(v) for k, v in scenario["positions"].items()}
        links = {link["name"]: link["url"] for link in result["links"] if link["type"] == "requirement"}
        assert links == {rid: f"../reports/report.html#req-{rid}" for rid in requirements}
        epic = ("epic", "Security checks" if "security" in scenario["tags"] else "The how-to")
        assert epic in labels


def test_failures_name_their_failing_step_and_skips_their_reason(allure_run) -> None:
    run, directory = allure_run
    results = _by_name(directory)
    statuses = set()
    for scenario in run.json("results.json")["scenarios"]:
        result = results[_full_name(scenario)]
        statuses.add(scenario["status"])
        if scenario["status"] == "failed":
            [failing] = [s for s in result["steps"] if s["status"] == "failed"]
            assert failing["statusDetails"]["message"] == scenario["message"]
            assert result["statusDetails"]["trace"].startswith(f"failed at: {failing['name']}")
        elif scenario["status"] == "skipped":
            assert result["statusDetails"]["message"] == scenario["message"]
            assert "lacks the capability" in scenario["message"]
            assert all(step["status"] == "skipped" for step in result["steps"])
        elif scenario["status"] == "not applicable":
            assert result["statusDetails"]["message"] == f"not applicable: {scenario['message']}"
            assert ("outcome", "not applicable") in {(l["name"], l["value"]) for l in result["labels"]}
    assert statuses == {"passed", "failed", "skipped", "not applicable"}


def _category(result: dict) -> list[str]:
    message = result.get("statusDetails", {}).get("message", "")
    return [c["name"] for c in CATEGORIES
            if result["status"] in c["matchedStatuses"] and re.fullmatch(c["messageRegex"], message)]


def test_every_result_that_did_not_pass_falls_in_exactly_one_category(allure_run) -> None:
    _, directory = allure_run
    for result in load_allure(directory):
        assert len(_category(result)) == (0 if result["status"] == "passed" else 1), result["name"]


def _trace_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("trace.trace", '{"type":"context-options"}\n')
    return buffer.getvalue()


def test_evidence_expected_failures_flaky_and_the_harness_own_skips(allure_run, tmp_path: Path) -> None:
    """Results as a browser run with every kind of outcome would give them: built from the real run's."""
    run, _ = allure_run
    results: Results = load_results(run.directory)
    failed = next(s for s in results.scenarios if s.status == "failed" and s.failing_step is not None)
    known = next(s for s in results.scenarios if s.status == "failed" and s is not failed)
    others = [s for s in results.scenarios if s.status == "passed"]
    cannot_tell, could_not_start, flaky = others[:3]
    reports = tmp_path / "reports"
    for scenario, name in ((failed, "failed"), (cannot_tell, "cannot-tell")):
        folder = reports / "evidence" / name
        folder.mkdir(parents=True)
        (folder / "screenshot.png").write_bytes(PNG)
        (folder / "trace.zip").write_bytes(_trace_zip())
        scenario.evidence = {"screenshot": f"evidence/{name}/screenshot.png", "trace": f"evidence/{name}/trace.zip"}
    (reports / "report.html").write_text("<!doctype html>", encoding="utf-8")
    results.expected_failures = [ExpectedEntry(reason="ACME-1234", until="2099-01-01", scenario=known.name,
                                               status="expected", scenarios=[known.id])]
    known.status, known.expectation = "expected failure", Expectation(entry=0, status="expected")
    for scenario, said in ((cannot_tell, "cannot tell: the screen showed neither the device saved nor a refusal"),
                           (could_not_start, "could not start: Dana's Reset MFA left Erin enrolled")):
        scenario.status, scenario.message = "skipped", said
        for step in scenario.steps:
            step.status = "skipped"
    results.flaky = [FlakyScenario(id=flaky.id, feature=flaky.feature, name=flaky.name,
                                   requirements=flaky.requirements, outcome="passed",
                                   repetitions=[Repetition(1, "passed"), Repetition(2, "failed", "AssertionError")])]
    target = tmp_path / "allure-results"
    assert write_allure(results, reports, target) == len(results.scenarios)
    assert check_allure_dir(target) == []
    written = _by_name(target)

    def of(scenario):
        return written[_full_name(scenario)]

    step = of(failed)["steps"][failed.failing_step]
    assert [(a["name"], a["type"]) for a in step["attachments"]] == [
        ("screenshot", "image/png"), ("Playwright trace (playwright show-trace)", "application/zip")]
    assert (target / step["attachments"][0]["source"]).read_bytes() == PNG
    assert zipfile.ZipFile(target / step["attachments"][1]["source"]).namelist() == ["trace.trace"]
    told = of(cannot_tell)
    assert told["status"] == "skipped" and told["statusDetails"]["message"].startswith("cannot tell: ")
    assert [a["type"] for a in told["attachments"]] == ["image/png"]  # a trace only for a failure
    assert _category(told) == ["Cannot tell (the screen showed neither outcome)"]
    unstarted = of(could_not_start)
    assert unstarted["statusDetails"]["message"].startswith("could not start: Dana's Reset MFA")
    assert _category(unstarted) == ["Could not start (requirements unchecked)"]
    expected = of(known)
    assert expected["status"] == "failed" and expected["statusDetails"]["known"] is True
    assert expected["statusDetails"]["message"].startswith("expected failure: ACME-1234 (until 2099-01-01): ")
    assert _category(expected) == ["Expected failures (known bugs, still failures)"]
    assert of(flaky)["statusDetails"]["flaky"] is True
    assert of(flaky)["statusDetails"]["message"].startswith("flaky (passed, failed)")
    assert _category(of(failed)) == ["Product failures"]
    links = {link["type"]: link["url"] for link in of(failed)["links"]}
    assert links["report"] == f"../reports/report.html#{failed.anchor}"


def test_clean_alluredir_removes_an_earlier_run_and_nothing_else(allure_run, tmp_path: Path) -> None:
    run, _ = allure_run
    results = load_results(run.directory)
    target = tmp_path / "allure-results"
    target.mkdir()
    (target / "executor.json").write_text("{}", encoding="utf-8")
    write_allure(results, run.directory, target)
    write_allure(replace(results, run=replace(results.run, started="2030-01-01T00:00:00+00:00")), run.directory,
                 target)
    assert len(list(target.glob("*-result.json"))) == 2 * len(results.scenarios)  # Allure keeps both as retries
    write_allure(results, run.directory, target, clean=True)
    assert len(list(target.glob("*-result.json"))) == len(results.scenarios)
    assert (target / "executor.json").exists()


def test_report_from_writes_the_same_allure_results(allure_run, tmp_path: Path) -> None:
    run, directory = allure_run
    done = run_harness("report", "--from", str(run.directory), "--to", str(tmp_path / "html"),
                       "--alluredir", str(tmp_path / "again"))
    assert done.returncode == 0, done.stderr
    assert check_allure_dir(tmp_path / "again") == []
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == sorted(p.name for p in directory.iterdir())


def test_plain_pytest_writes_allure_results_without_a_report_folder(tmp_path: Path) -> None:
    target = tmp_path / "allure-results"
    done = subprocess.run([sys.executable, "-m", "pytest", "steps", "-q", "-p", "no:randomly", "-p",
                           "no:hypothesispytest", "--sut", BROKEN, "-k", "device_must_be_named or erin_sets_up_mfa_with_app",
                           "--alluredir", str(target)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout[-2000:]
    assert check_allure_dir(target) == []
    results = load_allure(target)
    names = {r["name"] for r in results}
    assert "The device must be named" in names and "Erin sets up MFA with another TOTP-compatible app" in names
    assert len({r["fullName"] for r in results}) == len(results) > 2  # an outline's examples kept apart
    assert "failed" in {r["status"] for r in results}  # the broken simulator ignores device names
    assert all(r["links"] == [] for r in results)  # no report.html to link to


def test_an_alluredir_that_cannot_be_made_is_bad_input(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    done = run_harness("run", "--report-dir", str(tmp_path / "reports"), "-k", "device_must_be_named",
                       "--alluredir", str(blocker / "allure"))
    assert done.returncode == 4
    assert f"--alluredir {blocker / 'allure'}: cannot create it" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_the_results_format_checker_finds_what_allure_would_not_read(tmp_path: Path) -> None:
    (tmp_path / "x-result.json").write_text(json.dumps({
        "uuid": "x", "name": "n", "status": "fine", "start": 5, "stop": 4, "steps": [{"name": "s"}],
        "attachments": [{"name": "a", "source": "gone.png", "type": "image/png"}], "colour": "red"}),
        encoding="utf-8")
    problems = "\n".join(check_allure_dir(tmp_path))
    for expected in ("is not a UUID", "no historyId", "status 'fine'", "start/stop", "colour",
                     "gone.png is not in the folder", "step 1: status None"):
        assert expected in problems, expected
