"""Practice Security Settings: enforcement for ALL users, and the IP Safelist."""

from __future__ import annotations

from playwright.sync_api import Page

from ..profile import Profile
from .base import Element

__all__ = ["PracticeSecuritySettingsPage"]


class PracticeSecuritySettingsPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page = page
        settings, timeout = profile.practice_security_settings, profile.timeout_ms
        self.enforce = Element.of(page, settings.enforce, timeout)
        self.save_enforcement = Element.of(page, settings.save_enforcement, timeout)
        self.safelist_field = Element.of(page, settings.safelist, timeout)
        self.save_safelist = Element.of(page, settings.save_safelist, timeout)
        self.user_settings = Element.of(page, settings.user_settings, timeout)

    def enforced(self) -> bool:
        return self.enforce.checked()

    def set_enforced(self, enforced: bool) -> None:
        self.enforce.set_checked(enforced)
        self.save_enforcement.submit()

    def safelist(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.safelist_field.value().splitlines() if line.strip())

    def set_safelist(self, entries: list[str]) -> None:
        self.safelist_field.fill("\n".join(entries))
        self.save_safelist.submit()

    def open_user_settings(self) -> None:
        self.user_settings.submit()
