"""Actions per second of `mfa-conformance explore`, in-process and through the browser.

In-process: explores the reference simulator with a fixed seed and budget and
divides the documented actions taken (sign in, enter a code, scan, save,
enforce, reset, ...; each one driver call checked against the model) by the
wall time, Hypothesis' generation included. Target: at least 500 actions/s on
the 2-core machine. Through the browser (--browser): serves the reference web
app on a fresh database and explores it with `--sut browser`, which drives
Debian's chromium. A benchmark, not a test: it reports, it never fails on time.

    python benchmarks/explore_speed.py [--examples 200] [--steps 100] [--seed 1] [--repeat 3]
    python benchmarks/explore_speed.py --browser [--examples 3] [--steps 30]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET = 500.0


def in_process(examples: int, steps: int, seed: int) -> tuple[int, int, float, float]:
    """(actions, sequences, wall seconds, CPU seconds) of one exploration of the simulator."""
    from mfa_conformance.driver.loading import load_system
    from mfa_conformance.explore.runner import Budget, explore

    cpu = time.process_time()
    result = explore(load_system("simulator"), Budget(seed=seed, max_examples=examples, max_steps=steps),
                     sut="simulator")
    if not result.passed:
        sys.exit(f"explore_speed: the simulator disagreed with the model: {result.first_disagreement.sequence.message if result.first_disagreement else result.error}")
    return result.actions, result.examples, result.seconds, time.process_time() - cpu


def _serve(folder: Path) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "mfa_conformance.cli", "serve", "--test-hooks", "--port", "0",
               "--db", str(folder / "state.sqlite3")]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MFA_")}
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=environment)
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(server.stdout.readline()),  # type: ignore[union-attr]
                              daemon=True)
    reader.start()
    reader.join(timeout=30)
    found = re.match(r"^mfa-conformance serve: (http://\S+?)/? ", first[0]) if first else None
    if found is None:
        server.kill()
        sys.exit("explore_speed: the web app did not start")
    return server, found.group(1)


def through_the_browser(examples: int, steps: int, seed: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="mfa-explore-bench-") as scratch:
        folder = Path(scratch)
        server, url = _serve(folder)
        try:
            environment = {k: v for k, v in os.environ.items() if not k.startswith("MFA_")}
            environment["MFA_BASE_URL"] = url
            done = subprocess.run(
                [sys.executable, "-m", "mfa_conformance.cli", "explore", "--sut", "browser", "--seed", str(seed),
                 "--max-examples", str(examples), "--max-steps", str(steps), "--report-dir", str(folder / "out")],
                cwd=REPO, capture_output=True, text=True, env=environment, timeout=3600)
        finally:
            server.terminate()
            server.wait(timeout=30)
        summary_file = folder / "out" / "exploration.json"
        if not summary_file.exists():
            sys.exit(f"explore_speed: the browser exploration did not run:\n{done.stdout}{done.stderr}")
        summary = json.loads(summary_file.read_text(encoding="utf-8"))
        summary["output"] = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=None, help="sequences per run (default 200; 3 with --browser)")
    parser.add_argument("--steps", type=int, default=None,
                        help="actions per sequence at most (default 100; 30 with --browser)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="in-process runs; the median is kept")
    parser.add_argument("--browser", action="store_true", help="explore the served web app through chromium instead")
    args = parser.parse_args(argv)

    if args.browser:
        summary = through_the_browser(args.examples or 3, args.steps or 30, args.seed)
        rate = summary["actions"] / summary["seconds"] if summary["seconds"] else 0.0  # type: ignore[operator]
        print(f"through the browser: {summary['actions']} actions in {summary['examples']} sequences, "
              f"{summary['seconds']:.1f} s: {rate:.1f} actions/s ({summary['output']})")
        return 0

    runs = []
    for n in range(args.repeat):
        actions, sequences, wall, cpu = in_process(args.examples or 200, args.steps or 100, args.seed)
        runs.append((actions / wall, actions / cpu if cpu else 0.0))
        print(f"in-process run {n + 1}/{args.repeat}: {actions} actions in {sequences} sequences, {wall:.2f} s "
              f"wall ({actions / wall:.0f} actions/s), {cpu:.2f} s CPU ({runs[-1][1]:.0f} actions/CPU-s)", flush=True)
    wall_rate = statistics.median(r for r, _ in runs)
    cpu_rate = statistics.median(r for _, r in runs)
    print(f"\nin-process: {wall_rate:.0f} actions/s (median of {len(runs)}; {cpu_rate:.0f} per CPU-second); "
          f"target {TARGET:.0f}: {'met' if wall_rate >= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
