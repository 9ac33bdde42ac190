"""Outcomes seen, not inferred: where the profile's locators do not see what the product
showed, the outcome is "cannot tell" (a profile mistake, with its evidence), never a
product failure and never a success concluded from a refusal unseen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .served import REPO, run_cli

pytestmark = pytest.mark.browser

UNNAMED = "The device must be named"


def _blind_profile(tmp_path: Path) -> Path:
    """The reference profile, but looking for refusal messages where the product shows none."""
    profile = tmp_path / "blind.toml"
    profile.write_text(f'extends = "{(REPO / "profiles" / "reference.toml").as_posix()}"\n'
                       '[screens]\nmessage = { css = "#no-message-here" }\n', encoding="utf-8")
    return profile


def test_a_refusal_the_profile_does_not_see_is_cannot_tell_not_success(reference_app, chromium, tmp_path):
    done = run_cli("run", "--sut", "browser", "--base-url", reference_app.url, "--profile",
                   str(_blind_profile(tmp_path)), "--scenario", UNNAMED, "--report-dir", str(tmp_path / "reports"))
    assert "Traceback" not in done.stdout + done.stderr
    assert "0 failed" in done.stdout, done.stdout[-3000:]
    results = json.loads((tmp_path / "reports" / "results.json").read_text(encoding="utf-8"))
    [scenario] = [s for s in results["scenarios"] if s["name"] == UNNAMED]
    assert scenario["status"] == "skipped", scenario
    message = scenario["message"]
    assert message.startswith("cannot tell: "), message
    assert "DeviceNameRequired" in message and "screens.message" in message and "not enrolled" in message
    assert scenario.get("evidence", {}).get("screenshot"), scenario  # what the screen showed, for the vendor
    assert "succeeded" not in done.stdout


def test_the_same_scenario_passes_where_the_profile_sees_the_refusal(reference_app, chromium, tmp_path):
    done = run_cli("run", "--sut", "browser", "--base-url", reference_app.url, "--scenario", UNNAMED,
                   "--report-dir", str(tmp_path / "reports"))
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 passed" in done.stdout
