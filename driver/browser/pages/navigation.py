"""The header: the profile menu in the upper right, and Menu -> Admin."""

from __future__ import annotations

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ..profile import Profile
from .base import ElementMissing, click, locate, present, reveal, submit

__all__ = ["ProfileMenu", "MainMenu"]


class ProfileMenu:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        self.menu = locate(page, profile.navigation.profile_menu)
        self.security = locate(page, profile.navigation.security)
        self.sign_out_button = locate(page, profile.navigation.sign_out)
        self.timeout = profile.timeout_ms

    def shown(self) -> bool:
        return present(self.menu)

    def open_security(self) -> Page:
        """Profile -> Security, which opens in a new tab; the new tab, loaded."""
        reveal(self.menu, self.security, "profile menu", self.timeout)
        try:
            with self.page.context.expect_page(timeout=self.timeout) as opened:
                click(self.security, "Security entry of the profile menu", self.timeout)
        except PlaywrightTimeout:
            raise ElementMissing("Security did not open a new tab") from None
        tab = opened.value
        tab.wait_for_load_state("domcontentloaded")
        return tab

    def sign_out(self) -> None:
        reveal(self.menu, self.sign_out_button, "profile menu", self.timeout)
        submit(self.page, self.sign_out_button, "Sign out", self.timeout)


class MainMenu:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        self.menu = locate(page, profile.navigation.menu)
        self.admin = locate(page, profile.navigation.admin)
        self.settings = locate(page, profile.navigation.practice_security_settings)
        self.timeout = profile.timeout_ms

    def open_practice_security_settings(self) -> bool:
        """Menu -> Admin -> Practice Security Settings; False when the Menu offers no Admin entry."""
        reveal(self.menu, self.admin, "Menu", self.timeout)
        if not self.admin.first.is_visible():
            return False
        reveal(self.admin, self.settings, "Admin entry of the Menu", self.timeout)
        submit(self.page, self.settings, "Practice Security Settings", self.timeout)
        return True
