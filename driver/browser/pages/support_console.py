"""The vendor support console: find any user, reset their MFA."""

from __future__ import annotations

from playwright.sync_api import Page

from ..profile import Profile
from .base import Element, ElementMissing, column, locate, read_table

__all__ = ["SupportConsolePage"]


class SupportConsolePage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page, self.profile = page, profile
        self.config = console = profile.support_console
        timeout = profile.timeout_ms
        self.password = Element.of(page, console.password, timeout) if "password" in console else None
        self.open_button = Element.of(page, console.open, timeout) if "open" in console else None
        self.search_field = Element.of(page, console.search, timeout)
        self.search_button = Element.of(page, console.search_submit, timeout)
        self.users = Element.of(page, console.users, timeout)

    def open(self, url: str, password: str | None) -> None:
        self.page.goto(url, wait_until="domcontentloaded")
        if self.password is not None and self.password.present():
            if password is None:
                raise ElementMissing("the support console asks for a password and the profile names none "
                                     "(system.support_password_env)")
            assert self.open_button is not None
            self.password.fill(password)
            self.open_button.submit()

    def search(self, username: str) -> list[str]:
        self.search_field.fill(username)
        self.search_button.submit()
        return [column(row, self.config.username_column, "support_console.username_column", self.users)
                for row in read_table(self.users)]

    def reset_mfa(self, username: str) -> None:
        row = self.users.locator.get_by_role("row").filter(has=self.page.get_by_role("cell", name=username, exact=True))
        spec = self.config.reset_mfa
        Element(locate(row, spec), spec, self.users.timeout, shown=f"{spec} in the row of {username!r}").submit()
