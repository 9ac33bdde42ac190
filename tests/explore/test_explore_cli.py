"""`mfa-conformance explore` against the reference simulator, and its refusals of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mfa_conformance.driver import Capability, SystemUnderTest
from mfa_conformance.driver.loading import load_system
from mfa_conformance.explore.cli import main
from mfa_conformance.explore.runner import Budget, explore

REPO = Path(__file__).resolve().parents[2]


class _NoSeeding(SystemUnderTest):
    name = "a system without seeding"
    capabilities = frozenset({Capability.CLOCK})

    def sign_in(self, username, password, *, address=None):  # pragma: no cover - never reached
        raise AssertionError("explore must not start without seeding")


def no_seeding_system() -> SystemUnderTest:
    return _NoSeeding()


def test_the_reference_simulator_does_what_the_model_predicts(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--seed", "7", "--max-examples", "120", "--report-dir", str(tmp_path)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "✔" in printed and "the system did what the model of the how-to predicted" in printed
    summary = json.loads((tmp_path / "exploration.json").read_text(encoding="utf-8"))
    assert summary["passed"] is True and summary["seed"] == 7
    assert summary["examples"] >= 120 and summary["actions"] > 1000
    assert not (tmp_path / "counterexample.feature").exists()


def test_the_same_seed_explores_the_same_sequences() -> None:
    runs = [explore(load_system("simulator"), Budget(seed=11, max_examples=15, max_steps=40), sut="simulator")
            for _ in range(2)]
    assert runs[0].passed and runs[1].passed
    assert (runs[0].examples, runs[0].rules, runs[0].actions) == (runs[1].examples, runs[1].rules, runs[1].actions)
    other = explore(load_system("simulator"), Budget(seed=12, max_examples=15, max_steps=40), sut="simulator")
    assert (other.rules, other.actions) != (runs[0].rules, runs[0].actions)


@pytest.mark.parametrize("argv", [
    ["--max-examples", "0"],
    ["--max-examples", "many"],
    ["--max-minutes", "-1"],
    ["--seed", "x1"],
    ["--sut", "no_such_package.module:factory"],
    ["--sut", "simulator_without_colon"],
    ["--sut", "tests.explore.test_explore_cli:no_seeding_system"],
    ["--frobnicate"],
])
def test_bad_input_gets_one_line_and_no_run(argv: list[str], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main([*argv, "--report-dir", str(tmp_path / "out")])
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    assert code == 2
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    assert not (tmp_path / "out").exists()


def test_the_console_script_delegates_to_explore(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "explore", "--seed", "3", "--max-examples", "5",
                           "--max-steps", "20", "--report-dir", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "exploring in-process reference simulator (simulator) with seed 3" in done.stdout
