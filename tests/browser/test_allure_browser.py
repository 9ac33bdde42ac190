"""A browser run's allure-results: the failing step carries the screenshot and the trace the run kept."""

from __future__ import annotations

import zipfile

import pytest

from tests.report.allure_format import check_allure_dir, load_results

from .test_browser_run import DELIBERATE_FAILURE, _browser_run, _scenarios

pytestmark = pytest.mark.browser


def test_a_failing_browser_scenario_attaches_its_screenshot_and_trace(reference_app, chromium, tmp_path):
    feature = tmp_path / "deliberate.feature"
    feature.write_text(DELIBERATE_FAILURE, encoding="utf-8")
    target = tmp_path / "allure-results"
    done = _browser_run(reference_app.url, tmp_path, "--features", str(feature), "--alluredir", str(target))
    assert done.returncode == 1 and _scenarios(done) == (0, 1, 0), done.stdout[-3000:]
    assert check_allure_dir(target) == []
    [result] = load_results(target)
    assert result["status"] == "failed"
    [failing] = [step for step in result["steps"] if step["status"] == "failed"]
    assert failing["name"] == "Then Erin's own MFA status shows the device \"a name she never gave\""
    attached = {a["type"]: target / a["source"] for a in failing["attachments"]}
    assert attached["image/png"].read_bytes().startswith(b"\x89PNG")
    assert "trace.trace" in zipfile.ZipFile(attached["application/zip"]).namelist()
    assert ("requirement", "ENR-04") in {(label["name"], label["value"]) for label in result["labels"]}
