"""The simulation report's pieces: the funnel chart and the choice of instructive tickets."""

from __future__ import annotations

import re

from dialogue.simulation.report import instructive, render_report
from dialogue.simulation.results import TicketResult
from dialogue.simulation.summary import summarise
from nlu.html_report import funnel, histogram


def _r(
    i: int | str,
    outcome: str,
    reason: str | None,
    comparison: str | None = None,
    low: bool = False,
    source: str = "x",
) -> TicketResult:
    return TicketResult(str(i), source, "en", "order_status", 0.9, outcome, reason, True, True, True, low, 1, (),
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


def test_report_anchors_are_unique_when_ticket_ids_repeat_across_files() -> None:
    """Regression (issue 6): three files each with ticket ``1`` gave ``id="t-1"`` three times."""
    results = [
        _r("1", "handoff", "not_understood", source=f"{name}:2") for name in ("a.csv", "b.json", "c.jsonl")
    ]
    page = render_report(summarise(results, [], {}), results)
    ids = re.findall(r'<details id="([^"]+)"><summary>1 \(([^)]+)\)', page)
    assert [source for _, source in ids] == ["a.csv:2", "b.json:2", "c.jsonl:2"]
    assert len({anchor for anchor, _ in ids}) == 3
    links = re.findall(r'<a href="#([^"]+)">1</a>', page)
    assert links == [anchor for anchor, _ in ids]


def test_report_is_deterministic_with_repeated_ids() -> None:
    results = [_r("1", "would_ask", "order_id", source=f"{n}.csv:2") for n in range(3)]
    assert render_report(summarise(results, [], {}), results) == render_report(
        summarise(results, [], {}), results
    )


def test_instructive_names_the_real_handoff_reason() -> None:
    """Regression (issue 6): a customer who asked for a human showed "handed off: other reason"."""
    why = dict((r.reason, w) for r, w in instructive([_r(1, "handoff", "requested_human"),
                                                      _r(2, "handoff", "not_found")]))  # fmt: skip
    assert "requested_human" in why["requested_human"] and "other reason" not in why["requested_human"]
    assert "not_found" in why["not_found"]


def test_histogram_has_a_labelled_count_axis() -> None:
    svg = histogram([0.1, 0.15, 0.9, 0.95, 0.97], bins=10, y_label="tickets")
    ticks = re.findall(r'<text class="y-tick"[^>]*>(\d+)</text>', svg)
    assert ticks == ["0", "1", "2", "3"]
    assert ">tickets</text>" in svg


def test_simulation_report_confidence_histogram_counts_tickets() -> None:
    results = [_r(i, "would_answer", None) for i in range(4)]
    page = render_report(summarise(results, [], {}), results)
    assert ">tickets</text>" in page and 'class="y-tick"' in page
