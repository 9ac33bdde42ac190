"""Exploration finds each deep broken simulator within its default budget, with
a counterexample of at most six actions that replays through the normal suite.

Each mutant's fault needs three or more documented actions to show (see
tests/deep_mutants.py). The run uses the default budget and a fixed seed, so CI
checks the same sequences every time; docs/exploration.md gives the spread over
other seeds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mfa_conformance.explore.cli import main
from tests.deep_mutants import MUTANTS

REPO = Path(__file__).resolve().parents[2]
CI_SEED = 20240530
"""The seed CI explores with (the how-to's last-modified date)."""


def replay(feature: Path, sut: str, report_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mfa_conformance.cli", "run", "--features", str(feature), "--sut", sut,
         "--report-dir", str(report_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_exploration_finds_the_deep_mutant_and_its_counterexample_replays(
        mutant: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sut = f"tests.deep_mutants:{mutant}"
    code = main(["--sut", sut, "--seed", str(CI_SEED), "--report-dir", str(tmp_path)])
    printed = capsys.readouterr().out
    assert code == 1, printed

    summary = json.loads((tmp_path / "exploration.json").read_text(encoding="utf-8"))
    assert summary["passed"] is False and summary["counterexample"] is not None
    steps = summary["counterexample"]["steps"]
    assert 3 <= steps <= 6, f"shrunk to {steps} actions:\n{printed}"

    feature = tmp_path / "counterexample.feature"
    text = feature.read_text(encoding="utf-8")
    tags = next(line for line in text.splitlines() if line.strip().startswith("@")).split()
    assert set(summary["counterexample"]["rests_on"]) <= {tag.lstrip("@") for tag in tags}
    assert {"@documented", "@inferred", "@interpreted"} & set(tags), "no kind tag"

    against_mutant = replay(feature, sut, tmp_path / "mutant-run")
    assert against_mutant.returncode == 1, against_mutant.stdout[-2000:] + against_mutant.stderr[-2000:]
    assert "1 failed" in against_mutant.stdout

    against_simulator = replay(feature, "simulator", tmp_path / "simulator-run")
    assert against_simulator.returncode == 0, against_simulator.stdout[-3000:] + against_simulator.stderr[-2000:]
    assert "1 passed" in against_simulator.stdout
