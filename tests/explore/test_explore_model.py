"""The model of the how-to predicts what the requirement catalogue says.

Each test states one requirement as the model's prediction for a short history,
so a change to the model that misreads the catalogue fails here by name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from mfa_conformance.driver import errors as refused
from mfa_conformance.explore.model import HowTo
from mfa_conformance.explore.model_state import PERIOD, Code, Standing, canonical_safelist
from mfa_conformance.requirements.catalogue import load_catalogue

REPO = Path(__file__).resolve().parents[2]
NOW = 1_800_000_000.0  # a time-step boundary (divisible by 30)
STEP = int(NOW // PERIOD)


def world(*, enforced: bool = False) -> HowTo:
    model = HowTo()
    model.add_practice("Riverside")
    model.add_practice("Hillside")
    model.add_user("Dana", "dana.x", "Riverside", holder=True)
    model.add_user("Erin", "erin.x", "Riverside")
    model.add_user("Olga", "olga.x", "Hillside", holder=True)
    if enforced:
        model.sign_in("Dana", None)
        assert model.set_enforcement("Dana", True).allowed
    return model


def enrolled(model: HowTo, who: str = "Erin", key: int = 1, step: int = STEP) -> HowTo:
    model.sign_in(who, None)
    assert model.open_setup(who, key).allowed
    assert model.save_device(who, Code(key, step), f"{who}'s phone", step * PERIOD).allowed
    model.sign_out(who)
    return model


def test_the_sign_in_prompt_follows_enrollment_and_enforcement() -> None:
    model = world()
    assert model.sign_in("Erin", None).value is Standing.SIGNED_IN
    model = world(enforced=True)
    assert model.sign_in("Erin", None).value is Standing.SETUP_REQUIRED
    model = enrolled(world())
    assert model.sign_in("Erin", None).value is Standing.CODE_REQUIRED


@pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_a_code_is_accepted_one_time_step_either_side_and_no_further(offset: int, accepted: bool) -> None:
    model = enrolled(world(), step=STEP - 10)
    model.sign_in("Erin", None)
    prediction = model.submit_code("Erin", Code(1, STEP + offset), NOW)
    assert prediction.allowed is accepted
    assert "SGN-03" in prediction.rests_on


def test_the_setup_code_and_every_earlier_code_are_refused_at_sign_in() -> None:
    model = enrolled(world())
    model.sign_in("Erin", None)
    again = model.submit_code("Erin", Code(1, STEP), NOW)
    assert again.refusal is refused.CodeRejected and "SGN-05" in again.rests_on
    assert model.submit_code("Erin", Code(1, STEP - 1), NOW).refusal is refused.CodeRejected
    assert model.submit_code("Erin", Code(1, STEP + 1), NOW).allowed


def test_a_code_from_a_reset_device_is_refused() -> None:
    model = enrolled(world())
    model.sign_in("Dana", None)
    assert model.reset("Dana", "Erin").allowed
    model = enrolled(model, key=2, step=STEP + 1)
    model.sign_in("Erin", None)
    old = model.submit_code("Erin", Code(1, STEP + 2), NOW + 2 * PERIOD)
    assert old.refusal is refused.CodeRejected and {"SGN-04", "MGT-05"} <= old.rests_on


def test_the_fifth_wrong_code_in_a_row_locks_until_a_reset() -> None:
    model = enrolled(world(), step=STEP - 10)
    model.sign_in("Erin", None)
    outcomes = [model.submit_code("Erin", Code(None, STEP), NOW).refusal for _ in range(5)]
    assert outcomes == [refused.CodeRejected] * 4 + [refused.MfaLocked]
    assert model.standing("Erin") is Standing.LOCKED_OUT
    assert model.sign_in("Erin", None).refusal is refused.MfaLocked
    model.sign_in("Dana", None)
    model.reset("Dana", "Erin")
    assert model.sign_in("Erin", None).value is Standing.SIGNED_IN


def test_a_right_code_resets_the_count_of_wrong_codes() -> None:
    model = enrolled(world(), step=STEP - 10)
    model.sign_in("Erin", None)
    for _ in range(4):
        model.submit_code("Erin", Code(None, STEP), NOW)
    assert model.submit_code("Erin", Code(1, STEP), NOW).allowed
    model.sign_in("Erin", None)
    assert [model.submit_code("Erin", Code(None, STEP + 1), NOW + PERIOD).refusal for _ in range(4)] == \
        [refused.CodeRejected] * 4


def test_a_reset_ends_sessions_removes_the_device_and_is_for_others_of_the_practice_only() -> None:
    model = enrolled(world())
    model.sign_in("Erin", None)
    model.submit_code("Erin", Code(1, STEP + 1), NOW + PERIOD)
    model.sign_in("Dana", None)
    assert model.reset("Dana", "Dana").refusal is refused.SelfResetRefused
    assert model.reset("Dana", "Olga").refusal is refused.UnknownUser
    assert model.reset("Dana", "Erin").allowed
    assert model.standing("Erin") is Standing.ENDED and not model.enrolled("Erin")
    assert model.enter_application("Erin").refusal is refused.SessionEnded
    assert model.user_statuses("Erin").refusal is refused.SessionEnded


def test_only_a_signed_in_account_holder_reaches_the_settings() -> None:
    model = world()
    model.sign_in("Erin", None)
    assert model.set_enforcement("Erin", True).refusal is refused.NotAccountHolder
    assert model.user_statuses("Erin").refusal is refused.NotAccountHolder
    model = world(enforced=True)
    model.sign_in("Erin", None)
    assert model.user_statuses("Erin").refusal is refused.SetupRequired


def test_switching_enforcement_off_keeps_every_device() -> None:
    model = enrolled(world(enforced=True))
    assert model.set_enforcement("Dana", False).allowed
    assert model.sign_in("Erin", None).value is Standing.CODE_REQUIRED
    assert model.status("Erin").enrolled and "DIS-01" in model.status_rests_on("Erin")


@pytest.mark.parametrize(("query", "found"), [
    ("erin.x", "Erin"), ("erin.", None), ("rin.x", None), ("erin.xx", None), ("ERIN.X", None), ("olga.x", None),
])
def test_search_finds_only_the_full_exact_username_of_the_practice(query: str, found: str | None) -> None:
    model = world()
    model.sign_in("Dana", None)
    assert model.find_user("Dana", query).value == found


def test_a_safelist_with_a_bad_entry_is_refused_and_saves_nothing() -> None:
    model = world()
    model.sign_in("Dana", None)
    assert model.set_safelist("Dana", ["203.0.113.0/24"]).allowed
    for bad in ("10.0.0.1/24", "office network", "203.0.113.300", ""):
        prediction = model.set_safelist("Dana", ["198.51.100.0/24", bad])
        assert prediction.refusal is refused.InvalidSafelistEntry and prediction.value == bad
    assert model.safelist("Dana").value == ("203.0.113.0/24",)
    assert canonical_safelist(["2001:db8::/32", " 198.51.100.7 "]) == ("2001:db8::/32", "198.51.100.7/32")


def test_the_safelist_refuses_other_addresses_before_any_code_but_exempts_nobody_from_mfa() -> None:
    model = enrolled(world())
    model.sign_in("Dana", None)
    model.set_safelist("Dana", ["203.0.113.0/24"])
    assert model.sign_in("Erin", "198.51.100.7").refusal is refused.AddressNotAllowed
    inside = model.sign_in("Erin", "203.0.113.25")
    assert inside.value is Standing.CODE_REQUIRED and "SAF-22" in inside.rests_on
    with pytest.raises(ValueError):
        model.sign_in("Erin", None)  # the model does not guess the system's own address


def test_one_device_per_user() -> None:
    model = enrolled(world())
    model.sign_in("Erin", None)
    model.submit_code("Erin", Code(1, STEP + 1), NOW + PERIOD)
    assert model.open_setup("Erin", 2).refusal is refused.AlreadyEnrolled


def test_every_requirement_the_model_cites_is_in_the_catalogue() -> None:
    source = "".join((REPO / "explore" / name).read_text(encoding="utf-8") for name in ("model.py", "model_state.py"))
    cited = set(re.findall(r'"([A-Z]{3}-\d{2})"', source))
    assert cited, "the model cites no requirement"
    assert cited - set(load_catalogue()) == set()


def test_exploration_never_imports_the_simulator() -> None:
    """The model is a second, independent reading of the how-to; the machine uses the driver only."""
    offenders = {}
    for path in sorted((REPO / "explore").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            if any(name.startswith(("mfa_conformance.simulator", "mfa_conformance.steps", "mfa_conformance.driver.inprocess")) for name in names):
                offenders.setdefault(path.name, []).extend(names)
    assert offenders == {}


# ── Declared positions: the model predicts the declared alternative, not ours ──


def declared_world(**positions: object) -> HowTo:
    model = HowTo(positions)
    model.add_practice("Riverside")
    model.add_user("Dana", "dana.x", "Riverside", holder=True)
    model.add_user("Erin", "erin.x", "Riverside")
    return model


@pytest.mark.parametrize("limit", [1, 5, 10])
def test_the_declared_number_of_wrong_codes_locks(limit: int) -> None:
    model = enrolled(declared_world(lockout_after=limit), step=STEP - 10)
    model.sign_in("Erin", None, NOW)
    for _ in range(limit - 1):
        assert model.submit_code("Erin", Code(None, STEP), NOW).refusal is refused.CodeRejected
    assert model.submit_code("Erin", Code(None, STEP), NOW).refusal is refused.MfaLocked
    assert model.sign_in("Erin", None, NOW).refusal is refused.MfaLocked


def test_a_declared_wait_unlocks_and_the_count_starts_again() -> None:
    model = enrolled(declared_world(lockout_after=2, lockout_wait_minutes=15), step=STEP - 10)
    model.sign_in("Erin", None, NOW)
    model.submit_code("Erin", Code(None, STEP), NOW)
    assert model.submit_code("Erin", Code(None, STEP), NOW).refusal is refused.MfaLocked
    assert model.sign_in("Erin", None, NOW + 15 * 60 - 1).refusal is refused.MfaLocked
    assert model.sign_in("Erin", None, NOW + 15 * 60).value is Standing.CODE_REQUIRED
    assert model.submit_code("Erin", Code(None, STEP), NOW + 15 * 60).refusal is refused.CodeRejected


@pytest.mark.parametrize(("offset", "accepted"), [(-1, False), (0, True), (1, False)])
def test_with_no_declared_drift_only_the_current_step_is_accepted(offset: int, accepted: bool) -> None:
    model = enrolled(declared_world(drift_steps=0), step=STEP - 10)
    model.sign_in("Erin", None)
    assert model.submit_code("Erin", Code(1, STEP + offset), NOW).allowed is accepted


def test_the_other_declarable_alternatives_are_predicted() -> None:
    model = declared_world(username_search="case-insensitive", self_reset="allowed", reset_sessions="kept",
                           safelist_host_bits="normalised", devices_per_user="several")
    model.sign_in("Dana", None)
    assert model.find_user("Dana", "ERIN.X").value == "Erin"
    assert model.set_safelist("Dana", ["10.0.0.1/24"]).value == ("10.0.0.0/24",)
    assert model.set_safelist("Dana", []).allowed
    model = enrolled(model)
    model.sign_in("Erin", None)
    assert model.submit_code("Erin", Code(1, STEP + 1), NOW + PERIOD).allowed
    assert model.open_setup("Erin", 2).allowed  # several devices: a second one is offered
    assert model.save_device("Erin", Code(2, STEP + 1), "tablet", NOW + PERIOD).allowed
    assert model.status("Erin").device_name == "Erin's phone, tablet"
    assert model.reset("Dana", "Erin").allowed
    assert model.standing("Erin") is Standing.SIGNED_IN and not model.enrolled("Erin")  # the session is kept
    assert model.reset("Dana", "Dana").allowed  # her own


def test_declared_enforcement_ends_the_other_users_sessions() -> None:
    model = declared_world(enforcement_sessions="ended")
    model.sign_in("Erin", None)
    model.sign_in("Dana", None)
    assert model.set_enforcement("Dana", True).allowed
    assert model.standing("Erin") is Standing.ENDED and model.standing("Dana") is Standing.SIGNED_IN
    assert "ENF-20" in model.enter_application("Erin").rests_on
