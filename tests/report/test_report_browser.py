"""report.html as a reader sees it, in headless chromium: the matrix, and two clicks
from a failing requirement to its scenario's failing step."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.report.runs import Run

CHROMIUM = "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not shutil.which("chromium"),
                                reason="Debian's chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, serial_run: Run):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((serial_run.directory / "report.html").as_uri())
    yield page
    page.close()
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []


def test_the_header_names_the_system_and_the_verdict(page) -> None:
    expect = sync_api.expect
    expect(page.locator("header .verdict")).to_contain_text("NOT CONFORMANT")
    expect(page.locator("dl.sut")).to_contain_text("reference simulator with device names ignored (test variant)")
    expect(page.locator("dl.sut")).to_contain_text("--sut tests.report.broken:factory")
    expect(page.locator("svg.chart")).to_be_visible()


def test_the_matrix_keeps_the_three_kinds_apart(page) -> None:
    expect = sync_api.expect
    for kind, count in (("documented", 23), ("inferred", 12), ("interpreted", 9)):
        table = page.locator(f'table.matrix[data-kind="{kind}"]')
        table.scroll_into_view_if_needed()
        expect(table).to_be_visible()
        expect(table.locator("tbody tr")).to_have_count(count)
    row = page.locator("#req-ENR-04")
    row.scroll_into_view_if_needed()
    expect(row).to_be_visible()
    expect(row.locator(".badge")).to_have_text("✘ failed")


def test_two_clicks_lead_from_a_failing_requirement_to_the_failing_step(page) -> None:
    expect = sync_api.expect
    page.locator(".failing-requirements").get_by_role("link", name="ENR-04").click()
    row = page.locator("#req-ENR-04")
    expect(row).to_be_in_viewport()
    row.get_by_role("link", name="Erin sets up MFA on her phone").click()
    step = page.locator("#self-enrollment--erin-sets-up-mfa-on-her-phone-failure")
    expect(step).to_be_in_viewport()
    expect(step).to_contain_text("Then Erin's own MFA status shows the device \"Erin's phone\"")
    message = step.locator(".failure .message")
    expect(message).to_be_visible()
    expect(message).to_contain_text("Erin's device is 'Authenticator', not \"Erin's phone\"")
    assert page.url.endswith("#self-enrollment--erin-sets-up-mfa-on-her-phone-failure")


def test_every_skip_shows_its_reason(page) -> None:
    expect = sync_api.expect
    reasons = page.locator("#skips tbody tr")
    expect(reasons).to_have_count(3)
    expect(reasons.first).to_contain_text("lacks the capability 'support-console'")
    skipped = page.locator(".scenario.o-skipped .skip-reason")
    expect(skipped).to_have_count(3)


def test_the_filter_hides_passed_scenarios(page) -> None:
    expect = sync_api.expect
    passed = page.locator(".scenario.o-passed").first
    failed = page.locator(".scenario.o-failed").first
    expect(passed).to_be_attached()
    page.get_by_role("button", name="failures and skips only").click()
    expect(passed).to_be_hidden()
    expect(failed).to_be_visible()
    page.get_by_role("button", name="all scenarios").click()
    expect(passed).to_be_visible()


def test_the_annotated_howto_leads_from_a_failing_sentence_to_its_failing_step(page) -> None:
    expect = sync_api.expect
    sentences = page.locator("#howto tr.sentence")
    expect(sentences).to_have_count(37)
    sentence = page.locator("#howto tr.sentence", has_text="name your device")
    sentence.scroll_into_view_if_needed()
    expect(sentence).to_be_visible()
    expect(sentence.locator("td.text strong")).to_have_count(0)
    # The kinds stay apart: each requirement in its own kind's column, with its outcome in this run.
    expect(sentence.locator("td.k-documented")).to_have_text("ENR-04 ✘ failed")
    expect(sentence.locator("td.k-inferred")).to_contain_text("ENR-10 ✔ passed")
    expect(sentence.locator("td.k-inferred")).to_contain_text("ENR-11 ✘ failed")
    expect(sentence.locator("td.k-interpreted")).to_contain_text("ENR-20")
    nothing = page.locator("#howto tr.sentence.nothing", has_text="Last Modified on")
    expect(nothing).to_contain_text("Prescribes nothing: The page's date stamp")
    expect(page.locator("#howto tr.sentence", has_text="select Security.").locator("strong")).to_have_text("Security.")
    sentence.get_by_role("link", name="ENR-04").click()
    row = page.locator("#req-ENR-04")
    expect(row).to_be_in_viewport()
    row.get_by_role("link", name="Erin sets up MFA on her phone").click()
    step = page.locator("#self-enrollment--erin-sets-up-mfa-on-her-phone-failure")
    expect(step).to_be_in_viewport()
    expect(step).to_contain_text("Then Erin's own MFA status shows the device \"Erin's phone\"")
    expect(step.locator(".failure .message")).to_contain_text("Erin's device is 'Authenticator'")


def test_a_standard_based_requirement_is_listed_with_its_basis(page) -> None:
    expect = sync_api.expect
    elsewhere = page.locator("#howto ul.elsewhere li")
    expect(elsewhere).to_have_count(2)
    expect(elsewhere.filter(has_text="SGN-05")).to_contain_text("RFC 6238 section 5.2")
    quote = page.locator("#req-MGT-04 .quote a")
    expect(quote).to_have_text("“You must use the user's full and exact username when searching.”")
    quote.click()
    expect(page.locator("#howto-32")).to_be_in_viewport()
