"""The flow runner in a real Chromium, on pages routed in the test (no server): a tab a
click opens is followed, the browser's own confirm() is accepted only when the flow says
so, a step with `if` is done only when its element shows, `{user}` is filled in, and a
step that cannot be done is one line naming the flow's key and the step."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, Route

from mfa_conformance.driver.browser.flows import read_flows
from mfa_conformance.driver.browser.pages.base import ElementMissing
from mfa_conformance.driver.browser.pages.flow_runner import run_flow

from .routed import routed_page

pytestmark = pytest.mark.browser

BASE = "http://product.test"
PAGES = {
    "/start": """<h1>Start</h1><a href="/tab" target="_blank">Security</a>
        <button onclick="if (confirm('Are you sure?')) location = '/done'">Delete</button>""",
    "/tab": """<h1>Settings</h1><form action="/saved"><label>Name <input name="n"></label>
        <button>Save</button></form>""",
    "/done": "<h1>Deleted</h1>",
}


def _serve(route: Route) -> None:
    path = route.request.url[len(BASE):].split("?")[0]
    if path == "/saved":
        name = route.request.url.split("n=", 1)[1]
        route.fulfill(content_type="text/html", body=f"<h1>Saved {name}</h1>")
    else:
        route.fulfill(status=200 if path in PAGES else 404, content_type="text/html", body=PAGES.get(path, "gone"))


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with routed_page(BASE, _serve) as page:
        yield page


def _flow(text: str):
    import tomllib
    return read_flows("test", tomllib.loads(text)["flows"])["open_mfa_configuration"]


def _run(page: Page, text: str, **values: str) -> Page:
    return run_flow(page, _flow(text), {"username": "erin", "password": "pw", **values}, timeout=3000, base_url=BASE)


def test_a_tab_a_click_opens_is_followed_and_values_are_typed(page: Page) -> None:
    ended = _run(page, """[flows]
open_mfa_configuration = [
  { goto = "/start" },
  { click = { role = "link", name = "Security" }, new_tab = true },
  { fill = { label = "Name" }, with = "username" },
  { submit = { role = "button", name = "Save" } },
]""")
    assert ended is not page and ended.get_by_role("heading", name="Saved erin").count() == 1
    ended.close()


def test_the_browsers_confirm_is_accepted_only_when_the_flow_says_so(page: Page) -> None:
    text = """[flows]
open_mfa_configuration = [
  { goto = "/start" },
  %s
  { click = { role = "button", name = "Delete" } },
  { wait = { role = "heading", name = "Deleted" } },
]"""
    assert _run(page, text % "{ accept_dialogs = true },").url == f"{BASE}/done"
    with pytest.raises(ElementMissing) as missing:  # unanswered, Playwright dismisses it: nothing deleted
        _run(page, text % "")
    assert "flows.open_mfa_configuration[2]" in str(missing.value) and "(step 3 of 3)" in str(missing.value)


def test_a_step_with_if_is_done_only_when_its_element_shows(page: Page) -> None:
    ended = _run(page, """[flows]
open_mfa_configuration = [
  { goto = "/start" },
  { fill = { label = "Password" }, with = "password", if = { role = "heading", name = "Reauthenticate" } },
  { submit = { role = "button", name = "Confirm" }, optional = true },
  { wait = { role = "link", name = "Security" } },
]""")
    assert ended.url == f"{BASE}/start"


def test_a_step_that_cannot_be_done_names_its_key_the_page_and_the_step(page: Page) -> None:
    with pytest.raises(ElementMissing) as missing:
        _run(page, """[flows]
open_mfa_configuration = [
  { goto = "/start" },
  { submit = { role = "link", name = "{user}" } },
]""", user="erin.a")
    line = str(missing.value)
    assert line == ("profile key flows.open_mfa_configuration[1] (role='link', name='erin.a') finds nothing on "
                    "/start (step 2 of 2)"), line
