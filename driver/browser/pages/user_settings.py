"""User Settings: the users with their MFA status, exact search, Reset MFA."""

from __future__ import annotations

from playwright.sync_api import Page

from mfa_conformance.driver import UserStatus

from ..profile import Profile
from .base import fill, locate, read_table, column, submit

__all__ = ["UserSettingsPage"]


class UserSettingsPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        self.config = settings = profile.user_settings
        self.search_field = locate(page, settings.search)
        self.search_button = locate(page, settings.search_submit)
        self.users = locate(page, settings.users)
        self.reset_button = locate(page, settings.reset_mfa)
        self.timeout = profile.timeout_ms

    def statuses(self) -> list[UserStatus]:
        c = self.config
        rows = read_table(self.users, "users", self.timeout)
        statuses = []
        for row in rows:
            device = column(row, c.device_column, "users") if c.device_column.casefold() in row["_columns"] else ""
            role = column(row, c.role_column, "users") if c.role_column.casefold() in row["_columns"] else ""
            statuses.append(UserStatus(
                username=column(row, c.username_column, "users"),
                enrolled=column(row, c.status_column, "users").casefold() == c.enrolled_text.casefold(),
                device_name=device or None,
                account_holder=role.casefold() == c.account_holder_text.casefold(),
            ))
        return statuses

    def search(self, username: str) -> list[UserStatus]:
        fill(self.search_field, username, "User Settings search field", self.timeout)
        submit(self.page, self.search_button, "the search button", self.timeout)
        return self.statuses()

    def select(self, username: str) -> None:
        link = self.users.get_by_role("link", name=username, exact=True)
        submit(self.page, link, f"the user {username!r} in the list", self.timeout)

    def reset_mfa(self) -> None:
        submit(self.page, self.reset_button, "Reset MFA", self.timeout)
