"""Times the in-process acceptance run against a bare pytest-bdd baseline.

The baseline runs the very same feature files (same scenarios, same steps)
with step definitions that do nothing, so the ratio isolates what the harness,
the driver and the simulator add to pytest-bdd itself. Both are whole pytest
processes, timed the same way; each is repeated and the median kept.

    python benchmarks/inprocess_vs_bare.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

EMPTY_STEPS = '''
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("features")


@given(parsers.re(r".*"))
def _given():
    pass


@when(parsers.re(r".*"))
def _when():
    pass


@then(parsers.re(r".*"))
def _then():
    pass
'''


def _timed(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall-clock seconds, and CPU seconds of the child (steady even on a busy machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"benchmark run failed ({' '.join(command)}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, result.stdout


def _count(output: str) -> int:
    """Scenarios collected: passed, plus skipped (the not applicable ones of other declared positions)."""
    return sum(int(n) for n in re.findall(r"(\d+) (?:passed|skipped)", output.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp)
        shutil.copytree(REPO / "features", bare / "features")
        (bare / "test_bare.py").write_text(EMPTY_STEPS, encoding="utf-8")
        (bare / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n", encoding="utf-8")
        # Both without Hypothesis's pytest plugin, as `mfa-conformance run` is.
        suite_cmd = [sys.executable, "-m", "pytest", "steps", "-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest"]
        bare_cmd = [sys.executable, "-m", "pytest", "test_bare.py", "-q", "-W", "ignore", "-p", "no:hypothesispytest"]
        suite_runs, bare_runs = [], []
        for _ in range(args.repeat):
            wall, cpu, out = _timed(suite_cmd, REPO)
            suite_runs.append((wall, cpu))
            suite_count = _count(out)
            wall, cpu, out = _timed(bare_cmd, bare)
            bare_runs.append((wall, cpu))
            bare_count = _count(out)
    suite_wall, suite_cpu = (statistics.median(t) for t in zip(*suite_runs))
    bare_wall, bare_cpu = (statistics.median(t) for t in zip(*bare_runs))
    print(f"medians of {args.repeat} runs, whole pytest processes")
    print(f"in-process acceptance run: {suite_count} scenarios, {suite_wall:.2f} s wall, {suite_cpu:.2f} s CPU")
    print(f"bare pytest-bdd baseline:  {bare_count} scenarios, {bare_wall:.2f} s wall, {bare_cpu:.2f} s CPU")
    print(f"ratio: {suite_wall / bare_wall:.2f}x wall, {suite_cpu / bare_cpu:.2f}x CPU (target: at most 1.3x)")
    if suite_count != bare_count:
        print(f"warning: scenario counts differ ({suite_count} vs {bare_count})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
