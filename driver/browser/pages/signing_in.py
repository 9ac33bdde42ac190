"""The sign-in screen and the code prompt."""

from __future__ import annotations

from playwright.sync_api import Page

from ..profile import Profile
from .base import Screen, fill, landed_on, locate, submit

__all__ = ["SignInPage", "CodePromptPage"]


class SignInPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page, self.profile = page, profile
        self.username = locate(page, profile.sign_in.username)
        self.password = locate(page, profile.sign_in.password)
        self.submit = locate(page, profile.sign_in.submit)
        self.timeout = profile.timeout_ms

    def open(self, url: str) -> SignInPage:
        self.page.goto(url, wait_until="domcontentloaded")
        return self

    def sign_in(self, username: str, password: str) -> Screen:
        fill(self.username, username, "username field", self.timeout)
        fill(self.password, password, "password field", self.timeout)
        submit(self.page, self.submit, "the sign-in button", self.timeout)
        return landed_on(self.page, self.profile)


class CodePromptPage:
    def __init__(self, page: Page, profile: Profile) -> None:
        self.page, self.profile = page, profile
        self.code = locate(page, profile.code_prompt.code)
        self.submit = locate(page, profile.code_prompt.submit)
        self.timeout = profile.timeout_ms

    def enter(self, code: str) -> Screen:
        fill(self.code, code, "one-time code field", self.timeout)
        submit(self.page, self.submit, "the code prompt's button", self.timeout)
        return landed_on(self.page, self.profile)
