"""Vendor profiles: checked whole when loaded, and a bad one stops the run with
one clear line before any scenario runs."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from mfa_conformance.driver.browser.evidence import REDACTED, scrub_text
from mfa_conformance.driver.browser.profile import DEFAULT_PROFILE, ProfileError, load_profile

from .conftest import RELABELLED_PROFILE
from .served import REPO, ServedApp, run_cli


def _profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vendor.toml"
    path.write_text(f'extends = "{DEFAULT_PROFILE}"\n{text}', encoding="utf-8")
    return path


def test_the_shipped_profiles_load():
    reference, relabelled = load_profile(DEFAULT_PROFILE), load_profile(RELABELLED_PROFILE)
    assert reference.user_settings.reset_mfa.name == "Reset MFA"
    assert relabelled.user_settings.reset_mfa.name == "Reset two-step"
    assert relabelled.sign_in.username.value == "User name"
    assert relabelled.paths.start == reference.paths.start  # inherited through `extends`


@pytest.mark.parametrize("text, named", [
    ('[sistem]\nname = "typo"', "unknown key 'sistem'"),
    ('[user_settings]\nreset_mfaa = { role = "button", name = "Reset" }', "unknown key 'reset_mfaa'"),
    ('[user_settings]\nreset_mfa = { role = "button", nmae = "Reset" }', "unknown key(s) nmae"),
    ('[user_settings]\nreset_mfa = { role = "button", label = "Reset" }', "exactly one of"),
    ('[user_settings]\nreset_mfa = "Reset MFA"', "user_settings.reset_mfa must be a locator table"),
    ('[refusals]\nCodeRejectd = "wrong"', "unknown key 'CodeRejectd'"),
    ('[support_console]\nfields = [{ label = "Username" }]', "support_console.fields[0] needs env"),
    ('[support_console]\nfields = [{ label = "Password", value = "hunter2" }]', "unknown key(s) value"),
    ('[support_console]\nfields = [{ label = "Username", env = "U" }]', "names both fields and password"),
    ('[support_console]\npassword = false\nopen = false\nfields = [{ label = "U", env = "U" }]',
     "support_console.fields needs open"),
    ('[mfa_configuration]\nlisted_app = { role = "listitem" }', "needs app_choice (the suggested apps are chosen"),
    ('[forced_setup]\napp_choice = false', "[forced_setup] needs app_choice"),
    ('[forced_setup]\nqr_code = false', "forced_setup.qr_code cannot be false"),
    ('[user_settings]\naccount_holder_text = false', "role_column needs account_holder_text"),
    ('[refusals]\nCodeRejected = "(unclosed"', "refusals.CodeRejected is not a valid regular expression"),
    ('[system]\ncapabilities = ["time-travel"]', "unknown capability 'time-travel'"),
    ('[system]\ntimeout_ms = "soon"', "system.timeout_ms must be int"),
    ('[paths]\nstart = "home"', "paths.start must be a path starting with '/'"),
    ('[personas.Dana]\npractice = "Riverside Clinic"\nusername = "dana"\npassword_env = "X"',
     "practice 'Riverside Clinic' is not in [practices]"),
    ('[practices."Riverside Clinic"]\nname = "Acme"\n[personas.Dana]\npractice = "Riverside Clinic"\nusername = "d"',
     "needs exactly one of 'password' or 'password_env'"),
])
def test_a_bad_profile_is_one_error_naming_the_key(tmp_path, text, named):
    with pytest.raises(ProfileError) as raised:
        load_profile(_profile(tmp_path, text))
    message = str(raised.value)
    assert named in message and "\n" not in message
    assert str(tmp_path / "vendor.toml") in message


def test_a_profile_lacking_an_element_names_it(tmp_path):
    path = tmp_path / "bare.toml"
    path.write_text('[system]\nname = "bare"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"\[paths\] lacks 'start'"):
        load_profile(path)


def test_refusal_patterns_are_optional(tmp_path):
    text = DEFAULT_PROFILE.read_text(encoding="utf-8")
    without = tmp_path / "few-messages.toml"
    without.write_text(text[:text.index("\n[refusals]")] + '[refusals]\nSelfResetRefused = "contact support"\n',
                       encoding="utf-8")
    assert dict(load_profile(without).refusals) == {"SelfResetRefused": "contact support"}
    assert "CodeRejected" not in load_profile(_profile(tmp_path, '[refusals]\nCodeRejected = false')).refusals


def test_a_product_whose_screens_differ_is_described_without_code(tmp_path):
    profile = load_profile(_profile(tmp_path, """
[mfa_configuration]                     # the QR code at once, the apps listed as plain text
app_choice = false
other_app = false
show_qr_code = false
listed_app = { role = "listitem" }
device = false
[forced_setup]
save = { role = "button", name = "Turn on" }
[user_settings]                         # no device names, no roles
device_column = false
role_column = false
account_holder_text = false
[support_console]                       # a username and a password, from the environment
password = false
fields = [{ label = "Staff login", env = "STAFF_LOGIN" }, { label = "Staff password", env = "STAFF_PASSWORD" }]
"""))
    config, forced = profile.mfa_configuration, profile.forced_setup
    assert "app_choice" not in config and "device" not in config and config.listed_app.key == "mfa_configuration.listed_app"
    assert forced.save.key == "forced_setup.save" and forced.qr_code.key == "mfa_configuration.qr_code"
    assert config.save.name == "Save"  # [forced_setup] changes only the forced setup screen
    assert "device_column" not in profile.user_settings and "role_column" not in profile.user_settings
    assert [(f.locator.value, f.env, f.source) for f in profile.support_console.fields] == [
        ("Staff login", "STAFF_LOGIN", "support_console.fields[0].env"),
        ("Staff password", "STAFF_PASSWORD", "support_console.fields[1].env")]


def test_the_older_support_password_is_a_field_of_its_own(tmp_path):
    profile = load_profile(_profile(tmp_path, '[system]\nsupport_password_env = "ACME_SUPPORT"\n'))
    [field] = profile.support_console.fields
    assert (field.locator.value, field.env, field.source) == ("Support password", "ACME_SUPPORT",
                                                             "system.support_password_env")


def test_extends_that_loops_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(ProfileError, match="loops back"):
        load_profile(tmp_path / "a.toml")


def test_evidence_is_scrubbed_of_passwords_keys_images_and_cookies():
    password = "s3cret pass/word"
    trace = ('{"method":"fill","params":{"value":"s3cret pass/word"}} body: username=dana&password=s3cret+pass%2Fword '
             '<code>JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP</code> <code>JBSW Y3DP EHPK 3PXP</code> '
             'otpauth://totp/Updox:dana?secret=JBSWY3DPEHPK3PXP <img src="data:image/png;base64,iVBORw0KGgo=">'
             '{"name":"Cookie","value":"mfa_session=abc"} code 123456 STATUS')
    scrubbed = scrub_text(trace, [password])
    for secret in (password, "s3cret+pass%2Fword", "JBSWY3DP", "JBSW Y3DP", "otpauth", "iVBORw0KGgo", "abc"):
        assert secret not in scrubbed
    assert scrubbed.count(REDACTED) >= 6
    assert "code 123456 STATUS" in scrubbed  # a one-time code and ordinary words stay readable


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_fails_in_one_line(*options: str) -> str:
    done = run_cli("run", "--sut", "browser", *options, timeout=120)
    assert done.returncode == 4, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("ERROR: "), done.stderr
    assert "Traceback" not in done.stdout + done.stderr and "passed" not in done.stdout
    return lines[0]


def test_a_profile_with_an_unknown_key_stops_the_run(tmp_path):
    line = _run_fails_in_one_line("--base-url", "http://127.0.0.1:1", "--profile",
                                  str(_profile(tmp_path, '[sign_in]\nusername_field = { label = "Username" }')))
    assert "unknown key 'username_field'" in line


@pytest.mark.browser
def test_a_base_url_that_does_not_answer_stops_the_run():
    line = _run_fails_in_one_line("--base-url", f"http://127.0.0.1:{_closed_port()}")
    assert "does not answer" in line


@pytest.mark.browser
def test_a_missing_persona_stops_the_run_when_the_system_cannot_seed(tmp_path):
    profile = _profile(tmp_path, '[system]\ncapabilities = []\n'
                                 '[practices."Riverside Clinic"]\nname = "Acme Riverside"\n'
                                 '[personas.Dana]\npractice = "Riverside Clinic"\nusername = "dana"\npassword = "x"\n')
    with ServedApp(tmp_path / "state.sqlite3", test_hooks=False) as app:
        line = _run_fails_in_one_line("--base-url", app.url, "--profile", str(profile))
    # Gail and Olga belong to Hillside Practice, which this one-practice profile does not name: not missing
    assert "names no account for Erin, Frank, whom the features use" in line, line


def test_a_product_with_one_practice_needs_no_account_of_another():
    from mfa_conformance.driver import Capability
    from mfa_conformance.driver.browser.settings import Prepared, missing_personas

    profile = load_profile(REPO / "tests" / "real_products" / "django_stack" / "profile.toml")
    prepared = Prepared(settings=None, base_url="", profile=profile, hooks=None,  # type: ignore[arg-type]
                        capabilities=frozenset({Capability.SUPPORT_CONSOLE}))
    needed = {"Dana": {"Riverside Clinic"}, "Erin": {"Riverside Clinic"}, "Olga": {"Hillside Practice"},
              "Gail": {"Hillside Practice"}}
    assert missing_personas(prepared, needed) == []
    assert missing_personas(prepared, {**needed, "Zoe": {"Riverside Clinic", "Hillside Practice"}}) == ["Zoe"]


@pytest.mark.browser
def test_a_profile_that_does_not_fit_the_screens_stops_the_run(relabelled_app, chromium):
    line = _run_fails_in_one_line("--base-url", relabelled_app.url)
    assert "does not show the sign-in screen of profile" in line
