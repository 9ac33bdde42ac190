"""SEC-07 passes only on pages it could read: "no page holds the key" is no verdict when the
driver read none of them, or could not read some."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _sec07(tmp_path: Path, sut: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "run", "--sut", sut, "--report-dir",
                           str(tmp_path), "-m", "SEC-07"], cwd=REPO, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    [scenario] = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["scenarios"]
    return scenario


def test_the_reference_passes_on_pages_it_read(tmp_path: Path) -> None:
    assert _sec07(tmp_path, "simulator")["status"] == "passed"


@pytest.mark.parametrize(("sut", "why"), [
    ("tests.unread_pages:unread", "but the driver could not read"),
    ("tests.unread_pages:textless", "the driver read the text of none of the"),
])
def test_pages_the_driver_could_not_read_give_no_verdict(tmp_path: Path, sut: str, why: str) -> None:
    scenario = _sec07(tmp_path, sut)
    assert scenario["status"] == "skipped", scenario
    assert scenario["message"].startswith("cannot tell: whether "), scenario["message"]
    assert why in scenario["message"], scenario["message"]
