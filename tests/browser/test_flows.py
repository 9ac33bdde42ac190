"""Documented actions as flows: a profile's [flows] read and checked whole, and the
reference web app checked through flows alone (the single locators they replace
set to false), so the flows are what passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from mfa_conformance.driver import Feature
from mfa_conformance.driver.browser.profile import DEFAULT_PROFILE, ProfileError, load_profile

from .served import REPO, run_cli

FLOWS_PROFILE = REPO / "tests" / "browser" / "flows" / "profile.toml"
SUBSET = "ENR-04 or SGN-05 or MGT-05 or MGT-03 or MGT-01 or REC-05 or ENF-01 or SAF-01"
"""Scenarios that between them sign in, answer codes, set up MFA, reset a user from User
Settings, reset an account holder from the support console, enforce and write the safelist."""


def _profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vendor.toml"
    path.write_text(f'extends = "{DEFAULT_PROFILE}"\n{text}', encoding="utf-8")
    return path


@pytest.mark.parametrize("text, named", [
    ('[flows]\nsign_inn = [{ goto = "/" }]', "unknown key 'sign_inn'"),
    ('[flows]\nsign_in = []', "flows.sign_in must be a list of steps"),
    ('[flows]\nsign_in = [{ goto = "/", click = { text = "x" } }]', "flows.sign_in[0] must give exactly one of"),
    ('[flows]\nsign_in = [{ goto = "sign-in" }]', "flows.sign_in[0].goto must be a path"),
    ('[flows]\nfind_user = [{ fill = { label = "Username" } }]', "flows.find_user[0] needs exactly one of 'with'"),
    ('[flows]\nfind_user = [{ fill = { label = "U" }, with = "secret" }]', "flows.find_user[0].with must be one of"),
    ('[flows]\nreset_mfa = [{ submit = { role = "button", name = "Reset" }, with = "user" }]',
     "'with' and 'value' go with fill or select only"),
    ('[flows]\nreset_mfa = [{ goto = "/x", new_tab = true }]', "new_tab goes with click or submit"),
    ('[flows]\nreset_mfa = [{ submit = { role = "button", nmae = "Reset" } }]', "unknown key(s) nmae"),
    ('[flows]\nreset_mfa = [{ wait = { text = "Done" }, if = "Done" }]', "flows.reset_mfa[0].if must be a locator"),
    ('[user_status]\ntable = { css = "table" }\nusername_column = "User"', "[user_status] needs flows.user_status"),
    ('[sign_in]\nusername = false', "sign_in.username cannot be false"),
])
def test_a_bad_flow_is_one_error_naming_its_key(tmp_path, text, named):
    with pytest.raises(ProfileError) as raised:
        load_profile(_profile(tmp_path, text))
    assert named in str(raised.value) and "\n" not in str(raised.value)


def test_a_flow_makes_the_locators_it_replaces_unnecessary():
    profile = load_profile(FLOWS_PROFILE)
    assert "reset_mfa" not in profile.user_settings and "reset_mfa" in profile.flows
    assert "profile_menu" not in profile.navigation and "security" not in profile.navigation
    assert [step.action for step in profile.flows["reset_mfa"]] == ["submit", "accept_dialogs", "submit"]
    assert profile.flows["open_mfa_configuration"][2].new_tab


def test_what_a_product_lacks_is_declared_false_with_what_goes_with_it(tmp_path):
    profile = load_profile(_profile(tmp_path, "[practice_security_settings]\nenforce = false\nsave_enforcement = false\n"
                                              "safelist = false\n[mfa_configuration]\ndevice_name = false\n"
                                              "suggested_apps = false\napp_choice = false\nother_app = false\n"
                                              "[screens]\nsetup_required = false\n[user_settings]\nsearch = false\n"))
    assert dict(profile.lacks) == {
        Feature.ENFORCEMENT: "practice_security_settings.enforce", Feature.SAFELIST: "practice_security_settings.safelist",
        Feature.DEVICE_NAME: "mfa_configuration.device_name", Feature.SUGGESTED_APPS: "mfa_configuration.suggested_apps",
        Feature.SETUP_SCREEN: "screens.setup_required", Feature.USER_SEARCH: "user_settings.search"}
    assert "save_enforcement" not in profile.practice_security_settings  # goes with the box
    assert not load_profile(DEFAULT_PROFILE).lacks


@pytest.mark.browser
def test_the_reference_app_passes_through_flows_alone(reference_app, chromium, tmp_path):
    done = run_cli("run", "--sut", "browser", "--base-url", reference_app.url, "--profile", str(FLOWS_PROFILE),
                   "--report-dir", str(tmp_path / "reports"), "-p", "no:randomly", "-m", SUBSET)
    assert done.returncode == 0, done.stdout[-4000:]
    assert "0 failed, 0 skipped" in done.stdout, done.stdout[-3000:]
