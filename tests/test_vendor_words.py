"""A failure's reason reaches the vendor in the product's or the domain's words.

No qualified class path of the harness (`mfa_conformance.steps....ActionMisbehaved`),
and no verdict where the harness itself broke: a KeyError or TypeError raised inside
the harness is "cannot tell", one raised by the product stays the product's failure.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATUS = "Dana lists the MFA status of her practice's users"


def _run(tmp_path: Path, sut: str, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "run", "--sut", sut, "--report-dir",
                           str(tmp_path), *args], cwd=REPO, capture_output=True, text=True, encoding="utf-8",
                          timeout=300)
    return done, json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))


def _scenario(results: dict, name: str) -> dict:
    [scenario] = [s for s in results["scenarios"] if s["name"] == name]
    return scenario


def test_no_reason_names_a_class_by_its_module_path(tmp_path: Path) -> None:
    done, results = _run(tmp_path, "tests.mutants:reset_keeps_the_device")
    messages = [s["message"] for s in results["scenarios"] if s["status"] == "failed"]
    assert messages and not [m for m in messages if m.startswith("mfa_conformance.")], messages
    assert "ActionMisbehaved: Dana's Reset MFA left Erin enrolled" in done.stdout
    assert "mfa_conformance.steps" not in done.stdout


def test_a_step_the_harness_breaks_in_is_cannot_tell_not_a_failure(tmp_path: Path) -> None:
    done, results = _run(tmp_path, "tests.vendor_words:garbled", "-m", "MGT-01 or MGT-02")
    scenario = _scenario(results, STATUS)
    assert scenario["status"] == "skipped", scenario
    assert scenario["message"].startswith("cannot tell: the harness broke (TypeError: "), scenario["message"]
    assert "mfa_conformance.driver.inprocess line" in scenario["message"]
    assert " 0 failed" in done.stdout and "Traceback" not in done.stdout + done.stderr


def test_the_same_error_raised_by_the_product_is_its_failure(tmp_path: Path) -> None:
    done, results = _run(tmp_path, "tests.vendor_words:crashing", "-m", "MGT-01 or MGT-02")
    scenario = _scenario(results, STATUS)
    assert scenario["status"] == "failed", scenario
    assert scenario["message"] == "KeyError: 'users'"
    assert done.returncode == 1
