"""The simulation report's pieces: the funnel chart and the choice of instructive tickets."""

from __future__ import annotations

from dialogue.simulation.report import instructive
from dialogue.simulation.results import TicketResult
from nlu.html_report import funnel


def _r(
    i: int, outcome: str, reason: str | None, comparison: str | None = None, low: bool = False
) -> TicketResult:
    return TicketResult(str(i), "x", "en", "order_status", 0.9, outcome, reason, True, True, True, low, 1, (),
                        None, comparison)  # fmt: skip


def test_funnel_labels_counts_and_share_of_first_stage() -> None:
    svg = funnel([("tickets", 200), ("wismo", 50)], title="outcome funnel")
    assert "200 (100%)" in svg and "50 (25%)" in svg and "<figcaption>outcome funnel</figcaption>" in svg


def test_funnel_without_stages_says_no_data() -> None:
    assert funnel([]) == "<p>(no data)</p>"


def test_instructive_puts_disagreements_first_then_misunderstandings() -> None:
    results = [
        _r(1, "would_answer", None),
        _r(2, "handoff", "not_understood"),
        _r(3, "would_answer", None, comparison="bot_answered_agent_other"),
        _r(4, "would_ask", "order_id"),
    ]
    assert [r.ticket_id for r, _ in instructive(results)] == ["3", "2", "4", "1"]


def test_instructive_respects_limit() -> None:
    assert len(instructive([_r(i, "would_answer", None) for i in range(10)], limit=3)) == 3
