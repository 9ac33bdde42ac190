"""The reference web app in a subprocess, on a free port, with its own database.

Tests start it as a person would (`mfa-conformance serve`), so they check the
real server, its real clock and its real database file. Its stderr goes to a
file beside the database (`log`), never to a pipe nobody drains, so a server
that logs a lot cannot stall on a full pipe; tests read the file to prove it
logged no traceback.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

__all__ = ["ServedApp", "REPO", "clean_environment", "run_cli"]

REPO = Path(__file__).resolve().parents[2]
STARTUP = re.compile(r"^mfa-conformance serve: (http://\S+?)/? ")


def clean_environment() -> dict[str, str]:
    """This process's environment without the harness's own MFA_* settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("MFA_")}


def run_cli(*args: str, timeout: float = 600, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mfa_conformance.cli", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env={**clean_environment(), **(env or {})})


class ServedApp:
    def __init__(self, db: Path, *, test_hooks: bool = True, labels: Path | None = None,
                 env: dict[str, str] | None = None, options: list[str] | None = None,
                 variant: str | None = None) -> None:
        self.db = db
        self.launcher = ["-m", "tests.browser.serve_variant", variant] if variant else ["-m", "mfa_conformance.cli"]
        """How the server starts: the real command, or over a broken simulator (serve_variant.py)."""
        self.env = env or {}
        self.options = ["--test-hooks"] if test_hooks else []
        if labels is not None:
            self.options += ["--labels", str(labels)]
        self.options += options or []
        self.log = db.with_name(db.name + ".server.log")
        """The server's stderr, appended to across restarts."""
        self.url = ""
        self.port = 0
        """0 until started; a restart keeps the port, so open browsers and drivers carry on."""
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> ServedApp:
        with open(self.log, "a", encoding="utf-8") as log:
            process = subprocess.Popen(
                [sys.executable, *self.launcher, "serve", "--port", str(self.port), "--db", str(self.db),
                 *self.options],
                cwd=REPO, stdout=subprocess.PIPE, stderr=log, text=True, env={**clean_environment(), **self.env})
        first: list[str] = []
        reader = threading.Thread(target=lambda: first.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout=30)
        match = STARTUP.match(first[0]) if first else None
        if match is None:
            process.kill()
            process.wait(timeout=30)
            raise RuntimeError(f"the web app did not start: {self.log.read_text(encoding='utf-8')[-2000:]}")
        self._process, self.url = process, match.group(1)
        self.started_line = first[0]
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._end()

    def kill(self) -> None:
        """SIGKILL, as a crash would: no handler runs, nothing is flushed or closed."""
        if self._process is not None:
            self._process.kill()
            self._end()

    def _end(self) -> None:
        assert self._process is not None
        self._process.wait(timeout=30)
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process = None

    def logged(self) -> str:
        return self.log.read_text(encoding="utf-8") if self.log.exists() else ""

    def restart(self) -> ServedApp:
        self.stop()
        return self.start()

    def __enter__(self) -> ServedApp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
