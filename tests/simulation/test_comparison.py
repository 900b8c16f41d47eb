"""Bot outcome vs what the agent did."""

from __future__ import annotations

import pytest

from dialogue.simulation.comparison import agent_action, compare


@pytest.mark.parametrize(
    ("tags", "resolution", "replies", "expected"),
    [
        (("WISMO",), None, (), "order_status"),
        (("suivi-commande",), None, (), "order_status"),
        ((), "order status given", (), "order_status"),
        ((), None, ("It was delivered on Monday to your mailbox.",), "order_status"),
        ((), None, ("Votre colis a été expédié hier, voici le numéro de suivi.",), "order_status"),
        (("refund",), "solved", ("I have refunded you.",), "other"),
        ((), None, ("Could you send me your order number?",), "other"),
        ((), None, (), None),
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
