"""`mfa-conformance compare A B`: a clean run against a run of the broken simulator names the
requirement that newly fails, first; and any difference in harness version, catalogue or positions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.report.runs import Run, run_harness


def test_a_broken_release_names_the_requirement_that_newly_fails(clean_run: Run, broken_run: Run) -> None:
    done = run_harness("compare", str(clean_run.directory), str(broken_run.directory))
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    first = lines.index("Requirements whose outcome changed: 3")
    assert [line.split()[:6] for line in lines[first + 1:first + 4]] == [
        ["newly", "failing", "ENR-03", "documented", "passed", "→"],
        ["newly", "failing", "ENR-04", "documented", "passed", "→"],
        ["newly", "failing", "ENR-11", "inferred", "passed", "→"]]
    assert "Scenarios whose outcome changed: 2" in lines
    assert "fails at: Then Erin's own MFA status shows the device \"Erin's phone\"" in done.stdout
    assert "Harness version: the same" in done.stdout and "Catalogue: the same" in done.stdout
    assert "module: mfa_conformance.simulator.system.Simulator → tests.report.broken.BrokenSimulator" in done.stdout
    assert lines[-1] == "Newly failing in B: ENR-03, ENR-04, ENR-11"


def test_compare_reads_packages_and_speaks_json(harness, clean_run: Run, broken_run: Run, tmp_path: Path) -> None:
    for run, name in ((clean_run, "clean.zip"), (broken_run, "broken.zip")):
        assert harness("package", str(run.directory), "-o", str(tmp_path / name)).returncode == 0
    done = harness("compare", str(tmp_path / "clean.zip"), str(tmp_path / "broken.zip"), "--json")
    assert done.returncode == 1
    comparison = json.loads(done.stdout)
    assert comparison["newly_failing"] == ["ENR-03", "ENR-04", "ENR-11"]
    assert comparison["a"]["kind"] == "package" and comparison["b"]["verdict"] == "not conformant"
    first = comparison["requirements"][0]
    assert (first["id"], first["a"], first["b"], first["change"]) == ("ENR-03", "passed", "failed", "newly failing")
    assert {s["name"] for s in comparison["scenarios"]} == {"Erin sets up MFA on her phone", "The device must be named"}
    assert comparison["harness_version"] is None and comparison["positions"] is None
    assert comparison["catalogue"] == {"added": [], "removed": [], "changed": {}, "sources": {}}
    done = harness("compare", str(tmp_path / "broken.zip"), str(clean_run.directory))
    assert done.returncode == 0
    assert "no longer failing ENR-04" in done.stdout and done.stdout.rstrip().endswith("Nothing newly fails in B.")


def doctored(run: Run, tmp_path: Path, change) -> Path:
    directory = tmp_path / "doctored"
    shutil.copytree(run.directory, directory)
    results = json.loads((directory / "results.json").read_text())
    change(results)
    (directory / "results.json").write_text(json.dumps(results))
    return directory


def test_a_new_harness_catalogue_or_position_is_named(harness, clean_run: Run, tmp_path: Path) -> None:
    def next_release(results: dict) -> None:
        results["run"]["tool_version"] = "0.2.0"
        results["run"]["sources"]["how-to"] = "0" * 64
        [entry] = [r for r in results["catalogue"] if r["id"] == "MGT-20"]
        entry["position"] = "It is not: letter case is ignored."
        results["catalogue"] = [r for r in results["catalogue"] if r["id"] != "SAF-22"]
        results["positions"]["username_search"] = "case-insensitive"

    done = harness("compare", str(clean_run.directory), str(doctored(clean_run, tmp_path, next_release)), "--json")
    assert done.returncode == 0, done.stderr
    comparison = json.loads(done.stdout)
    assert comparison["harness_version"] == {"a": "0.1.0", "b": "0.2.0"}
    catalogue = comparison["catalogue"]
    assert catalogue["removed"] == ["SAF-22"] and catalogue["changed"] == {"MGT-20": ["position"]}
    assert catalogue["sources"]["how-to"]["b"] == "0" * 64
    assert comparison["positions"] == {"username_search": {"a": "case-sensitive", "b": "case-insensitive"}}
    done = harness("compare", str(clean_run.directory), str(tmp_path / "doctored"))
    assert "Harness version: 0.1.0 → 0.2.0" in done.stdout and "MGT-20 changed: position" in done.stdout
    assert "entries removed: SAF-22" in done.stdout and "  username_search: case-sensitive → case-insensitive" in done.stdout


def test_bad_input_is_one_line(harness, clean_run: Run, broken_run: Run, tmp_path: Path) -> None:
    done = harness("compare", str(clean_run.directory), str(tmp_path))
    assert done.returncode == 4 and done.stderr.count("\n") == 1 and "results.json: no such file" in done.stderr
    assert harness("package", str(broken_run.directory), "-o", str(tmp_path / "p.zip")).returncode == 0
    data = bytearray((tmp_path / "p.zip").read_bytes())
    data[len(data) // 2] ^= 1
    (tmp_path / "p.zip").write_bytes(bytes(data))
    done = harness("compare", str(clean_run.directory), str(tmp_path / "p.zip"))
    assert done.returncode == 4 and "a package that does not verify" in done.stderr
    assert harness("compare", str(clean_run.directory)).returncode == 2
