"""The reference web app over HTTP: test hooks only with the flag, CSRF on every
form, a message page (never a 500) for every refusal, state that survives a
restart and concurrent requests."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest

from .http_client import Client
from .served import ServedApp, run_cli

pytestmark = pytest.mark.browser


def _seed(client: Client, practice: str, *users: tuple[str, str, bool]) -> None:
    assert client.post_json("/_test/practices", {"name": practice}).status == 201
    for username, password, holder in users:
        answer = client.post_json("/_test/users", {"practice": practice, "username": username,
                                                   "password": password, "account_holder": holder})
        assert answer.status == 201, answer.body


def test_test_hooks_answer_404_without_the_flag(tmp_path):
    with ServedApp(tmp_path / "state.sqlite3", test_hooks=False) as app:
        client = Client(app.url)
        assert client.get("/_test").status == 404
        assert client.post_json("/_test/practices", {"name": "Riverside"}).status == 404
        assert client.post_json("/_test/clock", {"advance": 60}).status == 404
        assert client.get("/support").status == 404
        assert client.get("/sign-in").status == 200


def test_test_hooks_describe_themselves_with_the_flag(reference_app):
    hooks = Client(reference_app.url).get("/_test").json()
    assert set(hooks["hooks"]) == {"seeding", "state-seeding", "clock", "client-address", "support-console"}  # type: ignore[index]


def test_a_form_without_a_valid_csrf_token_is_refused(reference_app):
    client = Client(reference_app.url)
    username, password = f"dana.{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    _seed(client, f"Riverside {username}", (username, password, True))
    token = client.get("/sign-in").csrf
    for form in ({"username": username, "password": password},
                 {"username": username, "password": password, "csrf_token": "0" * 64}):
        refused = client.post("/sign-in", form)
        assert refused.status == 403
        assert refused.alert and "did not come from this site" in refused.alert
        assert "mfa_session" not in client.cookies
    stranger = Client(reference_app.url)  # a token from another browser is worth nothing here
    assert stranger.post("/sign-in", {"username": username, "password": password, "csrf_token": token}).status == 403
    signed_in = client.post("/sign-in", {"username": username, "password": password, "csrf_token": token})
    assert signed_in.status == 303 and "mfa_session" in client.cookies


@pytest.mark.parametrize("path, form, status, message", [
    ("/sign-in", {"username": "nobody", "password": "wrong"}, 403, "Wrong username or password."),
    ("/sign-in/code", {"code": "123456"}, 401, "Your session has ended. Sign in again."),
    ("/admin/security-settings/ip-safelist", {"safelist": "10.0.0.300"}, 401, "Your session has ended. Sign in again."),
    ("/security/authenticator/device", {"code": "12", "device_name": ""}, 401, "Your session has ended. Sign in again."),
])
def test_a_refusal_is_a_message_page_with_a_4xx_status(reference_app, path, form, status, message):
    client = Client(reference_app.url)
    token = client.get("/sign-in").csrf
    answer = client.post(path, {**form, "csrf_token": token})
    assert answer.status == status
    assert answer.alert == message
    assert "Traceback" not in answer.body


def test_signed_in_refusals_and_unknown_pages_are_message_pages(reference_app):
    client = Client(reference_app.url)
    username, password = f"erin.{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    _seed(client, f"Riverside {username}", (username, password, False))
    client.post("/sign-in", {"username": username, "password": password, "csrf_token": client.get("/sign-in").csrf})
    settings = client.get("/admin/security-settings")
    assert (settings.status, settings.alert) == (403, "Only an account holder can do this.")
    missing = client.get("/no/such/page")
    assert (missing.status, missing.alert) == (404, "There is no such page.")
    bad_hook = client.post_json("/_test/users", ["not", "an", "object"])
    assert bad_hook.status == 400 and "Traceback" not in bad_hook.body


def test_concurrent_requests_keep_every_write(reference_app):
    client = Client(reference_app.url)
    practice = f"Busy practice {secrets.token_hex(3)}"
    assert client.post_json("/_test/practices", {"name": practice}).status == 201
    usernames = [f"user{n}.{secrets.token_hex(3)}" for n in range(24)]

    def create(username: str) -> int:
        return Client(reference_app.url).post_json(
            "/_test/users", {"practice": practice, "username": username, "password": "pw-" + username}).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(create, usernames)) == [201] * len(usernames)
    with ThreadPoolExecutor(max_workers=8) as pool:  # every one was stored: creating it again is refused
        assert list(pool.map(create, usernames)) == [409] * len(usernames)


def test_without_test_hooks_the_support_console_needs_its_password(tmp_path):
    password = secrets.token_urlsafe(12)
    with ServedApp(tmp_path / "state.sqlite3", test_hooks=False, env={"MFA_SUPPORT_PASSWORD": password}) as app:
        client = Client(app.url)
        door = client.get("/support")
        assert door.status == 200 and "Support password" in door.body and "Search" not in door.body
        wrong = client.post("/support", {"password": "guess", "csrf_token": door.csrf})
        assert (wrong.status, wrong.alert) == (403, "Wrong support password.")
        assert client.post("/support/users/anyone/reset-mfa", {"csrf_token": door.csrf}).status == 403
        assert client.post("/support", {"password": password, "csrf_token": door.csrf}).status == 303
        console = client.get("/support?username=nobody")
        assert console.status == 200 and "No user with that username" in console.body


def test_a_labels_file_with_an_unknown_key_is_one_line(tmp_path):
    labels = tmp_path / "labels.toml"
    labels.write_text('[labels]\nreset_mfa = "Reset two-step"\nreset_mfaa = "typo"\n')
    done = run_cli("serve", "--port", "0", "--db", str(tmp_path / "state.sqlite3"), "--labels", str(labels), timeout=60)
    assert done.returncode == 4  # an input file that cannot be used
    assert done.stderr.strip().splitlines() == [
        f"mfa-conformance serve: --labels {labels}: unknown key(s) in [labels]: reset_mfaa"]
