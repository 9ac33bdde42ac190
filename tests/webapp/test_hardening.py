"""Defects an attacker on loopback found in the reference web app, each kept
from coming back: test hooks for remote clients, CSRF tokens that crash, clock
values that break every later code check, a world-readable database."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from mfa_conformance.webapp.security import CSRF_COOKIE

from .conftest import MANUAL_KEY, alert, code, enroll

REMOTE = "198.51.100.7"
T = 1_800_000_000.0


def test_hooks_answer_404_to_a_client_that_is_not_on_this_machine(make_app):
    served = make_app()
    remote = served.browser(REMOTE)
    assert remote.get("/_test").status_code == 404
    assert remote.hook("/practices", {"name": "Mallory's"}).status_code == 404
    assert remote.hook("/users", {"practice": "x", "username": "m", "password": "p"}).status_code == 404
    assert remote.hook("/clock", {"advance": 3600}).status_code == 404
    assert remote.client.post("/_test/clock", data="advance=1", environ_base=remote.environ).status_code == 404
    assert remote.get("/support").status_code == 404  # the console without a password is for tests only
    assert remote.post("/support/users/dana/reset-mfa", {}).status_code == 404
    assert served.browser().get("/_test").status_code == 200  # a loopback client still has them
    assert served.browser().get("/support").status_code == 200


def test_a_loopback_request_through_a_proxy_counts_as_remote(make_app):
    served = make_app()
    proxied = served.browser()
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        assert proxied.client.get("/_test", headers={header: "203.0.113.9"}).status_code == 404


def test_the_client_address_header_is_ignored_for_a_remote_client(make_app):
    served = make_app()
    served.seed("Riverside", ("dana", "dana-password", True))
    dana = served.browser()
    dana.sign_in("dana", "dana-password")
    assert dana.post("/admin/security-settings/ip-safelist", {"safelist": "203.0.113.0/24"}).status_code == 303
    header = {"X-MFA-Test-Client-Address": "203.0.113.5"}
    remote = served.browser(REMOTE)
    refused = remote.post("/sign-in", {"username": "dana", "password": "dana-password", "csrf_token": remote.token()},
                          headers=header)
    assert refused.status_code == 403 and "IP safelist" in alert(refused.data)
    local = served.browser()  # the same header from loopback, as the test run sends it
    allowed = local.post("/sign-in", {"username": "dana", "password": "dana-password", "csrf_token": local.token()},
                         headers=header)
    assert allowed.status_code == 303


def test_the_clock_header_is_ignored_for_a_remote_client(make_app):
    served = make_app()
    served.seed("Riverside", ("erin", "erin-password", False))
    lane = {"X-MFA-Test-Clock": "lane-1"}
    erin = served.browser()
    assert erin.hook("/clock", {"set": T}, headers=lane).status_code == 200
    erin.post("/sign-in", {"username": "erin", "password": "erin-password"}, headers=lane)
    page = erin.post("/security/authenticator", {"authenticator": "Authy"}, headers=lane)
    key = MANUAL_KEY.search(page.data.decode()).group(1)
    saved = erin.post("/security/authenticator/device", {"code": code(key, T), "device_name": "phone"}, headers=lane)
    assert saved.status_code == 303  # on the lane, a code for its moment T is right
    remote = served.browser(REMOTE)
    remote.sign_in("erin", "erin-password")
    on_lane = remote.post("/sign-in/code", {"code": code(key, T + 30)}, headers=lane)
    assert on_lane.status_code == 422  # from elsewhere the header is ignored: the real clock decides
    local = served.browser()
    local.sign_in("erin", "erin-password")
    assert local.post("/sign-in/code", {"code": code(key, T + 30)}, headers=lane).status_code == 303


def _form_routes(app) -> list[str]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and not rule.rule.startswith("/_test"):
            routes.append(rule.rule.replace("<username>", "dana"))
    return routes


@pytest.mark.parametrize("sent", ["\u00e9t\u00e9", "\u2603" * 64, "0" * 63 + "\u00ff", "\x00"])
def test_a_non_ascii_csrf_token_is_refused_on_every_form_not_a_500(make_app, caplog, sent):
    served = make_app(support_password="support-secret")
    browser = served.browser()
    browser.client.set_cookie(CSRF_COOKIE, "any-value")
    routes = _form_routes(served.app)
    assert "/sign-in" in routes and len(routes) >= 10
    with caplog.at_level(logging.ERROR):
        for route in routes:
            answer = browser.client.post(route, data={"csrf_token": sent, "username": "dana", "password": "x"},
                                         environ_base=browser.environ)
            assert answer.status_code == 403, route
            assert "did not come from this site" in alert(answer.data)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


BAD_CLOCKS = [
    ('{"set": Infinity}', "set"), ('{"set": NaN}', "set"), ('{"advance": -Infinity}', "advance"),
    ('{"set": 1' + "0" * 400 + "}", "set"), ('{"advance": 1e400}', "advance"), ('{"set": -1}', "set"),
    ('{"advance": -30}', "advance"), ('{"set": "soon"}', "set"), ('{"set": true}', "set"),
    ('{"set": null}', "set"), ('{"advance": [1]}', "advance"), ('{"set": 253402300800}', "set"),
    ('{"set": 253402300000, "advance": 1000}', "year 9999"), ('{"sett": 1}', "sett"),
]


def test_a_bad_clock_value_is_a_400_naming_it_and_changes_nothing(make_app):
    served = make_app()
    served.seed("Riverside", ("erin", "erin-password", False))
    erin = served.browser()
    assert erin.hook("/clock", {"set": T}).status_code == 200
    erin.sign_in("erin", "erin-password")
    key = enroll(erin, at=T)
    for raw, named in BAD_CLOCKS:
        bad = erin.client.post("/_test/clock", data=raw, content_type="application/json", environ_base=erin.environ)
        assert bad.status_code == 400 and named in bad.get_json()["message"], (raw, bad.data)
        assert erin.client.get("/_test/clock", environ_base=erin.environ).get_json()["now"] == T, raw
    erin.post("/sign-out", {})
    erin.sign_in("erin", "erin-password")  # every later code check on this clock still works
    assert erin.post("/sign-in/code", {"code": code(key, T)}).status_code == 422  # a replay, refused
    assert erin.post("/sign-in/code", {"code": code(key, T + 30)}).status_code == 303


def test_a_clock_stored_out_of_range_by_an_older_version_runs_on_real_time(make_app):
    import sqlite3
    import time

    served = make_app()
    with sqlite3.connect(served.db) as db:
        db.execute("INSERT OR REPLACE INTO clocks VALUES ('', ?, 0)", (float("inf"),))
    now = served.browser().client.get("/_test/clock").get_json()["now"]
    assert abs(now - time.time()) < 3600


@pytest.mark.parametrize("payload, named", [
    ({"name": ""}, "name"), ({"name": 7}, "name"), ({"name": "x" * 201}, "name"),
    ({"name": "P", "mfa_available": "yes"}, "mfa_available"), ({}, "name"),
])
def test_bad_seeding_values_are_a_400_naming_them(make_app, payload, named):
    answer = make_app().browser().hook("/practices", payload)
    assert answer.status_code == 400 and named in answer.get_json()["message"]


def test_the_database_and_its_wal_files_are_readable_by_their_owner_only(make_app):
    import sqlite3

    served = make_app()
    assert stat.S_IMODE(served.db.stat().st_mode) == 0o600
    reader = sqlite3.connect(served.db)  # open while the server writes, so -wal and -shm stay to be seen
    try:
        reader.execute("SELECT count(*) FROM users").fetchone()
        served.seed("Riverside", ("erin", "erin-password", False))
        files = [served.db, served.db.with_name(served.db.name + "-wal"), served.db.with_name(served.db.name + "-shm")]
        for path in files:
            assert path.exists(), path
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, (path, oct(path.stat().st_mode))
    finally:
        reader.close()


def test_an_existing_world_readable_database_is_made_private(make_app, tmp_path):
    make_app().seed("Riverside")
    db = tmp_path / "state.sqlite3"
    for path in tmp_path.iterdir():
        os.chmod(path, 0o644)
    make_app()
    for path in tmp_path.iterdir():
        if path.name.startswith("state.sqlite3"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert db.exists()
