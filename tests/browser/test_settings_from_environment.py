"""The user's MFA_* browser variables are read once, into BrowserSettings, where a command starts;
the driver takes them from the settings it is given, never from the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mfa_conformance.driver.browser.settings import BrowserSettings

REPO = Path(__file__).resolve().parents[2]


def test_chromium_switches_and_trace_come_from_the_users_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MFA_CHROMIUM_ARGS", "--disable-gpu '--lang=en GB'")
    monkeypatch.setenv("MFA_BROWSER_TRACE", "off")
    settings = BrowserSettings.from_environment()
    assert settings.chromium_args == ("--disable-gpu", "--lang=en GB")
    assert settings.trace is False


def test_without_them_no_extra_switch_and_a_trace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MFA_CHROMIUM_ARGS", raising=False)
    monkeypatch.delenv("MFA_BROWSER_TRACE", raising=False)
    settings = BrowserSettings.from_environment()
    assert settings.chromium_args == () and settings.trace is True


def test_command_line_options_keep_the_users_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MFA_CHROMIUM_ARGS", "--disable-gpu")
    settings = BrowserSettings.from_options({"base_url": "http://127.0.0.1:1"})
    assert settings.chromium_args == ("--disable-gpu",) and settings.base_url == "http://127.0.0.1:1"


def test_the_browser_system_reads_no_mfa_variable() -> None:
    tree = ast.parse((REPO / "driver" / "browser" / "system.py").read_text(encoding="utf-8"))
    read = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and node.value.startswith("MFA_")]
    assert read == []
