"""A system that cannot seed keeps its accounts from one scenario to the next:
the harness must start every scenario where its Given steps say, through the
documented actions (steps/baseline.py, steps/starting_state.py), and the
suite must still catch broken builds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .suite_counts import DEFAULT_APPLYING, DEFAULT_NOT_APPLYING

REPO = Path(__file__).resolve().parent.parent


def _run(tmp_path: Path, sut: str, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "run", "--sut", sut,
                           "--report-dir", str(tmp_path / "reports"), *extra],
                          cwd=REPO, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


def _counts(output: str) -> dict[str, int]:
    line = next(line for line in reversed(output.splitlines()) if re.search(r"\d+ (passed|failed|skipped)", line))
    return {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|skipped|deselected)", line)}


def test_every_scenario_passes_on_accounts_carried_from_scenario_to_scenario(tmp_path: Path) -> None:
    done = _run(tmp_path, "provisioned")
    assert done.returncode == 0, done.stdout[-3000:]
    # The password guessing check locks an account for a while: it needs fresh (seeded) accounts.
    assert _counts(done.stdout) == {"passed": DEFAULT_APPLYING - 1, "skipped": DEFAULT_NOT_APPLYING + 1}
    assert "skipped: the system under test lacks the capability 'seeding'" in done.stdout
    assert "verdict: CONFORMANT" in done.stdout


@pytest.mark.parametrize("seed", [1, 2, 7, 10, 14, 17, 24, 32])
def test_any_order_of_scenarios_gives_the_file_orders_outcomes(seed: int) -> None:
    """Under -n a worker's order is not the file's: each scenario must start where its Given steps say
    whatever ran before it. These orders once made scenarios fail against the conformant simulator
    (a device adopted under another name, a reset not recorded, a replayed time step)."""
    done = subprocess.run([sys.executable, "scripts/order_check.py", "--orders", "1", "--first-seed", str(seed)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.stdout.startswith("1 of 1 orders gave no failure"), done.stdout + done.stderr


def test_two_workers_each_keep_their_own_world(tmp_path: Path) -> None:
    done = _run(tmp_path, "provisioned", "-n", "2")
    assert done.returncode == 0, done.stdout[-3000:]
    assert _counts(done.stdout).get("passed") == DEFAULT_APPLYING - 1


def test_without_a_support_console_a_scenario_is_skipped_with_the_reason_never_failed(tmp_path: Path) -> None:
    done = _run(tmp_path, "provisioned", env={"MFA_PROVISIONED_SUPPORT": "off"})
    counts = _counts(done.stdout)
    assert counts.get("failed", 0) == 0, done.stdout[-3000:]
    assert counts["passed"] > 0 and counts["skipped"] > 0
    reasons = set(re.findall(r"^\s+skipped: (.+)", done.stdout, re.M))
    assert reasons, "skipped scenarios give no reason"
    assert "verdict: INCOMPLETE" in done.stdout
    assert all("support console" in reason or "support-console" in reason or reason.endswith("'seeding'")
               for reason in reasons), reasons


@pytest.mark.parametrize("variant", ["no_lockout", "reset_keeps_the_device", "second_device_allowed"])
def test_a_broken_build_still_fails_without_seeding(tmp_path: Path, variant: str) -> None:
    done = _run(tmp_path, f"tests.provisioned_mutants:{variant}")
    assert done.returncode == 1, done.stdout[-3000:]
    assert _counts(done.stdout).get("failed", 0) >= 1


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "two workers"])
def test_an_account_the_harness_cannot_work_from_stops_the_run_before_any_scenario(tmp_path: Path,
                                                                                   workers: list[str]) -> None:
    done = _run(tmp_path, "tests.provisioned_mutants:holder_enrolled_elsewhere", *workers)
    assert done.returncode == 4, done.stdout[-2000:] + done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if "before any scenario" in line]
    assert len(lines) == 1 and "dana@riverside" in lines[0] and "support" in lines[0], done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr and "INTERNALERROR" not in done.stdout + done.stderr
    assert " passed" not in done.stdout


def test_a_user_enrolled_with_a_device_the_harness_lacks_is_reset_by_her_account_holder(tmp_path: Path) -> None:
    done = _run(tmp_path, "tests.provisioned_mutants:user_enrolled_elsewhere")
    counts = _counts(done.stdout)
    assert done.returncode == 0 and counts.get("failed", 0) == 0 and counts["passed"] > 0, done.stdout[-3000:]


def test_an_account_holder_reset_by_support_is_not_reset_again_before_she_resets_a_user() -> None:
    """Both left enrolled by an earlier scenario with keys the harness no longer holds, in a practice
    known clean: vendor support resets Dana once, then Dana signs in and resets Erin (a second support
    reset, before her standing was updated, once found no device on a stock admin console)."""
    from mfa_conformance.driver.provisioned import ProvisionedSystem
    from mfa_conformance.steps.baseline import Ledger, probe
    from mfa_conformance.steps.cast import Cast
    from mfa_conformance.steps.starting_state import settle

    system, ledger = ProvisionedSystem(), Ledger()

    def scenario() -> tuple[Cast, list]:
        cast = Cast(system, ledger)
        cast.add_practice("Riverside Clinic", mfa_available=True)
        return cast, [cast.add_person("Dana", "Riverside Clinic", account_holder=True),
                      cast.add_person("Erin", "Riverside Clinic", account_holder=False)]

    earlier, people = scenario()
    for persona in people:
        persona.set_up_mfa()
        standing = ledger.standing(persona.account.username)
        standing.enrolled, standing.phone = True, None  # a key the harness no longer holds
    ledger.clean_practices.update(earlier.practices.values())
    resets: list[str] = []
    support_reset = system.support_reset_mfa
    system.support_reset_mfa = lambda username: (resets.append(username), support_reset(username))[1]  # type: ignore[method-assign]
    cast, people = scenario()
    settle(cast, set())
    assert resets == [people[0].account.username]
    assert all(probe(system, p.account.username, p.account.password) == "no device" for p in people)
