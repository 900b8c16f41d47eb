"""Bot outcome vs what the agent did."""

from __future__ import annotations

import pytest

from dialogue.simulation.comparison import agent_action, closing_resolution, compare
from dialogue.simulation.exports import record_to_ticket


@pytest.mark.parametrize(
    ("tags", "resolution", "replies", "expected"),
    [
        (("WISMO",), None, (), "order_status"),
        (("suivi-commande",), None, (), "order_status"),
        ((), "order_status", (), "order_status"),
        (("shipping",), None, (), "order_status"),
        (("Where is my order",), None, (), "order_status"),
        ((), None, ("It was delivered on Monday to your mailbox.",), "order_status"),
        ((), None, ("Votre colis a été expédié hier, voici le numéro de suivi.",), "order_status"),
        (("refund",), "solved", ("I have refunded you.",), "other"),
        ((), None, ("Could you send me your order number?",), "other"),
        ((), None, (), None),
        # Audit of issue 6: what is not an order status.
        ((), None, ("Je vous rembourse le colis.",), "other"),
        (("changement_adresse_livraison",), None, (), "other"),
        (("free_shipping_promo",), None, (), "other"),
        ((), None, ("Could you send me your tracking number?",), "other"),
        ((), None, ("Please send us the tracking number from the carrier's email.",), "other"),
        ((), None, ("Pourriez-vous me donner le numéro de suivi ?",), "other"),
        ((), None, ("The carrier will pick up the return.",), "other"),
        ((), None, ("Sorry for the wait. Here is your tracking link: https://t.example/1",), "order_status"),
        ((), None, ("Thanks! Your order is out for delivery today.",), "order_status"),
        ((), None, ("Votre commande est en route.",), "order_status"),
        ((), None, ("Votre colis a bien été livré hier.",), "order_status"),
    ],
)
def test_agent_action_reads_tags_resolution_and_replies(tags, resolution, replies, expected) -> None:
    assert agent_action(tags, resolution, replies) == expected


@pytest.mark.parametrize(
    ("outcome", "action", "expected"),
    [
        ("would_answer", "order_status", "agree_answered"),
        ("handoff", "other", "agree_escalated"),
        ("handoff", "order_status", "bot_escalated_agent_answered"),
        ("would_answer", "other", "bot_answered_agent_other"),
        ("would_ask", "order_status", "bot_asked_agent_answered"),
        ("would_answer", None, None),
    ],
)
def test_compare_categories(outcome: str, action: str | None, expected: str | None) -> None:
    assert compare(outcome, action) == expected


@pytest.mark.parametrize(
    ("state", "expected"),
    [("closed", "closed"), ("Solved", "solved"), ("open", None), ("new", None), ("pending", None),
     ("hold", None), ("snoozed", None), (None, None)],
)  # fmt: skip
def test_closing_resolution_keeps_only_closed_states(state: str | None, expected: str | None) -> None:
    assert closing_resolution(state) == expected


_OPENING = {"body": "<p>where is my order 1001?</p>", "author": {"type": "user"}}


@pytest.mark.parametrize(
    "record",
    [
        {"id": "IC-9", "created_at": 1741609800, "state": "open", "source": _OPENING,
         "conversation_parts": {"conversation_parts": []}},
        {"id": 9, "created_at": "2025-03-10T12:30:00Z", "status": "new", "requester_id": 1,
         "comments": [{"author_id": 1, "plain_body": "where is my order 1001?"}]},
        {"ticket": {"id": 10, "created_at": "2025-03-10T12:30:00Z", "status": "pending", "requester_id": 1},
         "comments": [{"author_id": 1, "plain_body": "where is my order 1001?"}]},
    ],
)  # fmt: skip
def test_open_unanswered_ticket_has_no_agent_action(record: dict) -> None:
    """Regression (issue 6): an open ticket's state is not what the agent did, so it is no disagreement."""
    ticket = record_to_ticket(record, "x.json:1")
    assert ticket.resolution is None
    assert agent_action(ticket.tags, ticket.resolution, ticket.agent_messages) is None


def test_closed_ticket_keeps_its_resolution() -> None:
    ticket = record_to_ticket(
        {"id": 11, "created_at": "2025-03-10T12:30:00Z", "status": "solved", "requester_id": 1,
         "comments": [{"author_id": 1, "plain_body": "where is my order 1001?"}]},
        "x.json:1",
    )  # fmt: skip
    assert ticket.resolution == "solved"
    assert agent_action(ticket.tags, ticket.resolution, ticket.agent_messages) == "other"
