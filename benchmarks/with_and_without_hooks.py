"""The whole suite through the browser against the reference app served with its
test hooks and served without them, in one run on one machine.

Without hooks the app serves the staging accounts from their file (real clock, no
seeding, vendor support behind a password) and the harness brings each scenario's
accounts to its starting state through the documented actions. Waiting costs no
CPU, so the hookless run uses more workers than cores (profiles/staging.toml has a
cast for each of four): one scenario's wait overlaps another's work. Prints, for
both: wall time, passed / failed / skipped, and where the workers' time went
(waiting on the clock for a fresh time step or for time to pass, waiting on the
product's rate limits, and the rest: the browser's and the product's work), with
the load average. Targets (issue 19): without hooks within 2x the wall time with
hooks, at most 10 scenarios skipped; the hooked run under 60 s. A benchmark, not a
test: it reports, it never fails on time.

    python benchmarks/with_and_without_hooks.py [--workers 2] [--hookless-workers 4]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"^scenarios: (\d+) passed, (\d+) failed, (\d+) skipped$", re.MULTILINE)


def _serve(folder: Path, options: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "mfa_conformance.cli", "serve", "--port", "0",
               "--db", str(folder / "state.sqlite3"), *options]
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(server.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout=30)
    found = re.match(r"^mfa-conformance serve: (http://\S+?)/? ", first[0]) if first else None
    if found is None:
        server.kill()
        sys.exit("with_and_without_hooks: the web app did not start")
    return server, found.group(1)


def _measure(label: str, options: list[str], profile: list[str], workers: int, env: dict[str, str]) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        server, url = _serve(Path(folder), options, env)
        try:
            start = time.perf_counter()
            outcomes = Path(folder) / "outcomes.json"
            done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "run", "--sut", "browser",
                                   "--base-url", url, *profile, "-n", str(workers),
                                   "--report-dir", str(Path(folder) / "reports"),
                                   "-p", "tests.scenario_outcomes", "--scenario-outcomes", str(outcomes)],
                                  cwd=REPO, capture_output=True, text=True, env=env)
            wall = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=30)
        scenarios = json.loads(outcomes.read_text(encoding="utf-8")) if outcomes.exists() else []
        waits = [w for s in scenarios for w in s.get("mfa_waits", {}).get("waits", [])]
    load = os.getloadavg()[0]
    found = SUMMARY.search(done.stdout)
    passed, failed, skipped = map(int, found.groups()) if found else (0, 0, 0)
    limited = sum(seconds for _, seconds, why in waits if "rate limit" in why)
    clock = sum(seconds for _, seconds, why in waits if "rate limit" not in why)
    failures = [line.strip() for line in done.stdout.splitlines() if "✘" in line or "failed at:" in line]
    return {"label": label, "wall": wall, "workers": workers, "passed": passed, "failed": failed,
            "skipped": skipped, "clock": clock, "limited": limited, "load": load, "exit": done.returncode,
            "failures": failures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="workers of the hooked run (default 2)")
    parser.add_argument("--hookless-workers", type=int, default=4,
                        help="workers of the run without hooks (default 4: one per cast of profiles/staging.toml)")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MFA_")}
    hooked = _measure("with test hooks", ["--test-hooks"], [], args.workers, env)
    # Only the staging deployment puts vendor support behind a password (the hooked one's console is open).
    staging_env = {**env, "MFA_STAGING_PASSWORD": secrets.token_urlsafe(18),
                   "MFA_SUPPORT_PASSWORD": secrets.token_urlsafe(18)}
    staging = _measure("without test hooks", ["--accounts", str(REPO / "profiles" / "staging-accounts.toml")],
                       ["--profile", str(REPO / "profiles" / "staging.toml")], args.hookless_workers, staging_env)
    for row in (hooked, staging):
        spent = row["wall"] * row["workers"] or 1.0
        work = max(0.0, spent - row["clock"] - row["limited"])
        print(f"{row['label']:<20} {row['wall']:7.1f} s wall, -n {row['workers']}, load average {row['load']:.1f}   "
              f"{row['passed']} passed, {row['failed']} failed, {row['skipped']} skipped   exit {row['exit']}")
        print(f"{'':<20} workers' time {spent:.0f} s: waiting on the clock {row['clock']:.0f} s "
              f"({row['clock'] / spent:.0%}), on rate limits {row['limited']:.0f} s ({row['limited'] / spent:.0%}), "
              f"browser and product work {work:.0f} s ({work / spent:.0%})")
        for line in row["failures"]:
            print(f"    {line}")
    ratio = staging["wall"] / hooked["wall"] if hooked["wall"] else float("inf")
    print(f"without / with hooks: {ratio:.1f}x (target 2x); skipped without hooks: {staging['skipped']} (target ≤ 10); "
          f"hooked run {hooked['wall']:.0f} s (target 60 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
