"""Clinicware in a subprocess on a free loopback port, as its operator would run it."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

from ..served import REPO, clean_environment

__all__ = ["ServedClinicware", "PROFILE"]

PROFILE = Path(__file__).resolve().parent / "profile.toml"
STARTUP = re.compile(r"^clinicware: (http://\S+)$")


class ServedClinicware:
    def __init__(self, log: Path, *, staff_login: str, staff_password: str) -> None:
        self.log = log
        self.env = {"CLINICWARE_STAFF_LOGIN": staff_login, "CLINICWARE_STAFF_PASSWORD": staff_password}
        self.url = ""
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> ServedClinicware:
        with self.log.open("w") as errors:  # the child keeps its own handle
            process = subprocess.Popen([sys.executable, "-m", "tests.browser.other_product.serve"], cwd=REPO,
                                       stdout=subprocess.PIPE, stderr=errors, text=True,
                                       env={**clean_environment(), **self.env})
        first: list[str] = []
        reader = threading.Thread(target=lambda: first.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout=30)
        match = STARTUP.match(first[0].strip()) if first else None
        if match is None:
            process.kill()
            process.wait(timeout=30)
            raise RuntimeError(f"Clinicware did not start: {self.log.read_text()[-2000:]}")
        self._process, self.url = process, match.group(1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=30)
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None
