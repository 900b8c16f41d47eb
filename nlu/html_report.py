"""Self-contained HTML reports with inline SVG charts (no script, no network, no plotting library).

Every QA report of wismo (evaluation, conversation tests, simulation) is built from these pieces so that they
share one look.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

PALETTE = ("#3566c9", "#e07b39", "#3a9a5b", "#c94a4a", "#8a5cc2", "#7a7a7a", "#c2a83e", "#2aa0a8")

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
table{border-collapse:collapse;font-size:.9rem;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
th{background:#f4f6fa}td.num{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b00020}.good{color:#2e7d32}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:8px;padding:.6rem 1rem;min-width:140px}
.card b{display:block;font-size:1.4rem}svg text{font-size:11px;fill:#333}
"""


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def page(title: str, body: Sequence[str]) -> str:
    """A complete HTML document."""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_STYLE}</style></head>'
        f"<body><h1>{esc(title)}</h1>{''.join(body)}</body></html>"
    )


def section(title: str, *content: str) -> str:
    return f"<section><h2>{esc(title)}</h2>{''.join(content)}</section>"


def cards(items: Sequence[tuple[str, str]]) -> str:
    """Headline numbers as a row of cards."""
    return (
        '<div class="cards">'
        + "".join(f'<div class="card">{esc(k)}<b>{esc(v)}</b></div>' for k, v in items)
        + "</div>"
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, float):
                cells.append(f'<td class="num">{cell:.3f}</td>')
            elif isinstance(cell, int):
                cells.append(f'<td class="num">{cell}</td>')
            else:
                cells.append(f"<td>{esc(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str = "",
    value_format: str = "{:.0f}",
    label_width: int = 200,
) -> str:
    """Horizontal bars, one per item, largest first as given; ``label_width`` pixels hold the labels."""
    if not items:
        return "<p>(no data)</p>"
    width, label_w, bar_h = 520 + label_width, label_width, 20
    peak = max(v for _, v in items) or 1.0
    height = bar_h * len(items) + 30
    rows = []
    for i, (label, value) in enumerate(items):
        y = 20 + i * bar_h
        w = (width - label_w - 80) * value / peak
        rows.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{esc(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 6}" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{esc(value_format.format(value))}</text>'
        )
    return _svg(width, height, title, "".join(rows))


def count_ticks(peak: int, most: int = 5) -> list[int]:
    """Round, evenly spaced counts from 0 to at least ``peak`` for a count axis (at most ``most`` + 1 ticks).

    >>> count_ticks(0), count_ticks(3), count_ticks(47), count_ticks(1200)
    ([0, 1], [0, 1, 2, 3], [0, 10, 20, 30, 40, 50], [0, 500, 1000, 1500])
    """
    step, base = 1, 1
    while -(-peak // step) > most:  # ceil(peak / step) intervals are too many: next of 1, 2, 5, 10, 20, 50...
        step = next(s for s in (base, 2 * base, 5 * base, 10 * base) if s > step)
        base = step if step == 10 * base else base
    top = max(1, -(-peak // step)) * step
    return list(range(0, top + 1, step))


def histogram(
    values: Sequence[float],
    *,
    bins: int = 20,
    low: float = 0.0,
    high: float = 1.0,
    title: str = "",
    y_label: str = "count",
) -> str:
    """Vertical histogram of values in [low, high], with a count axis (ticks and ``y_label``) on the left."""
    counts = [0] * bins
    for v in values:
        index = min(bins - 1, max(0, int((v - low) / (high - low) * bins)))
        counts[index] += 1
    width, height, margin, left = 720, 240, 30, 60
    ticks = count_ticks(max(counts))
    peak = ticks[-1]
    plot_h = height - 2 * margin
    bar_w = (width - left - margin) / bins
    bars = []
    for i, c in enumerate(counts):
        h = plot_h * c / peak
        x = left + i * bar_w
        bars.append(
            f'<rect x="{x:.1f}" y="{height - margin - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" fill="{PALETTE[0]}">'
            f"<title>{low + i * (high - low) / bins:.2f}-{low + (i + 1) * (high - low) / bins:.2f}: {c}</title></rect>"
        )
    x_axis = "".join(
        f'<text x="{left + k * (width - left - margin) / 4:.0f}" y="{height - 10}" text-anchor="middle">'
        f"{low + k * (high - low) / 4:.2f}</text>"
        for k in range(5)
    )
    y_axis = (
        f'<line x1="{left - 4}" y1="{margin}" x2="{left - 4}" y2="{height - margin}" stroke="#999"/>'
        + "".join(
            f'<line x1="{left - 8}" y1="{y:.1f}" x2="{left - 4}" y2="{y:.1f}" stroke="#999"/>'
            f'<text class="y-tick" x="{left - 10}" y="{y + 4:.1f}" text-anchor="end">{t}</text>'
            for t in ticks
            for y in [height - margin - plot_h * t / peak]
        )
    )
    y_title = (
        f'<text x="14" y="{height / 2:.0f}" text-anchor="middle" transform="rotate(-90 14 {height / 2:.0f})">'
        f"{esc(y_label)}</text>"
    )
    return _svg(width, height, title, "".join(bars) + x_axis + y_axis + y_title)


def heatmap(labels: Sequence[str], matrix: Sequence[Sequence[int]], *, title: str = "") -> str:
    """A confusion matrix: rows are gold labels, columns predictions; darker is more."""
    n = len(labels)
    cell, label_w = max(12, min(28, 560 // max(n, 1))), 160
    width, height = label_w + n * cell + 20, label_w + n * cell + 20
    peak = max((max(row) for row in matrix), default=1) or 1
    parts = []
    for i, row in enumerate(matrix):
        parts.append(
            f'<text x="{label_w - 4}" y="{label_w + i * cell + cell * 0.7:.1f}" text-anchor="end">{esc(labels[i])}</text>'
        )
        for j, count in enumerate(row):
            shade = 1.0 - (count / peak) ** 0.5
            colour = f"rgb({int(255 * shade)},{int(255 * shade + 40 * (1 - shade))},{255})"
            parts.append(
                f'<rect x="{label_w + j * cell}" y="{label_w + i * cell}" width="{cell}" height="{cell}" '
                f'fill="{colour}" stroke="#eee"><title>{esc(labels[i])} -> {esc(labels[j])}: {count}</title></rect>'
            )
    for j, label in enumerate(labels):
        x = label_w + j * cell + cell * 0.7
        parts.append(f'<text transform="translate({x:.1f},{label_w - 4}) rotate(-60)">{esc(label)}</text>')
    return _svg(width, height, title, "".join(parts))


def funnel(stages: Sequence[tuple[str, int]], *, title: str = "") -> str:
    """Centred bars narrowing stage by stage, each labelled with its count and its share of the first stage."""
    if not stages:
        return "<p>(no data)</p>"
    width, bar_h, label_w = 720, 34, 160
    top = max(stages[0][1], 1)
    usable = width - label_w - 20
    rows = []
    for i, (label, count) in enumerate(stages):
        y = 10 + i * bar_h
        w = max(2.0, usable * count / top)
        x = label_w + (usable - w) / 2
        rows.append(
            f'<text x="{label_w - 6}" y="{y + 20}" text-anchor="end">{esc(label)}</text>'
            f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 6}" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{label_w + usable / 2:.1f}" y="{y + 20}" text-anchor="middle" style="fill:#fff;font-weight:600">'
            f"{count} ({100 * count / top:.0f}%)</text>"
        )
    return _svg(width, 20 + bar_h * len(stages), title, "".join(rows))


def _svg(width: int, height: int, title: str, inner: str) -> str:
    caption = f"<figcaption>{esc(title)}</figcaption>" if title else ""
    return (
        f'<figure><svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">{inner}</svg>{caption}</figure>'
    )
