"""Fixtures for the browser tests: served web apps and a browser driver over them.

Every test here starts a server subprocess, most also Chromium; they carry the
`browser` marker (deselect with `-m "not browser"`). Without Chromium they skip.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
import pytest

from .served import REPO, ServedApp

RELABELLED_LABELS = REPO / "profiles" / "relabelled-labels.toml"
RELABELLED_PROFILE = REPO / "profiles" / "relabelled.toml"


@pytest.fixture
def chromium() -> None:
    if shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def reference_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    with ServedApp(tmp_path_factory.mktemp("reference") / "state.sqlite3") as app:
        yield app


@pytest.fixture(scope="module")
def relabelled_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    with ServedApp(tmp_path_factory.mktemp("relabelled") / "state.sqlite3", labels=RELABELLED_LABELS) as app:
        yield app
