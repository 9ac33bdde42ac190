"""A real run against the broken simulator writes every report, complete, serial or parallel."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.report.runs import SCENARIOS, Run, html_without_timing, junit_without_timing, run_harness, without_timing
from tests.suite_counts import DEFAULT_NOT_APPLYING as NOT_APPLYING

REPORT_FILES = ("report.html", "results.json", "requirements.json", "cucumber.json", "junit.xml")
FAILING = "Erin sets up MFA on her phone"


def test_a_run_with_a_broken_behaviour_fails_and_writes_every_report(serial_run: Run) -> None:
    assert serial_run.code == 1, serial_run.output[-2000:]
    for name in REPORT_FILES:
        assert (serial_run.directory / name).stat().st_size > 0, name
    assert f"report: {serial_run.directory / 'report.html'}" in serial_run.output
    results = serial_run.json("results.json")
    assert results["verdict"] == "not conformant"
    assert len(results["scenarios"]) == SCENARIOS
    assert results["counts"] == {"failed": 8, "expected failure": 0, "passed": SCENARIOS - 11 - NOT_APPLYING,
                                 "skipped": 3, "not applicable": NOT_APPLYING}
    assert results["positions"]["lockout_after"] == 5
    assert set(results["position_sources"].values()) == {"the reference default"}
    assert results["run"]["sut"] == "tests.report.broken:factory"
    assert results["run"]["system"]["driver"] == "reference simulator with device names ignored (test variant)"


def test_a_failure_names_its_step_and_message(serial_run: Run) -> None:
    [scenario] = [s for s in serial_run.json("results.json")["scenarios"] if s["name"] == FAILING]
    statuses = [s["status"] for s in scenario["steps"]]
    assert statuses == ["passed"] * 6 + ["failed", "skipped"]
    failing = scenario["steps"][6]
    assert failing["text"] == "Erin's own MFA status shows the device \"Erin's phone\""
    assert "Erin's device is 'Authenticator'" in scenario["message"]
    assert scenario["where"].startswith("steps/enrollment.py:")


def test_a_skip_names_its_reason(serial_run: Run) -> None:
    skipped = [s for s in serial_run.json("results.json")["scenarios"] if s["status"] == "skipped"]
    assert {s["message"] for s in skipped} == {"the system under test lacks the capability 'support-console'"}
    assert all(step["status"] == "skipped" for s in skipped for step in s["steps"])


def test_the_requirement_summary_rolls_scenarios_up(serial_run: Run) -> None:
    requirements = {r["id"]: r for r in serial_run.json("requirements.json")["requirements"]}
    assert len(requirements) == 59
    assert requirements["ENR-04"]["outcome"] == "failed"
    assert requirements["ENR-04"]["kind"] == "documented"
    failed = [s for s in requirements["ENR-04"]["scenarios"] if s["outcome"] == "failed"]
    assert failed and all(s["failed_step"] and s["message"] for s in failed)
    assert requirements["ENR-10"]["outcome"] == "passed"
    assert requirements["REC-05"]["outcome"] == "skipped"


def test_junit_xml_counts_each_scenario_once(serial_run: Run) -> None:
    root = ET.parse(serial_run.directory / "junit.xml").getroot()
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == (str(SCENARIOS), "8",
                                                                               str(3 + NOT_APPLYING))
    cases = root.findall("testsuite/testcase")
    assert len(cases) == SCENARIOS
    [case] = [c for c in cases if c.get("name") == FAILING]
    assert "failed at: Then Erin's own MFA status" in case.find("failure").text
    assert {p.get("value") for p in case.iter("property")} == {"ENR-03", "ENR-04"}


def test_cucumber_json_marks_the_failing_step(serial_run: Run) -> None:
    features = serial_run.json("cucumber.json")
    assert len(features) == 8
    elements = [e for f in features for e in f["elements"]]
    assert len(elements) == SCENARIOS
    [element] = [e for e in elements if e["name"] == FAILING]
    statuses = [s["result"]["status"] for s in element["steps"]]
    assert statuses.count("failed") == 1 and statuses[-1] == "skipped"
    assert "@ENR-04" in {t["name"] for t in element["tags"]}


def test_serial_and_parallel_runs_give_the_same_report_content(serial_run: Run, parallel_run: Run) -> None:
    assert parallel_run.code == serial_run.code == 1
    for name in ("results.json", "requirements.json", "cucumber.json"):
        assert without_timing(parallel_run.json(name)) == without_timing(serial_run.json(name)), name
    serial_xml, parallel_xml = ((r.directory / "junit.xml").read_text() for r in (serial_run, parallel_run))
    assert junit_without_timing(parallel_xml) == junit_without_timing(serial_xml)
    serial_html, parallel_html = ((r.directory / "report.html").read_text() for r in (serial_run, parallel_run))
    assert html_without_timing(parallel_html) == html_without_timing(serial_html)


def test_report_renders_the_html_again_from_the_results_alone(serial_run: Run, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(serial_run.directory, copy)
    (copy / "report.html").unlink()
    done = run_harness("report", "--from", str(copy))
    assert done.returncode == 0, done.stderr
    assert (copy / "report.html").read_text() == (serial_run.directory / "report.html").read_text()
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(serial_run.directory / "results.json", alone)
    done = run_harness("report", "--from", str(alone), "--to", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "out" / "report.html").read_text()
    assert 'id="req-ENR-04"' in html and 'id="self-enrollment--erin-sets-up-mfa-on-her-phone-failure"' in html


def test_report_refuses_a_folder_without_results_in_one_line(tmp_path: Path) -> None:
    done = run_harness("report", "--from", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "results.json: no such file" in done.stderr
    (tmp_path / "results.json").write_text("{not json")
    done = run_harness("report", "--from", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert not (tmp_path / "report.html").exists()


def test_run_refuses_a_report_folder_it_cannot_create_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    done = run_harness("run", "--report-dir", str(tmp_path / "a-file" / "reports"), "-k", "nothing_matches_this")
    assert done.returncode == 4 and "Traceback" not in done.stdout + done.stderr
    assert "--report-dir" in done.stderr and "cannot create it" in done.stderr
