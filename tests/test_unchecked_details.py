"""A scenario whose only unchecked part is a detail the product's screens do not show passes,
the detail listed as unchecked in every output.

The how-to never says where a device's name is shown again. A product that shows
it nowhere (tests/nameless.py) keeps DIS-01, the how-to's own bold NOT, and every
other scenario that checks a status beside a name: they pass, and the console,
results.json, requirements.json and report.html say which name went unchecked and
why. A real fault of the same product (its devices removed when enforcement is
switched off) still fails DIS-01, and a product that shows every name leaves
nothing unchecked. The runs are `mfa-conformance run` in subprocesses, as a
vendor types it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mfa_conformance.driver import Detail, Feature
from mfa_conformance.driver.errors import FeatureAbsent
from mfa_conformance.steps.cast import Cast, shown

from .nameless import NamelessSystem, ShowsNoDeviceNames
from .test_console_output import PROGRESS, Done, run

NAMELESS = "tests.nameless:shows_no_device_names"
FAULTY = "tests.nameless:nameless_enforcement_off_unenrolls"
DIS_01 = "Erin keeps her MFA when Dana stops enforcing it"
IN_USER_SETTINGS = ("Erin's device name in User Settings: "
                    "the system under test does not show device names in User Settings")
IN_OWN_STATUS = ("Erin's device name in her own MFA status: "
                 "the system under test does not show the device name in a user's own MFA status")
SKIPPED_WHOLE_BEFORE = {"DIS-01", "DIS-20", "REC-01", "REC-04", "ENR-03", "ENR-04", "ENR-05", "ENR-20", "MGT-21"}
"""The requirements whose scenarios a product without device names used to skip whole (issue 20 §4)."""


def _results(folder: Path) -> dict:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def _scenario(results: dict, name: str) -> dict:
    [scenario] = [s for s in results["scenarios"] if s["name"] == name]
    return scenario


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def nameless(reports: Path) -> Done:
    return run("run", "--sut", NAMELESS, "--report-dir", str(reports / "nameless"))


def test_a_product_without_device_names_passes_dis_01_listing_the_name_unchecked(nameless: Done, reports: Path):
    assert nameless.code == 0, nameless.text[-3000:]
    line = next(line for *_, mark, line in PROGRESS.findall(nameless.out) if line.startswith(DIS_01))
    assert line == f"{DIS_01}  @DIS-01"
    after = nameless.out.split(f"✔ {DIS_01}  @DIS-01\n", 1)[1].splitlines()[0]
    assert after.strip() == f"unchecked: {IN_USER_SETTINGS}"
    assert re.search(r"^verdict: CONFORMANT", nameless.out, re.MULTILINE), nameless.out[-2000:]
    assert re.search(r"^scenarios: \d+ passed, 0 failed, 0 skipped$", nameless.out, re.MULTILINE)

    results = _results(reports / "nameless")
    scenario = _scenario(results, DIS_01)
    assert (scenario["status"], scenario["unchecked"]) == ("passed", [IN_USER_SETTINGS])
    assert results["verdict"] == "conformant"
    partial = [s for s in results["scenarios"] if s["unchecked"]]
    assert {s["status"] for s in partial} == {"passed"}
    assert {tag for s in partial for tag in s["tags"]} >= SKIPPED_WHOLE_BEFORE
    assert IN_OWN_STATUS in _scenario(results, "Erin sets up MFA on her phone")["unchecked"]

    requirements = json.loads((reports / "nameless" / "requirements.json").read_text(encoding="utf-8"))
    [dis_01] = [r for r in requirements["requirements"] if r["id"] == "DIS-01"]
    assert dis_01["outcome"] == "passed"
    assert [s.get("unchecked") for s in dis_01["scenarios"] if s["name"] == DIS_01] == [[IN_USER_SETTINGS]]

    html = (reports / "nameless" / "report.html").read_text(encoding="utf-8")
    assert f'<p class="unchecked">{len(partial)} scenarios left a' in html
    assert html.count('<div class="unchecked-note">') == len(partial)
    assert IN_USER_SETTINGS.replace("'", "&#39;") in html


def test_under_xdist_the_same_details_are_listed(nameless: Done, reports: Path):
    parallel = run("run", "--sut", NAMELESS, "-n", "2", "--report-dir", str(reports / "parallel"))
    assert parallel.code == 0, parallel.text[-3000:]
    assert f"unchecked: {IN_USER_SETTINGS}" in parallel.out

    def listed(folder: str) -> dict[str, list[str]]:
        return {s["id"]: s["unchecked"] for s in _results(reports / folder)["scenarios"] if s["unchecked"]}

    assert listed("parallel") == listed("nameless") != {}


def test_the_details_survive_rendering_the_report_again(nameless: Done, reports: Path):
    again = run("report", "--from", str(reports / "nameless"), "--to", str(reports / "again"))
    assert again.code == 0, again.text[-2000:]
    html = (reports / "again" / "report.html").read_text(encoding="utf-8")
    assert '<div class="unchecked-note">' in html and IN_USER_SETTINGS.replace("'", "&#39;") in html


def test_the_same_product_that_unenrolls_on_disabling_enforcement_still_fails_dis_01(reports: Path):
    done = run("run", "--sut", FAULTY, "-m", "DIS-01", "--report-dir", str(reports / "faulty"))
    assert done.code == 1, done.text[-3000:]
    assert f"✘ Disabling enforcement: {DIS_01}  @DIS-01" in done.out
    scenario = _scenario(_results(reports / "faulty"), DIS_01)
    assert scenario["status"] == "failed" and "User Settings show Erin not enrolled" in scenario["message"]
    assert re.search(r"^verdict: NOT CONFORMANT", done.out, re.MULTILINE)


def test_the_reference_simulator_leaves_nothing_unchecked(reports: Path):
    done = run("run", "--report-dir", str(reports / "reference"))
    assert done.code == 0, done.text[-3000:]
    assert "unchecked:" not in done.out
    results = _results(reports / "reference")
    assert [s["name"] for s in results["scenarios"] if s["unchecked"]] == []
    assert 'class="unchecked' not in (reports / "reference" / "report.html").read_text(encoding="utf-8")


def test_a_detail_not_shown_is_noted_once_and_a_product_without_device_names_fails():
    nameless = Cast(NamelessSystem(make=ShowsNoDeviceNames))
    assert not shown(nameless, Detail.DEVICE_NAMES, "Erin's device name in User Settings")
    assert not shown(nameless, Detail.DEVICE_NAMES, "Erin's device name in User Settings")
    assert nameless.unchecked == [IN_USER_SETTINGS]
    showing = Cast(NamelessSystem())
    showing.system.shows = frozenset(Detail)
    assert shown(showing, Detail.OWN_DEVICE_NAME, "Erin's device name in her own MFA status")
    assert showing.unchecked == []
    lacking = Cast(NamelessSystem())
    lacking.system.lacks = frozenset({Feature.DEVICE_NAME})
    with pytest.raises(FeatureAbsent):
        shown(lacking, Detail.DEVICE_NAMES, "Erin's device name in User Settings")
    assert lacking.unchecked == []
