"""Expected failures: listed failures pass the run; expired or stale entries fail it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mfa_conformance.requirements.catalogue import load_catalogue
from mfa_conformance.report.expected import ExpectedFailuresError, load_expected_failures
from tests.report.runs import BROKEN, run_harness, run_suite

UNNAMED = "The device must be named"
WRONG_CODE = "A wrong code does not complete the setup"
SELECTION = ["-k", "the_device_must_be_named or a_wrong_code_does_not_complete"]


def write(path: Path, *entries: str) -> Path:
    path.write_text("\n".join(f"[[expected_failure]]\n{e}\n" for e in entries), encoding="utf-8")
    return path


def load(path: Path):
    return load_expected_failures(path, load_catalogue())


@pytest.mark.parametrize(("entry", "complaint"), [
    ('scenario = "x"\nreason = "r"', "gives no 'until' date"),
    ('scenario = "x"\nuntil = 2030-01-01', "gives no 'reason'"),
    ('scenario = "x"\nrequirement = "ENR-04"\nreason = "r"\nuntil = 2030-01-01', "exactly one of"),
    ('requirement = "ENR-99"\nreason = "r"\nuntil = 2030-01-01', "'ENR-99' is not a requirement"),
    ('scenario = "x"\nreason = "r"\nuntil = "next week"', "'until' must be a date"),
    ('scenario = "x"\nreason = "r"\nuntil = 2030-01-01\nticket = 4', "unknown keys ['ticket']"),
])
def test_a_bad_entry_is_refused_naming_it(tmp_path: Path, entry: str, complaint: str) -> None:
    path = write(tmp_path / "xf.toml", 'scenario = "fine"\nreason = "r"\nuntil = 2030-01-01', entry)
    with pytest.raises(ExpectedFailuresError, match="entry 2") as error:
        load(path)
    assert complaint in str(error.value) and "\n" not in str(error.value)


def test_entries_read_with_dates_either_way(tmp_path: Path) -> None:
    path = write(tmp_path / "xf.toml", 'requirement = "ENR-11"\nreason = " why "\nuntil = 2030-01-31',
                 f'scenario = "{UNNAMED}"\nreason = "r"\nuntil = "2030-02-01"')
    first, second = load(path)
    assert (first.requirement, first.reason, first.until) == ("ENR-11", "why", dt.date(2030, 1, 31))
    assert second.until == dt.date(2030, 2, 1)
    assert first.matches(UNNAMED, ["ENR-11", "inferred"]) and not first.matches(UNNAMED, ["ENR-10"])
    assert second.matches(UNNAMED, []) and not second.matches(WRONG_CODE, ["ENR-11"])
    assert not first.expired(dt.date(2030, 1, 31)) and first.expired(dt.date(2030, 2, 1))


def test_a_file_that_is_not_toml_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "xf.toml").write_text("[[expected_failure]\n")
    with pytest.raises(ExpectedFailuresError, match="not valid TOML"):
        load(tmp_path / "xf.toml")
    done = run_harness("run", "--report-dir", str(tmp_path / "r"), "--expected-failures", str(tmp_path / "xf.toml"))
    assert done.returncode == 4 and "Traceback" not in done.stderr + done.stdout
    assert "not valid TOML" in done.stderr + done.stdout
    assert not (tmp_path / "r").exists()
    done = run_harness("run", "--expected-failures", str(tmp_path / "missing.toml"))
    assert done.returncode == 4 and done.stderr.strip().endswith("missing.toml: no such file")


def test_listed_failures_are_reported_as_expected_and_the_run_exits_0_but_is_not_conformant(tmp_path: Path) -> None:
    listed = write(tmp_path / "xf.toml", 'requirement = "ENR-11"\nreason = "names come in 4.2"\nuntil = 2999-12-31')
    run = run_suite(tmp_path / "r", "--sut", BROKEN, "--expected-failures", str(listed), *SELECTION)
    assert run.code == 0, run.output[-2000:]
    results = run.json("results.json")
    assert results["verdict"] == "not conformant"  # a known bug is still a failure
    assert results["verdict_summary"] == "NOT CONFORMANT: 1 scenario failed"
    assert {s["name"]: s["status"] for s in results["scenarios"]} == {UNNAMED: "expected failure", WRONG_CODE: "passed"}
    [entry] = results["expected_failures"]
    assert entry["status"] == "expected" and len(entry["scenarios"]) == 1
    assert "expected failures: 1" in run.output
    html = (run.directory / "report.html").read_text()
    assert "names come in 4.2" in html and "Expected-failure entries that fail the run" not in html


def test_an_entry_that_now_passes_fails_the_run(tmp_path: Path) -> None:
    stale = write(tmp_path / "xf.toml", f'scenario = "{WRONG_CODE}"\nreason = "was broken"\nuntil = 2999-12-31',
                  'requirement = "ENR-11"\nreason = "names come in 4.2"\nuntil = 2999-12-31')
    run = run_suite(tmp_path / "r", "--sut", BROKEN, "--expected-failures", str(stale), *SELECTION)
    assert run.code == 1
    results = run.json("results.json")
    assert results["verdict"] == "not conformant"
    assert [e["status"] for e in results["expected_failures"]] == ["now passes", "expected"]
    assert f"expected-failure entry for scenario “{WRONG_CODE}” now passes" in run.output
    assert "Expected-failure entries that fail the run" in (run.directory / "report.html").read_text()


def test_an_expired_entry_no_longer_excuses_and_fails_the_run(tmp_path: Path) -> None:
    expired = write(tmp_path / "xf.toml", 'requirement = "ENR-11"\nreason = "names came in 4.2"\nuntil = 2001-01-01')
    run = run_suite(tmp_path / "r", "--sut", BROKEN, "--expected-failures", str(expired), *SELECTION)
    assert run.code == 1
    results = run.json("results.json")
    assert {s["name"]: s["status"] for s in results["scenarios"]} == {UNNAMED: "failed", WRONG_CODE: "passed"}
    assert results["expected_failures"][0]["status"] == "expired"
    assert "expired on 2001-01-01" in run.output
