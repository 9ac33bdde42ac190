"""State seeding (issue 19): a Given step sets the device, enforcement or safelist
directly only where the system can, the product has the feature, and the scenario
checks no requirement of that area; and it changes no scenario's outcome."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mfa_conformance.driver import Capability, Feature
from mfa_conformance.driver.inprocess import InProcessSystem
from mfa_conformance.steps.cast import Cast

from .walked import WalkedSimulator

REPO = Path(__file__).resolve().parent.parent


class _NoEnforcement(InProcessSystem):
    lacks = frozenset({Feature.ENFORCEMENT})


@pytest.mark.parametrize("system, about, area, feature, seeds", [
    (InProcessSystem, {"SGN-01"}, "ENR", None, True),
    (InProcessSystem, {"SGN-01", "ENR-20"}, "ENR", None, False),  # the scenario is about enrolling: walk
    (InProcessSystem, {"ENR-20", "position:devices_per_user=one"}, "ENF", Feature.ENFORCEMENT, True),
    (WalkedSimulator, set(), "ENR", None, False),  # the system cannot
    (_NoEnforcement, {"DIS-01"}, "ENF", Feature.ENFORCEMENT, False),  # the walk meets the absence, as it must
])
def test_a_given_step_seeds_only_what_its_scenario_is_not_about(system, about, area, feature, seeds):
    assert Cast(system(), about=frozenset(about)).seeds(area, feature) is seeds


def test_a_seeded_device_signs_in_with_the_phone_that_took_its_key():
    system = InProcessSystem()
    cast = Cast(system, about=frozenset({"SGN-01"}))
    cast.add_practice("Riverside Clinic", mfa_available=True)
    erin = cast.add_person("Erin", "Riverside Clinic", account_holder=False)
    erin.seed_device()
    assert erin.enrolled_with is erin.phone and erin.device_name == "Erin's phone"
    session = erin.sign_in()
    assert session.stage.value == "code required"
    erin.enter_code()
    assert erin.session is not None and erin.session.stage.value == "signed in"
    assert "secret" not in repr(erin.phone)


def _outcomes(tmp_path: Path, sut: str) -> dict[str, str]:
    path = tmp_path / f"{sut.replace(':', '_')}.json"
    done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "run", "--sut", sut,
                           "--report-dir", str(tmp_path / sut.replace(":", "_")),
                           "-p", "tests.scenario_outcomes", "--scenario-outcomes", str(path)],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:]
    return {f"{o['feature']}: {o['scenario']}": o["outcome"] for o in json.loads(path.read_text(encoding="utf-8"))}


def test_seeding_the_givens_changes_no_outcome(tmp_path: Path):
    seeded, walked = _outcomes(tmp_path, "simulator"), _outcomes(tmp_path, "tests.walked:reference")
    assert Capability.STATE_SEEDING in InProcessSystem().capabilities
    assert seeded == walked and len(seeded) > 90
