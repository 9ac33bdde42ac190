"""Runs the suite without seeding (`--sut provisioned`) in shuffled scenario orders.

Without seeding, each scenario starts from what the ones before it left, as the
harness's ledger of accounts believes it. Under pytest-xdist a worker's order is
not the file's, so that belief must hold in any order: against the reference
simulator, which conforms, any order must give the file order's outcomes. This
lists the scenarios that failed or could not start in some order, with the seeds
that reproduce them (each seed is one order). A finding tool, not a test: it
reports and exits 0.

    python scripts/order_check.py [--orders 40] [--first-seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SHUFFLE_PLUGIN = '''
import random

SEED = {seed}


def pytest_collection_modifyitems(session, config, items):
    random.Random(SEED).shuffle(items)
'''


def _run(seed: int, folder: Path) -> list[dict]:
    plugin = folder / f"shuffled_order_{seed}.py"
    plugin.write_text(SHUFFLE_PLUGIN.format(seed=seed), encoding="utf-8")
    reports = folder / f"reports-{seed}"
    subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "run", "--sut", "provisioned", "-p", plugin.stem,
                    "--report-dir", str(reports)], cwd=REPO, capture_output=True, text=True, timeout=600,
                   env={**os.environ, "PYTHONPATH": str(folder)})
    results = reports / "results.json"
    return json.loads(results.read_text(encoding="utf-8"))["scenarios"] if results.is_file() else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--first-seed", type=int, default=1)
    args = parser.parse_args()
    found: dict[tuple[str, str], list[int]] = defaultdict(list)
    clean = 0
    with tempfile.TemporaryDirectory() as scratch:
        for seed in range(args.first_seed, args.first_seed + args.orders):
            bad = [s for s in _run(seed, Path(scratch)) if s["status"] == "failed"
                   or (s["status"] == "skipped" and s["message"].startswith("could not start"))]
            clean += not bad
            for scenario in bad:
                found[(scenario["name"], scenario["message"].splitlines()[0][:160])].append(seed)
    print(f"{clean} of {args.orders} orders gave no failure and no scenario that could not start")
    for (name, message), seeds in sorted(found.items(), key=lambda item: -len(item[1])):
        print(f"{len(seeds):3d} orders  {name}\n            {message}\n            seeds {seeds[:8]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
