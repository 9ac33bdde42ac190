"""`mfa-conformance run --repeat N` finds a flaky scenario, and changes nothing on a stable system.

The flaky system (tests/flaky.py) refuses every code in every second scenario it
plays, so a scenario that signs in with a code changes outcome between its
repetitions: it must be reported flaky in the console, results.json and
report.html, counted with its worst outcome (never as passed), serially and
under -n 2. Against the reference simulator, repetitions report what one run
reports, once per scenario. The runs are subprocesses of the command, as a
vendor types it, on the few scenarios of SGN-01 (and SGN-03, for an outline).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mfa_conformance.repetition import RepeatError, repetitions, scenario_id

REPO = Path(__file__).resolve().parent.parent
FLAKY = "tests.flaky:every_other_scenario"
SIGNS_IN = "Erin signs in with the code from her phone"
"""Signs in with a code in a When step: fails where the code is refused."""
SIGNED_IN_BEFORE = "The code is asked for again at the next sign-in"
"""Signs in with a code in a Given step: could not start where the code is refused."""
COUNTS = re.compile(r"^scenarios: (\d+) passed, (\d+) failed, (\d+) skipped$", re.MULTILINE)


@dataclass(frozen=True)
class Done:
    code: int
    out: str
    err: str


def run(*args: str) -> Done:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MFA_") and k not in ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER")}
    env["PYTHONIOENCODING"] = "utf-8"
    done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    return Done(done.returncode, done.stdout, done.stderr)


def results(folder: Path) -> dict:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("repeat")


@pytest.fixture(scope="module")
def flaky(reports: Path) -> Done:
    return run("run", "--sut", FLAKY, "--repeat", "3", "-m", "SGN-01", "--report-dir", str(reports / "flaky"))


@pytest.fixture(scope="module")
def flaky_in_parallel(reports: Path) -> Done:
    return run("run", "--sut", FLAKY, "--repeat", "3", "-m", "SGN-01", "-n", "2",
               "--report-dir", str(reports / "parallel"))


def _flaky_section(done: Done) -> dict[str, list[str]]:
    """Each flaky scenario's lines in the console's closing section, by name."""
    assert done.code == 1, done.out[-3000:] + done.err
    assert "Traceback" not in done.out + done.err
    heading = re.search(r"^(\d+) scenarios? flaky: the outcome changed between repetitions", done.out, re.MULTILINE)
    assert heading, done.out
    section = done.out[heading.end():].split("\nverdict: ", 1)[0]
    found: dict[str, list[str]] = {}
    for block in section.split("\n≈ ")[1:]:
        title, *lines = block.strip().splitlines()
        found[title.split(": ", 1)[1].split("  @")[0]] = [line.strip() for line in lines]
    assert len(found) == int(heading.group(1))
    return found


def _outcomes(lines: list[str]) -> list[str]:
    return next(line for line in lines if line.startswith("outcomes:")).removeprefix("outcomes:").strip().split(", ")


def _alternates(outcomes: list[str], other: str) -> bool:
    """passed, OTHER, passed or OTHER, passed, OTHER: the system's every-second-scenario fault."""
    return outcomes in (["passed", other, "passed"], [other, "passed", other])


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "-n 2"])
def test_the_console_lists_the_flaky_scenarios_with_each_repetition(
        parallel: bool, flaky: Done, flaky_in_parallel: Done) -> None:
    done = flaky_in_parallel if parallel else flaky
    section = _flaky_section(done)
    assert set(section) == {SIGNS_IN, SIGNED_IN_BEFORE}, section
    assert _alternates(_outcomes(section[SIGNS_IN]), "failed"), section[SIGNS_IN]
    assert _alternates(_outcomes(section[SIGNED_IN_BEFORE]), "could not start"), section[SIGNED_IN_BEFORE]
    # The first line of each differing failure, once, with the repetitions that said it.
    said = [line for line in section[SIGNS_IN] if line.startswith("repeat ")]
    assert len(said) == 1 and re.match(r"repeat \d(, \d)?: +failed: AssertionError: Erin's code was refused", said[0])
    assert any(re.match(r"repeat \d(, \d)?: +could not start: Given Erin has signed in: CodeRejected", line)
               for line in section[SIGNED_IN_BEFORE])
    reproduce = next(line for line in section[SIGNS_IN] if line.startswith("reproduce:"))
    assert reproduce.removeprefix("reproduce:").strip() == \
        f"mfa-conformance run --sut {FLAKY} --scenario '{SIGNS_IN}' --repeat 3"
    # Each repetition's line as it finishes, and the scenario once in the closing counts and verdict.
    assert re.search(rf"[✔✘] (Signing in with an authenticator: )?{SIGNS_IN} \(repeat 3 of 3\)  @SGN-01", done.out)
    assert re.search(r"^verdict: NOT CONFORMANT: 1 scenario failed$", done.out, re.MULTILINE), done.out
    passed, failed, skipped = map(int, COUNTS.search(done.out).groups())
    assert (failed, skipped) == (1, 1)  # the flaky ones, by their worst outcome; the rest passed each time
    assert f"✘ Signing in with an authenticator: {SIGNS_IN}  @SGN-01" in done.out.split("1 scenario failed:")[1]


def test_results_json_lists_each_flaky_scenario_with_every_repetition(flaky: Done, reports: Path) -> None:
    data = results(reports / "flaky")
    assert data["run"]["repeat"] == 3
    by_name = {entry["name"]: entry for entry in data["flaky"]}
    assert set(by_name) == {SIGNS_IN, SIGNED_IN_BEFORE}
    scenarios = {s["name"]: s for s in data["scenarios"]}
    assert len(scenarios) == len(data["scenarios"]) == sum(data["counts"].values())  # each scenario once
    for name, entry in by_name.items():
        assert entry["requirements"] == ["SGN-01"]
        assert entry["id"] == scenarios[name]["id"] and "repeat" not in entry["id"]
        assert [r["number"] for r in entry["repetitions"]] == [1, 2, 3]
        assert [r["id"] for r in entry["repetitions"]] == [f"{entry['id']}[repeat-{n}-of-3]" for n in (1, 2, 3)]
        assert entry["outcomes"] == ", ".join(
            "could not start" if r["message"].startswith("could not start") else r["outcome"]
            for r in entry["repetitions"])
        for repetition in entry["repetitions"]:
            assert (repetition["outcome"] == "passed") == (repetition["message"] == ""), repetition
    # Counted with the worst outcome: failed once is failed; passed and could not start is skipped.
    assert by_name[SIGNS_IN]["outcome"] == scenarios[SIGNS_IN]["status"] == "failed"
    assert {r["outcome"] for r in by_name[SIGNS_IN]["repetitions"]} == {"passed", "failed"}
    failed = next(r for r in by_name[SIGNS_IN]["repetitions"] if r["outcome"] == "failed")
    assert failed["message"].startswith("AssertionError: Erin's code was refused") and failed["where"]
    assert by_name[SIGNED_IN_BEFORE]["outcome"] == scenarios[SIGNED_IN_BEFORE]["status"] == "skipped"
    assert scenarios[SIGNED_IN_BEFORE]["message"].startswith("could not start: Given Erin has signed in")
    assert data["verdict"] == "not conformant"
    html = (reports / "flaky" / "report.html").read_text(encoding="utf-8")
    section = html.split('<section id="flaky">', 1)[1].split("</section>", 1)[0]
    assert "Flaky scenarios (2)" in section and SIGNS_IN in section and SIGNED_IN_BEFORE in section
    assert "could not start: Given Erin has signed in" in section


def test_the_reproduce_command_of_a_flaky_scenario_shows_it_flaky_again(flaky: Done, reports: Path) -> None:
    line = next(line for line in flaky.out.splitlines() if line.strip().startswith("reproduce:")
                and SIGNS_IN in line and "--repeat 3" in line)
    words = shlex.split(line.split("reproduce:", 1)[1])
    again = run(*words[1:], "--report-dir", str(reports / "again"))
    assert set(_flaky_section(again)) == {SIGNS_IN}
    assert [s["name"] for s in results(reports / "again")["scenarios"]] == [SIGNS_IN]


def test_a_stable_system_repeated_reports_what_one_run_reports(reports: Path) -> None:
    selection = ("-m", "SGN-01 or SGN-03")  # SGN-03 has a Scenario Outline: examples have ids of their own
    once = run("run", *selection, "--report-dir", str(reports / "once"))
    twice = run("run", *selection, "--repeat", "2", "--report-dir", str(reports / "twice"))
    assert once.code == twice.code == 0, twice.out[-3000:] + twice.err
    assert "flaky" not in twice.out
    assert COUNTS.search(twice.out).group(0) == COUNTS.search(once.out).group(0)
    one, two = results(reports / "once"), results(reports / "twice")
    assert two["flaky"] == [] and two["run"]["repeat"] == 2 and one["run"]["repeat"] == 1
    assert two["counts"] == one["counts"] and two["verdict"] == one["verdict"]
    assert [(s["id"], s["status"]) for s in two["scenarios"]] == [(s["id"], s["status"]) for s in one["scenarios"]]
    assert len(re.findall(r"\(repeat 2 of 2\)", twice.out)) == len(one["scenarios"])
    html = (reports / "twice" / "report.html").read_text(encoding="utf-8")
    assert "Flaky scenarios (0)" in html and "none was flaky" in html


@pytest.mark.parametrize("value, why", [
    ("0", "out of range"), ("101", "out of range"), ("-2", "out of range"),
    ("three", "not a whole number"), ("2.5", "not a whole number"), ("", "not a whole number"),
])
def test_a_bad_repeat_is_one_line_and_exit_status_2(value: str, why: str) -> None:
    done = run("run", f"--repeat={value}", "-m", "SGN-01")
    assert done.code == 2
    assert done.out == ""
    assert done.err.count("\n") == 1, done.err
    assert done.err.startswith(f"mfa-conformance run: --repeat {shlex.quote(value)}: {why}"), done.err


def test_repetitions_and_ids() -> None:
    assert [repetitions(text) for text in ("1", "3", " 100 ")] == [1, 3, 100]
    for text in ("0", "101", "1_0", "+3", "x"):
        with pytest.raises(RepeatError):
            repetitions(text)
    assert scenario_id("steps/test_features.py::test_a[repeat-2-of-3]") == "steps/test_features.py::test_a"
    assert scenario_id("steps/test_features.py::test_a[early-refused-repeat-1-of-2]") == \
        "steps/test_features.py::test_a[early-refused]"
    assert scenario_id("steps/test_features.py::test_a[early-refused]") == "steps/test_features.py::test_a[early-refused]"
