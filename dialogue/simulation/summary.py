"""``summary.json``: counts and rates over a simulation, deterministic (sorted keys, rounded, no timestamps).

>>> summarise([], [], {}) ["tickets"]
0
>>> rate(1, 3)
0.3333
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dialogue.simulation.comparison import DISAGREEMENTS
from dialogue.simulation.results import HANDOFF, OUTCOMES, WOULD_ANSWER, WOULD_ASK, TicketResult
from dialogue.simulation.tickets import BadRow
from nlu.masking import mask_text

SCHEMA_VERSION = 1
MAX_BAD_ROWS_LISTED = 200
CONFIDENCE_BINS = 10


def rate(part: int, whole: int) -> float:
    """``part / whole`` rounded to 4 places (0.0 for an empty whole)."""
    return round(part / whole, 4) if whole else 0.0


def _counted(counter: Counter[str], whole: int) -> dict[str, dict[str, float | int]]:
    return {k: {"count": v, "rate": rate(v, whole)} for k, v in sorted(counter.items())}


def funnel(results: Sequence[TicketResult]) -> list[tuple[str, int]]:
    """The outcome funnel: all tickets, WISMO ones, those with an order given, found, and answered."""
    wismo = [r for r in results if r.wismo]
    return [
        ("tickets", len(results)),
        ("wismo", len(wismo)),
        ("order_given", sum(r.order_given for r in wismo)),
        ("order_found", sum(r.order_found for r in wismo)),
        ("would_answer", sum(r.outcome == WOULD_ANSWER for r in wismo)),
    ]


def confidence_histogram(results: Sequence[TicketResult], bins: int = CONFIDENCE_BINS) -> list[int]:
    """First-message confidence counted in ``bins`` equal bins over [0, 1]."""
    counts = [0] * bins
    for r in results:
        counts[min(bins - 1, max(0, int(r.confidence * bins)))] += 1
    return counts


def summarise(
    results: Sequence[TicketResult], bad_rows: Sequence[BadRow], inputs: dict[str, Any]
) -> dict[str, Any]:
    """Every headline number of a simulation, as plain JSON values."""
    total = len(results)
    outcomes = Counter(r.outcome for r in results)
    handoffs = Counter(str(r.reason) for r in results if r.outcome == HANDOFF)
    asks = Counter(str(r.reason) for r in results if r.outcome == WOULD_ASK)
    wismo = [r for r in results if r.wismo]
    coverage: dict[str, dict[str, Any]] = {}
    for intent in sorted({r.intent for r in results}):
        group = [r for r in results if r.intent == intent]
        by_outcome = Counter(r.outcome for r in group)
        coverage[intent] = {
            "tickets": len(group),
            "share": rate(len(group), total),
            **{o: by_outcome.get(o, 0) for o in OUTCOMES},
            "would_answer_rate": rate(by_outcome.get(WOULD_ANSWER, 0), len(group)),
        }
    comparisons = Counter(r.comparison for r in results if r.comparison)
    compared = sum(comparisons.values())
    return {
        "schema_version": SCHEMA_VERSION,
        "inputs": inputs,
        "tickets": total,
        "bad_rows": {
            "count": len(bad_rows),
            "rows": [mask_text(str(b)) for b in bad_rows[:MAX_BAD_ROWS_LISTED]],
        },
        "outcomes": {
            o: {"count": outcomes.get(o, 0), "rate": rate(outcomes.get(o, 0), total)} for o in OUTCOMES
        },
        "rates": {
            "wismo_share": rate(len(wismo), total),
            "would_resolve_rate": rate(outcomes.get(WOULD_ANSWER, 0), total),
            "wismo_would_resolve_rate": rate(sum(r.outcome == WOULD_ANSWER for r in wismo), len(wismo)),
            "handoff_rate": rate(outcomes.get(HANDOFF, 0), total),
            "would_ask_rate": rate(outcomes.get(WOULD_ASK, 0), total),
            "low_confidence_share": rate(sum(r.low_confidence for r in results), total),
        },
        "handoff_by_reason": _counted(handoffs, total),
        "would_ask_for": _counted(asks, total),
        "coverage_by_intent": coverage,
        "languages": _counted(Counter(r.language for r in results), total),
        "funnel": dict(funnel(results)),
        "confidence_histogram": confidence_histogram(results),
        "comparison": {
            "tickets_with_agent_data": compared,
            "categories": _counted(comparisons, compared),
            "disagreements": sum(v for k, v in comparisons.items() if k in DISAGREEMENTS),
        },
    }


def write_json(data: Any, path: Path) -> Path:
    """Write ``data`` as stable, human-readable JSON (sorted keys, UTF-8, trailing newline)."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
