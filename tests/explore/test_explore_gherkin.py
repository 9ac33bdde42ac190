"""What the explorer writes as Gherkin is what it did: whole random sequences,
written out with every check, pass through the normal suite on the simulator.

If a step phrase did not exist, or a step did other driver calls than the
explorer made (another code, another sign-in), the replay would fail here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import Phase, seed, settings
from hypothesis.stateful import run_state_machine_as_test

from mfa_conformance.driver.loading import load_system
from mfa_conformance.explore.gherkin import render_feature, sequence_from
from mfa_conformance.explore.machine import machine_for
from mfa_conformance.explore.recording import Observer
from mfa_conformance.explore.runner import wall_clock
from mfa_conformance.explore.trace import Trace

REPO = Path(__file__).resolve().parents[2]


def random_sequences(count: int, steps: int, chosen_seed: int) -> list[Trace]:
    kept: list[Trace] = []
    explorer = machine_for(load_system("simulator"), Observer(wall_clock))

    class Keeping(explorer):  # type: ignore[misc, valid-type]
        def teardown(self) -> None:
            kept.append(self.trace)
            super().teardown()

    run_state_machine_as_test(seed(chosen_seed)(Keeping), settings=settings(
        max_examples=count, stateful_step_count=steps, database=None, deadline=None,
        phases=(Phase.explicit, Phase.generate)))
    return kept


def test_random_sequences_written_as_gherkin_replay_through_the_suite(tmp_path: Path) -> None:
    traces = sorted(random_sequences(12, 60, 4), key=lambda t: len(t.steps), reverse=True)[:4]
    assert sum(len(t.steps) for t in traces) >= 40, "the sequences are too short to say much"
    rules = {step.rule for trace in traces for step in trace.steps}
    assert len(rules) >= 8, f"only {sorted(rules)} were taken"
    for number, trace in enumerate(traces):
        text = render_feature(sequence_from(trace), sut="simulator", seed=4, title=f"Random sequence {number}")
        (tmp_path / f"sequence_{number}.feature").write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mfa_conformance.cli", "run", "--features", str(tmp_path), "--sut", "simulator",
         "--report-dir", str(tmp_path / "reports")],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert f"{len(traces)} passed" in done.stdout
