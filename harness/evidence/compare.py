"""`mfa-conformance compare A B [--json]`: what changed between two runs.

A vendor's regression view from one release to the next, or an auditor's check
that two packages speak of the same thing: the requirements and scenarios whose
outcome changed, newly failing first, then any difference in the harness
version, the catalogue (entries added, removed or reworded, and the SHA-256 of
the how-to, catalogue and feature files the runs recorded), the declared
positions and the system's own description. A and B are report folders or
evidence packages; a package is verified first (against the key inside it) and
one that does not verify is refused. Exit 1 when something newly fails in B.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..report.model import OUTCOMES, Results, ResultsError, load_results
from .cli import FAILED, EvidenceError, Rejected, run_command
from .verify import open_package

__all__ = ["Side", "load_side", "compare", "render", "main"]

FORMAT = "mfa-conformance-comparison/1"
ABSENT = "absent"
FAILING = ("failed", "expected failure")
CHANGE_ORDER = ("newly failing", "no longer failing", "changed", "added", "removed")


@dataclass
class Side:
    path: str
    kind: str
    """"folder" or "package"."""
    results: Results
    positions: object | None


def load_side(path: Path) -> Side:
    """A run from its report folder, or from an evidence package that verifies."""
    if path.is_dir():
        try:
            results = load_results(path)
            raw = json.loads((path / "results.json").read_text(encoding="utf-8"))
        except ResultsError as error:
            raise EvidenceError(str(error)) from None
        return Side(str(path), "folder", results, raw.get("positions"))
    try:
        package = open_package(path)
    except Rejected as error:
        raise EvidenceError(f"{path}: a package that does not verify: {error}") from None
    return Side(str(path), "package", package.results, package.raw_results.get("positions"))


def _change(a: str, b: str) -> str:
    if a == ABSENT:
        return "added"
    if b == ABSENT:
        return "removed"
    if b in FAILING and a not in FAILING:
        return "newly failing"
    if a in FAILING and b not in FAILING:
        return "no longer failing"
    return "changed"


def _ordered(changes: list[dict]) -> list[dict]:
    return sorted(changes, key=lambda c: (CHANGE_ORDER.index(c["change"]), OUTCOMES.index(c["b"])
                                          if c["b"] in OUTCOMES else len(OUTCOMES), c["id"]))


def _requirements(a: Results, b: Results) -> list[dict]:
    before = {s.requirement.id: s for s in a.requirements()}
    after = {s.requirement.id: s for s in b.requirements()}
    changes = []
    for rid in sorted(set(before) | set(after)):
        old = before[rid].outcome if rid in before else ABSENT
        new = after[rid].outcome if rid in after else ABSENT
        if old != new:
            requirement = (after.get(rid) or before[rid]).requirement
            changes.append({"id": rid, "kind": requirement.kind, "summary": requirement.summary,
                            "a": old, "b": new, "change": _change(old, new)})
    return _ordered(changes)


def _scenarios(a: Results, b: Results) -> list[dict]:
    before = {s.id: s for s in a.scenarios}
    after = {s.id: s for s in b.scenarios}
    changes = []
    for sid in sorted(set(before) | set(after)):
        old = before[sid].status if sid in before else ABSENT
        new = after[sid].status if sid in after else ABSENT
        if old != new:
            scenario = after.get(sid) or before[sid]
            entry = {"id": sid, "feature": scenario.feature, "name": scenario.name,
                     "requirements": scenario.requirements, "a": old, "b": new, "change": _change(old, new)}
            if new in FAILING and sid in after and after[sid].failing_step is not None:
                step = after[sid].steps[after[sid].failing_step]
                entry["failing_step"] = f"{step.keyword} {step.text}"
            changes.append(entry)
    return _ordered(changes)


def _keyed(a: dict, b: dict) -> dict[str, dict]:
    """Keys whose value differs, each with both values (None where absent)."""
    return {key: {"a": a.get(key), "b": b.get(key)} for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key)}


def _catalogue(a: Results, b: Results) -> dict:
    before = {r.id: asdict(r) for r in a.catalogue}
    after = {r.id: asdict(r) for r in b.catalogue}
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": {rid: sorted(k for k in before[rid] if before[rid][k] != after[rid].get(k))
                    for rid in sorted(set(before) & set(after)) if before[rid] != after[rid]},
        "sources": _keyed(a.run.sources, b.run.sources),
    }


def _positions(a: object, b: object) -> dict | None:
    if a == b:
        return None
    if isinstance(a, dict | None) and isinstance(b, dict | None):
        return _keyed(a or {}, b or {})
    return {"(all)": {"a": a, "b": b}}


def compare(a: Side, b: Side) -> dict:
    requirements = _requirements(a.results, b.results)
    scenarios = _scenarios(a.results, b.results)

    def side(s: Side) -> dict:
        run = s.results.run
        return {"path": s.path, "kind": s.kind, "verdict": s.results.verdict, "harness_version": run.tool_version,
                "started": run.started, "sut": run.sut, "system": run.system}

    versions = (a.results.run.tool_version, b.results.run.tool_version)
    return {
        "format": FORMAT, "a": side(a), "b": side(b),
        "newly_failing": [c["id"] for c in requirements if c["change"] == "newly failing"],
        "requirements": requirements,
        "scenarios": scenarios,
        "harness_version": None if versions[0] == versions[1] else {"a": versions[0], "b": versions[1]},
        "catalogue": _catalogue(a.results, b.results),
        "positions": _positions(a.positions, b.positions),
        "system": _keyed(a.results.run.system, b.results.run.system),
    }


def _both(values: dict) -> str:
    return f"{values['a'] if values['a'] is not None else '(none)'} → {values['b'] if values['b'] is not None else '(none)'}"


def render(comparison: dict) -> str:
    a, b = comparison["a"], comparison["b"]
    lines = [f"A: {a['path']} ({a['kind']}; run of {a['started']}, verdict {a['verdict']})",
             f"B: {b['path']} ({b['kind']}; run of {b['started']}, verdict {b['verdict']})", ""]
    requirements, scenarios = comparison["requirements"], comparison["scenarios"]
    lines.append(f"Requirements whose outcome changed: {len(requirements) or 'none'}")
    for c in requirements:
        lines.append(f"  {c['change']:<17} {c['id']}  {c['kind']:<11} {c['a']} → {c['b']}   {c['summary']}")
    lines.append(f"Scenarios whose outcome changed: {len(scenarios) or 'none'}")
    for c in scenarios:
        lines.append(f"  {c['change']:<17} {c['feature']}: {c['name']} ({' '.join(c['requirements'])})"
                     f"   {c['a']} → {c['b']}")
        if "failing_step" in c:
            lines.append(f"  {'':<17} fails at: {c['failing_step']}")
    version = comparison["harness_version"]
    lines.append(f"Harness version: {_both(version) if version else 'the same (' + a['harness_version'] + ')'}")
    catalogue = comparison["catalogue"]
    if not any(catalogue.values()):
        lines.append("Catalogue: the same (entries, how-to, catalogue and feature files)")
    else:
        lines.append("Catalogue: differs")
        for what in ("added", "removed"):
            if catalogue[what]:
                lines.append(f"  entries {what}: {', '.join(catalogue[what])}")
        for rid, keys in catalogue["changed"].items():
            lines.append(f"  {rid} changed: {', '.join(keys)}")
        for name, values in catalogue["sources"].items():
            lines.append(f"  SHA-256 of {name}: {_both(values)}")
    positions = comparison["positions"]
    lines.append("Declared positions: " + ("the same" if positions is None else "differ"))
    for key, values in (positions or {}).items():
        lines.append(f"  {key}: {_both(values)}")
    system = comparison["system"]
    lines.append("System description: " + ("the same" if not system else "differs"))
    for key, values in system.items():
        lines.append(f"  {key}: {_both(values)}")
    newly = comparison["newly_failing"]
    lines.extend(["", f"Newly failing in B: {', '.join(newly)}" if newly else "Nothing newly fails in B."])
    return "\n".join(lines)


def _compare(args: argparse.Namespace) -> int:
    comparison = compare(load_side(args.a), load_side(args.b))
    print(json.dumps(comparison, indent=1, ensure_ascii=False) if args.json else render(comparison))
    newly_failing_scenarios = any(c["change"] == "newly failing" for c in comparison["scenarios"])
    return FAILED if comparison["newly_failing"] or newly_failing_scenarios else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mfa-conformance compare",
                                     description="List what changed between two runs: outcomes (newly failing "
                                                 "first), harness version, catalogue, declared positions. "
                                                 "Exit status 1 when something newly fails in B.")
    parser.add_argument("a", type=Path, metavar="A", help="the earlier run: a report folder or an evidence package")
    parser.add_argument("b", type=Path, metavar="B", help="the later run: a report folder or an evidence package")
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
    return run_command(parser, argv, _compare)
