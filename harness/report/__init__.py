"""The conformance report: results of a run as HTML living documentation,
a requirement traceability matrix, and machine-readable files for CI.

`run_reports` collects the results during a run (serial or xdist) and writes them;
`model` is the results as data; `cucumber`, `junit`, `html` and `writer` turn
them into files, `allure` into allure-results (--alluredir); `expected` handles a
vendor's expected-failures list; `cli` renders report.html again from results.json;
`oscal` and `export` write a run as OSCAL assessment results (export --oscal).
"""

from .model import Results, ResultsError, load_results

__all__ = ["Results", "ResultsError", "load_results", "REPORT_FILES", "write_reports", "write_html"]


def __getattr__(name: str) -> object:
    """The writers on first use: a run that writes no report never loads Jinja."""
    if name in ("REPORT_FILES", "write_reports", "write_html"):
        from . import writer

        return getattr(writer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
