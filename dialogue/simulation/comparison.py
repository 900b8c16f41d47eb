"""Compare what the bot would have done with what the human agent did, when the ticket records it.

The agent's action is read from the tags, the resolution and the agent's replies: ``order_status`` when they
answered with the order's whereabouts, ``other`` otherwise. Crossed with the bot's outcome it gives one of the
categories below; the ``disagreements`` are the tickets worth a trainer's look.

>>> agent_action(("wismo",), None, ())
'order_status'
>>> agent_action((), None, ("Your parcel was shipped yesterday with UPS, tracking 1Z999.",))
'order_status'
>>> agent_action(("refund",), "solved", ("I have refunded the jacket.",))
'other'
>>> agent_action((), None, ()) is None
True
>>> compare("handoff", "order_status")
'bot_escalated_agent_answered'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

ORDER_STATUS = "order_status"
OTHER = "other"
# Tags and resolutions helpdesks commonly use for "where is my order?" tickets.
_STATUS_TAG = re.compile(
    r"wismo|where.?is.?my.?order|order.?status|order.?tracking|tracking|shipping.?status|delivery.?status|"
    r"suivi|statut.?commande|livraison",
    re.IGNORECASE,
)
# What an agent writes when they give an order's status (English and French).
_STATUS_REPLY = re.compile(
    r"\b(?:tracking (?:number|link)|track(?:ed|ing) it|has (?:been )?shipped|was shipped|(?:has been|was) delivered|"
    r"out for delivery|on (?:its|the) way|in transit|dispatched|estimated delivery|carrier|"
    r"num[ée]ro de suivi|lien de suivi|a (?:bien )?été (?:expédiée?|livrée?)|est en cours de livraison|"
    r"en transit|en route|livraison (?:est )?prévue|transporteur|colis)\b",
    re.IGNORECASE,
)

CATEGORIES = {
    ("would_answer", ORDER_STATUS): "agree_answered",
    ("handoff", OTHER): "agree_escalated",
    ("handoff", ORDER_STATUS): "bot_escalated_agent_answered",
    ("would_answer", OTHER): "bot_answered_agent_other",
    ("would_ask", ORDER_STATUS): "bot_asked_agent_answered",
    ("would_ask", OTHER): "bot_asked_agent_other",
}
AGREEMENTS = frozenset({"agree_answered", "agree_escalated"})
# Worth a trainer's look: the bot and the agent went different ways on a ticket.
DISAGREEMENTS = frozenset({"bot_escalated_agent_answered", "bot_answered_agent_other"})


def agent_action(tags: Sequence[str], resolution: str | None, replies: Sequence[str]) -> str | None:
    """``order_status``, ``other``, or ``None`` when the ticket holds nothing the agent did."""
    if not tags and not resolution and not replies:
        return None
    labels = [*tags, resolution or ""]
    if any(_STATUS_TAG.search(label) for label in labels) or any(_STATUS_REPLY.search(r) for r in replies):
        return ORDER_STATUS
    return OTHER


def compare(bot_outcome: str, action: str | None) -> str | None:
    """The comparison category for a bot outcome and an agent action (``None`` without agent data)."""
    if action is None:
        return None
    return CATEGORIES.get((bot_outcome, action))
