"""Exploration reads the lockout as the suite does: the wrong code that locks may be answered as wrong.

The how-to does not say which answer announces the lock, so a product that shows
it from the attempt after the locking one is correct, and exploring it under its
declared limit must find nothing; a product whose lock comes one code later than
declared must still be caught.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mfa_conformance.explore.cli import main

BUDGET = ["--seed", "11", "--max-examples", "60", "--max-steps", "40"]


@pytest.mark.parametrize("limit", [5, 10])
def test_a_lock_shown_at_the_next_attempt_explores_clean_under_its_limit(tmp_path: Path, limit: int,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    declared = tmp_path / "positions.toml"
    declared.write_text(f"[positions]\nlockout_after = {limit}\n", encoding="utf-8")
    sut = "tests.positioned:lock_shown_next" if limit == 5 else "tests.positioned:lock_shown_next_at_ten"
    code = main(["--sut", sut, *BUDGET, "--positions", str(declared), "--report-dir", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0, out
    summary = json.loads((tmp_path / "out" / "exploration.json").read_text(encoding="utf-8"))
    assert summary["passed"] is True and summary["actions"] > 200


def test_a_lock_one_code_later_than_declared_is_still_found(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    declared = tmp_path / "positions.toml"
    declared.write_text("[positions]\nlockout_after = 9\n", encoding="utf-8")
    code = main(["--sut", "tests.positioned:lock_shown_next_at_ten", *BUDGET, "--max-examples", "200",
                 "--positions", str(declared), "--report-dir", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "SGN-06" in (tmp_path / "out" / "counterexample.feature").read_text(encoding="utf-8")
