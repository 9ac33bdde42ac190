"""Practice Security Settings: enforcement for ALL users, and the IP Safelist."""

from __future__ import annotations

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ..profile import Profile
from .base import ElementMissing, fill, locate, submit

__all__ = ["PracticeSecuritySettingsPage"]


class PracticeSecuritySettingsPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        settings = profile.practice_security_settings
        self.enforce = locate(page, settings.enforce)
        self.save_enforcement = locate(page, settings.save_enforcement)
        self.safelist_field = locate(page, settings.safelist)
        self.save_safelist = locate(page, settings.save_safelist)
        self.user_settings = locate(page, settings.user_settings)
        self.timeout = profile.timeout_ms

    def enforced(self) -> bool:
        try:
            return self.enforce.is_checked(timeout=self.timeout)
        except PlaywrightTimeout:
            raise ElementMissing(f"no enforcement checkbox on Practice Security Settings ({self.enforce})") from None

    def set_enforced(self, enforced: bool) -> None:
        try:
            self.enforce.set_checked(enforced, timeout=self.timeout)
        except PlaywrightTimeout:
            raise ElementMissing(f"no enforcement checkbox on Practice Security Settings ({self.enforce})") from None
        submit(self.page, self.save_enforcement, "the enforcement setting's save button", self.timeout)

    def safelist(self) -> tuple[str, ...]:
        try:
            text = self.safelist_field.input_value(timeout=self.timeout)
        except PlaywrightTimeout:
            raise ElementMissing(f"no IP Safelist on Practice Security Settings ({self.safelist_field})") from None
        return tuple(line.strip() for line in text.splitlines() if line.strip())

    def set_safelist(self, entries: list[str]) -> None:
        fill(self.safelist_field, "\n".join(entries), "IP Safelist", self.timeout)
        submit(self.page, self.save_safelist, "the IP Safelist's save button", self.timeout)

    def open_user_settings(self) -> None:
        submit(self.page, self.user_settings, "the User Settings link", self.timeout)
