"""User Settings: the users with their MFA status, exact search, Reset MFA."""

from __future__ import annotations

from playwright.sync_api import Page

from mfa_conformance.driver import UserStatus

from ..profile import Profile
from .base import Element, column, read_table

__all__ = ["UserSettingsPage"]


class UserSettingsPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        self.config = settings = profile.user_settings
        timeout = profile.timeout_ms
        self.search_field = Element.of(page, settings.search, timeout)
        self.search_button = Element.of(page, settings.search_submit, timeout)
        self.users = Element.of(page, settings.users, timeout)
        self.reset_button = Element.of(page, settings.reset_mfa, timeout)

    def _cell(self, row: dict[str, str], key: str) -> str:
        return column(row, self.config[key], f"user_settings.{key}", self.users)

    def statuses(self) -> list[UserStatus]:
        c = self.config
        statuses = []
        for row in read_table(self.users):
            device = self._cell(row, "device_column") if c.device_column.casefold() in row["_columns"] else ""
            role = self._cell(row, "role_column") if c.role_column.casefold() in row["_columns"] else ""
            statuses.append(UserStatus(
                username=self._cell(row, "username_column"),
                enrolled=self._cell(row, "status_column").casefold() == c.enrolled_text.casefold(),
                device_name=device or None,
                account_holder=role.casefold() == c.account_holder_text.casefold(),
            ))
        return statuses

    def search(self, username: str) -> list[UserStatus]:
        self.search_field.fill(username)
        self.search_button.submit()
        return self.statuses()

    def select(self, username: str) -> None:
        link = self.users.locator.get_by_role("link", name=username, exact=True)
        Element(link, self.users.spec, self.users.timeout,
                shown=f"a link {username!r} in the {self.config.username_column!r} column").submit()

    def reset_mfa(self) -> None:
        self.reset_button.submit()
