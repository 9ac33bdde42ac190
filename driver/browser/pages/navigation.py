"""The header: the profile menu in the upper right, and Menu -> Admin."""

from __future__ import annotations

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ..profile import Profile
from .base import Element, reveal

__all__ = ["ProfileMenu", "MainMenu"]


class ProfileMenu:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        timeout = self.timeout = profile.timeout_ms
        nav = profile.navigation
        self.menu = Element.of(page, nav.profile_menu, timeout) if "profile_menu" in nav else None
        self.security = Element.of(page, nav.security, timeout) if "security" in nav else None
        self.sign_out_button = Element.of(page, nav.sign_out, timeout) if "sign_out" in nav else None

    def shown(self) -> bool:
        return self.menu.present() if self.menu is not None else \
            self.sign_out_button is not None and self.sign_out_button.present()

    def open_security(self) -> Page:
        """Profile -> Security, which opens in a new tab; the new tab, loaded."""
        assert self.menu is not None and self.security is not None
        reveal(self.menu, self.security)
        try:
            with self.page.context.expect_page(timeout=self.timeout) as opened:
                self.security.click()
        except PlaywrightTimeout:
            raise self.security.mistake("was clicked and opened no new tab") from None
        tab = opened.value
        tab.wait_for_load_state("domcontentloaded")
        return tab

    def sign_out(self) -> None:
        assert self.sign_out_button is not None
        if self.menu is not None:
            reveal(self.menu, self.sign_out_button)
        self.sign_out_button.submit()


class MainMenu:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        timeout = profile.timeout_ms
        self.menu = Element.of(page, profile.navigation.menu, timeout)
        self.admin = Element.of(page, profile.navigation.admin, timeout)
        self.settings = Element.of(page, profile.navigation.practice_security_settings, timeout)

    def open_practice_security_settings(self) -> bool:
        """Menu -> Admin -> Practice Security Settings; False when the Menu offers no Admin entry."""
        reveal(self.menu, self.admin)
        if not self.admin.visible():
            return False
        reveal(self.admin, self.settings)
        self.settings.submit()
        return True
