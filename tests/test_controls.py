"""The NIST SP 800-53 controls the catalogue names: well formed, reviewed, and where they belong.

Each entry's `controls` (features/requirements.toml) must be written as NIST writes a
control, be one of the reviewed table in mfa_conformance.requirements.controls (with its Rev. 5
title), and map to the id NIST's OSCAL catalogue gives it. An entry about screens,
navigation or a reading of the how-to names none; the mapping is checked here for the
families it may draw on, so a control cannot drift onto an entry where it says nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mfa_conformance.requirements.catalogue import CatalogueError, load_catalogue
from mfa_conformance.requirements.controls import CONTROL, SP800_53, ControlError, check_control, oscal_id

CATALOGUE = load_catalogue()
NAMED = sorted({(rid, control) for rid, r in CATALOGUE.items() for control in r.controls})


@pytest.mark.parametrize(("rid", "control"), NAMED, ids=[f"{r}-{c}" for r, c in NAMED])
def test_each_named_control_is_well_formed_and_reviewed(rid: str, control: str) -> None:
    assert CONTROL.match(control), f"{rid}: {control!r} is not written as NIST writes a control"
    assert control in SP800_53, f"{rid}: {control} is not in the reviewed table"
    assert check_control(control) == control


def test_the_reviewed_table_is_well_formed_and_used() -> None:
    assert all(CONTROL.match(c) and title.strip() for c, title in SP800_53.items())
    unused = set(SP800_53) - {c for _, c in NAMED}
    assert not unused, f"controls in the table no entry names: {sorted(unused)}"


@pytest.mark.parametrize(("control", "expected"), [
    ("IA-2(1)", "ia-2.1"), ("IA-2(2)", "ia-2.2"), ("IA-2(8)", "ia-2.8"), ("AC-7", "ac-7"),
    ("AC-12", "ac-12"), ("IA-5", "ia-5"), ("SC-23(1)", "sc-23.1"),
])
def test_controls_take_the_ids_of_nists_oscal_catalogue(control: str, expected: str) -> None:
    assert oscal_id(control) == expected


@pytest.mark.parametrize("bad", ["ia-2(1)", "IA-2 (1)", "IA2(1)", "IA-2(1", "IA-02", "IA-2.1", "", "AC-7(0)"])
def test_a_control_not_written_as_nist_writes_it_is_refused(bad: str) -> None:
    with pytest.raises(ControlError):
        check_control(bad)


def test_a_control_outside_the_reviewed_table_is_refused() -> None:
    with pytest.raises(ControlError, match="not among the reviewed"):
        check_control("AC-2")


@pytest.mark.parametrize(("value", "message"), [
    ('["IA-2(9)"]', "not among the reviewed"), ('["ia-5"]', "not written as NIST"),
    ('"IA-5"', "must be a list"), ('["IA-5", "IA-5"]', "twice"),
])
def test_the_catalogue_refuses_a_bad_controls_entry(tmp_path: Path, value: str, message: str) -> None:
    path = tmp_path / "requirements.toml"
    path.write_text(f'[XYZ-01]\nkind = "documented"\nsource = "s"\nstatement = "t"\nquotes = ["q"]\n'
                    f"controls = {value}\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(path)


FAMILIES = {
    # which controls may be named on which requirement groups: the mapping's review, as data
    "ENR": {"IA-5"},
    "SGN": {"IA-2(1)", "IA-2(2)", "IA-2(8)", "IA-5", "AC-7"},
    "ENF": {"IA-2(1)", "IA-2(2)", "AC-3"},
    "DIS": set(),
    "MGT": {"IA-5", "AC-3"},
    "REC": {"IA-5", "IA-2(1)", "IA-2(2)", "AC-12"},
    "SAF": set(),
    "SEC": {"IA-2(8)", "AC-7", "AC-12", "SC-23", "SC-23(1)", "IA-5"},
}


@pytest.mark.parametrize("rid", sorted(CATALOGUE))
def test_controls_stay_within_what_their_group_can_serve(rid: str) -> None:
    allowed = FAMILIES[rid[:3]]
    assert set(CATALOGUE[rid].controls) <= allowed, \
        f"{rid} names {sorted(set(CATALOGUE[rid].controls) - allowed)}: review the mapping, then this table"


def test_the_core_mappings_hold() -> None:
    """The mappings an auditor looks for first, as the issue names them."""
    assert "AC-7" in CATALOGUE["SGN-06"].controls  # consecutive wrong codes lock
    assert "IA-2(8)" in CATALOGUE["SGN-05"].controls  # each code accepted once
    assert {"IA-2(1)", "IA-2(2)"} <= set(CATALOGUE["ENF-04"].controls)  # MFA for every account
    assert "IA-5" in CATALOGUE["MGT-05"].controls  # Reset MFA revokes the authenticator
    assert "AC-12" in CATALOGUE["REC-20"].controls  # a reset ends the sessions
    for rid in ("ENR-02", "ENF-01", "MGT-03", "DIS-20", "SAF-21"):  # screens, navigation, readings
        assert not CATALOGUE[rid].controls, rid
