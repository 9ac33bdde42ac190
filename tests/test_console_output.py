"""What a person sees from `mfa-conformance run`: each scenario as it finishes with
progress, a failure as Gherkin (its step, its message, where to look) with no pytest
internals, each failure once at the end with the command that reproduces it, the
closing count lines CI reads, and the documented exit codes; the same under -n 2.

The runs are subprocesses of the command, as a user types it, against the
simulator and a broken variant of it (tests/mutants.py), on a few scenarios
selected with -k so they stay fast.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from mfa_conformance.console import Progress, duration, reproduce_command

from .suite_counts import SCENARIOS

REPO = Path(__file__).resolve().parent.parent
BROKEN = "tests.mutants:search_ignores_case"
"""Finds a username typed in other letter case, which MGT-20 says must find nobody."""
FAILING = "A username typed in other letter case finds nobody"
CHECKED = " [username_search = case-sensitive]"
"""The alternative of the declared position the failing scenario checked, as its line says."""
SELECTION = ("-k", "username and not finds_the_user")
"""Five scenarios of user management (not the one of the case-insensitive search); FAILING is one of them."""
PROGRESS = re.compile(r"^\[\s*(\d+)/(\d+) (\S+) elapsed(?:, ~(\S+) left)?\]\s+([✔✘–⚑]) (.+)$", re.MULTILINE)
INTERNALS = ("Traceback", "call_fixture_func", "_pytest", "INTERNALERROR", "short test summary info")


@dataclass(frozen=True)
class Done:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def run(*args: str, cwd: Path = REPO) -> Done:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MFA_") and k not in ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER")}
    env["PYTHONIOENCODING"] = "utf-8"
    done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    return Done(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def failing(reports: Path) -> Done:
    return run("run", "--sut", BROKEN, *SELECTION, "--report-dir", str(reports / "serial"))


@pytest.fixture(scope="module")
def failing_in_parallel(reports: Path) -> Done:
    return run("run", "--sut", BROKEN, *SELECTION, "-n", "2", "--report-dir", str(reports / "parallel"))


def _reproduce_line(done: Done) -> str:
    lines = [line.strip() for line in done.out.splitlines() if line.strip().startswith("reproduce:")]
    assert len(lines) == 1, done.out
    return lines[0].removeprefix("reproduce:").strip()


def _check_failing_run(done: Done, *, parallel: bool) -> None:
    assert done.code == 1, done.text[-3000:]
    for internal in INTERNALS:
        assert internal not in done.text, f"{internal!r} in the output:\n{done.text[-3000:]}"
    finished = PROGRESS.findall(done.out)
    assert [int(n) for n, *_ in finished] == [1, 2, 3, 4, 5], done.out
    assert {total for _, total, *_ in finished} == {"5"}
    failed = [name for *_, mark, name in finished if mark == "✘"]
    feature = "User management: " if parallel else ""
    assert failed == [f"{feature}{FAILING}  @MGT-20{CHECKED}"], done.out
    step, message, where = (line.strip() for line in done.out.split(failed[0], 1)[1].splitlines()[1:4])
    assert step == "failed at: Then the search finds nobody"
    assert message.startswith("AssertionError: the search found 'erin."), message
    assert where.startswith("details: ") and where.endswith("report.html"), where
    # At the end, each failure once: the requirement, the step, what happened, how to reproduce.
    summary = done.out.split("1 scenario failed:", 1)[1]
    assert summary.count("✘ ") == 1 and f"✘ User management: {FAILING}  @MGT-20{CHECKED}" in summary
    assert "requirement: MGT-20 (interpreted)" in summary and "checked:     Then the search finds nobody" in summary
    assert "instead:     AssertionError: the search found 'erin." in summary
    assert _reproduce_line(done) == f"mfa-conformance run --sut {BROKEN} --scenario '{FAILING}'"
    # The closing lines CI reads: ours and pytest's own.
    assert re.search(r"^scenarios: 4 passed, 1 failed, 0 skipped$", done.out, re.MULTILINE)
    # (under xdist the workers deselect, so the controller does not count the deselected)
    assert re.search(r"^verdict: NOT CONFORMANT: 1 scenario failed$", done.out, re.MULTILINE)
    assert re.fullmatch(rf"1 failed, 4 passed(, {SCENARIOS - 5} deselected)? in [\d.]+s",
                        done.out.rstrip().splitlines()[-1]), done.out


def test_a_failing_run_reads_as_gherkin_without_pytest_internals(failing: Done) -> None:
    _check_failing_run(failing, parallel=False)
    assert "Feature: User management" in failing.out


def test_under_xdist_the_controller_prints_each_scenario_as_it_arrives(failing_in_parallel: Done) -> None:
    _check_failing_run(failing_in_parallel, parallel=True)


def test_the_reproduce_command_runs_just_that_failure(failing: Done, reports: Path) -> None:
    words = shlex.split(_reproduce_line(failing))
    assert words[:2] == ["mfa-conformance", "run"]
    again = run(*words[1:], "--report-dir", str(reports / "again"))
    assert again.code == 1, again.text[-3000:]
    assert [name for *_, mark, name in PROGRESS.findall(again.out)] == [f"{FAILING}  @MGT-20{CHECKED}"]
    assert again.out.rstrip().splitlines()[-1].startswith(f"1 failed, {SCENARIOS - 1} deselected in ")


def test_a_passing_run_shows_scenarios_done_of_total_and_exits_0(tmp_path: Path) -> None:
    done = run("run", *SELECTION, "--report-dir", str(tmp_path))
    assert done.code == 0, done.text[-3000:]
    finished = PROGRESS.findall(done.out)
    assert [(int(n), int(total)) for n, total, *_ in finished] == [(n, 5) for n in range(1, 6)]
    assert all(mark == "✔" for *_, mark, _ in finished)
    assert all(left for _, _, _, left, *_ in finished[:-1]) and finished[-1][3] == "", "an estimate until the last"
    assert not re.search(r"^\.+", done.out, re.MULTILINE), "pytest's progress dots are not printed"
    assert done.out.rstrip().splitlines()[-1].startswith(f"5 passed, {SCENARIOS - 5} deselected in ")


def test_a_selection_that_matches_nothing_is_bad_input(tmp_path: Path) -> None:
    done = run("run", "-k", "no_scenario_is_called_this", "--report-dir", str(tmp_path))
    assert done.code == 4, done.text[-2000:]
    lines = [line for line in done.err.splitlines() if line.strip()]
    assert lines == ["mfa-conformance run: -k no_scenario_is_called_this: no scenario matched; nothing was checked"]


def test_an_unknown_option_is_wrong_usage(tmp_path: Path) -> None:
    done = run("run", "--no-such-option", "--report-dir", str(tmp_path))
    assert done.code == 2, done.text[-2000:]
    assert "--no-such-option" in done.err and "INTERNALERROR" not in done.text


def test_tracebacks_come_back_when_asked_for(tmp_path: Path) -> None:
    done = run("run", "--sut", BROKEN, "-k", "other_letter_case", "--tb=short", "--report-dir", str(tmp_path))
    assert done.code == 1
    assert "FAILURES" in done.out and "steps/user_management.py" in done.out
    assert "1 scenario failed:" in done.out, "the readable summary stays"


def test_help_documents_the_exit_codes() -> None:
    done = run("run", "--help")
    assert done.code == 0
    codes = re.findall(r"^  (\d)  ", done.out.split("exit status:", 1)[1], re.MULTILINE)
    assert codes == ["0", "1", "2", "4"]


def test_progress_counts_and_estimates_from_the_pace_so_far() -> None:
    now = [100.0]
    progress = Progress(clock=lambda: now[0])
    progress.total = 4
    now[0] = 102.0
    progress.test_started()  # start-up took 2 s: not part of the pace
    now[0] = 112.0
    progress.test_finished()
    progress.test_finished()
    assert progress.prefix().rstrip() == "[2/4 12s elapsed, ~10s left]"
    now[0] = 190.0
    progress.test_finished()
    progress.test_finished()
    assert progress.prefix().rstrip() == "[4/4 1m30s elapsed]"
    assert [duration(s) for s in (0, 59.4, 65, 3725)] == ["0s", "59s", "1m05s", "1h02m"]


def test_the_reproduce_command_keeps_the_system_and_hides_a_password_in_the_url(monkeypatch) -> None:
    monkeypatch.delenv("MFA_SUT", raising=False)
    options = {"sut": "browser", "base_url": "https://qa:s3cret@example.test:8443/app", "profile": "vendor.toml",
               "mfa_features": "/tmp/my features/x.feature"}
    config = SimpleNamespace(getoption=lambda name, default=None: options.get(name, default))
    command = reproduce_command(config, "Dana resets Erin's MFA")  # type: ignore[arg-type]
    assert "s3cret" not in command
    assert shlex.split(command) == [
        "mfa-conformance", "run", "--sut", "browser", "--base-url", "https://qa:***@example.test:8443/app",
        "--profile", "vendor.toml", "--features", "/tmp/my features/x.feature", "--scenario", "Dana resets Erin's MFA"]


def test_the_last_lines_add_up_the_howtos_verdict_then_the_security_checks(tmp_path: Path) -> None:
    """A build whose sign-out keeps the session fails a security check (SEC-03) and nothing of the how-to's:
    the how-to's verdict and the security checks' each give their own count, and they sum to the totals."""
    done = run("run", "--sut", "tests.mutants:sign_out_keeps_the_session", "-m", "SEC-03 or SGN-01",
               "--report-dir", str(tmp_path))
    assert done.code == 1, done.text[-3000:]
    verdict, security, totals = (re.search(rf"^{label}: (.*)$", done.out, re.MULTILINE)
                                 for label in ("verdict", "security checks", "scenarios"))
    assert verdict and security and totals, done.out[-3000:]
    assert verdict.group(1).startswith("INCOMPLETE: nothing failed")  # SGN-01 passed; the rest not selected
    checks = re.match(r"FAILED: (\d+) passed, (\d+) failed, (\d+) skipped", security.group(1))
    counts = re.match(r"(\d+) passed, (\d+) failed, (\d+) skipped", totals.group(1))
    assert checks and counts, security.group(1)
    assert int(checks.group(2)) == int(counts.group(2)) >= 1, "every failure is the security check's"
    lines = done.out.splitlines()
    assert lines.index(f"verdict: {verdict.group(1)}") < lines.index(f"security checks: {security.group(1)}")
