"""A product nobody here has seen, checked with a profile and no code.

Clinicware's screens differ from the reference app's (see its package
docstring). A selection of scenarios covering enrollment, sign-in with a code,
the forced setup screen, user management and reset, vendor support's reset and
a refusal pair the product words alike passes (listing a device name User
Settings do not show as unchecked), or is skipped with the missing profile key
named: none fails. A wrong locator in its profile fails the
scenario that needs it with one line naming the key and the page.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..served import run_cli
from .served import PROFILE, ServedClinicware

pytestmark = pytest.mark.browser

PASSES = [
    "Erin opens the MFA Configuration page though her practice does not require MFA",  # apps as text, QR at once
    "Erin sets up MFA on her phone",                            # and is asked for a code at the next sign-in
    "The device must be named",                                 # a refusal with a pattern
    "Erin is made to set up MFA at her next sign-in",           # the forced setup screen, [forced_setup]
    "Erin signs in with the code from her phone",
    "Dana lists the MFA status of her practice's users",        # no device or role columns
    "Dana resets Erin's MFA",
    "Dana loses her phone and vendor support resets her MFA",   # a staff login and a password
    "Dana cannot reset her own MFA",                            # told apart from UnknownUser by its pattern
]
UNCHECKED = {
    # Then the device's name, which User Settings do not show: the scenario passes on Dana's status.
    "Dana cannot reset her own MFA": [
        "Dana's device name in User Settings: the system under test does not show device names in User Settings: "
        "its profile names no user_settings.device_column"],
}
SKIPS = {
    # A wrong code and a locked code entry read alike, and the profile has a pattern for neither.
    "A wrong code does not complete the setup": "the profile gives no pattern for its message (refusals.CodeRejected)",
    "As many wrong codes in a row as lock code entry lock Erin's code entry":
        "the profile gives no pattern for its message (refusals.CodeRejected)",
}


@pytest.fixture(scope="module")
def staff() -> dict[str, str]:
    return {"CLINICWARE_SUPPORT_LOGIN": f"staff.{secrets.token_hex(3)}",
            "CLINICWARE_SUPPORT_PASSWORD": secrets.token_urlsafe(18)}


@pytest.fixture(scope="module")
def clinicware(tmp_path_factory: pytest.TempPathFactory, staff: dict[str, str]) -> Iterator[ServedClinicware]:
    log = tmp_path_factory.mktemp("clinicware") / "server.log"
    with ServedClinicware(log, staff_login=staff["CLINICWARE_SUPPORT_LOGIN"],
                          staff_password=staff["CLINICWARE_SUPPORT_PASSWORD"]) as app:
        yield app


def _run(url: str, profile: Path, reports: Path, scenarios: list[str], env: dict[str, str]):
    selection = [option for name in scenarios for option in ("--scenario", name)]
    done = run_cli("run", "--sut", "browser", "--base-url", url, "--profile", str(profile), "--report-dir",
                   str(reports), "-p", "no:randomly", *selection, env=env, timeout=300)
    results = json.loads((reports / "results.json").read_text(encoding="utf-8"))
    return done, {s["name"]: (s["status"], s["message"], s["unchecked"]) for s in results["scenarios"]}


def test_clinicware_passes_or_skips_naming_the_missing_key_with_its_profile(clinicware, staff, chromium, tmp_path):
    done, outcomes = _run(clinicware.url, PROFILE, tmp_path / "reports", [*PASSES, *SKIPS], staff)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert {name: status for name, (status, _, _) in outcomes.items()} == \
        {**{name: "passed" for name in PASSES}, **{name: "skipped" for name in SKIPS}}, done.stdout[-3000:]
    assert {name: unchecked for name, (_, _, unchecked) in outcomes.items() if unchecked} == UNCHECKED
    for name, reason in SKIPS.items():
        assert outcomes[name][1].endswith(reason), outcomes[name][1]
    assert "We couldn't complete that" in outcomes["A wrong code does not complete the setup"][1]  # its own words
    written = done.stdout + done.stderr + "".join(p.read_text("utf-8", "replace")
                                                  for p in (tmp_path / "reports").rglob("*.json"))
    assert staff["CLINICWARE_SUPPORT_PASSWORD"] not in written


WRONG = """\
[mfa_configuration]
suggested_apps = { role = "list", name = "Suggested apps" }
[forced_setup]
save = { role = "button", name = "Save phone" }
"""


def test_a_wrong_locator_in_its_profile_is_one_line_naming_the_key_and_the_page(clinicware, staff, chromium,
                                                                                 tmp_path):
    profile = tmp_path / "wrong.toml"
    profile.write_text(f'extends = "{PROFILE}"\n{WRONG}', encoding="utf-8")
    done, outcomes = _run(clinicware.url, profile, tmp_path / "reports", PASSES[:1] + PASSES[3:4], staff)
    assert done.returncode == 1, done.stdout[-3000:]
    expected = {
        PASSES[0]: "profile key mfa_configuration.suggested_apps (role='list', name='Suggested apps') finds nothing "
                   "on /account/security/authenticator",
        PASSES[3]: "profile key forced_setup.save (role='button', name='Save phone') finds nothing on "
                   "/welcome/protect",
    }
    for name, line in expected.items():
        status, message, _ = outcomes[name]
        assert status == "failed" and message.endswith(line) and "\n" not in message, message
        assert line in done.stdout
