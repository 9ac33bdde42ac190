"""Check a run against a real product's expected outcomes: every scenario that
reached a verdict before (passed, or failed on what the product did) still
reaches one. A scenario stopped by navigation (a profile key that finds
nothing, a rate limit never lifted) or newly skipped has stopped reaching a
verdict: exit 1, naming it. A verdict that changed (passed to failed or back)
is printed, not failed: it is the product's behaviour, which a later release
of the stack may change.

    python scripts/verdicts_reached.py REPORT_DIR EXPECTED.toml            # check
    python scripts/verdicts_reached.py REPORT_DIR EXPECTED.toml --write    # record this run's outcomes
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

NOT_A_VERDICT = ("ElementMissing", "RateLimited", "TimeoutError", "playwright", "profile key", "INTERNALERROR")
"""Words of a failure that says the harness could not walk the product, not what the product did."""


def outcomes(folder: Path) -> dict[str, str]:
    """Each scenario's outcome: passed, failed (a verdict), stopped (a failure that is none), skipped,
    not applicable."""
    data = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    for scenario in data["scenarios"]:
        status, message = scenario["status"], scenario.get("message") or ""
        if status == "failed" and any(word in message for word in NOT_A_VERDICT):
            status = "stopped"
        seen[scenario["id"]] = status.replace("_", " ")
    return seen


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or (len(argv) == 3 and argv[2] != "--write"):
        print(__doc__, file=sys.stderr)
        return 2
    folder, expected_file = Path(argv[0]), Path(argv[1])
    now = outcomes(folder)
    if len(argv) == 3:
        lines = ["# Expected outcomes of the suite against this real product (scripts/verdicts_reached.py).",
                 "# 'passed' and 'failed' reached a verdict; CI fails when one of them stops reaching one.",
                 "", "[scenarios]"]
        lines += [f"{json.dumps(sid)} = {json.dumps(status)}" for sid, status in sorted(now.items())]
        expected_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"verdicts_reached: wrote {len(now)} outcomes to {expected_file}")
        return 0
    if not expected_file.is_file():
        print(f"verdicts_reached: {expected_file}: no such file; record this run's with --write", file=sys.stderr)
        return 1
    expected = tomllib.loads(expected_file.read_text(encoding="utf-8"))["scenarios"]
    problems, changes = [], []
    for sid, before in sorted(expected.items()):
        after = now.get(sid, "missing")
        if before in ("passed", "failed") and after not in ("passed", "failed"):
            problems.append(f"{sid}: {before} before, now {after}")
        elif before != after:
            changes.append(f"{sid}: {before} before, now {after}")
    for line in changes:
        print(f"verdicts_reached: changed: {line}")
    for line in problems:
        print(f"verdicts_reached: no verdict: {line}", file=sys.stderr)
    reached = sum(1 for status in now.values() if status in ("passed", "failed"))
    print(f"verdicts_reached: {folder}: {reached} of {len(now)} scenarios reached a verdict "
          f"({sum(1 for s in now.values() if s == 'passed')} passed, "
          f"{sum(1 for s in now.values() if s == 'failed')} failed); {len(problems)} stopped reaching one")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
