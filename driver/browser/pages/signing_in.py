"""The sign-in screen and the code prompt."""

from __future__ import annotations

from playwright.sync_api import Page

from ..profile import Profile
from .base import Element, Screen, landed_on

__all__ = ["SignInPage", "CodePromptPage"]


class SignInPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page, self.profile = page, profile
        timeout = profile.timeout_ms
        self.username = Element.of(page, profile.sign_in.username, timeout)
        self.password = Element.of(page, profile.sign_in.password, timeout)
        self.submit = Element.of(page, profile.sign_in.submit, timeout)

    def open(self, url: str) -> SignInPage:
        self.page.goto(url, wait_until="domcontentloaded")
        return self

    def sign_in(self, username: str, password: str) -> Screen:
        self.username.fill(username)
        self.password.fill(password)
        self.submit.submit()
        return landed_on(self.page, self.profile)


class CodePromptPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page, self.profile = page, profile
        self.code = Element.of(page, profile.code_prompt.code, profile.timeout_ms)
        self.submit = Element.of(page, profile.code_prompt.submit, profile.timeout_ms)

    def enter(self, code: str) -> Screen:
        self.code.fill(code)
        self.submit.submit()
        return landed_on(self.page, self.profile)
