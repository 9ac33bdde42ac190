"""The whole suite through the browser with -n 2 against the reference app served
with its test hooks and served without them, in one run on one machine.

Without hooks the app serves the staging accounts from their file (real clock, no
seeding, vendor support behind a password) and the harness brings each scenario's
accounts to its starting state through the documented actions. Prints, for both:
wall time, passed / failed / skipped, and the share of time spent waiting on the
real clock (for a fresh time step, or for time to pass). Targets (issue 9): without
hooks within 3x the wall time with hooks, at most 10 scenarios skipped. A benchmark,
not a test: it reports, it never fails on time.

    python benchmarks/with_and_without_hooks.py [--workers 2]
"""

from __future__ import annotations

import argparse
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
WAITED = re.compile(r"waited (?:(\d+)m)?(\d+)s on the real clock")


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
            done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "run", "--sut", "browser",
                                   "--base-url", url, *profile, "-n", str(workers),
                                   "--report-dir", str(Path(folder) / "reports")],
                                  cwd=REPO, capture_output=True, text=True, env=env)
            wall = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=30)
    found = SUMMARY.search(done.stdout)
    passed, failed, skipped = map(int, found.groups()) if found else (0, 0, 0)
    waited = sum(int(m or 0) * 60 + int(s) for m, s in WAITED.findall(done.stdout))
    failures = [line.strip() for line in done.stdout.splitlines() if "✘" in line or "failed at:" in line]
    return {"label": label, "wall": wall, "passed": passed, "failed": failed, "skipped": skipped,
            "waited": waited, "exit": done.returncode, "failures": failures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MFA_")}
    env["MFA_STAGING_PASSWORD"] = secrets.token_urlsafe(18)
    env["MFA_SUPPORT_PASSWORD"] = secrets.token_urlsafe(18)
    hooked = _measure("with test hooks", ["--test-hooks"], [], args.workers, env)
    staging = _measure("without test hooks", ["--accounts", str(REPO / "profiles" / "staging-accounts.toml")],
                       ["--profile", str(REPO / "profiles" / "staging.toml")], args.workers, env)
    for row in (hooked, staging):
        share = row["waited"] / args.workers / row["wall"] if row["wall"] else 0.0
        print(f"{row['label']:<20} {row['wall']:7.1f} s wall   {row['passed']} passed, {row['failed']} failed, "
              f"{row['skipped']} skipped   waiting on the real clock: {row['waited']} s in all scenarios "
              f"(about {share:.0%} of the wall time per worker)   exit {row['exit']}")
        for line in row["failures"]:
            print(f"    {line}")
    ratio = staging["wall"] / hooked["wall"] if hooked["wall"] else float("inf")
    print(f"without / with hooks: {ratio:.1f}x (target 3x); skipped without hooks: {staging['skipped']} (target ≤ 10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
