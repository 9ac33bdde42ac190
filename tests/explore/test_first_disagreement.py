"""Exploration always says what it saw: the first disagreement is recorded as it
happens (the sequence so far, what the model predicted, what the system did, the
driver's evidence), before any replay, and reported even when a replay does not
repeat it; a replay on the real clock keeps the original's time steps.

The systems here are the reference simulator served in process, one of them on
the real clock (no clock control) and wrong exactly once.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mfa_conformance.driver import Capability, SystemUnderTest
from mfa_conformance.driver.inprocess import InProcessSystem
from mfa_conformance.explore.cli import main
from mfa_conformance.explore.first_disagreement import sides
from mfa_conformance.explore.pacing import RealClockPacing
from mfa_conformance.explore.runner import Budget, explore
from mfa_conformance.explore.trace import Call, Discrepancy, Line
from mfa_conformance.simulator import Simulator, errors, totp
from tests.deep_mutants import reset_keeps_lock_count

REPO = Path(__file__).resolve().parents[2]
HYPOTHESIS_WORDS = re.compile(r"Hypothesis|Inconsistent data generation|Flaky|@seed|Falsifying|Traceback", re.I)


class RealClockRefusingOnce(InProcessSystem):
    """The simulator on the real clock (no clock control), which refuses the first right setup
    code it is ever given, and never another: a fault that no replay repeats. It keeps the real
    time of every setup code and offers a driver's evidence hook, which notes how many setup
    codes it had been given when the evidence was taken."""

    name = "in-process simulator on the real clock, wrong once"
    capabilities = frozenset(Capability) - {Capability.CLOCK}

    def __init__(self) -> None:
        self.saves: list[tuple[float, bool]] = []
        """(real time, refused?) of every setup code with a name."""
        self.waits: list[tuple[float, str]] = []
        saves = self.saves

        class Once(Simulator):
            def save_device(self, token: str, code: str, device_name: str) -> None:
                session = self._session(token)
                right = session.pending_secret is not None and totp.matching_step(
                    session.pending_secret, code, unix_time=self.clock()) is not None
                if right and device_name.strip():
                    saves.append((time.time(), not saves))
                    if len(saves) == 1:
                        raise errors.CodeRejected()
                super().save_device(token, code, device_name)

        super().__init__(Once)

    def wait_real(self, seconds: float, why: str) -> None:
        self.waits.append((seconds, why))
        super().wait_real(seconds, why)

    def capture_evidence(self, directory: Path) -> dict[str, Path]:
        directory.mkdir(parents=True, exist_ok=True)
        shot = directory / "screenshot.png"
        shot.write_text(f"setup codes given so far: {len(self.saves)}", encoding="utf-8")
        return {"screenshot": shot}


SYSTEMS: list[RealClockRefusingOnce] = []


def real_clock_refusing_once() -> SystemUnderTest:
    SYSTEMS.append(RealClockRefusingOnce())
    return SYSTEMS[-1]


def test_a_disagreement_seen_once_on_the_real_clock_is_reported_with_what_was_seen(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    SYSTEMS.clear()
    code = main(["--sut", "tests.explore.test_first_disagreement:real_clock_refusing_once", "--seed", "3",
                 "--max-examples", "5", "--max-steps", "12", "--report-dir", str(tmp_path)])
    printed = capsys.readouterr()
    console = printed.out + printed.err
    assert code == 1, console
    [system] = SYSTEMS

    # The console: the outcome said as seen once, both outcomes, the sequence, where it is recorded.
    assert "the system did not do what the model predicted, seen once, not reproduced" in console
    assert "the model predicted: it saved" in console
    assert "the system did:      refused it (CodeRejected)" in console
    assert re.search(r"When (Dana|Erin) scans the QR code with her phone\n"
                     r"\s+When \1 saves the device as \"\1's phone\" with the code her phone shows\n"
                     r"\s+Then (the code is accepted|\1 is signed in)\n", console), console
    assert f"recorded: {tmp_path / 'first-disagreement.feature'}" in console
    assert not HYPOTHESIS_WORDS.search(console), console

    # exploration.json: the recording, both outcomes, and the replay that did not repeat it.
    summary = json.loads((tmp_path / "exploration.json").read_text(encoding="utf-8"))
    assert summary["passed"] is False and summary["counterexample"] is None and summary["error"] is None
    first = summary["first_disagreement"]
    assert first is not None and first["reproduced"] is False
    assert (first["predicted"], first["observed"]) == ("it saved", "refused it (CodeRejected)")
    assert first["replay"] == ("seen once, not reproduced: a replay, in the time steps it had, did what the model "
                               "predicted at every step")
    assert first["sequence"] and all({"at", "time_step", "into_step", "steps"} <= set(act) for act in first["sequence"])
    last = first["sequence"][-1]["steps"]
    assert last[-1] in ("Then the code is accepted", "Then Erin is signed in", "Then Dana is signed in"), last

    # The recording as a feature file, with the failing check last and when each act came.
    feature = (tmp_path / "first-disagreement.feature").read_text(encoding="utf-8")
    assert "Feature: First disagreement seen while exploring" in feature
    assert "# The model predicted: it saved" in feature and "# The system did:      refused it (CodeRejected)" in feature
    assert "# Outcome: seen once, not reproduced" in feature
    assert re.search(r"# \d+\.\d s in: time step \d+ of the sequence", feature)
    assert feature.rstrip().splitlines()[-1].strip().split(" ", 1)[1] == last[-1].split(" ", 1)[1]

    # The evidence was taken as it happened: before the replay gave its setup code.
    assert (tmp_path / "first-disagreement" / "screenshot.png").read_text(encoding="utf-8") == \
        "setup codes given so far: 1"
    assert first["evidence"] == {"screenshot": str(tmp_path / "first-disagreement" / "screenshot.png")}

    # The replay waited on the real clock for the time step the original had: its setup code came
    # a whole number of time steps after the original's, as far into its step.
    (seen, refused), (replayed, _) = system.saves
    assert refused and len(system.saves) == 2
    assert any("time step" in why for _, why in system.waits), system.waits
    shift = replayed - seen
    assert shift > 1.0 and abs(shift - round(shift / 30) * 30) < 1.0, shift


def test_the_replay_keeps_each_call_in_the_time_step_it_had() -> None:
    class VirtualRealClock(SystemUnderTest):
        capabilities = frozenset()
        clock = 1_000_000_000.0  # 10 s into a time step: 1e9 = 33333333 * 30 + 10

        def now(self) -> float:
            return self.clock

        def wait_real(self, seconds: float, why: str) -> None:
            self.clock += seconds

        def sign_in(self, username, password, *, address=None):  # pragma: no cover - not used
            raise AssertionError

    system = VirtualRealClock()
    started = 1_000_000_000.0 + 25.0 - 10.0  # the original began 25 s into its time step
    calls = [Call("sign_in", at=0.5), Call("enter_code", at=4.0), Call("enter_code", at=41.0)]
    pacing = RealClockPacing(system, started)
    system.clock += 0.25  # the replay's world is set up 10.25 s into a step
    pacing.start()
    assert system.clock % 30 == pytest.approx(25.0)
    origin = system.clock
    for call in calls:
        system.clock += 0.1  # the replay's own work
        pacing.before(call)
        assert system.clock - origin == pytest.approx(max(call.at, system.clock - origin))
        assert (int(system.clock // 30) - int(origin // 30), system.clock % 30) == pytest.approx(
            (int((started + call.at) // 30) - int(started // 30), (started + call.at) % 30), abs=0.2)
    assert pacing.out_of_step == 0


@pytest.mark.parametrize(("message", "failing", "expected"), [
    ("Erin enters a code that is not her phone's: the model predicted refused (MfaLocked or CodeRejected), "
     "the system accepted it", [], ("refused (MfaLocked or CodeRejected)", "accepted it")),
    ("User Settings show Erin as not enrolled, the model predicted enrolled with \"Erin's phone\"", [],
     ("enrolled with \"Erin's phone\"", "User Settings show Erin as not enrolled")),
    ("Erin signing out: refused as SessionEnded", [Line("Then", "Erin's session has ended")],
     ("Then Erin's session has ended", "Erin signing out: refused as SessionEnded")),
])
def test_both_outcomes_are_read_from_the_check(message: str, failing: list[Line], expected: tuple[str, str]) -> None:
    assert sides(Discrepancy(message, failing=failing, rests_on=frozenset())) == expected


def test_a_reproduced_disagreement_keeps_its_first_recording_which_replays_through_the_suite(tmp_path: Path) -> None:
    result = explore(reset_keeps_lock_count(), Budget(seed=20240530, max_examples=300), sut="tests.deep_mutants:"
                     "reset_keeps_lock_count", report_dir=tmp_path)
    first = result.first_disagreement
    assert first is not None and first.reproduced is True and first.replay == "reproduced by a replay"
    assert result.counterexample is not None and result.counterexample.steps <= first.sequence.steps
    done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "run", "--features",
                           str(tmp_path / "first-disagreement.feature"), "--sut",
                           "tests.deep_mutants:reset_keeps_lock_count", "--report-dir", str(tmp_path / "run")],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "1 failed" in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]


class SeedingFailsOnce(InProcessSystem):
    """Refuses to create the first practice it is asked for with an error of its own, once."""

    name = "in-process simulator whose seeding fails once"

    def __init__(self) -> None:
        super().__init__()
        self.failed_once = False

    def create_practice(self, name: str, *, mfa_available: bool = True) -> None:
        if not self.failed_once:
            self.failed_once = True
            raise RuntimeError("the practice table is busy")
        super().create_practice(name, mfa_available=mfa_available)


def seeding_fails_once() -> SystemUnderTest:
    return SeedingFailsOnce()


def test_a_run_that_breaks_says_why_in_its_own_words_and_keeps_hypothesis_for_debugging(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--sut", "tests.explore.test_first_disagreement:seeding_fails_once", "--seed", "1",
                 "--max-examples", "3", "--max-steps", "5", "--report-dir", str(tmp_path)])
    console = capsys.readouterr().out
    assert code == 3, console
    assert "the exploration could not go on: RuntimeError: the practice table is busy" in console
    assert not HYPOTHESIS_WORDS.search(console), console
    summary = json.loads((tmp_path / "exploration.json").read_text(encoding="utf-8"))
    assert summary["first_disagreement"] is None and summary["error"].startswith("the exploration could not go on")
    assert summary["debug"] and "Flaky" in summary["debug"]
