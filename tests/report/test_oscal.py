"""`mfa-conformance export --oscal`: a run as OSCAL assessment results that compliance-trestle's models load.

From a real run's report folder and from its signed evidence package: one finding per
requirement with its status, kind, controls and positions; one observation per scenario
with its evidence, each piece a back-matter resource whose SHA-256 matches the file it
names; bad input is one line, exit 2.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

import pytest

from mfa_conformance.requirements.catalogue import load_catalogue
from mfa_conformance.requirements.controls import oscal_id
from mfa_conformance.report.oscal import NS, status_of
from tests.evidence.conftest import Done
from tests.report.runs import Run

if os.environ.get("CI"):  # CI installs the [oscal] extra (scripts/test.sh): there, a missing trestle fails
    import trestle.oscal.assessment_results as trestle_ar
else:
    trestle_ar = pytest.importorskip("trestle.oscal.assessment_results",
                                     reason="compliance-trestle is not installed: pip install -e '.[oscal]'")


@pytest.fixture
def harness(capsys: pytest.CaptureFixture[str]):
    from mfa_conformance.cli import main

    def call(*args: str) -> Done:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exit:
            code = exit.code
        out, err = capsys.readouterr()
        return Done(int(code), out, err)

    return call


def _load(path: Path):
    document = trestle_ar.AssessmentResults.oscal_read(path)
    assert document is not None
    return document


def _props(item, name: str) -> list[str]:
    return [p.value for p in item.props or () if p.name == name]


def _resources(document) -> dict[str, object]:
    return {r.uuid: r for r in document.back_matter.resources}


@pytest.fixture(scope="module")
def exported(serial_run: Run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mfa_conformance.report.export import main

    output = tmp_path_factory.mktemp("oscal") / "assessment-results.json"
    assert main(["--oscal", str(serial_run.directory), "--output", str(output)]) == 0
    return output


def test_the_export_loads_with_trestles_models_one_finding_per_requirement(exported: Path, serial_run: Run) -> None:
    document = _load(exported)
    [result] = document.results
    requirements = {r["id"]: r for r in serial_run.json("requirements.json")["requirements"]}
    findings = {f.target.target_id: f for f in result.findings}
    assert sorted(findings) == sorted(requirements) == sorted(load_catalogue())
    reasons = set()
    for rid, finding in findings.items():
        state, reason, _ = status_of(requirements[rid]["outcome"])
        assert (finding.target.status.state.value, str(getattr(finding.target.status.reason, "value",
                                                                   finding.target.status.reason))) == (state, reason)
        reasons.add(reason)
        assert finding.target.type.value == "objective-id"
        assert _props(finding, "requirement-kind") == [requirements[rid]["kind"]]
        assert _props(finding, "outcome") == [requirements[rid]["outcome"]]
        assert all(p.ns is None or str(p.ns) == NS for p in finding.props)
    assert reasons == {"pass", "fail", "other"}  # failed, passed and unchecked (skipped) requirements alike
    assert _props(findings["SEC-01"], "requirement-kind") == ["security"]
    assert _props(result, "verdict") == ["not conformant"]
    assert _props(result, "security-verdict") == [serial_run.json("results.json")["security_verdict"]]


def test_controls_and_positions_are_properties(exported: Path, serial_run: Run) -> None:
    [result] = _load(exported).results
    findings = {f.target.target_id: f for f in result.findings}
    catalogue = load_catalogue()
    for rid, finding in findings.items():
        assert _props(finding, "control") == [oscal_id(c) for c in catalogue[rid].controls]
    assert _props(findings["SGN-06"], "control") == ["ac-7"]
    assert not _props(findings["ENR-02"], "control")  # navigation serves no control
    selected = {c.control_id for s in result.reviewed_controls.control_selections for c in s.include_controls}
    assert selected == {oscal_id(c) for r in catalogue.values() for c in r.controls}
    assert {"ia-2.1", "ia-2.2", "ia-2.8", "ac-7", "ia-5", "ac-12"} <= selected
    positions = serial_run.json("results.json")["positions"]
    declared = {p.name: p.value for p in result.props if p.class_ == "declared-position"}
    assert declared == {name: str(value) for name, value in positions.items()}
    [lockout] = [p for p in findings["SGN-06"].props if p.name == "lockout_after"]
    assert lockout.value == "5" and lockout.class_ == "declared-position"


def test_one_observation_per_scenario_with_its_evidence(exported: Path, serial_run: Run) -> None:
    document = _load(exported)
    [result] = document.results
    scenarios = serial_run.json("results.json")["scenarios"]
    assert len(result.observations) == len(scenarios)
    resources = _resources(document)
    by_uuid = {o.uuid: o for o in result.observations}
    for observation, scenario in zip(result.observations, scenarios):
        assert [m.value if hasattr(m, "value") else m for m in observation.methods] == ["TEST"]
        assert observation.title == scenario["name"]
        assert set(_props(observation, "requirement")) == {t for t in scenario["tags"] if re.fullmatch(r"[A-Z]{3}-\d\d", t)}
        hrefs = [e.href for e in observation.relevant_evidence]
        assert all(h.startswith("#") and h[1:] in resources for h in hrefs)
        titles = [resources[h[1:]].title for h in hrefs]
        assert titles == ["report.html", "results.json"]
        [anchor] = [link.resource_fragment for e in observation.relevant_evidence for link in e.links or ()]
        assert anchor == scenario["anchor"]
    for finding in result.findings:  # each finding leads to the observations of its scenarios
        for related in finding.related_observations or ():
            assert finding.target.target_id in _props(by_uuid[related.observation_uuid], "requirement")


def test_every_resource_names_a_file_by_its_sha256(exported: Path) -> None:
    document = _load(exported)
    linked = [r for r in document.back_matter.resources if r.rlinks]
    assert {r.title for r in linked} == {"report.html", "results.json", "requirements.json", "cucumber.json", "junit.xml"}
    for resource in linked:
        [rlink] = resource.rlinks
        path = exported.parent / rlink.href
        assert hashlib.sha256(path.read_bytes()).hexdigest() == rlink.hashes[0].value, rlink.href
    catalogue = next(r for r in document.back_matter.resources if r.title.startswith("The requirement catalogue"))
    assert document.import_ap.href == f"#{catalogue.uuid}"


def test_the_same_run_exports_the_same_document(exported: Path, serial_run: Run, tmp_path: Path) -> None:
    from mfa_conformance.report.export import main

    again = tmp_path / "again.json"
    assert main(["--oscal", str(serial_run.directory), "-o", str(again)]) == 0

    def stable(path: Path) -> dict:
        data = json.loads(path.read_text(encoding="utf-8"))
        del data["assessment-results"]["metadata"]["last-modified"]
        return data

    first, second = stable(exported), stable(again)
    first_text = json.dumps(first).replace(str(exported.parent), "X")
    second_text = json.dumps(second).replace(str(again.parent), "X")
    assert json.loads(first_text)["assessment-results"]["uuid"] == json.loads(second_text)["assessment-results"]["uuid"]
    assert [f["uuid"] for f in first["assessment-results"]["results"][0]["findings"]] == \
        [f["uuid"] for f in second["assessment-results"]["results"][0]["findings"]]


def test_a_package_is_verified_and_its_members_referenced(serial_run: Run, tmp_path: Path, harness) -> None:
    package = tmp_path / "acme.zip"
    assert harness("package", str(serial_run.directory), "-o", str(package)).returncode == 0
    done = harness("export", "--oscal", str(package))
    assert done.returncode == 0, done.stderr
    output = tmp_path / "acme-assessment-results.json"
    assert f"oscal: {output}" in done.stdout and "verified" in done.stdout
    document = _load(output)
    resources = {r.title: r for r in document.back_matter.resources if r.rlinks}
    whole = resources["Evidence package acme.zip"].rlinks[0]
    assert whole.href == "acme.zip" and whole.hashes[0].value == hashlib.sha256(package.read_bytes()).hexdigest()
    assert resources["report.html"].rlinks[0].href == "reports/report.html"
    assert "manifest.json" in resources and "evidence.json" in resources

    tampered = tmp_path / "tampered.zip"
    data = bytearray(package.read_bytes())
    at = data.index(b"not conformant")
    data[at:at + 3] = b"NOT"
    tampered.write_bytes(bytes(data))
    refused = harness("export", "--oscal", str(tampered))
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert "does not verify" in refused.stderr and not (tmp_path / "tampered-assessment-results.json").exists()


@pytest.mark.parametrize("make", ["missing", "empty folder", "not a zip", "bad results"])
def test_bad_input_is_one_line_exit_2(make: str, tmp_path: Path, harness) -> None:
    given = tmp_path / "given"
    if make == "empty folder":
        given.mkdir()
    elif make == "not a zip":
        given.write_text("hello", encoding="utf-8")
    elif make == "bad results":
        given.mkdir()
        (given / "results.json").write_text('{"format": "something-else/9"}', encoding="utf-8")
    done = harness("export", "--oscal", str(given), "-o", str(tmp_path / "out.json"))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("mfa-conformance export: ")
    assert str(given) in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out.json").exists()


def test_without_trestle_the_export_says_how_to_install_it(serial_run: Run, tmp_path: Path, harness,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "trestle" or m.startswith("trestle.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "trestle", None)
    done = harness("export", "--oscal", str(serial_run.directory), "-o", str(tmp_path / "out.json"))
    assert done.returncode == 2
    assert "pip install 'mfa-conformance[oscal]'" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_browser_runs_screenshot_and_trace_are_evidence_of_their_scenario(serial_run: Run, tmp_path: Path,
                                                                             harness) -> None:
    """As a browser run leaves them: evidence/<scenario>/screenshot.png and trace.zip, named in results.json."""
    import shutil

    folder = tmp_path / "reports"
    shutil.copytree(serial_run.directory, folder)
    data = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    failed = next(s for s in data["scenarios"] if s["status"] == "failed")
    failed["evidence"] = {"screenshot": "evidence/x/screenshot.png", "trace": "evidence/x/trace.zip"}
    (folder / "evidence" / "x").mkdir(parents=True)
    (folder / "evidence" / "x" / "screenshot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "evidence" / "x" / "trace.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    (folder / "results.json").write_text(json.dumps(data), encoding="utf-8")
    assert harness("export", "--oscal", str(folder)).returncode == 0
    document = _load(folder / "assessment-results.json")
    resources = _resources(document)
    [observation] = [o for o in document.results[0].observations if o.title == failed["name"]
                     and "evidence/x/screenshot.png" in [resources[e.href[1:]].title for e in o.relevant_evidence]]
    linked = {resources[e.href[1:]].title: resources[e.href[1:]] for e in observation.relevant_evidence}
    assert list(linked) == ["report.html", "results.json", "evidence/x/screenshot.png", "evidence/x/trace.zip"]
    shot = linked["evidence/x/screenshot.png"].rlinks[0]
    assert shot.href == "evidence/x/screenshot.png" and shot.media_type == "image/png"
    assert shot.hashes[0].value == hashlib.sha256(b"\x89PNG\r\n\x1a\n").hexdigest()
