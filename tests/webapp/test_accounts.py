"""`serve --accounts FILE`: a staging deployment's pre-provisioned practices and
accounts, loaded at start, kept with their state across restarts; a file that
cannot be used is one line naming the entry, never a password."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pyotp
import pytest

from mfa_conformance.webapp.provisioning import AccountsError, load_accounts

from ..browser.http_client import Client
from ..browser.served import REPO, ServedApp

STAGING = REPO / "profiles" / "staging-accounts.toml"
SUPPORT_PASSWORD = "fake-support-password"
STAGING_PASSWORD = "staging-test-password-from-the-environment"
"""The shipped staging file names MFA_STAGING_PASSWORD for every account."""
PERSONAS = {"dana.riverside", "erin.riverside", "frank.riverside", "olga.hillside", "olga.hillside.nomfa",
            "gail.hillside.nomfa"}


def test_the_shipped_staging_file_has_two_casts_with_every_persona(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MFA_STAGING_PASSWORD", STAGING_PASSWORD)
    accounts = load_accounts(STAGING)
    users = {u.username: (p, u) for p in accounts.practices for u in p.users}
    for cast in ("a", "b"):
        assert {name for name in users if name.endswith("." + cast)} == {f"{p}.{cast}" for p in PERSONAS}
    assert users["dana.riverside.a"][1].account_holder and not users["erin.riverside.b"][1].account_holder
    assert users["gail.hillside.nomfa.b"][0].mfa_available is False
    assert users["olga.hillside.a"][0].mfa_available is True
    assert all(u.password == STAGING_PASSWORD for _, u in users.values())  # from the environment, not the file


def _sign_in(client: Client, username: str, password: str):
    return client.post("/sign-in", {"username": username, "password": password, "csrf_token": client.get("/sign-in").csrf})


def _users_in(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return sorted(row[0] for row in connection.execute("SELECT username FROM users"))


def test_serve_provisions_the_accounts_and_a_restart_keeps_them_with_their_state(tmp_path, monkeypatch):
    monkeypatch.setenv("MFA_STAGING_PASSWORD", STAGING_PASSWORD)
    listed = sum(len(practice.users) for practice in load_accounts(STAGING).practices)  # as many casts as it has
    app = ServedApp(tmp_path / "staging.sqlite3", test_hooks=False, options=["--accounts", str(STAGING)],
                    env={"MFA_SUPPORT_PASSWORD": SUPPORT_PASSWORD, "MFA_STAGING_PASSWORD": STAGING_PASSWORD})
    with app:
        assert f"--accounts: {listed} created, 0 kept" in app.started_line
        assert Client(app.url).get("/_test").status == 404  # a staging server: no test hooks
        dana, erin = Client(app.url), Client(app.url)
        assert _sign_in(dana, "dana.riverside.a", STAGING_PASSWORD).location == "/home"
        assert "dana.riverside.a" in dana.get("/home").body
        settings = dana.get("/admin/security-settings")
        assert dana.post("/admin/security-settings/mfa", {"enforce": "on", "csrf_token": settings.csrf}).status == 303
        assert _sign_in(erin, "erin.riverside.a", STAGING_PASSWORD).location == "/setup"
        page = erin.post("/setup", {"authenticator": "Authy", "csrf_token": erin.get("/setup").csrf})
        key = re.search(r"\b([A-Z2-7]{32})\b", page.body).group(1)
        saved = erin.post("/setup/device", {"code": pyotp.TOTP(key).now(), "device_name": "Erin's phone",
                                            "csrf_token": page.csrf})
        assert saved.status == 303 and erin.get("/home").status == 200

        app.restart()
        assert f"--accounts: 0 created, {listed} kept" in app.started_line
        assert len(_users_in(app.db)) == listed == len(set(_users_in(app.db)))
        again = Client(app.url)  # Erin's device was kept: a code, not a new setup
        assert _sign_in(again, "erin.riverside.a", STAGING_PASSWORD).location == "/sign-in/code"
        frank = Client(app.url)  # and the practice still enforces MFA
        assert _sign_in(frank, "frank.riverside.a", STAGING_PASSWORD).location == "/setup"
        gail = Client(app.url)
        assert _sign_in(gail, "gail.hillside.nomfa.b", STAGING_PASSWORD).location == "/home"
        support = Client(app.url)  # vendor support, behind MFA_SUPPORT_PASSWORD
        door = support.get("/support")
        assert support.post("/support", {"password": SUPPORT_PASSWORD, "csrf_token": door.csrf}).status == 303
        console = support.get("/support?username=erin.riverside.a")
        reset = support.post("/support/users/erin.riverside.a/reset-mfa", {"csrf_token": console.csrf})
        assert reset.status == 303
        assert _sign_in(Client(app.url), "erin.riverside.a", STAGING_PASSWORD).location == "/setup"
    logged = app.logged() + app.started_line
    assert STAGING_PASSWORD not in logged and SUPPORT_PASSWORD not in logged


def _accounts(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accounts.toml"
    path.write_text(text, encoding="utf-8")
    return path


USER = '[[practice]]\nname = "Riverside"\n[[practice.user]]\n'


@pytest.mark.parametrize("text, named", [
    (USER + 'username = "dana"\n', "practice 'Riverside', user 1 ('dana'): give exactly one of password or password_env"),
    (USER + 'username = "dana"\npassword = ""\n', "practice 'Riverside', user 1 ('dana'): password is empty"),
    (USER + 'username = "dana"\npassword = "s3cret-pw"\npassword_env = "X"\n', "give exactly one"),
    (USER + 'username = "dana"\npassword = 12345678\n', "user 1: password must be text"),
    (USER + 'username = "dana"\npassword_env = "NO_SUCH_VARIABLE_SET"\n', "'NO_SUCH_VARIABLE_SET', which is not set"),
    (USER + 'password = "s3cret-pw"\n', "practice 'Riverside', user 1: username is missing or empty"),
    (USER + 'username = " dana"\npassword = "s3cret-pw"\n', "begins or ends with white space"),
    (USER + 'username = "dana"\npassword = "s3cret-pw"\nholder = true\n', "user 1: unknown key(s) holder"),
    (USER + 'username = "dana"\npassword = "s3cret-pw"\naccount_holder = "yes"\n', "account_holder must be true or false"),
    (USER + 'username = "dana"\npassword = "s3cret-pw"\n[[practice.user]]\nusername = "dana"\npassword = "s3cret-pw"\n',
     "user 2: username 'dana' is listed twice"),
    ('[[practice]]\nname = "R"\n[[practice]]\nname = "R"\n', "practice 'R' is listed twice"),
    ('[[practice]]\nmfa_available = true\n', "practice 1: name is missing or empty"),
    ('[[practice]]\nname = "R"\nmfa_available = "no"\n', "practice 1: mfa_available must be true or false"),
    ('[[practice]]\nname = "R"\nuser = "dana"\n', "practice 1: user must be an array of tables"),
    ('[[practices]]\nname = "R"\n', "unknown key(s) practices"),
    ("", "expected at least one [[practice]] table"),
    ('practice = "R"\n', "expected at least one [[practice]] table"),
    ('[[practice]]\nname = "R"\npassword = "s3cret-pw\n', "not valid TOML"),
])
def test_a_bad_accounts_file_is_one_line_naming_the_entry_and_no_password(tmp_path, text, named):
    path = _accounts(tmp_path, text)
    with pytest.raises(AccountsError) as raised:
        load_accounts(path, environ={})
    message = str(raised.value)
    assert message.startswith(f"--accounts {path}: ") and named in message, message
    assert "\n" not in message and "s3cret" not in message


def test_a_password_may_come_from_the_environment(tmp_path):
    path = _accounts(tmp_path, USER + 'username = "dana"\npassword_env = "DANA_PASSWORD"\naccount_holder = true\n')
    [practice] = load_accounts(path, environ={"DANA_PASSWORD": "from-the-environment"}).practices
    assert practice.users[0].password == "from-the-environment" and practice.users[0].account_holder
    assert "from-the-environment" not in repr(practice)
