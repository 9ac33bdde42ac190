"""What an attacker on loopback found in the served reference app, each checked
over real HTTP against `mfa-conformance serve` (waitress), since the in-process
test client never meets what waitress does to a request: proxy headers that
waitress stripped before the test hooks' guard looked, a Host header trusted
for the hooks and for redirects, a Host that gave a 500, bodies and safelists
of any size, hook bodies that gave a 500, and the answers that told an
account's state, or a right password, to someone without it.

One server serves the whole module (each test seeds practices of its own); a
test that needs other options starts its own.
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import socket
import urllib.parse
from dataclasses import dataclass, field

import pyotp
import pytest

from mfa_conformance.webapp.context import PROXY_HEADERS

from ..browser.served import ServedApp

ALERT = re.compile(r'role="?alert"?[^>]*>([^<]*)<')
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
KEY = re.compile(r"\b([A-Z2-7]{32})\b")
LIMIT_NAMED = "256 KiB (262144 bytes)"
T = 1_800_000_000.0


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def alert(self) -> str | None:
        found = ALERT.search(self.body)
        return found.group(1).strip() if found else None

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Browser:
    """A client over raw HTTP: any Host header, any header, its own cookies."""

    port: int
    host: str = ""
    cookies: dict[str, str] = field(default_factory=dict)

    def send(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        sent = {"Host": self.host or f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Max-Age=0" not in header and "01 Jan 1970" not in header:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return Answer(response.status, response.headers, text)

    def get(self, path: str, **headers: str) -> Answer:
        return self.send("GET", path, headers=headers)

    def hook(self, path: str, payload: object, headers: dict[str, str] | None = None) -> Answer:
        return self.send("POST", "/_test" + path, json.dumps(payload).encode(),
                         {"Content-Type": "application/json", **(headers or {})})

    def raw_hook(self, path: str, body: bytes) -> Answer:
        return self.send("POST", "/_test" + path, body, {"Content-Type": "application/json"})

    def form(self, path: str, fields: dict[str, str], headers: dict[str, str] | None = None) -> Answer:
        if "csrf_token" not in fields:
            fields = {**fields, "csrf_token": CSRF.search(self.get("/sign-in").body).group(1)}
        return self.send("POST", path, urllib.parse.urlencode(fields).encode(),
                         {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})

    def sign_in(self, username: str, password: str, headers: dict[str, str] | None = None) -> Answer:
        return self.form("/sign-in", {"username": username, "password": password}, headers)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with ServedApp(tmp_path_factory.mktemp("served") / "state.sqlite3") as app:
        yield app
    assert "Traceback" not in app.logged() and "ERROR" not in app.logged(), app.logged()[-3000:]


def _practice(app: ServedApp, *users: tuple[str, bool]) -> dict[str, str]:
    """A practice of its own with the given users (username stem, account holder); their usernames."""
    seeding, tag = Browser(app.port), secrets.token_hex(3)
    assert seeding.hook("/practices", {"name": f"Practice {tag}"}).status == 201
    names = {}
    for stem, holder in users:
        names[stem] = f"{stem}.{tag}"
        answer = seeding.hook("/users", {"practice": f"Practice {tag}", "username": names[stem],
                                          "password": f"{stem}-password", "account_holder": holder})
        assert answer.status == 201, answer.body
    return names


# ── 1. The proxy headers reach the guard ─────────────────────────────────────


@pytest.mark.parametrize("header", PROXY_HEADERS)
def test_a_hook_request_through_a_proxy_is_refused_under_waitress(served, header):
    local = Browser(served.port)
    assert local.get("/_test").status == 200
    proxied = {header: "for=203.0.113.9" if header == "Forwarded" else "203.0.113.9"}
    assert local.get("/_test", **proxied).status == 404
    name = f"Mallory's {secrets.token_hex(3)}"
    assert local.hook("/practices", {"name": name}, proxied).status == 404
    assert local.hook("/clock", {"advance": 3600}, proxied).status == 404
    assert local.get("/support", **proxied).status == 404  # the password-less console is the hooks'
    assert local.hook("/practices", {"name": name}).status == 201  # nothing was created


def test_the_client_address_header_is_ignored_through_a_proxy(served):
    names = _practice(served, ("dana", True), ("erin", False))
    dana = Browser(served.port)
    assert dana.sign_in(names["dana"], "dana-password").status == 303
    assert dana.form("/admin/security-settings/ip-safelist", {"safelist": "203.0.113.0/24"}).status == 303
    inside = {"X-MFA-Test-Client-Address": "203.0.113.5"}
    assert Browser(served.port).sign_in(names["erin"], "erin-password", inside).status == 303
    proxied = Browser(served.port).sign_in(names["erin"], "erin-password",
                                           {**inside, "X-Forwarded-For": "198.51.100.7"})
    assert proxied.status == 403 and "IP safelist" in proxied.alert


# ── 2. The Host header ───────────────────────────────────────────────────────


def test_hooks_answer_only_the_loopback_names_and_the_servers_own_port(served):
    port = served.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LOCALHOST:{port}"):
        assert Browser(port, host).get("/_test").status == 200, host
    name = f"Rebound {secrets.token_hex(3)}"
    for host in (f"attacker.example:{port}", "attacker.example", f"127.0.0.1:{port + 1}", "localhost",
                 f"127.0.0.2:{port}", f"localhost.attacker.example:{port}"):
        rebound = Browser(port, host)
        assert rebound.get("/_test").status == 404, host
        assert rebound.hook("/practices", {"name": name}).status == 404, host
        assert rebound.hook("/clock", {"advance": 3600}).status == 404, host
        assert rebound.get("/support").status == 404, host
    assert Browser(port).hook("/practices", {"name": name}).status == 201  # none of them created it


def test_the_client_address_header_is_ignored_with_another_host(served):
    names = _practice(served, ("dana", True), ("erin", False))
    dana = Browser(served.port)
    assert dana.sign_in(names["dana"], "dana-password").status == 303
    assert dana.form("/admin/security-settings/ip-safelist", {"safelist": "203.0.113.0/24"}).status == 303
    rebound = Browser(served.port, f"attacker.example:{served.port}")
    refused = rebound.sign_in(names["erin"], "erin-password", {"X-MFA-Test-Client-Address": "203.0.113.5"})
    assert refused.status == 403 and "IP safelist" in refused.alert


def _relative(answer: Answer) -> str:
    location = answer.headers.get("Location")
    assert answer.status in (301, 302, 303, 307, 308) and location, answer.status
    assert location.startswith("/") and not location.startswith("//") and "attacker" not in location, location
    return location


@pytest.mark.parametrize("path", ["/", "/sign-in//code", "//admin//users", "/admin//security-settings"])
def test_no_redirect_follows_the_host_header(served, path):
    _relative(Browser(served.port, "attacker.example").get(path))


def test_signing_in_redirects_within_the_server_whatever_the_host(served):
    names = _practice(served, ("erin", False))
    erin = Browser(served.port, "attacker.example:8080")
    assert _relative(erin.sign_in(names["erin"], "erin-password")) == "/home"
    assert _relative(erin.form("/sign-out", {})) == "/sign-in"


@pytest.mark.parametrize("host", [
    "a" * 64 + ".example", "a" * 64, "x." * 127 + "x", "exa mple", "ex\u00e4mple.com", "[::1", "[nonsense]:80",
    "host:99999", "host:", "a..b", ".", "-", "host:80:80", "<script>", "caf\u00c3\u00a9.example",
])
def test_a_host_header_that_is_no_host_name_is_a_clean_400(served, host):
    answer = Browser(served.port, host).get("/")
    assert answer.status == 400, (host, answer.status)
    assert answer.alert == "The Host header is not a host name."
    assert "Traceback" not in answer.body


@pytest.mark.parametrize("host", ["EXAMPLE.com.", "xn--bcher-kva.example", "xn--zzzz.example",
                                  "under_score.example:8080", "[2001:db8::1]:8080", "10.0.0.1", "a" * 63 + ".example"])
def test_an_unusual_but_valid_host_is_served(served, host):
    answer = Browser(served.port, host).get("/sign-in")
    assert answer.status == 200, (host, answer.status, answer.body[-300:])


# ── 3. Size limits ───────────────────────────────────────────────────────────


def test_a_body_over_the_limit_is_a_413_naming_it(served):
    browser = Browser(served.port)
    form = browser.form("/sign-in", {"username": "a" * (300 * 1024), "password": "x"})
    assert form.status == 413 and LIMIT_NAMED in form.alert
    hook = browser.raw_hook("/practices", b'{"name": "' + b"a" * (300 * 1024) + b'"}')
    assert hook.status == 413 and hook.json()["refused"] == "RequestTooLarge"
    assert LIMIT_NAMED in hook.json()["message"] and hook.body.count("\n") == 1
    assert browser.form("/sign-in", {"username": "a" * (200 * 1024), "password": "x"}).status == 403  # within it


def test_a_100_mb_body_is_refused_unread(served):
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as connection:
        connection.sendall(f"POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
                           "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000000\r\n\r\n"
                           "username=aaaa".encode())
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.endswith(b")"):
            chunk = connection.recv(4096)
            if not chunk:
                break
            answer += chunk
    status_line, _, rest = answer.decode().partition("\r\n")
    assert status_line.startswith("HTTP/1.1 413"), answer
    assert "16777216" in rest  # the most waitress reads, named


def test_the_servers_memory_stays_small_after_large_bodies(served):
    browser = Browser(served.port)
    for _ in range(3):
        assert browser.form("/sign-in", {"username": "a" * (15 * 1024 * 1024)}).status == 413
    status = open(f"/proc/{served._process.pid}/status", encoding="ascii").read()  # type: ignore[union-attr]
    peak_kb = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    assert peak_kb < 250 * 1024, f"the server's memory peaked at {peak_kb // 1024} MB"


def _holder(served) -> tuple[Browser, dict[str, str]]:
    names = _practice(served, ("dana", True), ("erin", False))
    dana = Browser(served.port)
    assert dana.sign_in(names["dana"], "dana-password").status == 303
    assert dana.form("/admin/security-settings/ip-safelist", {"safelist": "203.0.113.0/24"}).status == 303
    return dana, names


def _saved_safelist(dana: Browser) -> str:
    page = dana.get("/admin/security-settings").body
    return re.search(r"<textarea[^>]*>([^<]*)</textarea>", page).group(1).strip()


def test_a_safelist_of_more_entries_than_the_limit_is_refused_naming_it(served):
    dana, _ = _holder(served)
    entries = [f"10.{n // 256}.{n % 256}.0/24" for n in range(1001)]
    refused = dana.form("/admin/security-settings/ip-safelist", {"safelist": "\n".join(entries)})
    assert refused.status == 422
    assert refused.alert == "An IP safelist holds at most 1,000 entries; this one has 1,001. Nothing was saved."
    assert _saved_safelist(dana) == "203.0.113.0/24"
    assert dana.form("/admin/security-settings/ip-safelist", {"safelist": "\n".join(entries[:1000])}).status == 303
    assert _saved_safelist(dana).count("/24") == 1000


def test_a_safelist_longer_than_the_limit_is_refused_naming_it(served):
    dana, _ = _holder(served)
    text = "198.51.100.0/24" + " " * 70_000 + "\n203.0.113.7"
    refused = dana.form("/admin/security-settings/ip-safelist", {"safelist": text})
    assert refused.status == 422
    assert refused.alert == (f"An IP safelist is at most 65,536 characters long; this one has {len(text):,}. "
                             "Nothing was saved.")
    assert _saved_safelist(dana) == "203.0.113.0/24"


def test_a_300000_entry_safelist_is_refused_whole(served):
    dana, _ = _holder(served)
    entries = "\n".join(f"10.{n // 65536}.{n // 256 % 256}.{n % 256}" for n in range(300_000))
    assert dana.form("/admin/security-settings/ip-safelist", {"safelist": entries}).status == 413
    assert _saved_safelist(dana) == "203.0.113.0/24"


def test_the_size_limit_is_refused_before_anyone_is_told_of_a_safelist(served):
    names = _practice(served, ("erin", False))
    erin = Browser(served.port)
    assert erin.sign_in(names["erin"], "erin-password").status == 303
    entries = "\n".join(f"10.0.{n // 256}.{n % 256}" for n in range(1001))
    refused = erin.form("/admin/security-settings/ip-safelist", {"safelist": entries})
    assert refused.status == 403 and refused.alert == "Only an account holder can do this."


# ── 4. Hook bodies ───────────────────────────────────────────────────────────


@pytest.mark.parametrize("body", [
    b'{"name": "\\ud800"}', b'{"name": "a\\udfffb"}', b'{"\\ud800": 1}', b'{"name": "\xed\xa0\x80"}',
    b'{"name": "\xff\xfe"}', '{"name": "x"}'.encode("utf-16-le") + b"\x00\xd8", b"\xff" * 100,
    b"[" * (200 * 1024), b'{"a":' * 40_000 + b"1" + b"}" * 40_000, b"[" * (10 * 1024 * 1024),
    b'{"name": "P", "mfa_available": "\\ud800"}',
])
def test_a_hook_body_that_cannot_be_used_is_a_4xx_in_one_line(served, body):
    for hook in ("/practices", "/users", "/clock"):
        answer = Browser(served.port).raw_hook(hook, body)
        assert 400 <= answer.status < 500, (hook, answer.status, answer.body[-300:])
        assert answer.body.count("\n") == 1 and answer.json()["message"], answer.body


# ── 6. The account's state, and the password, told only to the password ────


def _enrolled_and_code_locked(served, names: dict[str, str]) -> None:
    lane = {"X-MFA-Test-Clock": f"lane-{secrets.token_hex(3)}"}
    erin = Browser(served.port)
    assert erin.hook("/clock", {"set": T}, lane).status == 200
    assert erin.sign_in(names["erin"], "erin-password", lane).status == 303
    page = erin.form("/security/authenticator", {"authenticator": "Authy"}, lane)
    key = KEY.search(page.body).group(1)
    saved = erin.form("/security/authenticator/device", {"code": pyotp.TOTP(key).at(T), "device_name": "phone"}, lane)
    assert saved.status == 303
    erin.form("/sign-out", {})
    assert erin.sign_in(names["erin"], "erin-password", lane).status == 303
    wrong = [erin.form("/sign-in/code", {"code": "000000"}, lane).status for _ in range(5)]
    assert wrong[-1] == 423, wrong


def test_a_code_locked_account_is_answered_like_an_unknown_one_without_its_password(served):
    names = _practice(served, ("erin", False), ("finn", False))
    _enrolled_and_code_locked(served, names)
    mallory = Browser(served.port)
    mallory.get("/sign-in")  # its CSRF cookie first, so no answer below sets one and the others not
    locked = mallory.sign_in(names["erin"], "not-her-password")
    unknown = mallory.sign_in(f"nobody.{secrets.token_hex(3)}", "not-her-password")
    other = mallory.sign_in(names["finn"], "not-his-password")
    assert (locked.status, locked.alert) == (403, "Wrong username or password.")
    assert (locked.status, locked.body) == (unknown.status, unknown.body) == (other.status, other.body)
    right = mallory.sign_in(names["erin"], "erin-password")
    assert right.status == 423 and "Too many wrong codes" in right.alert and "mfa_session" not in mallory.cookies


def test_by_default_the_right_password_from_outside_the_safelist_is_told_the_address(served):
    _, names = _holder(served)
    outside = {"X-MFA-Test-Client-Address": "198.51.100.7"}
    refused = Browser(served.port).sign_in(names["erin"], "erin-password", outside)
    assert refused.status == 403 and "IP safelist" in refused.alert


def test_answered_like_a_wrong_password_the_safelist_tells_nothing_outside_it(tmp_path):
    with ServedApp(tmp_path / "state.sqlite3", options=["--safelist-answer", "like-wrong-password"]) as app:
        assert 'a profile for it declares safelist_refusal = "like-wrong-password"' in app.started_line
        dana, names = _holder(app)
        outside, inside = {"X-MFA-Test-Client-Address": "198.51.100.7"}, {"X-MFA-Test-Client-Address": "203.0.113.5"}
        mallory = Browser(app.port)
        mallory.get("/sign-in")
        right = mallory.sign_in(names["erin"], "erin-password", outside)
        wrong = mallory.sign_in(names["erin"], "not-her-password", outside)
        assert (right.status, right.alert) == (403, "Wrong username or password.")
        assert (right.status, right.body) == (wrong.status, wrong.body)
        assert "mfa_session" not in mallory.cookies
        for n in range(8):  # the right one counted as a guess too: 10 in all lock the username
            assert mallory.sign_in(names["erin"], f"guess{n}", outside).status == 403
        assert mallory.sign_in(names["erin"], "erin-password", inside).status == 429
    assert "Traceback" not in app.logged()
