"""The vendor support console: find any user, reset their MFA."""

from __future__ import annotations

from playwright.sync_api import Page

from ..profile import Profile
from .base import ElementMissing, column, fill, locate, present, read_table, submit

__all__ = ["SupportConsolePage"]


class SupportConsolePage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page, self.profile = page, profile
        self.config = console = profile.support_console
        self.password = locate(page, console.password) if "password" in console else None
        self.open_button = locate(page, console.open) if "open" in console else None
        self.search_field = locate(page, console.search)
        self.search_button = locate(page, console.search_submit)
        self.users = locate(page, console.users)
        self.timeout = profile.timeout_ms

    def open(self, url: str, password: str | None) -> None:
        self.page.goto(url, wait_until="domcontentloaded")
        if self.password is not None and present(self.password):
            if password is None:
                raise ElementMissing("the support console asks for a password and the profile names none "
                                     "(system.support_password_env)")
            assert self.open_button is not None
            fill(self.password, password, "support password", self.timeout)
            submit(self.page, self.open_button, "the support console's sign-in button", self.timeout)

    def search(self, username: str) -> list[str]:
        fill(self.search_field, username, "support console search field", self.timeout)
        submit(self.page, self.search_button, "the support console's search button", self.timeout)
        return [column(row, self.config.username_column, "support console")
                for row in read_table(self.users, "support console users", self.timeout)]

    def reset_mfa(self, username: str) -> None:
        row = self.users.get_by_role("row").filter(has=self.page.get_by_role("cell", name=username, exact=True))
        button = locate(row, self.config.reset_mfa)
        submit(self.page, button, f"Reset MFA for {username!r}", self.timeout)
