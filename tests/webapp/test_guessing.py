"""Password guesses are limited per username and vendor support's per server;
a locked door answers the right password exactly as a wrong one.

In-process on a clock the test moves, except one check against the served app."""

from __future__ import annotations

import secrets

from mfa_conformance.webapp.security import SUPPORT_COOKIE

from ..browser.http_client import Client
from ..browser.served import ServedApp
from .conftest import alert

WRONG = "Wrong username or password."


def _answer(response) -> tuple[int, bytes]:
    return response.status_code, response.data


def test_ten_wrong_passwords_lock_password_sign_in_and_the_right_one_answers_alike(make_app):
    served = make_app()  # default: 10 wrong in a row lock for 15 minutes
    served.seed("Riverside", ("erin", "erin-password", False))
    mallory = served.browser()
    for _ in range(10):
        wrong = mallory.sign_in("erin", "guess")
        assert (wrong.status_code, alert(wrong.data)) == (403, WRONG)
    locked_wrong, locked_right = mallory.sign_in("erin", "guess"), mallory.sign_in("erin", "erin-password")
    assert locked_wrong.status_code == 429 and "locked for 15 minutes" in alert(locked_wrong.data)
    assert _answer(locked_right) == _answer(locked_wrong)
    erin = served.browser()  # the lock is the account's, not the browser's
    assert _answer(erin.sign_in("erin", "erin-password")) == _answer(locked_wrong)
    served.clock.advance(15 * 60 - 1)
    assert erin.sign_in("erin", "erin-password").status_code == 429
    served.clock.advance(2)
    assert erin.sign_in("erin", "erin-password").status_code == 303


def test_only_consecutive_wrong_passwords_count(make_app):
    served = make_app()
    served.seed("Riverside", ("erin", "erin-password", False))
    erin = served.browser()
    for _ in range(3):
        for _ in range(9):
            assert erin.sign_in("erin", "typo").status_code == 403
        assert erin.sign_in("erin", "erin-password").status_code == 303


def test_the_limit_and_the_lock_time_are_server_settings(make_app):
    served = make_app(password_guess_limit=3, password_lockout_seconds=60)
    served.seed("Riverside", ("erin", "erin-password", False))
    erin = served.browser()
    for _ in range(3):
        assert erin.sign_in("erin", "typo").status_code == 403
    assert erin.sign_in("erin", "erin-password").status_code == 429
    served.clock.advance(61)
    assert erin.sign_in("erin", "erin-password").status_code == 303


def test_a_username_nobody_has_locks_the_same_way(make_app):
    served = make_app()
    served.seed("Riverside", ("erin", "erin-password", False))
    mallory = served.browser()
    for name in ("erin", "nobody"):
        for _ in range(10):
            mallory.sign_in(name, "guess")
    assert _answer(mallory.sign_in("nobody", "guess")) == _answer(mallory.sign_in("erin", "guess"))


def test_support_password_guesses_are_limited(make_app):
    served = make_app(test_hooks=False, support_password="support-secret")
    mallory = served.browser()
    for _ in range(5):
        wrong = mallory.post("/support", {"password": "guess"})
        assert (wrong.status_code, alert(wrong.data)) == (403, "Wrong support password.")
    locked_wrong = mallory.post("/support", {"password": "guess"})
    locked_right = mallory.post("/support", {"password": "support-secret"})
    assert locked_wrong.status_code == 429 and "locked for 15 minutes" in alert(locked_wrong.data)
    assert _answer(locked_right) == _answer(locked_wrong)
    assert mallory.cookie(SUPPORT_COOKIE, "/support") is None
    served.clock.advance(15 * 60 + 1)
    assert mallory.post("/support", {"password": "support-secret"}).status_code == 303
    assert "Search" in mallory.get("/support").data.decode()


def _opened(served, password: str):
    support = served.browser()
    assert support.post("/support", {"password": password}).status_code == 303
    assert "Search" in support.get("/support").data.decode()
    return support


def test_an_open_support_console_closes_after_its_lifetime(make_app):
    served = make_app(test_hooks=False, support_password="support-secret", support_session_seconds=1800)
    support = _opened(served, "support-secret")
    served.clock.advance(1799)
    assert "Search" in support.get("/support").data.decode()
    served.clock.advance(2)
    closed = support.get("/support")
    assert "Support password" in closed.data.decode() and "Search" not in closed.data.decode()
    assert support.post("/support/users/anyone/reset-mfa", {}).status_code == 403


def test_a_support_console_opened_with_an_old_password_is_closed(make_app):
    served = make_app(test_hooks=False, support_password="old-secret")
    support = _opened(served, "old-secret")
    cookie = support.cookie(SUPPORT_COOKIE, "/support")
    assert cookie
    same = make_app(test_hooks=False, support_password="old-secret", wall_clock=served.clock)  # a restart
    kept = same.browser()
    kept.client.set_cookie(SUPPORT_COOKIE, cookie, path="/support")
    assert "Search" in kept.get("/support").data.decode()
    changed = make_app(test_hooks=False, support_password="new-secret", wall_clock=served.clock)
    after = changed.browser()
    after.client.set_cookie(SUPPORT_COOKIE, cookie, path="/support")
    assert "Search" not in after.get("/support").data.decode()
    assert after.post("/support/users/anyone/reset-mfa", {}).status_code == 403


def test_the_served_app_locks_after_ten_wrong_passwords(tmp_path):
    with ServedApp(tmp_path / "state.sqlite3") as app:
        client = Client(app.url)
        username, password = f"erin.{secrets.token_hex(3)}", secrets.token_urlsafe(12)
        assert client.post_json("/_test/practices", {"name": "Riverside"}).status == 201
        assert client.post_json("/_test/users", {"practice": "Riverside", "username": username,
                                                 "password": password}).status == 201
        token = client.get("/sign-in").csrf
        statuses = [client.post("/sign-in", {"username": username, "password": f"guess{n}", "csrf_token": token}).status
                    for n in range(30)]
        assert statuses == [403] * 10 + [429] * 20
        right = client.post("/sign-in", {"username": username, "password": password, "csrf_token": token})
        assert right.status == 429 and "mfa_session" not in client.cookies


def test_a_locked_code_entry_is_told_only_to_the_right_password(make_app):
    """Without the password, a code-locked account is answered like any other: a wrong password like a
    wrong password for an account that is not locked, and like a username nobody has."""
    from .conftest import enroll

    served = make_app()
    served.seed("Riverside", ("erin", "erin-password", False), ("finn", "finn-password", False))
    erin = served.browser()
    erin.hook("/clock", {"set": 1_800_000_000.0})
    erin.sign_in("erin", "erin-password")
    enroll(erin, at=1_800_000_000.0)
    erin.post("/sign-out", {})
    erin.sign_in("erin", "erin-password")
    statuses = [erin.post("/sign-in/code", {"code": "000000"}).status_code for _ in range(5)]
    assert statuses[-1] == 423  # code entry is locked
    mallory = served.browser()
    locked_wrong = mallory.sign_in("erin", "not-her-password")
    assert (locked_wrong.status_code, alert(locked_wrong.data)) == (403, WRONG)
    assert _answer(locked_wrong) == _answer(mallory.sign_in("finn", "not-his-password"))
    assert _answer(locked_wrong) == _answer(mallory.sign_in("nobody", "not-her-password"))
    right = mallory.sign_in("erin", "erin-password")
    assert right.status_code == 423 and "Too many wrong codes" in alert(right.data)
    assert mallory.cookie("mfa_session") is None


def test_wrong_passwords_for_a_code_locked_account_still_lock_its_password_sign_in(make_app):
    from .conftest import enroll

    served = make_app(password_guess_limit=3)
    served.seed("Riverside", ("erin", "erin-password", False))
    erin = served.browser()
    erin.hook("/clock", {"set": 1_800_000_000.0})
    erin.sign_in("erin", "erin-password")
    enroll(erin, at=1_800_000_000.0)
    erin.post("/sign-out", {})
    erin.sign_in("erin", "erin-password")
    for _ in range(5):
        erin.post("/sign-in/code", {"code": "000000"})
    mallory = served.browser()
    assert [mallory.sign_in("erin", f"guess{n}").status_code for n in range(3)] == [403] * 3
    assert _answer(mallory.sign_in("erin", "erin-password")) == _answer(mallory.sign_in("erin", "guess"))
