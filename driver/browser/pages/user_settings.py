"""User Settings: the users with their MFA status, exact search, Reset MFA."""

from __future__ import annotations

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from mfa_conformance.driver import UserStatus

from ..profile import Profile
from .base import Element, column, read_table

__all__ = ["UserSettingsPage"]


class UserSettingsPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        self.config = settings = profile.user_settings
        timeout = profile.timeout_ms
        self.search_field = Element.of(page, settings.search, timeout) if "search" in settings else None
        self.search_button = Element.of(page, settings.search_submit, timeout) if "search_submit" in settings else None
        self.users = Element.of(page, settings.users, timeout)
        self.reset_button = Element.of(page, settings.reset_mfa, timeout) if "reset_mfa" in settings else None
        self.none = Element.of(page, settings.none, timeout) if "none" in settings else None
        """What the page shows instead of the list when it lists nobody (a stock admin shows no table then)."""

    def _cell(self, row: dict[str, str], key: str) -> str:
        return column(row, self.config[key], f"user_settings.{key}", self.users)

    def _optional_cell(self, row: dict[str, str], key: str) -> str:
        """A column the profile may leave out (device, role): a column it names must be there."""
        return self._cell(row, key) if key in self.config else ""

    def _rows(self) -> list[dict[str, str]]:
        """The list's rows; none where the page says it lists nobody, in place of the table."""
        if self.none is not None:
            try:
                self.users.locator.or_(self.none.locator).first.wait_for(state="attached", timeout=self.users.timeout)
            except PlaywrightTimeout:
                pass
            if not self.users.present() and self.none.present():
                return []
        return read_table(self.users)

    def usernames(self) -> list[str]:
        """Every listed user's username, where the list shows no status (it is on each user's own page)."""
        return [self._cell(row, "username_column") for row in self._rows()]

    def statuses(self) -> list[UserStatus]:
        """Every listed user; device names and roles only where the profile names their columns."""
        c = self.config
        return [UserStatus(
            username=self._cell(row, "username_column"),
            enrolled=self._cell(row, "status_column").casefold() == c.enrolled_text.casefold(),
            device_name=self._optional_cell(row, "device_column") or None,
            account_holder="role_column" in c
            and self._optional_cell(row, "role_column").casefold() == c.account_holder_text.casefold(),
        ) for row in self._rows()]

    def search(self, username: str) -> None:
        assert self.search_field is not None and self.search_button is not None
        self.search_field.fill(username)
        self.search_button.submit()

    def select(self, username: str) -> None:
        link = self.users.locator.get_by_role("link", name=username, exact=True)
        Element(link, self.users.spec, self.users.timeout,
                shown=f"a link {username!r} in the {self.config.username_column!r} column").submit()

    def reset_mfa(self) -> None:
        assert self.reset_button is not None
        self.reset_button.submit()
