"""Exploration on a system that cannot seed: every sequence starts from the
profile's accounts brought back to the baseline through documented actions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _explore(tmp_path: Path, sut: str, *extra: str, env: dict[str, str] | None = None):
    return subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "explore", "--sut", sut, "--seed", "1",
                           "--report-dir", str(tmp_path / "exploration"), *extra],
                          cwd=REPO, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})


def test_a_correct_system_without_seeding_agrees_with_the_model_sequence_after_sequence(tmp_path: Path) -> None:
    done = _explore(tmp_path, "provisioned", "--max-examples", "40")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "did what the model of the how-to predicted" in done.stdout


def test_a_broken_build_without_seeding_is_found_and_replays(tmp_path: Path) -> None:
    done = _explore(tmp_path, "tests.provisioned_mutants:no_lockout", "--max-examples", "300")
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    feature = tmp_path / "exploration" / "counterexample.feature"
    assert feature.is_file() and "@SGN-06" in feature.read_text(encoding="utf-8")


def test_without_a_support_console_exploration_says_why_it_cannot_start(tmp_path: Path) -> None:
    done = _explore(tmp_path, "provisioned", "--max-examples", "5", env={"MFA_PROVISIONED_SUPPORT": "off"})
    assert done.returncode == 4
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "support console" in lines[0], done.stderr
