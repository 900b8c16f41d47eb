"""``report.html`` for a simulation: headline cards, charts, the most instructive tickets and their traces.

Built from :mod:`nlu.html_report` so every QA report has one look. Every text in it comes from masked results.
The conversation-test report (``wismo test --report DIR``) is :func:`write_test_report`, re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dialogue.simulation.comparison import DISAGREEMENTS
from dialogue.simulation.results import HANDOFF, WOULD_ANSWER, WOULD_ASK, TicketResult
from dialogue.simulation.test_report import write_test_report
from nlu.html_report import bar_chart, cards, esc, funnel, histogram, page, section, table

__all__ = ["instructive", "render_report", "write_report", "write_test_report"]

MAX_INSTRUCTIVE = 50
# Why a ticket is in the table, by priority; a handoff names its reason (see :func:`_why`).
_WHY = (
    "the bot and the agent went different ways",
    "handed off: not understood",
    "first message low confidence",
    "handed off: {reason}",
    "handed off: {reason}",
    "the bot is still asking",
    "answered by the bot",
)
_REASON_WORDS = {
    "requested_human": "the customer asked for a human (requested_human)",
    "not_found": "order not found (not_found)",
    "lookup_failed": "order look-up failed (lookup_failed)",
    "stuck_shipment": "shipment stuck (stuck_shipment)",
    "other_topic": "another topic than an order's status (other_topic)",
    "confirmed": "the customer still wanted a person after the status (confirmed)",
    "not_understood": "not understood (not_understood)",
}


def _priority(result: TicketResult) -> int:
    if result.comparison in DISAGREEMENTS:
        return 0
    if result.outcome == HANDOFF and result.reason == "not_understood":
        return 1
    if result.low_confidence:
        return 2
    if result.outcome == HANDOFF and result.reason in ("not_found", "lookup_failed", "stuck_shipment"):
        return 3
    if result.outcome == HANDOFF:
        return 4
    return 5 if result.outcome == WOULD_ASK else 6


def _why(result: TicketResult) -> str:
    """Why a ticket is worth reading; a handoff says its real reason.

    >>> _why(TicketResult("1", "x", "en", "request_human", 0.9, "handoff", "requested_human", False, False,
    ...                   False, False, 1, ()))
    'handed off: the customer asked for a human (requested_human)'
    """
    reason = str(result.reason or "no reason recorded")
    return _WHY[_priority(result)].format(reason=_REASON_WORDS.get(reason, reason))


def _ranked(results: Sequence[TicketResult], limit: int) -> list[int]:
    return sorted(range(len(results)), key=lambda i: (_priority(results[i]), i))[:limit]


def instructive(
    results: Sequence[TicketResult], limit: int = MAX_INSTRUCTIVE
) -> list[tuple[TicketResult, str]]:
    """The tickets most worth reading, with why: disagreements first, then misunderstandings, ... (stable)."""
    return [(results[i], _why(results[i])) for i in _ranked(results, limit)]


def anchor(ticket_id: str, index: int) -> str:
    """The id of a ticket's trace inside the page: unique, since ticket ids repeat across input files.

    ``index`` is the ticket's position in the results (input order), so the page stays deterministic.

    >>> anchor("ZD 42/a", 7)
    't7-ZD_42_a'
    """
    return f"t{index}-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in ticket_id)


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _instructive_table(rows: Sequence[tuple[int, TicketResult, str]]) -> str:
    head = "".join(
        f"<th>{esc(h)}</th>"
        for h in ("ticket", "intent", "confidence", "outcome", "reason", "agent", "comparison", "why")
    )
    body = []
    for index, r, why in rows:
        cells = [
            f'<td><a href="#{anchor(r.ticket_id, index)}">{esc(r.ticket_id)}</a></td>',
            f"<td>{esc(r.intent)}</td>",
            f'<td class="num">{r.confidence:.2f}</td>',
            f"<td>{esc(r.outcome)}</td>",
            f"<td>{esc(r.reason or '')}</td>",
            f"<td>{esc(r.agent_action or '')}</td>",
            f"<td>{esc(r.comparison or '')}</td>",
            f"<td>{esc(why)}</td>",
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _trace(index: int, result: TicketResult) -> str:
    rows = []
    for i, turn in enumerate(result.turns, start=1):
        entities = ", ".join(f"{e}={v}" for e, v in turn.entities) or "-"
        slots = ", ".join(f"{k}={v}" for k, v in turn.slots) or "-"
        replies = (
            " / ".join(f"[{t}] {x}" for t, x in zip(turn.templates, turn.replies, strict=False)) or "(silent)"
        )
        rows.append(
            [
                i,
                turn.text,
                f"{turn.intent} ({turn.confidence:.2f})",
                entities,
                slots,
                " > ".join(turn.rules),
                replies,
                f"{turn.outcome} {turn.reason or ''}".strip(),
            ]
        )
    skipped = result.customer_turns - len(result.turns)
    note = f"<p>{skipped} later customer message(s) not replayed.</p>" if skipped > 0 else ""
    return (
        f'<details id="{anchor(result.ticket_id, index)}"><summary>{esc(result.ticket_id)} ({esc(result.source)}): '
        f"{esc(result.outcome)} {esc(result.reason or '')}</summary>"
        + table(["#", "customer", "intent", "entities", "slots", "rules", "bot", "outcome"], rows)
        + note
        + "</details>"
    )


def render_report(summary: dict[str, Any], results: Sequence[TicketResult]) -> str:
    """The whole HTML page for a simulation (deterministic for the same inputs)."""
    rates = summary["rates"]
    headline = cards(
        [
            ("tickets", str(summary["tickets"])),
            ("WISMO share", _pct(rates["wismo_share"])),
            ("would resolve", _pct(rates["would_resolve_rate"])),
            ("handoff", _pct(rates["handoff_rate"])),
            ("still asking", _pct(rates["would_ask_rate"])),
            ("low confidence", _pct(rates["low_confidence_share"])),
            ("bad rows skipped", str(summary["bad_rows"]["count"])),
        ]
    )
    intents = sorted(summary["coverage_by_intent"].items(), key=lambda kv: (-kv[1]["tickets"], kv[0]))
    reasons = sorted(summary["handoff_by_reason"].items(), key=lambda kv: (-kv[1]["count"], kv[0]))
    coverage_rows = [
        [name, c["tickets"], c[WOULD_ANSWER], c[WOULD_ASK], c[HANDOFF], _pct(c["would_answer_rate"])]
        for name, c in intents
    ]
    comparison = summary["comparison"]
    comparison_rows = [[k, v["count"], _pct(v["rate"])] for k, v in comparison["categories"].items()]
    language_rows = [[k, v["count"], _pct(v["rate"])] for k, v in summary["languages"].items()]
    chosen = [(i, results[i], _why(results[i])) for i in _ranked(results, MAX_INSTRUCTIVE)]
    body = [
        headline,
        section("Outcome funnel (WISMO tickets)", funnel(list(summary["funnel"].items()))),
        section(
            "Intents of the first message",
            bar_chart([(name, float(c["tickets"])) for name, c in intents]),
            table(
                ["intent", "tickets", "would answer", "would ask", "handoff", "answer rate"], coverage_rows
            ),
        ),
        section(
            "Confidence of the first message",
            histogram([r.confidence for r in results], bins=10, y_label="tickets"),
        ),
        section("Handoff reasons", bar_chart([(name, float(v["count"])) for name, v in reasons])),
        section("Languages", table(["language", "tickets", "share"], language_rows)),
        section(
            "Bot vs agent",
            f"<p>{comparison['tickets_with_agent_data']} tickets record what the agent did; "
            f"{comparison['disagreements']} disagreements are worth a trainer's look.</p>",
            table(["category", "tickets", "share"], comparison_rows) if comparison_rows else "",
        ),
        section("Most instructive tickets", _instructive_table(chosen)),
        section("Traces", "".join(_trace(i, r) for i, r, _ in chosen)),
    ]
    if summary["bad_rows"]["count"]:
        rows = [[line] for line in summary["bad_rows"]["rows"]]
        body.append(
            section(f"Bad rows skipped ({summary['bad_rows']['count']})", table(["where: why"], rows))
        )
    return page("wismo simulation", body)


def write_report(summary: dict[str, Any], results: Sequence[TicketResult], out_dir: Path) -> Path:
    """Write ``report.html`` into ``out_dir`` and return its path."""
    path = out_dir / "report.html"
    path.write_text(render_report(summary, results), encoding="utf-8")
    return path
