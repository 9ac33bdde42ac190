"""Fuzzing the served web app: every route, every form field and query
parameter, the test hooks' JSON and headers, with any value, anonymous or
signed in, with a valid CSRF token or a bad one; bodies over the size limit,
bytes that are not UTF-8 in forms, queries, JSON, headers and cookies, and
Host headers that name no host. Nothing may answer 5xx, no answer may carry a
traceback, and the server may log none.

Routes come from the app's own URL map and fields from its templates and
views, so a new route or field is fuzzed without editing this test.
Bounded: a fixed number of examples (one request each) against one server.
"""

from __future__ import annotations

import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mfa_conformance.webapp import ServerConfig, create_app

from ..browser.http_client import Client
from ..browser.served import ServedApp

WEBAPP = Path(create_app.__code__.co_filename).parent
EXAMPLES = 200


def _routes(tmp: Path) -> list[tuple[str, str]]:
    app = create_app(ServerConfig(db_path=tmp / "routes.sqlite3", test_hooks=True, support_password="x"))
    return sorted((method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods
                  if method in ("GET", "POST") and rule.endpoint != "static")


def _fields() -> list[str]:
    names = set()
    for path in (WEBAPP / "templates").glob("*.html"):
        names |= set(re.findall(r'<(?:input|textarea|select)[^>]*\bname="(\w+)"', path.read_text(encoding="utf-8")))
    for path in (WEBAPP / "views").glob("*.py"):
        names |= set(re.findall(r'request\.(?:form|args)\.get\("(\w+)"', path.read_text(encoding="utf-8")))
    return sorted(names | {"csrf_token"})


HOOK_FIELDS = ["name", "mfa_available", "practice", "username", "password", "account_holder", "set", "advance"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | st.just(10**400)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)
texts = (st.text(max_size=60) | st.sampled_from(["", " ", "0", "123456", "on", "1", "dana", "10.0.0.0/8",
                                                   "\u00e9\u00e9", "\x00", "a" * 5000, "::1%eth0", "1.2.3.4/99"]))
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
latin1_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255, blacklist_characters="\x7f"),
                      max_size=40)
"""Header values as bytes on the wire: latin-1, so bytes 0x80 to 0xff, never UTF-8 text."""
LIMIT = 256 * 1024
"""ServerConfig.max_request_bytes, the server's default."""
OVERSIZED = [LIMIT + 1, 2 * LIMIT, 1024 * 1024]
NOT_UTF8_FORM = [b"&code=%FF%FE&username=\xff\xc3", b"&password=\xe9t\xe9&device_name=\xed\xa0\x80",
                 b"&safelist=10.0.0.0%2F8%0A\xc0\xaf&enforce=%C3", b"&username=%ED%A0%80&csrf_token=\x80\x81"]
NOT_UTF8_JSON = [b"\xff", b'{"name": "\xed\xa0\x80"}', '{"name": "\u00e9t\u00e9"}'.encode("latin-1"),
                 '{"username": "x"}'.encode("utf-16-le") + b"\x00\xd8", b'{"password": "\xc3\x28"}',
                 b"\xef\xbb\xbf{}", b'{"practice": "a\x00b"}']
HOSTS = st.sampled_from(["attacker.example", "a" * 64 + ".example", "ex\u00e4mple", "[::1", "host:99999",
                         "localhost", "127.0.0.1:1", "", "x." * 127 + "x"]) | latin1_text


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # every page a redirect leads to is fuzzed in its own right


OPENER = urllib.request.build_opener(_NoRedirect)


def _send(base: str, client: Client, method: str, path: str, *, body: bytes | None, content_type: str | None,
          headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    if content_type:
        request.add_header("Content-Type", content_type)
    if client.cookies:
        cookies = [f"{k}={v}" for k, v in client.cookies.items()] + [request.get_header("Cookie") or ""]
        request.add_header("Cookie", "; ".join(cookie for cookie in cookies if cookie))
    try:
        with OPENER.open(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


tokens: dict[tuple, str] = {}


def _csrf(client: Client) -> str:
    """The client's CSRF token for its current session (the same for every form of that session)."""
    key = (id(client), tuple(sorted(client.cookies.items())))
    if key not in tokens:
        tokens[key] = client.get("/sign-in").csrf
    return tokens[key]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    with ServedApp(folder / "state.sqlite3", env={"MFA_SUPPORT_PASSWORD": "fuzz-support-password"}) as app:
        seeding = Client(app.url)
        assert seeding.post_json("/_test/practices", {"name": "Fuzz Clinic"}).status == 201
        people = {}
        for username, holder in (("holder", True), ("user", False)):
            password = secrets.token_urlsafe(12)
            assert seeding.post_json("/_test/users", {"practice": "Fuzz Clinic", "username": username,
                                                      "password": password, "account_holder": holder}).status == 201
            people[username] = password
        yield app, people, _routes(folder), _fields()
    assert "Traceback" not in app.logged() and "ERROR" not in app.logged(), app.logged()[-3000:]


clients: dict[str, Client] = {}


def _client(app, people, who: str) -> Client:
    client = clients.get(who)
    if client is None or client.base_url != app.url:
        client = clients[who] = Client(app.url)
    if who in people and "mfa_session" not in client.cookies:
        client.post("/sign-in", {"username": who, "password": people[who], "csrf_token": client.get("/sign-in").csrf})
    return client


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])
@given(data=st.data())
def test_no_input_gets_a_5xx_or_a_traceback(fuzzed, data):
    app, people, routes, fields = fuzzed
    who = data.draw(st.sampled_from(["anonymous", "holder", "user"]), label="who")
    client = _client(app, people, who)
    method, rule = data.draw(st.sampled_from(routes), label="route")
    username = data.draw(st.sampled_from(["holder", "user", "nobody"]) | st.text(min_size=1, max_size=30))
    path = rule.replace("<username>", urllib.parse.quote(username, safe=""))
    headers = data.draw(st.dictionaries(st.sampled_from(["X-MFA-Test-Clock", "X-MFA-Test-Client-Address",
                                                          "X-Forwarded-For", "Origin"]), header_text | latin1_text,
                                        max_size=2))
    if data.draw(st.integers(0, 9), label="odd host") == 0:
        headers["Host"] = data.draw(HOSTS, label="host")
    if data.draw(st.integers(0, 9), label="odd cookie") == 0:
        headers["Cookie"] = data.draw(latin1_text, label="cookie")
    body, content_type = None, None
    oversized = None
    if method == "POST" and data.draw(st.integers(0, 9), label="size") == 0:
        oversized = data.draw(st.sampled_from(OVERSIZED), label="oversized")
    if rule.startswith("/_test") and method == "POST":
        if oversized:
            body = b'{"name": "' + b"a" * oversized + b'"}'
        elif data.draw(st.booleans(), label="raw JSON"):
            body = data.draw(st.sampled_from([b'{"set": Infinity}', b'{"advance": NaN}', b"{", b"[]",
                                              b'{"set": 1' + b"0" * 400 + b"}", b'{"name": "\\ud800"}',
                                              b"[" * (LIMIT - 1), *NOT_UTF8_JSON]))
        else:
            payload = data.draw(st.dictionaries(st.sampled_from(HOOK_FIELDS) | st.text(max_size=5), json_values,
                                                max_size=4), label="hook payload")
            body = json.dumps(payload).encode()
        content_type = data.draw(st.sampled_from(["application/json", "text/plain", None]))
    else:
        form = data.draw(st.dictionaries(st.sampled_from(fields), texts, max_size=5), label="fields")
        csrf = data.draw(st.sampled_from(["valid", "valid", "missing", "garbage"]), label="csrf")
        if csrf == "valid":
            form["csrf_token"] = _csrf(client)
        elif csrf == "missing":
            form.pop("csrf_token", None)
        if method == "GET":
            path += "?" + urllib.parse.urlencode(form)
            if data.draw(st.booleans(), label="not UTF-8"):
                path += "&username=%ED%A0%80%FF&code=%C3"
        else:
            body = urllib.parse.urlencode(form).encode()
            if data.draw(st.booleans(), label="raw bytes"):
                body += data.draw(st.sampled_from(NOT_UTF8_FORM), label="not UTF-8")
            if oversized:
                body += b"&username=" + b"a" * oversized
            content_type = "application/x-www-form-urlencoded"
    status, text = _send(app.url, client, method, path, body=body, content_type=content_type, headers=headers)
    assert status < 500, (method, path, status, text[-500:])
    if oversized and "Host" not in headers:  # an odd Host may be refused first
        assert status == 413 and "262144 bytes" in text, (method, path, status, text[-500:])
    assert "Traceback" not in text and 'File "' not in text
