"""Times the whole acceptance suite through the browser against the served simulator.

Serves the reference web app (`mfa-conformance serve --test-hooks`, a fresh
database) unless --base-url names a running one, runs `mfa-conformance run
--sut browser` as a user would, and prints the total, the per-scenario figures
(from pytest's JUnit XML) and the in-process run for comparison. Target: the
whole suite in under 60 s on the 2-core machine, serial (one browser, a
cleared browser context per person and scenario). A benchmark, not a test:
it reports, it never fails on time.

    python benchmarks/browser_run.py [--workers N] [--repeat 3] [--labels FILE --profile FILE]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60.0
SUMMARY = re.compile(r"^scenarios: (\d+) passed, (\d+) failed, (\d+) skipped$", re.MULTILINE)


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MFA_")}


def _serve(folder: Path, labels: Path | None) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "mfa_conformance.cli", "serve", "--test-hooks", "--port", "0",
               "--db", str(folder / "state.sqlite3")] + (["--labels", str(labels)] if labels else [])
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=_environment())
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(server.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout=30)
    found = re.match(r"^mfa-conformance serve: (http://\S+?)/? ", first[0]) if first else None
    if found is None:
        server.kill()
        sys.exit(f"browser_run: the web app did not start: {server.stderr.read() if server.stderr else ''}")
    return server, found.group(1)


def _run(arguments: list[str], junit: Path, reports: Path) -> tuple[float, str, int]:
    command = [sys.executable, "-m", "mfa_conformance.cli", "run", *arguments, "--report-dir", str(reports),
               f"--junitxml={junit}", "-p", "no:randomly"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=_environment())
    return time.perf_counter() - start, done.stdout, done.returncode


def _per_scenario(junit: Path) -> list[tuple[float, str]]:
    """Seconds per scenario; pytest-xdist may write one scenario's phases as separate cases, so they are added."""
    seconds: dict[str, float] = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '?')}"
        seconds[name] = seconds.get(name, 0.0) + float(case.get("time", 0))
    return sorted(((t, name.rsplit("::", 1)[-1]) for name, t in seconds.items()), reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running web app (default: serve a fresh one)")
    parser.add_argument("--profile", type=Path, help="vendor profile (default: profiles/reference.toml)")
    parser.add_argument("--labels", type=Path, help="serve with these labels (with a matching --profile)")
    parser.add_argument("--workers", type=int, default=0, help="pytest-xdist workers (default: 0, serial)")
    parser.add_argument("--repeat", type=int, default=1, help="runs to make; the median total is kept")
    parser.add_argument("--trace", choices=("on", "off"), default="on", help="Playwright tracing (default: on)")
    parser.add_argument("--no-inprocess", action="store_true", help="skip the in-process run for comparison")
    parser.add_argument("--marker", help="only the scenarios of this marker expression (e.g. security)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="mfa-browser-bench-") as scratch:
        folder = Path(scratch)
        server, url = (None, args.base_url) if args.base_url else _serve(folder, args.labels)
        try:
            options = ["--sut", "browser", "--base-url", url, "--browser-trace", args.trace]
            if args.profile:
                options += ["--profile", str(args.profile.resolve())]
            if args.workers:
                options += ["-n", str(args.workers)]
            selection = ["-m", args.marker] if args.marker else []
            options += selection
            totals, cases, counts = [], [], ""
            for n in range(args.repeat):
                junit = folder / f"junit-{n}.xml"
                elapsed, stdout, code = _run(options, junit, folder / f"reports-{n}")
                summary = SUMMARY.search(stdout)
                counts = summary.group(0) if summary else "no scenario summary"
                if code != 0:
                    print(f"browser run {n + 1} exited {code} ({counts}); figures below include its failures")
                totals.append(elapsed)
                cases = _per_scenario(junit)
                print(f"browser run {n + 1}/{args.repeat}: {elapsed:.1f} s  ({counts})", flush=True)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)

        inprocess = None
        if not args.no_inprocess:
            inprocess, stdout, _ = _run(selection, folder / "junit-inprocess.xml", folder / "reports-inprocess")

    times = [t for t, _ in cases]
    total = statistics.median(totals)
    mode = f"{args.workers} workers" if args.workers else "serial, one browser"
    print(f"\nbrowser run ({mode}, trace {args.trace}): {total:.1f} s for {len(times)} scenarios "
          f"(median of {len(totals)}); target under {TARGET_SECONDS:.0f} s: {'met' if total < TARGET_SECONDS else 'NOT met'}")
    if times:
        print(f"per scenario: mean {statistics.mean(times):.2f} s, median {statistics.median(times):.2f} s, "
              f"p90 {sorted(times)[int(0.9 * (len(times) - 1))]:.2f} s, max {max(times):.2f} s, "
              f"sum {sum(times):.1f} s (the rest is start-up: browser, server, collection)")
        print("slowest:")
        for seconds, name in cases[:5]:
            print(f"  {seconds:5.2f} s  {name}")
    if inprocess is not None:
        print(f"in-process run (same scenarios, for comparison): {inprocess:.1f} s")
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
