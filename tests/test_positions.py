"""The positions catalogue and declarations: closed, typed, checked before any run.

Every interpreted entry, and every inferred entry that fixes a number, names its
positions or says why no other reading is defensible; a declaration with an
unknown name, or a value outside its set or range, is one line naming it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mfa_conformance.requirements.catalogue import load_catalogue
from mfa_conformance.requirements.positions import (
    REFERENCE, PositionsError, declaration_toml, declare, load_positions, parse_tag, read_declaration,
)

CATALOGUE = load_catalogue()
POSITIONS = load_positions()
NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|ten)\b(?!-time)", re.IGNORECASE)


def test_every_interpreted_entry_names_its_positions_or_why_it_has_none() -> None:
    lacking = [r.id for r in CATALOGUE.values() if r.kind == "interpreted" and not (r.positions or r.no_alternative)]
    assert lacking == []


def test_every_inferred_entry_that_fixes_a_number_names_its_positions_or_why_it_has_none() -> None:
    fixing = [r for r in CATALOGUE.values() if r.kind == "inferred" and NUMBER.search(r.statement)]
    assert {r.id for r in fixing} >= {"SGN-02", "SGN-03", "SGN-06"}
    assert [r.id for r in fixing if not (r.positions or r.no_alternative)] == []


def test_no_documented_requirement_is_a_position() -> None:
    assert [r.id for r in CATALOGUE.values() if r.kind == "documented" and r.positions] == []


def test_the_positions_the_issue_asks_for_are_there_with_their_alternatives() -> None:
    assert POSITIONS["lockout_after"].range == (1, 100) and POSITIONS["lockout_after"].default == 5
    assert POSITIONS["lockout_wait_minutes"].range[0] == 0 and POSITIONS["lockout_wait_minutes"].default == 0
    assert POSITIONS["drift_steps"].range == (0, 1)
    expected = {
        "username_search": {"case-sensitive", "case-insensitive"}, "self_reset": {"refused", "allowed"},
        "reset_sessions": {"ended", "kept"}, "enforcement_sessions": {"kept", "ended"},
        "safelist_host_bits": {"refused", "normalised"}, "safelist_spares_code": {"no", "yes"},
        "devices_per_user": {"one", "several"},
        "safelist_refusal": {"named", "like-wrong-password"}, "password_reset": {"none", "offered"},
    }
    assert {name: set(POSITIONS[name].alternatives) for name in expected} == expected
    assert (POSITIONS["safelist_refusal"].default, POSITIONS["password_reset"].default) == ("named", "none")


def test_the_web_app_answers_outside_the_safelist_as_the_position_allows() -> None:
    """`serve --safelist-answer` takes exactly the alternatives of safelist_refusal, the reference's first."""
    from mfa_conformance.webapp.context import SAFELIST_ANSWERS

    assert set(SAFELIST_ANSWERS) == set(POSITIONS["safelist_refusal"].alternatives)
    assert SAFELIST_ANSWERS[0] == POSITIONS["safelist_refusal"].default


def test_a_position_skip_says_in_words_what_the_system_takes() -> None:
    reason = parse_tag("position:password_reset=offered").skip_reason(declare())
    assert reason.startswith("checks the position password_reset = 'offered'; the system takes password_reset = "
                             "'none' (the reference default). The product has no password reset")


def test_each_position_belongs_to_a_catalogue_entry_that_is_not_documented() -> None:
    for position in POSITIONS.values():
        assert position.requirements, position.name
        assert all(CATALOGUE[rid].kind != "documented" for rid in position.requirements)
        assert all(position.describe(value) for value in position.alternatives)


def test_a_declaration_fills_the_rest_with_the_reference_defaults() -> None:
    declaration = declare(("--positions x.toml", {"lockout_after": 10, "self_reset": "allowed"}))
    assert declaration["lockout_after"] == 10 and declaration["reset_sessions"] == "ended"
    assert declaration.declared == {"lockout_after": 10, "self_reset": "allowed"}
    assert declaration.sources["drift_steps"] == REFERENCE
    assert declaration.differences() == {"lockout_after": 10, "self_reset": "allowed"}


@pytest.mark.parametrize(("declared", "message"), [
    ({"lockout_limit": 10}, "unknown position 'lockout_limit'"),
    ({"lockout_after": 0}, "lockout_after = 0 is outside its range, 1 to 100"),
    ({"lockout_after": 101}, "lockout_after = 101 is outside its range, 1 to 100"),
    ({"lockout_after": "10"}, "lockout_after = '10': expected a whole number from 1 to 100"),
    ({"lockout_after": True}, "expected a whole number"),
    ({"drift_steps": 2}, "drift_steps = 2 is outside its range, 0 to 1"),
    ({"self_reset": "sometimes"}, "self_reset = 'sometimes' is not one of 'refused' or 'allowed'"),
])
def test_a_bad_declaration_is_one_line_naming_it(declared: dict, message: str) -> None:
    with pytest.raises(PositionsError) as raised:
        declare(("profile vendor.toml", declared))
    assert message in str(raised.value) and str(raised.value).startswith("profile vendor.toml: ")
    assert "\n" not in str(raised.value)


def test_two_declarations_that_disagree_are_refused_and_agreeing_ones_are_not() -> None:
    assert declare(("the driver", {"lockout_after": 10}), ("--positions f", {"lockout_after": 10}))["lockout_after"] == 10
    with pytest.raises(PositionsError, match="lockout_after = 7, but the driver declares 10"):
        declare(("the driver", {"lockout_after": 10}), ("--positions f", {"lockout_after": 7}))


def test_a_positions_file_round_trips_and_a_malformed_one_is_named(tmp_path: Path) -> None:
    path = tmp_path / "positions.toml"
    path.write_text(declaration_toml({"lockout_after": 10, "self_reset": "allowed"}, {"lockout_after": "found"},
                                     ["surveyed"]), encoding="utf-8")
    assert read_declaration(path) == {"lockout_after": 10, "self_reset": "allowed"}
    path.write_text("lockout_after = 10\n", encoding="utf-8")
    with pytest.raises(PositionsError, match="unknown key 'lockout_after'"):
        read_declaration(path)
    path.write_text("[positions\n", encoding="utf-8")
    with pytest.raises(PositionsError, match="not valid TOML"):
        read_declaration(path)
    with pytest.raises(PositionsError, match="no such file"):
        read_declaration(tmp_path / "missing.toml")


def test_position_tags_name_known_positions_and_values() -> None:
    declaration = declare()
    assert parse_tag("ENR-20") is None
    assert parse_tag("position:lockout_after").applies(declaration)
    assert parse_tag("position:self_reset=refused").applies(declaration)
    assert not parse_tag("position:self_reset=allowed").applies(declaration)
    assert parse_tag("position:lockout_wait_minutes!=0").skip_reason(declaration).startswith(
        "checks the position lockout_wait_minutes other than 0; the system takes lockout_wait_minutes = 0")
    with pytest.raises(PositionsError, match="unknown position 'lockout'"):
        parse_tag("position:lockout")
    with pytest.raises(PositionsError, match="is not one of"):
        parse_tag("position:self_reset=perhaps")


def test_a_browser_profile_declares_positions_checked_when_it_loads(tmp_path: Path) -> None:
    from mfa_conformance.driver.browser.profile import ProfileError, load_profile

    profile = tmp_path / "vendor.toml"
    profile.write_text('extends = "reference"\n[positions]\nlockout_after = 10\nself_reset = "allowed"\n',
                       encoding="utf-8")
    assert dict(load_profile(profile).positions) == {"lockout_after": 10, "self_reset": "allowed"}
    profile.write_text('extends = "reference"\n[positions]\nself_reset = "yes"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"vendor.toml: \[positions\]: self_reset = 'yes' is not one of"):
        load_profile(profile)
    assert dict(load_profile(Path(__file__).parents[1] / "profiles" / "reference.toml").positions) == {}


def test_the_in_process_simulator_takes_every_declared_alternative() -> None:
    """Each position maps onto an option of the simulator, and the reference default onto its default."""
    from dataclasses import asdict

    from mfa_conformance.driver.inprocess import simulator_options
    from mfa_conformance.simulator import Options

    assert simulator_options(declare()) == Options()
    for position in POSITIONS.values():
        values = position.alternatives or range(position.range[0], position.range[1] + 1)
        options = {value: simulator_options(declare(("t", {position.name: value}))) for value in values}
        for value, taken in options.items():
            assert (taken != Options()) is (value != position.default), (position.name, value)
            changed = {k for k, v in asdict(taken).items() if v != asdict(Options())[k]}
            assert len(changed) <= 1, (position.name, value, changed)  # one position, one option
