"""Sessions end on the server after their idle and absolute lifetimes; every
step of signing in hands out a new token; a CSRF token belongs to its session.

In-process, on a clock the test moves (conftest.ManualClock), so each limit
is crossed exactly and no test waits."""

from __future__ import annotations

from mfa_conformance.webapp.security import SESSION_COOKIE

from .conftest import alert, code, csrf, enroll

T = 1_800_000_000.0  # the test clock lane's moment, for codes
ENDED = "Your session has ended. Sign in again."


def _signed_in(make_app, **options):
    served = make_app(**options)
    served.seed("Riverside", ("dana", "dana-password", True))
    dana = served.browser()
    assert dana.sign_in("dana", "dana-password").status_code == 303
    assert dana.get("/home").status_code == 200
    return served, dana


def test_an_idle_session_ends_after_the_idle_lifetime_and_not_before(make_app):
    served, dana = _signed_in(make_app)  # default: 30 minutes idle
    served.clock.advance(29 * 60)
    assert dana.get("/home").status_code == 200  # used: the idle time starts again
    served.clock.advance(29 * 60)
    assert dana.get("/home").status_code == 200
    served.clock.advance(30 * 60 + 1)
    ended = dana.get("/home")
    assert (ended.status_code, alert(ended.data)) == (401, ENDED)
    served.clock.advance(-31 * 60)  # the session is gone on the server, not merely refused at that moment
    assert dana.get("/home").status_code == 401


def test_a_used_session_ends_after_the_absolute_lifetime(make_app):
    served, dana = _signed_in(make_app, session_absolute_seconds=3600, session_idle_seconds=600)
    for _ in range(5):  # used every 9 minutes: never idle, 45 minutes old
        served.clock.advance(9 * 60)
        assert dana.get("/home").status_code == 200
    served.clock.advance(15 * 60 + 1)  # 9 minutes idle, 60 minutes and a second old
    assert dana.get("/home").status_code == 401


def test_lifetimes_are_server_settings(make_app):
    served, dana = _signed_in(make_app, session_idle_seconds=60)
    served.clock.advance(61)
    assert dana.get("/home").status_code == 401


def test_a_restart_keeps_a_live_session_and_ends_an_expired_one(make_app, tmp_path):
    served, dana = _signed_in(make_app)
    again = make_app(wall_clock=served.clock)  # the same database file, a new server
    moved = again.browser()
    moved.client.set_cookie(SESSION_COOKIE, dana.cookie(SESSION_COOKIE))
    assert moved.get("/home").status_code == 200
    served.clock.advance(31 * 60)
    assert moved.get("/home").status_code == 401


def _enrolled(make_app):
    served = make_app()
    served.seed("Riverside", ("erin", "erin-password", False))
    erin = served.browser()
    assert erin.hook("/clock", {"set": T}).status_code == 200
    erin.sign_in("erin", "erin-password")
    key = enroll(erin, at=T)
    assert erin.post("/sign-out", {}).status_code == 303
    assert erin.hook("/clock", {"advance": 30}).status_code == 200
    return served, erin, key


def test_the_session_token_is_renewed_when_the_code_is_accepted(make_app):
    served, erin, key = _enrolled(make_app)
    assert erin.sign_in("erin", "erin-password").headers["Location"].endswith("/sign-in/code")
    before_code = erin.cookie(SESSION_COOKIE)
    assert erin.post("/sign-in/code", {"code": code(key, T + 30)}).status_code == 303
    after_code = erin.cookie(SESSION_COOKIE)
    assert after_code and after_code != before_code
    assert erin.get("/home").status_code == 200
    planted = served.browser()  # whoever saw the token before the code holds nothing
    planted.client.set_cookie(SESSION_COOKIE, before_code)
    assert planted.get("/home").status_code == 401
    assert planted.post("/sign-in/code", {"code": code(key, T + 60)}).status_code == 401


def test_the_session_token_is_renewed_when_the_forced_setup_is_saved(make_app):
    served = make_app()
    served.seed("Riverside", ("dana", "dana-password", True), ("frank", "frank-password", False))
    dana, frank = served.browser(), served.browser()
    dana.hook("/clock", {"set": T})
    dana.sign_in("dana", "dana-password")
    assert dana.post("/admin/security-settings/mfa", {"enforce": "on"}).status_code == 303
    assert frank.sign_in("frank", "frank-password").headers["Location"].endswith("/setup")
    before_setup = frank.cookie(SESSION_COOKIE)
    enroll(frank, at=T, forced=True)
    assert frank.cookie(SESSION_COOKIE) not in (None, before_setup)
    assert frank.get("/home").status_code == 200
    planted = served.browser()
    planted.client.set_cookie(SESSION_COOKIE, before_setup)
    assert planted.get("/home").status_code == 401


def test_signing_in_ends_the_session_the_browser_held(make_app):
    served, dana = _signed_in(make_app)
    first = dana.cookie(SESSION_COOKIE)
    assert dana.sign_in("dana", "dana-password").status_code == 303
    assert dana.cookie(SESSION_COOKIE) not in (None, first)
    planted = served.browser()
    planted.client.set_cookie(SESSION_COOKIE, first)
    assert planted.get("/home").status_code == 401


def test_a_csrf_token_is_worth_nothing_in_another_session_of_the_same_browser(make_app):
    served, dana = _signed_in(make_app)
    first_session_token = csrf(dana.get("/admin/security-settings").data)
    assert dana.post("/sign-out", {}).status_code == 303
    assert dana.sign_in("dana", "dana-password").status_code == 303
    stale = dana.post("/admin/security-settings/mfa", {"enforce": "on", "csrf_token": first_session_token})
    assert stale.status_code == 403 and "did not come from this site" in alert(stale.data)
    fresh = dana.post("/admin/security-settings/mfa", {"enforce": "on"})
    assert fresh.status_code == 303
