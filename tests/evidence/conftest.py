"""Two small real runs, the CLI as a user calls it: one against the reference simulator and
one against the broken simulator (tests/report/broken.py), over the same few scenarios."""

from __future__ import annotations

import pytest

from tests.report.runs import BROKEN, Run, run_suite

SELECTION = ["-k", "erin_sets_up_mfa_on_her_phone or the_device_must_be_named or a_wrong_code_does_not_complete"]


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    run = run_suite(tmp_path_factory.mktemp("clean") / "reports", *SELECTION)
    assert run.code == 0, run.output[-2000:]
    return run


@pytest.fixture(scope="session")
def broken_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    run = run_suite(tmp_path_factory.mktemp("broken") / "reports", "--sut", BROKEN, *SELECTION)
    assert run.code == 1, run.output[-2000:]
    return run


class Done:
    """What a command did: as subprocess.CompletedProcess, so tests read the same either way."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def harness(capsys: pytest.CaptureFixture[str]):
    """`mfa-conformance ARGS` called in this process (the same main() the command runs), for speed."""
    from mfa_conformance.cli import main

    def call(*args: str) -> Done:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exit:  # argparse's usage errors
            code = exit.code
        out, err = capsys.readouterr()
        return Done(int(code), out, err)

    return call
