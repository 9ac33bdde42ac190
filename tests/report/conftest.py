"""Real runs of `mfa-conformance run` against the broken simulator, shared by the report tests.

Each run is a subprocess (the CLI as a user calls it), so the reports are
written exactly as in use, serial or with pytest-xdist.
"""

from __future__ import annotations

import pytest

from tests.report.runs import BROKEN, Run, run_suite


@pytest.fixture(scope="session")
def serial_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_suite(tmp_path_factory.mktemp("serial"), "--sut", BROKEN)


@pytest.fixture(scope="session")
def parallel_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_suite(tmp_path_factory.mktemp("parallel"), "--sut", BROKEN, "-n", "2")
