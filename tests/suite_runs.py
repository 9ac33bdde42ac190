"""Acceptance runs as a vendor makes them, in subprocesses on a pool, for tests/test_suite_power.py.

Each run is `python -m pytest steps --sut ... [--positions FILE]` from the
repository root; its scenarios' outcomes and tags come back through the
tests.scenario_outcomes plugin. The runs a test module needs start at once,
one per core; under pytest-xdist each worker starts only the runs its own
tests ask for, so the workers share them rather than each doing all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mfa_conformance.requirements.positions import declaration_toml

__all__ = ["REPO", "Plan", "SuiteRun", "SuiteRuns", "acceptance_run"]

REPO = Path(__file__).resolve().parent.parent
RUN_TIMEOUT = 600


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


@dataclass(frozen=True)
class Plan:
    """One run: its command, the positions it declares (written to a file), its environment."""

    argv: list[str]
    record: bool = True
    positions: Mapping[str, object] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    surveyed: bool = False
    """Declare what `mfa-conformance survey` finds on the same --sut first, as a vendor would."""
    reports: bool = False
    """Give the run a report folder of its own (`mfa-conformance run` writes to ./reports otherwise)."""


def acceptance_run(sut: str, *extra: str) -> list[str]:
    # Hypothesis's pytest plugin imports all of Hypothesis at start-up, about half
    # of a short run's CPU; the acceptance suite does not use it.
    return [sys.executable, "-m", "pytest", "steps", "-q", "-p", "no:randomly", "-p", "no:hypothesispytest",
            "--sut", sut, *extra]


def _environment(extra: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MFA_SUT", "MFA_POSITIONS", "PYTEST_ADDOPTS")}
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def _run(plan: Plan, folder: Path, key: str) -> SuiteRun:
    argv = list(plan.argv)
    name = "".join(c if c.isalnum() else "_" for c in key)
    if plan.positions:
        declared = folder / f"{name}.positions.toml"
        declared.write_text(declaration_toml(plan.positions), encoding="utf-8")
        argv += ["--positions", str(declared)]
    if plan.surveyed:
        found = folder / f"{name}.surveyed.toml"
        sut = argv[argv.index("--sut") + 1]
        survey = subprocess.run([str(Path(sys.executable).with_name("mfa-conformance")), "survey", "--sut", sut,
                                 "--output", str(found)], cwd=REPO, env=_environment(plan.env), capture_output=True,
                                text=True, encoding="utf-8", timeout=RUN_TIMEOUT)
        if survey.returncode != 0:
            return SuiteRun(f"mfa-conformance survey --sut {sut}", survey.returncode, [], survey.stdout + survey.stderr)
        argv += ["--positions", str(found)]
    if plan.reports:
        argv += ["--report-dir", str(folder / f"{name}.reports")]
    outcomes = folder / f"{name}.json" if plan.record else None
    if outcomes is not None:
        argv += ["-p", "tests.scenario_outcomes", "--scenario-outcomes", str(outcomes)]
    done = subprocess.run(argv, cwd=REPO, env=_environment(plan.env), capture_output=True, text=True,
                          encoding="utf-8", timeout=RUN_TIMEOUT)
    scenarios = json.loads(outcomes.read_text(encoding="utf-8")) if outcomes and outcomes.exists() else []
    return SuiteRun(" ".join(argv[1:]), done.returncode, scenarios, done.stdout + done.stderr)


class SuiteRuns:
    """The planned runs, started eagerly (a whole module's) or as each test asks."""

    def __init__(self, plan: dict[str, Plan], folder: Path, *, eager: list[str]) -> None:
        self._plan = plan
        self._folder = folder
        self._pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2) if eager else 1)
        self._runs: dict[str, Future[SuiteRun]] = {}
        for key in eager:
            self._start(key)

    def _start(self, key: str) -> Future[SuiteRun]:
        if key not in self._runs:
            self._runs[key] = self._pool.submit(_run, self._plan[key], self._folder, key)
        return self._runs[key]

    def __getitem__(self, key: str) -> SuiteRun:
        return self._start(key).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
