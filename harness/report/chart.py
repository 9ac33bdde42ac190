"""The summary chart: one stacked bar per capability, drawn as inline SVG.

Inline so report.html opens offline with no chart library; each bar segment
carries a <title> for a tooltip and the counts are printed beside each bar,
so the chart never is the only place a number appears.
"""

from __future__ import annotations

from markupsafe import Markup, escape

__all__ = ["COLOURS", "capability_chart"]

COLOURS = {"passed": "#2e7d32", "failed": "#c62828", "expected failure": "#ef8f00", "skipped": "#9e9e9e",
           "not applicable": "#cfd8dc"}

LABEL_WIDTH, BAR_WIDTH, COUNT_WIDTH, ROW, TOP = 300, 340, 300, 28, 30


def capability_chart(rows: list[tuple[str, str, dict[str, int]]]) -> Markup:
    """rows: (label, link target, counts by outcome)."""
    width = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH
    height = TOP + ROW * len(rows) + 6
    most = max((sum(c.values()) for _, _, c in rows), default=0) or 1
    parts = [f'<svg class="chart" role="img" aria-label="Scenario outcomes by capability" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">']
    x = LABEL_WIDTH
    for outcome, colour in COLOURS.items():
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16}" y="16" class="legend">{escape(outcome)}</text>')
        x += 30 + 7 * len(outcome)
    for row, (label, target, counts) in enumerate(rows):
        y = TOP + row * ROW
        short = label if len(label) <= 42 else label[:41] + "…"
        parts.append(f'<a href="#{escape(target)}"><text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" '
                     f'class="label"><title>{escape(label)}</title>{escape(short)}</text></a>')
        x = float(LABEL_WIDTH)
        for outcome, colour in COLOURS.items():
            n = counts.get(outcome, 0)
            if not n:
                continue
            w = BAR_WIDTH * n / most
            parts.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{ROW - 8}" fill="{colour}">'
                         f'<title>{escape(label)}: {n} {escape(outcome)}</title></rect>')
            x += w
        text = ", ".join(f"{counts[o]} {o}" for o in COLOURS if counts.get(o))
        parts.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 17}" class="count">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
