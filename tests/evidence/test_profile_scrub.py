"""The profile in a package: secrets removed by key, everything else kept, written as TOML that reads back."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from mfa_conformance.evidence.profile import dumps, read_profile_chain, scrub
from mfa_conformance.profiles import __file__ as profiles_init

PROFILES = sorted(Path(profiles_init).parent.glob("*.toml"))


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.name)
def test_the_shipped_profiles_read_back_the_same(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    clean, removed = scrub(data)
    assert tomllib.loads(dumps(clean, "a header\n\nover lines")) == clean
    if path.name != "relabelled-labels.toml":  # a label file for the web app, not a profile: its 'password' is a label
        assert clean == data and removed == []


def test_awkward_toml_reads_back_the_same() -> None:
    data = {
        "top": 1, "float": 2.5, "inf": float("inf"), "when": dt.date(2030, 1, 2), "at": dt.datetime(2030, 1, 2, 3, 4),
        "odd key": "quote \" backslash \\ tab \t newline \n del \x7f é ✓",
        "list": [1, "two", [3]], "empty": {},
        "screens": {"save": {"role": "button", "name": "Save"}, "deep": {"inner": {"css": "#x"}, "n": 1}},
        "practices": {"Riverside Clinic": {"name": "Acme", "mfa_available": True}},
        "rows": [{"a": 1}, {"a": 2, "b": {"c": "d"}}],
    }
    assert tomllib.loads(dumps(data)) == data


def test_secrets_go_by_their_key_and_locators_stay() -> None:
    data = {
        "sign_in": {"password": {"label": "Password"}},
        "system": {"support_password_env": "SUPPORT", "api_key": "k-1", "ws_endpoint": "ws://u:pw@host:3000/x"},
        "personas": {"Dana": {"username": "dana", "password": "hunter2"}, "Erin": {"password_env": "ERIN"}},
        "notes": ["otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP", "fine"],
        "Secrets": {"seed": "x"}, "TOKEN": 5, "passphrases": ["a", "b"],
    }
    clean, removed = scrub(data)
    assert clean == {
        "sign_in": {"password": {"label": "Password"}},
        "system": {"support_password_env": "SUPPORT", "ws_endpoint": "ws://u:(removed)@host:3000/x"},
        "personas": {"Dana": {"username": "dana"}, "Erin": {"password_env": "ERIN"}},
        "notes": ["fine"],
    }
    assert removed == ["system.api_key", "system.ws_endpoint (a password in a URL)", "personas.Dana.password",
                       "notes[0] (a Key URI)", "Secrets", "TOKEN", "passphrases"]


def test_a_profile_that_extends_a_shipped_one_by_name_is_read_whole(tmp_path: Path) -> None:
    """`extends = "reference"` names the shipped profile from any folder, as the browser driver reads it."""
    vendor = tmp_path / "vendor.toml"
    vendor.write_text('extends = "reference"\n[system]\nname = "a vendor"\n', encoding="utf-8")
    chain = read_profile_chain(vendor)
    assert [path.name for path, _ in chain] == ["vendor.toml", "reference.toml"]
    assert chain[1][0] == (Path(profiles_init).parent / "reference.toml").resolve()
