"""summary.json numbers from known results."""

from __future__ import annotations

from dialogue.simulation.results import TicketResult
from dialogue.simulation.summary import confidence_histogram, funnel, summarise
from dialogue.simulation.tickets import BadRow


def _r(i: int, outcome: str, reason: str | None, *, wismo: bool, found: bool, language: str = "en",
       confidence: float = 0.9, comparison: str | None = None) -> TicketResult:  # fmt: skip
    return TicketResult(str(i), "x", language, "order_status" if wismo else "greet", confidence, outcome, reason,
                        wismo, found, found, confidence < 0.5, 1, (), None, comparison)  # fmt: skip


RESULTS = [
    _r(1, "would_answer", None, wismo=True, found=True, comparison="agree_answered"),
    _r(2, "would_ask", "order_id", wismo=True, found=False, language="fr"),
    _r(
        3,
        "handoff",
        "requested_human",
        wismo=False,
        found=False,
        confidence=0.3,
        comparison="bot_escalated_agent_answered",
    ),
    _r(4, "handoff", "other_topic", wismo=False, found=False),
]


def test_summarise_rates() -> None:
    rates = summarise(RESULTS, [], {})["rates"]
    assert rates == {
        "wismo_share": 0.5, "would_resolve_rate": 0.25, "wismo_would_resolve_rate": 0.5, "handoff_rate": 0.5,
        "would_ask_rate": 0.25, "low_confidence_share": 0.25,
    }  # fmt: skip


def test_summarise_handoff_by_reason_and_languages() -> None:
    summary = summarise(RESULTS, [], {})
    assert summary["handoff_by_reason"]["requested_human"] == {"count": 1, "rate": 0.25}
    assert summary["languages"]["fr"]["count"] == 1


def test_summarise_counts_bad_rows_and_disagreements() -> None:
    summary = summarise(RESULTS, [BadRow("a.csv", 3, "text: empty message")], {})
    assert summary["bad_rows"] == {"count": 1, "rows": ["a.csv:3: text: empty message"]}
    assert summary["comparison"]["disagreements"] == 1


def test_funnel_narrows() -> None:
    assert funnel(RESULTS) == [("tickets", 4), ("wismo", 2), ("order_given", 1), ("order_found", 1),
                               ("would_answer", 1)]  # fmt: skip


def test_confidence_histogram_bins() -> None:
    assert confidence_histogram(RESULTS, bins=2) == [1, 3]


def test_summarise_counts_bot_asked_agent_answered_as_disagreement() -> None:
    asked = _r(5, "would_ask", "order_id", wismo=True, found=False, comparison="bot_asked_agent_answered")
    assert summarise([*RESULTS, asked], [], {})["comparison"]["disagreements"] == 2
