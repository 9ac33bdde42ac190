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


def _timed(command: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"benchmark run failed ({' '.join(command)}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return elapsed, result.stdout


def _count(output: str) -> int:
    match = re.search(r"(\d+) passed", output)
    return int(match.group(1)) if match else 0


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
        suite_times, bare_times = [], []
        for _ in range(args.repeat):
            elapsed, out = _timed(suite_cmd, REPO)
            suite_times.append(elapsed)
            suite_count = _count(out)
            elapsed, out = _timed(bare_cmd, bare)
            bare_times.append(elapsed)
            bare_count = _count(out)
    suite, baseline = statistics.median(suite_times), statistics.median(bare_times)
    print(f"in-process acceptance run: {suite_count} scenarios in {suite:.2f} s (median of {args.repeat})")
    print(f"bare pytest-bdd baseline:  {bare_count} scenarios in {baseline:.2f} s (median of {args.repeat})")
    print(f"ratio: {suite / baseline:.2f}x (target: at most 1.5x)")
    if suite_count != bare_count:
        print(f"warning: scenario counts differ ({suite_count} vs {bare_count})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
