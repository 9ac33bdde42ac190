"""No TOTP secret, Key URI or password reaches a report file or the run's output.

A real parallel run against the broken simulator (so there are failure
messages too) records every password and secret the system handled into a
private file; then every file of the report folder (its allure-results
included) and the run's output are searched for each of them. Findings are reported by kind and number, never
by value.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from tests.report.recording import SECRETS_FILE_VARIABLE, read_handled
from tests.report.runs import run_suite


def forms(value: str) -> set[str]:
    """The ways a value could be written out: as is, in other letter case, URL-encoded."""
    return {value, value.lower(), value.upper(), quote(value, safe=""), quote(value)}


def leaks(handled: dict[str, set[str]], texts: dict[str, str]) -> list[str]:
    found = []
    for kind, values in sorted(handled.items()):
        for number, value in enumerate(sorted(values), start=1):
            for where, text in texts.items():
                if any(form in text for form in forms(value)):
                    found.append(f"{kind} #{number} appears in {where}")
    return found


def test_the_search_finds_a_planted_secret() -> None:
    handled = {"secret": {"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}, "password": {"x-Y_z0123456789abcdefghij"}}
    texts = {"clean.txt": "nothing here", "leaky.html": "<p>jbswy3dpehpk3pxpjbswy3dpehpk3pxp</p>"}
    assert leaks(handled, texts) == ["secret #1 appears in leaky.html"]


@pytest.fixture(scope="module")
def recorded_run(tmp_path_factory: pytest.TempPathFactory):
    private = tmp_path_factory.mktemp("private")
    secrets_file = private / "handled.tsv"
    folder = tmp_path_factory.mktemp("secrets-report")
    run = run_suite(folder, "--sut", "tests.report.recording:factory", "-n", "2",
                    "--alluredir", str(folder / "allure-results"), env={SECRETS_FILE_VARIABLE: str(secrets_file)})
    try:
        yield run, read_handled(secrets_file)
    finally:
        secrets_file.unlink(missing_ok=True)


def test_no_secret_reaches_a_report_file_or_the_output(recorded_run) -> None:
    run, handled = recorded_run
    assert run.code == 1  # the broken simulator fails scenarios, so failure messages are in the reports
    assert len(handled.get("password", ())) > 50
    assert len(handled.get("secret", ())) > 20 and len(handled["key URI"]) == len(handled["secret"])
    assert all(uri.startswith("otpauth://totp/") for uri in handled["key URI"])
    files = sorted(p for p in Path(run.directory).rglob("*") if p.is_file())
    assert {p.name for p in files} >= {"report.html", "results.json", "requirements.json", "cucumber.json", "junit.xml",
                                       "categories.json", "environment.properties"}  # allure-results too
    assert sum(p.name.endswith("-result.json") for p in files) > 50
    texts = {p.name: p.read_bytes().decode("utf-8", errors="replace") for p in files}
    texts["the run's output"] = run.output
    assert "Erin's device is 'Authenticator'" in texts["results.json"]
    assert leaks(handled, texts) == []


def test_the_secrets_file_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.report import recording

    monkeypatch.setenv(SECRETS_FILE_VARIABLE, str(tmp_path / "handled.tsv"))
    recording._record("password", "not-a-real-one")
    assert (tmp_path / "handled.tsv").stat().st_mode & 0o777 == 0o600
