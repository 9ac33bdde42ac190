"""Details a scenario left unchecked because the system's screens do not show them.

The how-to has a user name their device but never says where that name is shown
again, so a product that shows it nowhere breaks nothing. A step that would check
such a detail notes it on the scenario's cast instead (`steps.cast.shown`, with
the driver's `not_shown` reason) and the scenario carries on: it passes or fails
on what it did check (the MFA status beside the name). The verdict is unchanged,
but every output says what such a pass does not cover: the console under the
scenario's line, results.json and requirements.json in the scenario's
`unchecked`, report.html in a note on the scenario and a count in its header.
The list travels in the scenario's record (harness.plugin), so a run under
pytest-xdist says the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .collect import redact

if TYPE_CHECKING:
    from ..outcome import ScenarioRecord

__all__ = ["console_lines"]


def console_lines(record: ScenarioRecord) -> list[str]:
    """The lines under a scenario's console line, one for each detail it left unchecked."""
    return [f"unchecked: {redact(detail)}" for detail in record.unchecked]
