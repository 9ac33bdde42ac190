"""`run`, `survey` and `explore` open the system under test the same way
(mfa_conformance.driver.opening) and answer the same bad input with the same code:
2 for a wrong command line, 4 for an input that cannot be used, each in one
line on stderr and before anything runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
COMMANDS = ("run", "survey", "explore")
BAD = {
    "an unknown option": (["--frobnicate"], 2, "frobnicate"),
    "a --sut naming no module": (["--sut", "no_such_package.module:factory"], 4, "no_such_package"),
    "a --sut that is no import path": (["--sut", "simulator_without_colon"], 4, "simulator_without_colon"),
    "a positions file that is missing": (["--positions", "{tmp}/missing.toml"], 4, "missing.toml"),
    "a position outside its range": (["--positions", "{tmp}/range.toml"], 4, "lockout_after = 0 is outside its range"),
    "a positions file that is not UTF-8": (["--positions", "{tmp}/latin1.toml"], 4, "latin1.toml"),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", sorted(BAD))
def test_each_command_answers_each_bad_input_alike(command: str, case: str, tmp_path: Path) -> None:
    (tmp_path / "range.toml").write_text("[positions]\nlockout_after = 0\n", encoding="utf-8")
    (tmp_path / "latin1.toml").write_bytes("[positions]\n# café\n".encode("latin-1"))
    argv, code, named = BAD[case]
    report = ["--report-dir", str(tmp_path / "out")] if command != "survey" else ["--output", str(tmp_path / "p.toml")]
    done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", command,
                           *[a.format(tmp=tmp_path) for a in argv], *report],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == code, (done.stdout[-2000:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr and named in done.stderr, done.stderr
    if code == 4:
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "out" / "results.json").exists() and not (tmp_path / "p.toml").exists()
