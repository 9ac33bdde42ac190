"""The acceptance suite's own power: it must fail every broken simulator of
tests/mutants.py, in a scenario tagged with the requirement the variant breaks,
and pass the unbroken simulator completely.

Each run is `python -m pytest steps --sut ...` in a subprocess from the
repository root, as a vendor would run it; the runs go in parallel, one per
core. Each run writes its scenarios' outcomes and tags through the
tests.scenario_outcomes plugin.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from mfa_conformance.catalogue import load_catalogue
from mfa_conformance.simulator import Simulator

from .mutants import VARIANTS, Variant

REPO = Path(__file__).resolve().parent.parent
RUN_TIMEOUT = 600

# Variants no scenario catches yet: gaps in the acceptance suite, reported to the
# lead with the scenario that would catch each (strict: once it is added, the
# XPASS fails and the entry must go).
KNOWN_GAPS: dict[str, str] = {}
"""Variants no scenario catches yet, with the scenario that would (strict xfail)."""

# A failure with one of these is the variant or a step crashing, not a behaviour check catching it.
CRASHES = ("TypeError", "AttributeError", "NameError", "KeyError", "IndexError", "UnboundLocalError", "RecursionError")


@dataclass(frozen=True)
class SuiteRun:
    command: str
    returncode: int
    scenarios: list[dict]
    output: str

    def with_outcome(self, outcome: str) -> list[dict]:
        return [s for s in self.scenarios if s["outcome"] == outcome]

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MFA_SUT", "MFA_FEATURES", "PYTEST_ADDOPTS")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _run(argv: list[str], outcomes: Path | None) -> SuiteRun:
    if outcomes is not None:
        argv = [*argv, "-p", "tests.scenario_outcomes", "--scenario-outcomes", str(outcomes)]
    done = subprocess.run(argv, cwd=REPO, env=_environment(), capture_output=True, text=True,
                          encoding="utf-8", timeout=RUN_TIMEOUT)
    scenarios = json.loads(outcomes.read_text(encoding="utf-8")) if outcomes and outcomes.exists() else []
    return SuiteRun(" ".join(argv[1:]), done.returncode, scenarios, done.stdout + done.stderr)


def acceptance_run(sut: str) -> list[str]:
    # Hypothesis's pytest plugin imports all of Hypothesis at start-up, about half
    # of a short run's CPU; the acceptance suite does not use it.
    return [sys.executable, "-m", "pytest", "steps", "-q", "-p", "no:randomly", "-p", "no:hypothesispytest",
            "--sut", sut]


CLI_VARIANT = "search_ignores_case"


def planned_runs() -> dict[str, tuple[list[str], bool]]:
    """Every run this module needs: key -> (command, whether to record outcomes)."""
    mfa_conformance = Path(sys.executable).with_name("mfa-conformance")
    plan = {
        "simulator": (acceptance_run("simulator"), True),
        "cli": ([str(mfa_conformance), "run", "--sut", f"tests.mutants:{CLI_VARIANT}"], False),
    }
    plan.update({name: (acceptance_run(f"tests.mutants:{name}"), True) for name in VARIANTS})
    return plan


class SuiteRuns:
    """The acceptance runs, on a pool with one worker per core.

    The runs of every selected test start at once. Under pytest-xdist each
    worker starts only the runs its own tests ask for, one at a time, so the
    workers share the runs rather than each doing all of them.
    """

    def __init__(self, folder: Path, *, eager: list[str]) -> None:
        self._folder = folder
        self._plan = planned_runs()
        self._pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2) if eager else 1)
        self._runs: dict[str, Future[SuiteRun]] = {}
        for key in eager:
            self._start(key)

    def _start(self, key: str) -> Future[SuiteRun]:
        if key not in self._runs:
            argv, record = self._plan[key]
            outcomes = self._folder / f"{key}.json" if record else None
            self._runs[key] = self._pool.submit(_run, argv, outcomes)
        return self._runs[key]

    def __getitem__(self, key: str) -> SuiteRun:
        return self._start(key).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _run_key(item: pytest.Item) -> str | None:
    """The run a collected test of this module reads, if any."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None and isinstance(callspec.params.get("variant"), Variant):
        return callspec.params["variant"].name
    return RUN_OF_TEST.get(getattr(item, "originalname", item.name))


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SuiteRuns:
    eager = [] if "PYTEST_XDIST_WORKER" in os.environ else list(dict.fromkeys(
        key for item in request.session.items
        if item.module is request.module and (key := _run_key(item)) is not None))
    runs = SuiteRuns(tmp_path_factory.mktemp("suite-runs"), eager=eager)
    yield runs
    runs.close()


def test_the_unbroken_simulator_passes_every_scenario(runs: SuiteRuns) -> None:
    run = runs["simulator"]
    assert run.returncode == 0, f"{run.command} exited {run.returncode}:\n{run.tail()}"
    assert run.scenarios, f"{run.command} ran no scenario:\n{run.tail()}"
    not_passed = [f"{s['outcome']}: {s['scenario']} ({s['message']})" for s in run.scenarios if s["outcome"] != "passed"]
    assert not_passed == []


def _params() -> list[object]:
    params = []
    for name, variant in VARIANTS.items():
        marks = [pytest.mark.xfail(strict=True, reason=f"gap in the acceptance suite: {KNOWN_GAPS[name]}")] \
            if name in KNOWN_GAPS else []
        params.append(pytest.param(variant, id=name, marks=marks))
    return params


@pytest.mark.parametrize("variant", _params())
def test_the_suite_fails_each_broken_simulator_on_the_requirement_it_breaks(runs: SuiteRuns, variant: Variant) -> None:
    run = runs[variant.name]
    assert run.scenarios, f"{run.command} ran no scenario (exit {run.returncode}):\n{run.tail()}"
    skipped = [s["scenario"] for s in run.with_outcome("skipped")]
    assert skipped == [], "the in-process driver offers every capability; nothing should skip"
    failed = run.with_outcome("failed")
    assert failed, f"no scenario failed against {variant.name}, which breaks {variant.breaks}"
    assert run.returncode == 1, f"{run.command} exited {run.returncode}:\n{run.tail()}"

    def requirement_tags(scenario: dict) -> list[str]:
        return [t for t in scenario["tags"] if t[:3].isupper()]

    on_target = [s for s in failed if variant.breaks in s["tags"]]
    assert on_target, (
        f"{variant.name} breaks {variant.breaks}, but only scenarios of other requirements failed: "
        + "; ".join(f"{s['scenario']} {requirement_tags(s)}" for s in failed)
    )
    allowed = {variant.breaks, *variant.also}
    stray = [f"{s['scenario']} {requirement_tags(s)}" for s in failed if not allowed & set(s["tags"])]
    assert stray == [], f"{variant.name} should break only {sorted(allowed)}"
    crashed = [f"{s['scenario']}: {s['message']}" for s in failed if s["message"].startswith(CRASHES)]
    assert crashed == [], "a failure is a crash, not a behaviour check"


def test_each_variant_overrides_exactly_one_method_of_the_simulator() -> None:
    overrides = {name: [k for k, v in vars(variant.simulator).items() if inspect.isfunction(v)]
                 for name, variant in VARIANTS.items()}
    assert {name: len(methods) for name, methods in overrides.items() if len(methods) != 1} == {}
    assert all(issubclass(variant.simulator, Simulator) for variant in VARIANTS.values())


def test_every_variant_breaks_a_catalogued_requirement() -> None:
    catalogue = load_catalogue()
    named = {rid for v in VARIANTS.values() for rid in (v.breaks, *v.also)}
    assert named - catalogue.keys() == set()
    assert len(VARIANTS) >= 10


def test_a_vendor_running_the_cli_sees_the_broken_system_fail(runs: SuiteRuns) -> None:
    run = runs["cli"]
    assert run.returncode != 0, f"mfa-conformance exited 0 against {CLI_VARIANT}:\n{run.tail()}"
    failed_lines = [line for line in run.output.splitlines() if line.lstrip().startswith("✘")]
    assert failed_lines, f"no ✘ line in the output:\n{run.tail()}"
    assert any("@MGT-20" in line for line in failed_lines), "\n".join(failed_lines)


RUN_OF_TEST = {
    test_the_unbroken_simulator_passes_every_scenario.__name__: "simulator",
    test_a_vendor_running_the_cli_sees_the_broken_system_fail.__name__: "cli",
}
