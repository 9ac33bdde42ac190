"""Writes every report file of a run into one folder.

The machine-readable files come first, so report.html can link to them.
Only these files are written; anything else in the folder (a browser
driver's screenshots and traces) is left alone.
"""

from __future__ import annotations

import json
from pathlib import Path

from .cucumber import cucumber_json
from .html import render_html
from .junit import junit_xml
from .model import Results

__all__ = ["REPORT_FILES", "write_reports", "write_html", "requirements_json"]

REPORT_FILES = ("results.json", "requirements.json", "cucumber.json", "junit.xml", "report.html")


def requirements_json(results: Results) -> str:
    data = {
        "format": "mfa-conformance-requirements/1",
        "started": results.run.started,
        "sut": results.run.sut,
        "system": results.run.system,
        "verdict": results.verdict,
        "security_verdict": results.security_verdict,
        "requirements": [summary.as_dict() for summary in results.requirements()],
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def write_html(results: Results, source: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    path = target / "report.html"
    path.write_text(render_html(results, source, target), encoding="utf-8")
    return path


def write_reports(results: Results, directory: Path) -> Path:
    """Write all report files; returns the path of report.html."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "results.json").write_text(results.to_json(), encoding="utf-8")
    (directory / "requirements.json").write_text(requirements_json(results), encoding="utf-8")
    (directory / "cucumber.json").write_text(cucumber_json(results), encoding="utf-8")
    (directory / "junit.xml").write_text(junit_xml(results), encoding="utf-8")
    return write_html(results, directory, directory)
