"""Compare two runs' results.json: the same outcome for every scenario, none
failed, every skip with its reason. Exit 1 (naming the scenario) otherwise.

    python scripts/same_outcome.py reports/staging-1 reports/staging-2
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def outcomes(folder: Path) -> dict[str, tuple[str, str]]:
    data = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    return {s["id"]: (s["status"], s.get("message") or "") for s in data["scenarios"]}


def main(argv: list[str]) -> int:
    first, second = (outcomes(Path(a)) for a in argv)
    problems = [f"{sid}: {a[0]} in the first run, {b[0]} in the second"
                for sid in sorted(first) if (a := first[sid]) and (b := second.get(sid, ("missing", "")))[0] != a[0]]
    for run in (first, second):
        problems += [f"{sid}: failed: {message}" for sid, (status, message) in run.items() if status == "failed"]
        problems += [f"{sid}: skipped with no reason" for sid, (status, message) in run.items()
                     if status == "skipped" and not message.strip()]
    for line in problems:
        print(f"same_outcome: {line}", file=sys.stderr)
    counts = {status: sum(1 for s, _ in first.values() if s == status) for status in ("passed", "skipped")}
    print(f"both runs: {counts['passed']} passed, 0 failed, {counts['skipped']} skipped" if not problems
          else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
