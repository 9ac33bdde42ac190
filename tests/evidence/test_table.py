"""`mfa-conformance table`: three packages of small real runs (the reference simulator, a simulator whose
Reset MFA leaves the device, and a run of a few requirements) in one page, read in Chromium; a tampered
package refused before anything is written."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from mfa_conformance.requirements.catalogue import KINDS, Requirement, load_catalogue
from mfa_conformance.evidence.archive import canonical_zip, read_archive
from mfa_conformance.evidence.package import build_package, write_package
from mfa_conformance.evidence.table import cell
from mfa_conformance.report.model import RequirementSummary, ScenarioResult
from tests.report.runs import Run, run_harness, run_suite

CHROMIUM = shutil.which("chromium-headless-shell") or shutil.which("chromium")
MUTANT = "tests.mutants:reset_keeps_the_device"
SELECTION = "SGN-05 or SEC-01"


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three packages, signed by one key, as a CI job would sign its runs."""
    where = tmp_path_factory.mktemp("table")
    runs: list[tuple[str, Run]] = [
        ("reference", run_suite(where / "reference")),
        ("mutant", run_suite(where / "mutant", "--sut", MUTANT)),
        ("selection", run_suite(where / "selection", "-m", SELECTION)),
    ]
    assert [run.code for _, run in runs] == [0, 1, 0], [run.output[-1500:] for _, run in runs]
    key = ed25519.Ed25519PrivateKey.generate()
    paths = []
    for name, run in runs:
        path = where / f"{name}.zip"
        write_package(build_package(run.directory, key), path)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def table(packages: list[Path]) -> Path:
    page = packages[0].parent / "out" / "table.html"
    done = run_harness("table", *map(str, packages), "-o", str(page))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"table: {page} (3 products, {len(load_catalogue())} requirements); the same as "
                                  f"JSON in {page.with_suffix('.json')}")
    return page


def outcomes(table: dict, requirement: str) -> list[str]:
    (row,) = [row for row in table["rows"] if row["id"] == requirement]
    return [c["outcome"] for c in row["cells"]]


def test_the_json_has_a_row_per_requirement_and_a_column_per_product(table: Path, packages: list[Path]) -> None:
    data = json.loads(table.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["format"] == "mfa-conformance-table/1"
    assert [row["id"] for row in data["rows"]].count("MGT-05") == 1
    assert {row["id"] for row in data["rows"]} == set(load_catalogue())
    kinds = [row["kind"] for row in data["rows"]]
    assert kinds == sorted(kinds, key=KINDS.index)  # grouped by kind, the how-to's first
    products = data["products"]
    assert [p["where"] for p in products] == ["mfa_conformance.simulator.system.Simulator",
                                              "tests.mutants.ResetKeepsTheDevice",
                                              "mfa_conformance.simulator.system.Simulator"]
    assert [p["verdict"] for p in products] == ["conformant", "not conformant", "incomplete"]
    assert [p["attestation"] for p in products] == ["PASSED", "FAILED", "WARNED"]
    assert len({p["signer"] for p in products}) == 1 and products[0]["signer"].startswith("sha256:")
    assert [p["package"] for p in products] == [str(p) for p in packages]
    assert outcomes(data, "MGT-05") == ["passed", "failed", "not run"]
    assert outcomes(data, "REC-04") == ["passed", "could not start", "not run"]  # its Given step resets MFA
    assert outcomes(data, "SGN-05") == ["passed", "passed", "passed"]
    (row,) = [row for row in data["rows"] if row["id"] == "SGN-06"]
    assert row["cells"][0]["positions"][0] == {"name": "lockout_after", "value": 5,
                                               "declared by": "the reference default", "declared": False}
    assert row["cells"][2]["positions"] == []  # not run: no position applies
    (row,) = [row for row in data["rows"] if row["id"] == "REC-04"]
    assert row["cells"][1]["reason"].startswith("could not start: ")


def _scenario(status: str, message: str = "") -> ScenarioResult:
    return ScenarioResult(id=f"s-{status}-{message[:5]}", anchor="a", feature="F", feature_file="f.feature", rule=None,
                          keyword="Scenario", name="n", line=1, example=None, tags=["SGN-06"], steps=[], status=status,
                          message=message)


@pytest.mark.parametrize(("statuses", "expected", "partly"), [
    ([("skipped", "cannot tell: the screen showed neither")], "cannot tell", False),
    ([("skipped", "could not start: Given ..."), ("skipped", "cannot tell: ...")], "could not start", False),
    ([("skipped", "the product has no IP safelist")], "skipped", False),
    ([("passed", ""), ("skipped", "cannot tell: ...")], "passed", True),
    ([("passed", ""), ("not applicable", "not applicable: lockout_after is 10")], "passed", False),
    ([("not applicable", "not applicable: ...")], "not applicable", False),
    ([("failed", "AssertionError: x"), ("skipped", "could not start: y")], "failed", False),
])
def test_a_cell_tells_skips_apart_from_failures(statuses: list[tuple[str, str]], expected: str, partly: bool) -> None:
    requirement = Requirement(id="SGN-06", kind="inferred", source="s", statement="t", positions=("lockout_after",))
    summary = RequirementSummary(requirement, "?", [_scenario(status, message) for status, message in statuses])
    results = SimpleNamespace(positions={"lockout_after": 10}, position_sources={"lockout_after": "the profile"})
    made = cell(summary, results)
    assert (made.outcome, made.partly) == (expected, partly)
    assert made.positions == [{"name": "lockout_after", "value": 10, "declared by": "the profile", "declared": True}]
    if expected != "passed" or partly:
        assert made.reason


def _tampered(package: Path, target: Path) -> Path:
    """One byte of the results changed, every zip checksum made good again."""
    members = read_archive(package.read_bytes())
    data = members["reports/results.json"]
    members["reports/results.json"] = data[:100] + bytes([data[100] ^ 0x01]) + data[101:]
    target.write_bytes(canonical_zip(members)[0])
    return target


def test_a_tampered_package_is_refused_naming_it_and_nothing_is_written(packages: list[Path], tmp_path: Path) -> None:
    forged = _tampered(packages[1], tmp_path / "forged.zip")
    out = tmp_path / "out" / "table.html"
    done = run_harness("table", str(packages[0]), str(forged), "-o", str(out))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"mfa-conformance table: {forged} does not verify: reports/results.json: its SHA-256 "
                                  f"differs from the signed manifest's")
    assert not (tmp_path / "out").exists()
    done = run_harness("table", str(packages[0]), str(tmp_path / "absent.zip"), "-o", str(out))
    assert done.returncode == 4 and done.stderr == f"mfa-conformance table: {tmp_path / 'absent.zip'}: no such file\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install -y chromium)")
def test_the_page_shows_each_cell_in_chromium(table: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(table.as_uri())
            heads = page.locator("thead th.product")
            expect(heads).to_have_count(3)
            expect(heads.nth(1)).to_contain_text("tests.mutants.ResetKeepsTheDevice")
            expect(heads.nth(1)).to_contain_text("not conformant")
            expect(heads.nth(2)).to_contain_text("incomplete")
            expect(heads.nth(0).locator(".signer")).to_have_attribute("title", re.compile(r"^sha256:[0-9a-f]{64}$"))
            expect(heads.nth(0)).to_contain_text("version not stated")
            expect(page.locator("tbody.kind")).to_have_count(len(KINDS))
            expect(page.locator("tbody.kind[data-kind=documented] th.capability").first).to_be_visible()
            for requirement, product, text in (("MGT-05", 2, "✘ failed"), ("REC-04", 2, "⊘ could not start"),
                                               ("REC-04", 1, "✔ passed"), ("ENR-01", 3, "· not run"),
                                               ("SGN-05", 3, "✔ passed")):
                target = page.locator(f'#req-{requirement} td[data-product="{product}"]')
                target.scroll_into_view_if_needed()
                expect(target).to_be_visible()
                expect(target.locator(".outcome")).to_have_text(text)
            cell_ = page.locator('#req-SGN-06 td[data-product="1"]')
            cell_.scroll_into_view_if_needed()
            expect(cell_).to_contain_text("lockout_after = 5 (the reference default)")
            expect(page.locator('#req-REC-04 td[data-product="2"]')).to_have_attribute(
                "title", "could not start: Given Dana resets Erin's MFA: Dana's Reset MFA left Erin enrolled: the "
                         "product still asks her for a code (MGT-05)")
            assert page.locator("td.cell").count() == 3 * len(load_catalogue())
        finally:
            browser.close()
    assert [url for url in requests if not url.startswith("file:")] == []
