"""``wismo simulate`` end to end on the sample tickets with the real default model and the demo shop."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dialogue.simulation import runner
from dialogue.simulation.pipeline import SimulationRun, load_results, simulate
from dialogue.simulation.results import TicketResult
from dialogue.simulation.runner import SimulationSetup

REPO = Path(__file__).resolve().parent.parent.parent
TICKETS = REPO / "tests" / "resources" / "tickets"
INPUTS = [
    TICKETS / name
    for name in ("messages.csv", "first_messages.csv", "tickets.jsonl", "intercom.json", "zendesk.json")
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def setup(default_model_dir: Path) -> SimulationSetup:
    return SimulationSetup(model_dir=str(default_model_dir), config_path=str(REPO / "wismo.yml"),
                           templates_dir=str(REPO / "training_data"))  # fmt: skip


@pytest.fixture(scope="module")
def run(setup: SimulationSetup, tmp_path_factory: pytest.TempPathFactory) -> SimulationRun:
    return simulate(INPUTS, setup, tmp_path_factory.mktemp("sim-a"))


@pytest.fixture(scope="module")
def results(run: SimulationRun) -> dict[str, TicketResult]:
    return {r.ticket_id: r for r in load_results(run.out_dir)}


@pytest.mark.parametrize(
    ("ticket", "outcome", "reason"),
    [
        ("EN-1", "would_answer", None),  # WISMO with a valid order number and email
        ("FR-1", "would_answer", None),
        ("IC-1", "would_answer", None),
        ("501", "would_answer", None),
        ("J-1", "would_answer", None),  # the email comes in a follow-up
        ("EN-2", "handoff", "requested_human"),
        ("FR-2", "handoff", "requested_human"),
        ("R-2", "handoff", "requested_human"),
        ("IC-2", "handoff", "other_topic"),
        ("R-3", "would_ask", "order_id"),  # never gives an order number
        ("EN-3", "would_ask", "order_id"),  # the follow-up does not give it either
    ],
)
def test_simulate_outcome_per_ticket(
    results: dict[str, TicketResult], ticket: str, outcome: str, reason: str | None
) -> None:
    assert (results[ticket].outcome, results[ticket].reason) == (outcome, reason)


def test_simulate_replays_follow_ups_and_ends_asking_what_was_never_given(
    results: dict[str, TicketResult],
) -> None:
    """A follow-up that does not answer ("thanks for the quick answer") is still replayed; the ticket then
    ends on the question the customer never answered."""
    ticket = results["EN-3"]
    assert (len(ticket.turns), ticket.customer_turns) == (2, 2)
    assert (ticket.turns[-1].outcome, ticket.outcome, ticket.reason) == ("would_ask", "would_ask", "order_id")


def test_simulate_records_intent_slots_and_templates(results: dict[str, TicketResult]) -> None:
    turn = results["EN-1"].turns[0]
    assert turn.templates == ("order_found_in_transit",)
    assert dict(turn.slots)["order_id"] == "***02"
    assert results["EN-2"].intent == "request_human"


def test_simulate_language_split(run: SimulationRun) -> None:
    languages = run.summary["languages"]
    assert set(languages) == {"en", "fr"}  # type: ignore[arg-type]


def test_simulate_counts_bad_rows_in_summary(run: SimulationRun) -> None:
    assert run.summary["bad_rows"]["count"] == 11  # type: ignore[index]


def test_simulate_compares_with_agent(results: dict[str, TicketResult]) -> None:
    assert results["EN-1"].comparison == "agree_answered"
    assert results["IC-2"].comparison == "agree_escalated"
    assert results["R-1"].comparison is None


def test_simulate_is_deterministic(run: SimulationRun, setup: SimulationSetup, tmp_path: Path) -> None:
    again = simulate(INPUTS, setup, tmp_path)
    for name in ("summary.json", "results.jsonl", "report.html"):
        assert (again.out_dir / name).read_bytes() == (run.out_dir / name).read_bytes(), name


def test_simulate_jobs_2_equals_jobs_1(
    run: SimulationRun, setup: SimulationSetup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "MIN_TICKETS_PER_WORKER", 1)  # start workers even for these few tickets
    parallel = simulate(INPUTS, setup, tmp_path, jobs=2)
    for name in ("summary.json", "results.jsonl"):
        assert (parallel.out_dir / name).read_bytes() == (run.out_dir / name).read_bytes(), name


@pytest.mark.parametrize(
    "secret", ["jane@example.com", "marie.dupont@exemple.fr", "#1002", "JD014600003828331234"]
)
def test_simulate_report_masks_personal_data(run: SimulationRun, secret: str) -> None:
    for name in ("report.html", "results.jsonl", "summary.json"):
        assert secret not in (run.out_dir / name).read_text(encoding="utf-8"), name


def test_simulate_report_links_instructive_tickets_to_traces(run: SimulationRun) -> None:
    page = (run.out_dir / "report.html").read_text(encoding="utf-8")
    anchor = re.search(r'<a href="#(t\d+-EN-3)">EN-3</a>', page)
    assert anchor and f'<details id="{anchor[1]}">' in page
    assert page.count("<svg") >= 4  # funnel, intents, confidence, handoff reasons


def test_simulate_limit_replays_first_tickets(setup: SimulationSetup, tmp_path: Path) -> None:
    limited = simulate(INPUTS[:1], setup, tmp_path, limit=2)
    assert limited.summary["tickets"] == 2


def test_simulate_orders_file_replaces_demo_shop(setup: SimulationSetup, tmp_path: Path) -> None:
    tickets = tmp_path / "t.jsonl"
    rows = [
        {
            "ticket_id": "K1",
            "created_at": "2025-03-10T12:30:00Z",
            "text": "where is order 5001? kim@example.org",
        },
        {
            "ticket_id": "K2",
            "created_at": "2025-03-10T12:30:00Z",
            "text": "where is order 1002? jane@example.com",
        },
    ]
    tickets.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = simulate([tickets], setup, tmp_path / "out", orders_file=TICKETS / "orders.csv")
    found = {r.ticket_id: r for r in load_results(out.out_dir)}
    assert found["K1"].outcome == "would_answer"
    assert found["K2"].turns[0].templates == ("order_not_found",)
