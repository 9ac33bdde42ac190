"""The acceptance scenarios through a real browser against the served web app:
the reference labels and a relabelled build (each with its profile), evidence
of a failing scenario, parallel workers, a remote browser server, and the
skips of a system without test hooks."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import tempfile
import sys
import threading
import zipfile

import pytest

from .conftest import RELABELLED_PROFILE
from .served import REPO, ServedApp, clean_environment, run_cli

pytestmark = pytest.mark.browser

SUBSET = "REC-05 or SGN-05 or SAF-22 or MGT-21 or (ENF-05 and documented)"
"""Scenarios that between them use every page object, the clock, seeding, the
client address and the support console."""
SUMMARY = re.compile(r"^scenarios: (\d+) passed, (\d+) failed, (\d+) skipped$", re.MULTILINE)


def _scenarios(done: subprocess.CompletedProcess[str]) -> tuple[int, int, int]:
    found = SUMMARY.search(done.stdout)
    assert found, done.stdout[-3000:] + done.stderr[-3000:]
    return tuple(int(n) for n in found.groups())  # type: ignore[return-value]


def _selected(marker_expression: str) -> int:
    """How many scenarios a marker expression selects that apply under the reference positions
    (a scenario of an alternative the system does not take is not applicable, and no count of
    passed, failed or skipped holds it): the in-process reference runs them, in about a second."""
    with tempfile.TemporaryDirectory() as reports:
        done = run_cli("run", "--sut", "simulator", "-m", marker_expression, "--report-dir", reports, timeout=300)
    found = SUMMARY.search(done.stdout)
    assert found, done.stdout[-2000:] + done.stderr[-2000:]
    return sum(int(n) for n in found.groups())


def _browser_run(url: str, tmp_path, *options: str, env: dict[str, str] | None = None):
    return run_cli("run", "--sut", "browser", "--base-url", url, "--report-dir", str(tmp_path / "reports"),
                   "-p", "no:randomly", *options, env=env)


def test_the_reference_app_passes_through_the_browser(reference_app, chromium, tmp_path):
    done = _browser_run(reference_app.url, tmp_path, "-m", SUBSET)
    assert done.returncode == 0, done.stdout[-3000:]
    assert _scenarios(done) == (_selected(SUBSET), 0, 0)


def test_the_relabelled_app_passes_with_its_profile(relabelled_app, chromium, tmp_path):
    done = _browser_run(relabelled_app.url, tmp_path, "-m", SUBSET, "--profile", str(RELABELLED_PROFILE))
    assert done.returncode == 0, done.stdout[-3000:]
    assert _scenarios(done) == (_selected(SUBSET), 0, 0)


DELIBERATE_FAILURE = """\
Feature: A deliberately failing check
  @ENR-04 @documented
  Example: The device is shown under a name it was not given
    Given Riverside Clinic is a practice where MFA is available
    And Erin is a user of Riverside Clinic
    And Erin has signed in
    And Erin has opened the authenticator setup
    When Erin scans the QR code with her phone
    And she saves the device as "Erin's phone" with the code her phone shows
    Then Erin's own MFA status shows the device "a name she never gave"
"""


def test_a_failing_scenario_leaves_a_screenshot_and_a_trace(reference_app, chromium, tmp_path):
    feature = tmp_path / "deliberate.feature"
    feature.write_text(DELIBERATE_FAILURE, encoding="utf-8")
    probe = tmp_path / "probe.jsonl"
    done = _browser_run(reference_app.url, tmp_path, "--features", str(feature), "-p", "tests.browser.evidence_probe",
                        env={"MFA_EVIDENCE_PROBE": str(probe)})
    assert done.returncode == 1 and _scenarios(done) == (0, 1, 0)
    [attached] = [json.loads(line) for line in probe.read_text().splitlines()]
    evidence = attached["evidence"]
    folder = "evidence/steps_test_features.py_test_the_device_is_shown_under_a_name_it_was_not_given"
    assert evidence == {"screenshot": f"{folder}/screenshot.png", "trace": f"{folder}/trace.zip"}
    reports = tmp_path / "reports"
    assert (reports / evidence["screenshot"]).read_bytes().startswith(b"\x89PNG")
    with zipfile.ZipFile(reports / evidence["trace"]) as trace:
        names = trace.namelist()
        text = "".join(trace.read(n).decode("utf-8", "replace") for n in names if not n.startswith("resources/"))
    assert "trace.trace" in names and '"method":"fill"' in text  # the actions are there...
    assert "otpauth" not in text and not re.search(r"[A-Z2-7]{32}", text)  # ...the key is not


def test_parallel_workers_keep_their_clocks_and_state_apart(reference_app, chromium, tmp_path):
    clocks_and_addresses = "SGN-05 or SGN-03 or SAF-20"
    done = _browser_run(reference_app.url, tmp_path, "-m", clocks_and_addresses, "-n", "2")
    assert done.returncode == 0, done.stdout[-3000:]
    assert _scenarios(done) == (_selected(clocks_and_addresses), 0, 0)


def test_a_remote_browser_server_can_be_used(reference_app, chromium, tmp_path):
    config = tmp_path / "launch.json"
    config.write_text(json.dumps({"executablePath": "/usr/bin/chromium", "headless": True, "port": 0}))
    server = subprocess.Popen([sys.executable, "-m", "playwright", "launch-server", "--browser", "chromium",
                               "--config", str(config)], cwd=REPO, stdout=subprocess.PIPE, text=True,
                              env=clean_environment(), start_new_session=True)
    try:
        first: list[str] = []
        reader = threading.Thread(target=lambda: first.append(server.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout=60)
        assert first and first[0].startswith("ws://"), "the Playwright browser server did not start"
        done = _browser_run(reference_app.url, tmp_path, "-m", "MGT-21", "--browser-ws-endpoint", first[0].strip())
        assert done.returncode == 0, done.stdout[-3000:]
        assert _scenarios(done) == (1, 0, 0)
        assert "ws://" in (tmp_path / "reports" / "results.json").read_text()  # the report names the remote browser
    finally:  # the wrapper starts Playwright's node driver, which starts Chromium: end the whole group
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()


def test_without_test_hooks_scenarios_needing_a_capability_are_skipped_naming_it(tmp_path, chromium):
    personas = "".join(f'[personas.{name}]\npractice = "Riverside Clinic"\nusername = "{name.lower()}.acme"\n'
                       f'password_env = "ACME_PASSWORD"\n' for name in ("Dana", "Erin", "Frank", "Gail", "Olga"))
    profile = tmp_path / "acme.toml"
    profile.write_text(f'extends = "{REPO / "profiles" / "reference.toml"}"\n'
                       f'[practices."Riverside Clinic"]\nname = "Acme Riverside"\n{personas}', encoding="utf-8")
    with ServedApp(tmp_path / "state.sqlite3", test_hooks=False) as app:
        needing = "needs-clock or needs-support-console or needs-client-address"
        done = _browser_run(app.url, tmp_path, "-m", needing, "--profile", str(profile),
                            env={"ACME_PASSWORD": "not-used-by-skipped-scenarios"})
    assert _scenarios(done) == (0, 0, _selected(needing)), done.stdout[-3000:]
    for capability in ("clock", "support-console", "client-address"):
        assert f"lacks the capability '{capability}'" in done.stdout
