"""The reference web app in-process (Flask's test client), on a clock the test moves.

Lifetimes and lockouts run on the server's own clock (ServerConfig.wall_clock);
here that is a `ManualClock`, so a test moves time past a limit exactly, and
never waits for it or depends on how fast the machine is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mfa_conformance.webapp import ServerConfig, create_app

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
ALERT = re.compile(r'role="alert"[^>]*>([^<]*)<')
MANUAL_KEY = re.compile(r"\b([A-Z2-7]{32})\b")


@dataclass
class ManualClock:
    now: float = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def csrf(body: bytes | str) -> str:
    text = body.decode() if isinstance(body, bytes) else body
    found = CSRF.search(text)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def alert(body: bytes) -> str | None:
    found = ALERT.search(body.decode())
    return found.group(1).strip() if found else None


class Browser:
    """One browser: its cookies, and a form post that carries the token of the page it came from."""

    def __init__(self, client: FlaskClient, address: str = "127.0.0.1") -> None:
        self.client = client
        self.environ = {"REMOTE_ADDR": address}

    def get(self, path: str, **kwargs):
        return self.client.get(path, environ_base=self.environ, **kwargs)

    def token(self) -> str:
        """A CSRF token as a form of this browser's current session carries it (any page's will do)."""
        return csrf(self.get("/sign-in").data)

    def post(self, path: str, form: dict[str, str], **kwargs):
        if "csrf_token" not in form:
            form = {**form, "csrf_token": self.token()}
        return self.client.post(path, data=form, environ_base=self.environ, **kwargs)

    def hook(self, path: str, payload: object, headers: dict[str, str] | None = None):
        return self.client.post("/_test" + path, json=payload, environ_base=self.environ, headers=headers or {})

    def sign_in(self, username: str, password: str):
        return self.post("/sign-in", {"username": username, "password": password})

    def cookie(self, name: str, path: str = "/") -> str | None:
        found = self.client.get_cookie(name, path=path)
        return found.value if found else None


@dataclass
class InProcess:
    app: object
    clock: ManualClock
    db: Path

    def browser(self, address: str = "127.0.0.1") -> Browser:
        return Browser(self.app.test_client(), address)  # type: ignore[attr-defined]

    def seed(self, practice: str, *users: tuple[str, str, bool], mfa_available: bool = True) -> None:
        admin = self.browser()
        assert admin.hook("/practices", {"name": practice, "mfa_available": mfa_available}).status_code == 201
        for username, password, holder in users:
            answer = admin.hook("/users", {"practice": practice, "username": username, "password": password,
                                           "account_holder": holder})
            assert answer.status_code == 201, answer.data


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., InProcess]:
    """An app over a fresh database in tmp_path; keyword arguments go to ServerConfig."""

    def make(**options) -> InProcess:
        clock = options.pop("wall_clock", None) or ManualClock()
        db = options.pop("db_path", tmp_path / "state.sqlite3")
        config = ServerConfig(db_path=db, wall_clock=clock, **{"test_hooks": True, **options})
        return InProcess(app=create_app(config), clock=clock, db=db)

    return make


def enroll(browser: Browser, *, at: float, forced: bool = False) -> str:
    """Set up an authenticator for the browser's user with a code for the moment `at`; the key it used."""
    import pyotp

    page = browser.post("/setup" if forced else "/security/authenticator", {"authenticator": "Google Authenticator"})
    assert page.status_code == 200, page.data
    key = MANUAL_KEY.search(page.data.decode())
    assert key, "the setup page shows no key for manual entry"
    saved = browser.post("/setup/device" if forced else "/security/authenticator/device",
                         {"code": pyotp.TOTP(key.group(1)).at(at), "device_name": "phone"})
    assert saved.status_code == 303, saved.data
    return key.group(1)


def code(key: str, at: float) -> str:
    import pyotp

    return pyotp.TOTP(key).at(at)
