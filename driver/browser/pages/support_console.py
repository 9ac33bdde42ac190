"""The vendor support console: sign in to it, find any user, reset their MFA.

The console may ask for nothing, for a password, or for a username and a
password: the profile lists its sign-in fields (`support_console.fields`),
each filled from the environment variable the profile names. A console that
refuses its sign-in fails the support step there and then, with the
console's own words: that is no answer to the documented reset, and a later
step would only see its consequences.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

from mfa_conformance.driver.errors import CannotTell

from ..profile import ConsoleField, Profile
from .base import Element, column, locate, page_path, read_table, refusal_on

__all__ = ["SupportConsolePage", "ConsoleSignInFailed"]


class ConsoleSignInFailed(AssertionError):
    """The support console did not open: its sign-in fields have no value, or it refused them."""


class SupportConsolePage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page, self.profile = page, profile
        self.config = console = profile.support_console
        timeout = profile.timeout_ms
        self.fields = [(entry, Element.of(page, entry.locator, timeout)) for entry in console.fields]
        self.open_button = Element.of(page, console.open, timeout) if "open" in console else None
        self.search_field = Element.of(page, console.search, timeout) if "search" in console else None
        self.search_button = Element.of(page, console.search_submit, timeout) if "search_submit" in console else None
        self.users = Element.of(page, console.users, timeout) if "users" in console else None

    def _asks(self) -> list[str]:
        return [entry.locator.key for entry, element in self.fields if element.present()]

    def _opened(self) -> bool | None:
        """Whether the console's own page shows: its search with its button, or its list of users.
        None where the profile names neither (then only its sign-in fields can tell)."""
        own = [e for e in (self.search_field, self.search_button) if e is not None] or \
              [e for e in (self.users,) if e is not None]
        return all(e.present() for e in own) if own else None

    def open(self, url: str, value_of: Callable[[ConsoleField], str | None]) -> None:
        """Go to the console and, if it asks, sign in with each field's value (`value_of`).

        That it opened is read from its own page (its search, its users), not from its
        sign-in fields being gone: a search box may carry the same label as a sign-in field."""
        self.page.goto(url, wait_until="domcontentloaded")
        if self._opened() or not self._asks():
            return
        for entry, element in self.fields:
            value = value_of(entry)
            if value is None:
                raise ConsoleSignInFailed(f"the support console asks for {entry.locator.key} on {page_path(self.page)}"
                                          f", and {entry.source} names no environment variable that is set")
            element.fill(value)
        assert self.open_button is not None  # the profile requires it beside fields
        self.open_button.submit()
        opened = self._opened()
        if opened:
            return
        refusal = refusal_on(self.page, self.profile)
        if refusal is not None:
            raise ConsoleSignInFailed(f"the support console refused its sign-in on {page_path(self.page)}: {refusal}")
        if still := self._asks():
            raise ConsoleSignInFailed(f"the support console still asks for {', '.join(still)} on "
                                      f"{page_path(self.page)} after they were filled in")
        if opened is False:
            keys = " or ".join(f"support_console.{k}" for k in ("search", "search_submit", "users")
                               if k in self.config)
            raise CannotTell(f"whether the support console opened: after its sign-in {page_path(self.page)} shows "
                             f"neither its sign-in fields, a refusal (screens.message), nor its own page ({keys})")

    def search(self, username: str) -> list[str]:
        assert self.search_field is not None and self.search_button is not None and self.users is not None
        self.search_field.fill(username)
        self.search_button.submit()
        return [column(row, self.config.username_column, "support_console.username_column", self.users)
                for row in read_table(self.users)]

    def reset_mfa(self, username: str) -> None:
        assert self.users is not None
        row = self.users.locator.get_by_role("row").filter(has=self.page.get_by_role("cell", name=username, exact=True))
        spec = self.config.reset_mfa
        Element(locate(row, spec), spec, self.users.timeout, shown=f"{spec} in the row of {username!r}").submit()
