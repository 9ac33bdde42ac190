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

        def element(key: str) -> Element | None:
            """None where the product lacks it, or a flow does what it was for."""
            return Element.of(page, settings[key], timeout) if key in settings else None

        self.enforce = element("enforce")
        self.save_enforcement = element("save_enforcement")
        self.safelist_field = element("safelist")
        self.save_safelist = element("save_safelist")
        self.user_settings = element("user_settings")

    def enforced(self) -> bool:
        assert self.enforce is not None
        return self.enforce.checked()

    def set_enforced(self, enforced: bool) -> None:
        assert self.enforce is not None and self.save_enforcement is not None
        self.enforce.set_checked(enforced)
        self.save_enforcement.submit()

    def safelist(self) -> tuple[str, ...]:
        assert self.safelist_field is not None
        return tuple(line.strip() for line in self.safelist_field.value().splitlines() if line.strip())

    def set_safelist(self, entries: list[str]) -> None:
        assert self.safelist_field is not None and self.save_safelist is not None
        self.safelist_field.fill("\n".join(entries))
        self.save_safelist.submit()

    def open_user_settings(self) -> None:
        assert self.user_settings is not None
        self.user_settings.submit()
