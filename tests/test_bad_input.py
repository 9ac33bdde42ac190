"""Every bad input a new user might give `mfa-conformance run` is one line on stderr
naming the input and what is wrong, exit code 4 (bad input), no traceback and no
INTERNALERROR, and nothing written: no scenario runs and no report appears.

Each case is tried as a user would: the command in a subprocess, from a folder
of their own holding the bad file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LATIN1 = "é".encode("latin-1")
GOOD_STEP = "    Given Riverside Clinic is a practice where MFA is available\n"

CASES = {
    "profile-not-utf8": (
        {"vendor.toml": b'[system]\nname = "Caf' + LATIN1 + b'"\n'},
        ["--sut", "browser", "--base-url", "http://127.0.0.1:9", "--profile", "vendor.toml"],
        ["vendor.toml", "not UTF-8", "line 2"]),
    "sut-syntax-error": (
        {"acme_driver.py": b"def factory(:\n    pass\n"},
        ["--sut", "acme_driver:factory"],
        ["--sut 'acme_driver:factory'", "acme_driver.py, line 1", "SyntaxError"]),
    "sut-raises-at-import": (
        {"acme_driver.py": b"raise RuntimeError('no licence key')\n"},
        ["--sut", "acme_driver:factory"],
        ["--sut 'acme_driver:factory'", "RuntimeError: no licence key"]),
    "factory-exits": (
        {"acme_driver.py": b"import sys\n\ndef factory():\n    sys.exit(3)\n"},
        ["--sut", "acme_driver:factory"],
        ["--sut 'acme_driver:factory'", "factory() called exit(3)"]),
    "factory-exits-under-xdist": (
        {"acme_driver.py": b"import sys\n\ndef factory():\n    sys.exit(3)\n"},
        ["--sut", "acme_driver:factory", "-n", "2"],
        ["--sut 'acme_driver:factory'", "factory() called exit(3)"]),
    "feature-syntax-error": (
        {"mine.feature": b"Feature: Mine\n  Scenario: One\n" + GOOD_STEP.encode() + b"  This line is not Gherkin\n"},
        ["--features", "mine.feature"],
        ["mine.feature", "line 4", "not valid Gherkin"]),
    "feature-undefined-step": (
        {"mine.feature": b"Feature: Mine\n  Scenario: One\n" + GOOD_STEP.encode()
         + b"    Then the moon is made of cheese\n"},
        ["--features", "mine.feature"],
        ["mine.feature", "line 4", "no step definition matches 'Then the moon is made of cheese'"]),
    "feature-not-utf8": (
        {"mine.feature": b"Feature: Caf" + LATIN1 + b"\n  Scenario: One\n" + GOOD_STEP.encode()},
        ["--features", "mine.feature"],
        ["mine.feature", "line 1", "not UTF-8"]),
    "feature-empty": (
        {"mine.feature": b""},
        ["--features", "mine.feature"],
        ["mine.feature", "not a Gherkin feature file"]),
    "features-folder-without-features": (
        {"empty/readme.txt": b"nothing here\n"},
        ["--features", "empty"],
        ["empty", "no .feature file"]),
    "features-missing": (
        {},
        ["--features", "nowhere.feature"],
        ["--features nowhere.feature", "no such file"]),
    "expected-failures-not-utf8": (
        {"known.toml": b'[[expected_failure]]\nreason = "Caf' + LATIN1 + b'"\n'},
        ["--expected-failures", "known.toml"],
        ["--expected-failures", "known.toml", "not UTF-8", "line 2"]),
    "expected-failures-not-toml": (
        {"known.toml": b"this is = not [ toml\n"},
        ["--expected-failures", "known.toml"],
        ["--expected-failures", "known.toml", "not valid TOML"]),
    "positions-missing": (
        {},
        ["--positions", "ours.toml"],
        ["--positions ours.toml", "no such file"]),
    "positions-not-toml": (
        {"ours.toml": b"[positions\nlockout_after = 10\n"},
        ["--positions", "ours.toml"],
        ["--positions ours.toml", "not valid TOML"]),
    "positions-without-the-table": (
        {"ours.toml": b"lockout_after = 10\n"},
        ["--positions", "ours.toml"],
        ["--positions ours.toml", "unknown key 'lockout_after'"]),
    "position-unknown": (
        {"ours.toml": b"[positions]\nlockout_limit = 10\n"},
        ["--positions", "ours.toml"],
        ["--positions ours.toml", "unknown position 'lockout_limit'"]),
    "position-out-of-range": (
        {"ours.toml": b"[positions]\nlockout_after = 101\n"},
        ["--positions", "ours.toml"],
        ["--positions ours.toml", "lockout_after = 101 is outside its range, 1 to 100"]),
    "position-out-of-range-under-xdist": (
        {"ours.toml": b"[positions]\nlockout_after = 0\n"},
        ["--positions", "ours.toml", "-n", "2"],
        ["--positions ours.toml", "lockout_after = 0 is outside its range, 1 to 100"]),
    "position-not-an-alternative": (
        {"ours.toml": b'[positions]\nself_reset = "sometimes"\n'},
        ["--positions", "ours.toml"],
        ["--positions ours.toml", "self_reset = 'sometimes' is not one of 'refused' or 'allowed'"]),
    "driver-declares-an-unknown-position": (
        {"acme_driver.py": b"from mfa_conformance.driver.inprocess import InProcessSystem\n\n"
                           b"def factory():\n    return InProcessSystem(positions={'lock_after': 10})\n"},
        ["--sut", "acme_driver:factory"],
        ["the system under test", "unknown position 'lock_after'"]),
    "driver-and-file-disagree": (
        {"acme_driver.py": b"from mfa_conformance.driver.inprocess import InProcessSystem\n\n"
                           b"def factory():\n    return InProcessSystem(positions={'lockout_after': 10})\n",
         "ours.toml": b"[positions]\nlockout_after = 7\n"},
        ["--sut", "acme_driver:factory", "--positions", "ours.toml", "-n", "2"],
        ["--positions ours.toml: lockout_after = 7, but the system under test", "declares 10"]),
    "profile-declares-a-position-out-of-range": (
        {"vendor.toml": b'extends = "reference"\n[positions]\ndrift_steps = 3\n'},
        ["--sut", "browser", "--base-url", "http://127.0.0.1:9", "--profile", "vendor.toml"],
        ["vendor.toml", "drift_steps = 3 is outside its range, 0 to 1"]),
}


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MFA_") and k not in ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "PYTHONPATH")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_input_is_one_line_naming_it(case: str, tmp_path: Path) -> None:
    files, options, named = CASES[case]
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "run", *options], cwd=tmp_path,
                          env=_environment(), capture_output=True, text=True, encoding="utf-8", timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 4, output[-3000:]
    assert "Traceback" not in output and "INTERNALERROR" not in output, output[-3000:]
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert all(part in lines[0] for part in named), lines[0]
    assert "passed" not in done.stdout and "failed" not in done.stdout, "no scenario ran"
    written = [p for p in (tmp_path / "reports").rglob("*")] if (tmp_path / "reports").exists() else []
    assert written == [], "no report for a run that never started"
