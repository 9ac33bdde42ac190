"""A page in Debian's Chromium whose requests to one base address are answered by the test (no server)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Page, Route, sync_playwright

__all__ = ["routed_page"]


@contextmanager
def routed_page(base: str, answer: Callable[[Route], None]) -> Iterator[Page]:
    executable = shutil.which("chromium-headless-shell") or shutil.which("chromium")
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install -y chromium-headless-shell)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        context = browser.new_context()
        context.route(f"{base}/**", answer)
        try:
            yield context.new_page()
        finally:
            browser.close()
