"""Running a documented action's flow (flows.py) in a person's browser, step by step."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import quote

from playwright.sync_api import Dialog, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from mfa_conformance.driver import errors

from ..flows import Flow, FlowStep
from ..locators import LocatorSpec
from ..profile_checks import ProfileError
from .base import Element, ElementMissing, raise_server_error

__all__ = ["run_flow"]


def _fill_in(template: str, values: Mapping[str, str], *, for_url: bool = False) -> str:
    """`{user}` and `{username}` in a path or a locator: the values the action is about."""
    out = template
    for name in ("user", "username"):
        if "{" + name + "}" in out and name in values:
            out = out.replace("{" + name + "}", quote(values[name], safe="") if for_url else values[name])
    return out


def _templated(spec: LocatorSpec, values: Mapping[str, str]) -> LocatorSpec:
    return replace(spec, value=_fill_in(spec.value, values),
                   name=_fill_in(spec.name, values) if spec.name is not None else None)


def run_flow(page: Page, flow: Flow, values: Mapping[str, str], *, timeout: float, base_url: str,
             on_new_tab=None) -> Page:
    """Do each step on `page`, following a tab a step opens; the page the flow ends on.

    `values` holds what the action types (VALUES, and `enforced`: "true" or "false").
    `on_new_tab` is told of a tab a step opened (the session keeps it, as a person would).
    """
    accepting = False

    def accept(dialog: Dialog) -> None:
        try:
            dialog.accept()
        except Exception:  # already handled, or the page went away
            pass

    try:
        for step in flow:
            if step.when is not None:
                shown = Element.of(page, _templated(step.when, values), timeout)
                if not shown.present():
                    continue
            if step.action == "goto":
                raise_server_error(page, page.goto(base_url + _fill_in(step.path or "/", values, for_url=True),
                                                   wait_until="domcontentloaded"))
                continue
            if step.action == "accept_dialogs":
                if not accepting:
                    page.on("dialog", accept)
                    accepting = True
                continue
            assert step.target is not None
            element = Element.of(page, _templated(step.target, values), timeout)
            if step.optional and not element.present():
                continue
            if step.action in ("click", "submit") and step.new_tab:
                try:
                    with page.context.expect_page(timeout=timeout) as opened:
                        element.click()
                except PlaywrightTimeout:
                    raise element.mistake("was clicked and opened no new tab") from None
                if accepting:
                    page.remove_listener("dialog", accept)
                    accepting = False
                page = opened.value
                page.wait_for_load_state("domcontentloaded")
                if on_new_tab is not None:
                    on_new_tab(page)
            elif step.action == "submit":
                element.submit()  # a server error page: ServerError
            elif step.action == "click":
                element.click()
                page.wait_for_load_state("domcontentloaded")
                raise_server_error(page)
            elif step.action == "fill":
                element.fill(_typed(step, values))
            elif step.action == "select":
                try:
                    element.locator.select_option(label=_typed(step, values), timeout=timeout)
                except PlaywrightTimeout:
                    raise element.mistake("offers no such option") from None
            elif step.action in ("check", "uncheck", "tick"):
                wanted = {"check": values.get("enforced", "true") == "true", "tick": True, "uncheck": False}
                element.set_checked(wanted[step.action])
            elif step.action == "wait":
                element.wait("visible")
    except ElementMissing as error:
        raise ElementMissing(f"{error} (step {flow.index(step) + 1} of {len(flow)})") from None
    except errors.ServerError as error:
        raise errors.ServerError(f"{error} (step {flow.index(step) + 1} of {len(flow)}, profile key {step.key})") from None
    finally:
        if accepting:
            try:
                page.remove_listener("dialog", accept)
            except Exception:
                pass
    return page


def _typed(step: FlowStep, values: Mapping[str, str]) -> str:
    if step.value is not None:
        return step.value
    assert step.source is not None
    if step.source not in values:
        raise ProfileError(f"profile key {step.key} types the {step.source.replace('_', ' ')}, which this action "
                           f"does not have (the action has: {', '.join(sorted(values)) or 'nothing'})")
    return values[step.source]
