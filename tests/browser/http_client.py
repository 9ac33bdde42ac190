"""A minimal browser-like HTTP client for the web app's own tests: it keeps
cookies (Secure ones too, on the loopback address) and reads forms' CSRF tokens."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.client import HTTPResponse

__all__ = ["Client", "Answer"]

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
ALERT = re.compile(r'role="alert"[^>]*>([^<]*)<')


@dataclass
class Answer:
    status: int
    body: str
    location: str | None

    @property
    def alert(self) -> str | None:
        found = ALERT.search(self.body)
        return found.group(1).strip() if found else None

    @property
    def csrf(self) -> str:
        found = CSRF.search(self.body)
        assert found, "the page has no form with a CSRF token"
        return found.group(1)

    def json(self) -> object:
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Client:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies: dict[str, str] = {}
        self._opener = urllib.request.build_opener(_NoRedirect)

    def _send(self, request: urllib.request.Request) -> Answer:
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response: HTTPResponse = self._opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error  # type: ignore[assignment]
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Max-Age=0" not in header and "expires=Thu, 01 Jan 1970" not in header:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return Answer(response.status, response.read().decode("utf-8", "replace"), response.headers.get("Location"))

    def get(self, path: str) -> Answer:
        return self._send(urllib.request.Request(self.base_url + path))

    def post(self, path: str, form: dict[str, str]) -> Answer:
        data = urllib.parse.urlencode(form).encode()
        return self._send(urllib.request.Request(self.base_url + path, data=data, method="POST"))

    def post_json(self, path: str, payload: object, headers: dict[str, str] | None = None) -> Answer:
        request = urllib.request.Request(self.base_url + path, data=json.dumps(payload).encode(), method="POST",
                                         headers={"Content-Type": "application/json", **(headers or {})})
        return self._send(request)
