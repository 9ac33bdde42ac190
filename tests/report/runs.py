"""Runs of `mfa-conformance run` as a user calls it (a subprocess), and ways to compare their reports."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

__all__ = ["REPO", "BROKEN", "SCENARIOS", "Run", "run_harness", "run_suite",
           "without_timing", "junit_without_timing", "html_without_timing"]

REPO = Path(__file__).resolve().parents[2]
BROKEN = "tests.report.broken:factory"


def _scenario_count() -> int:
    """How many scenarios a whole run has: outlines count once per example row."""
    from pytest_bdd.feature import get_features

    from mfa_conformance.requirements.catalogue import FEATURES_DIR

    return sum(
        max(1, sum(len(examples.examples) for examples in template.examples))
        for feature in get_features([str(FEATURES_DIR)])
        for template in feature.scenarios.values()
    )


SCENARIOS = _scenario_count()


@dataclass
class Run:
    directory: Path
    code: int
    output: str

    def json(self, name: str) -> object:
        return json.loads((self.directory / name).read_text(encoding="utf-8"))


def run_harness(*args: str, env: dict[str, str] | None = None,
                timeout: float = 300) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("PYTEST_", "MFA_")) and k not in ("PYTHONPATH",)}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "mfa_conformance.cli", *args], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=timeout)


def run_suite(directory: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    done = run_harness("run", "--report-dir", str(directory), *args, env=env)
    return Run(directory, done.returncode, done.stdout + done.stderr)


TIMING_KEYS = {"duration", "started", "time", "timestamp"}


def without_timing(data: object) -> object:
    """The same data with every duration and timestamp blanked, for comparing two runs."""
    if isinstance(data, dict):
        return {k: (None if k in TIMING_KEYS else without_timing(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [without_timing(v) for v in data]
    return data


def junit_without_timing(text: str) -> str:
    root = ET.fromstring(text)
    for element in root.iter():
        for key in TIMING_KEYS & set(element.attrib):
            element.set(key, "")
    return ET.tostring(root, encoding="unicode")


def html_without_timing(text: str) -> str:
    text = re.sub(r'<span class="dur">[^<]*</span>', "", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", "DATE", text)
    return re.sub(r"<dt>Duration</dt><dd>[^<]*</dd>", "", text)
