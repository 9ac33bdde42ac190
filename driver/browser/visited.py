"""Every address a browser run asked for and every response it was shown, for the
security check that the TOTP key appears nowhere once the device is saved (SEC-07).

Each person's browser context reports each request's address, and each
response as it arrives: its headers (a redirect's Location, a Set-Cookie) and,
for text (an HTML page, a script's JSON), its body, read at once in
Playwright's event handler, since the browser drops a page's body when the next
page loads. Images, fonts and media are kept as addresses only. Nothing here is
ever printed: a page's repr gives only lengths.
"""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Error, Request, Response

from mfa_conformance.driver import Page

__all__ = ["Visits", "TEXT_TYPES"]

TEXT_TYPES = ("text/", "json", "javascript", "xml")
"""Content types whose body is read: what a person (or a script of the page) can read as text."""


class Visits:
    """The pages of one scenario, from every browser context it used, in the order they came."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.unread = 0
        """Text responses whose body the browser no longer had (counted, so a check can say so)."""

    def watch(self, context: BrowserContext) -> None:
        context.on("request", self._request)
        context.on("response", self._response)

    def clear(self) -> None:
        self.pages.clear()
        self.unread = 0

    def _request(self, request: Request) -> None:
        self.pages.append(Page(request.url))

    def _response(self, response: Response) -> None:
        try:
            headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
            kind = response.headers.get("content-type", "")
            body, unread = "", False
            if 300 <= response.status < 400 or not any(t in kind for t in TEXT_TYPES):
                pass  # a redirect has no body; an image is no text
            else:
                try:
                    body = response.text()
                except Error:
                    unread = True
                    self.unread += 1
            self.pages.append(Page(response.url, f"{headers}\n{body}", unread=unread))
        except Exception:  # never let a closing page break the run from inside Playwright's dispatcher
            self.unread += 1
            self.pages.append(Page(response.url, unread=True))
