"""`mfa-conformance explore` against the reference simulator, and its refusals of bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mfa_conformance.driver import Capability, SystemUnderTest
from mfa_conformance.driver.browser import settings as browser_settings
from mfa_conformance.driver.browser.profile import DEFAULT_PROFILE
from mfa_conformance.driver.loading import load_system
from mfa_conformance.explore.cli import BROWSER_OPTIONS, main
from mfa_conformance.explore.runner import Budget, explore

REPO = Path(__file__).resolve().parents[2]


class _NoSeeding(SystemUnderTest):
    name = "a system without seeding"
    capabilities = frozenset({Capability.CLOCK})

    def sign_in(self, username, password, *, address=None):  # pragma: no cover - never reached
        raise AssertionError("explore must not start without seeding")


def no_seeding_system() -> SystemUnderTest:
    return _NoSeeding()


SEEN: list[browser_settings.BrowserSettings] = []
BROWSER_VARIABLES = [entry.variable for entry in BROWSER_OPTIONS]


def settings_seen_system(browser_options=None) -> SystemUnderTest:
    """A factory that notes the browser settings as `--sut browser`'s factory would make them, then stops the run."""
    SEEN.append(browser_settings.BrowserSettings.from_options(browser_options or {}))
    return _NoSeeding()


@pytest.fixture
def no_browser_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variable in BROWSER_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    SEEN.clear()
    return monkeypatch


def test_the_reference_simulator_does_what_the_model_predicts(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--seed", "7", "--max-examples", "120", "--report-dir", str(tmp_path)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "✔" in printed and "the system did what the model of the how-to predicted" in printed
    summary = json.loads((tmp_path / "exploration.json").read_text(encoding="utf-8"))
    assert summary["passed"] is True and summary["seed"] == 7
    assert summary["examples"] >= 120 and summary["actions"] > 1000
    assert not (tmp_path / "counterexample.feature").exists()


def test_the_same_seed_explores_the_same_sequences() -> None:
    runs = [explore(load_system("simulator"), Budget(seed=11, max_examples=15, max_steps=40), sut="simulator")
            for _ in range(2)]
    assert runs[0].passed and runs[1].passed
    assert (runs[0].examples, runs[0].rules, runs[0].actions) == (runs[1].examples, runs[1].rules, runs[1].actions)
    other = explore(load_system("simulator"), Budget(seed=12, max_examples=15, max_steps=40), sut="simulator")
    assert (other.rules, other.actions) != (runs[0].rules, runs[0].actions)


@pytest.mark.parametrize(("argv", "code"), [
    (["--max-examples", "0"], 2),  # the command line itself: 2, as under `run`
    (["--max-examples", "many"], 2),
    (["--max-minutes", "-1"], 2),
    (["--seed", "x1"], 2),
    (["--frobnicate"], 2),
    (["--sut", "no_such_package.module:factory"], 4),  # an input that cannot be used: 4, as under `run`
    (["--sut", "simulator_without_colon"], 4),
    (["--sut", "tests.explore.test_explore_cli:no_seeding_system"], 4),
])
def test_bad_input_gets_one_line_and_no_run(argv: list[str], code: int, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    expected = code
    try:
        code = main([*argv, "--report-dir", str(tmp_path / "out")])
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    assert code == expected
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    assert not (tmp_path / "out").exists()


def test_the_console_script_delegates_to_explore(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "explore", "--seed", "3", "--max-examples", "5",
                           "--max-steps", "20", "--report-dir", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "exploring in-process reference simulator (simulator) with seed 3" in done.stdout


def test_help_lists_the_browser_options_and_their_variables(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    shown = capsys.readouterr().out
    assert exit_.value.code == 0
    for option, variable in [("--base-url", "MFA_BASE_URL"), ("--profile", "MFA_PROFILE"),
                             ("--browser-ws-endpoint", "MFA_BROWSER_WS_ENDPOINT"),
                             ("--browser-executable", "MFA_CHROMIUM")]:
        entry = re.search(rf"^  {option} [A-Z_]+\s(.*?)(?=^  -|\Z)", shown, re.MULTILINE | re.DOTALL)
        assert entry is not None, f"--help does not list {option}"
        assert " ".join(entry.group(1).split()).endswith(f"; env {variable}"), entry.group(0)
    assert f"profiles/{DEFAULT_PROFILE.name}" in shown
    assert all(str(path) in shown for path in browser_settings.CHROMIUM_CANDIDATES)


def test_the_browser_options_reach_the_browser_settings(no_browser_environment: pytest.MonkeyPatch,
                                                        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile, chromium = tmp_path / "vendor.toml", tmp_path / "chromium"
    code = main(["--sut", "tests.explore.test_explore_cli:settings_seen_system", "--base-url", "http://127.0.0.1:8123",
                 "--profile", str(profile), "--browser-ws-endpoint", "ws://127.0.0.1:3000/pw",
                 "--browser-executable", str(chromium), "--report-dir", str(tmp_path / "out")])
    assert code == 4 and "names no account for Dana" in capsys.readouterr().err  # it cannot seed, nor names accounts
    [seen] = SEEN
    assert (seen.base_url, seen.profile, seen.ws_endpoint, seen.chromium) == (
        "http://127.0.0.1:8123", profile, "ws://127.0.0.1:3000/pw", chromium)
    assert not set(BROWSER_VARIABLES) & set(os.environ), "the options outlive the run"


def test_an_option_wins_over_its_variable_and_the_variable_comes_back(no_browser_environment: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    no_browser_environment.setenv("MFA_BASE_URL", "http://from-the-environment:8000")
    no_browser_environment.setenv("MFA_PROFILE", str(tmp_path / "from-the-environment.toml"))
    main(["--sut", "tests.explore.test_explore_cli:settings_seen_system", "--base-url", "http://from-the-option:8000",
          "--report-dir", str(tmp_path / "out")])
    [seen] = SEEN
    assert seen.base_url == "http://from-the-option:8000"
    assert seen.profile == tmp_path / "from-the-environment.toml"
    assert os.environ["MFA_BASE_URL"] == "http://from-the-environment:8000"


@pytest.mark.parametrize(("options", "named"), [
    (["--base-url", "http://127.0.0.1:9", "--profile", "{tmp}/no-such-profile.toml"], "{tmp}/no-such-profile.toml"),
    (["--base-url", "ftp://127.0.0.1:9"], "ftp://127.0.0.1:9"),
])
def test_a_bad_browser_option_gets_one_line_naming_it(options: list[str], named: str, tmp_path: Path,
                                                      no_browser_environment: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Checked before any connection or browser: the profile is read first, the URL's form before that."""
    options = [option.format(tmp=tmp_path) for option in options]
    code = main(["--sut", "browser", *options, "--report-dir", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 4
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert named.format(tmp=tmp_path) in captured.err and "Traceback" not in captured.err
    assert captured.out == "" and not (tmp_path / "out").exists()
    assert not set(BROWSER_VARIABLES) & set(os.environ)


def test_the_model_predicts_with_the_declared_positions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A build that reads the search case-insensitively is correct once that is declared: exploring it then
    finds nothing, and the summary records what the model predicted with."""
    declared = tmp_path / "positions.toml"
    declared.write_text('[positions]\nusername_search = "case-insensitive"\n', encoding="utf-8")
    budget = ["--sut", "tests.mutants:search_ignores_case", "--seed", "3", "--max-examples", "30", "--max-steps", "40"]
    assert main([*budget, "--report-dir", str(tmp_path / "undeclared")]) == 1  # the same budget finds the fault...
    capsys.readouterr()
    code = main([*budget, "--positions", str(declared), "--report-dir", str(tmp_path / "out")])  # ...not declared
    out = capsys.readouterr().out
    assert code == 0, out
    assert "positions the model predicts with: username_search = case-insensitive" in out
    summary = json.loads((tmp_path / "out" / "exploration.json").read_text(encoding="utf-8"))
    assert summary["positions"]["username_search"] == "case-insensitive" and summary["positions"]["lockout_after"] == 5


def test_a_bad_declaration_stops_exploration_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    declared = tmp_path / "positions.toml"
    declared.write_text("[positions]\ndrift_steps = 2\n", encoding="utf-8")
    assert main(["--positions", str(declared), "--report-dir", str(tmp_path / "out")]) == 4
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "drift_steps = 2 is outside its range, 0 to 1" in err
