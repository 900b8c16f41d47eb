"""Compare what the bot would have done with what the human agent did, when the ticket records it.

The agent's action is read from the tags, the resolution and the agent's replies: ``order_status`` when they
answered with the order's whereabouts, ``other`` otherwise, ``None`` when the ticket holds nothing the agent did
(no tag, no closing resolution, no reply: an open ticket nobody answered yet). Crossed with the bot's outcome it
gives one of the categories below; the ``disagreements`` are the tickets worth a trainer's look.

>>> agent_action(("wismo",), None, ())
'order_status'
>>> agent_action((), None, ("Your parcel was shipped yesterday with UPS, tracking 1Z999.",))
'order_status'
>>> agent_action(("refund",), "solved", ("I have refunded the jacket.",))
'other'
>>> agent_action((), None, ("Could you send me your tracking number?",))
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
# Whole tag names (and resolutions) helpdesks commonly use for "where is my order?" tickets, after
# :func:`tag_name`. Whole names only: ``changement_adresse_livraison`` is an address change, not a status.
STATUS_TAGS = frozenset(
    {
        "wismo", "wimo", "where_is_my_order", "where_is_my_package", "order_status", "order_tracking",
        "tracking", "shipping", "shipping_status", "delivery", "delivery_status", "livraison", "suivi",
        "suivi_commande", "suivi_colis", "suivi_livraison", "statut_commande", "statut_livraison",
    }
)  # fmt: skip
# Intercom ``state`` and Zendesk ``status`` values that say the agent finished with the ticket; any other
# (``open``, ``new``, ``pending``, ``hold``, ``snoozed``) says nothing about what the agent did.
CLOSED_STATES = frozenset({"closed", "solved", "resolved"})
# What an agent writes when they give an order's status (English and French).
_STATUS_REPLY = re.compile(
    r"\b(?:(?:has|have|had|was|were|is|are|got|been|be|being) (?:now |already |just )?(?:been )?"
    r"(?:shipped|dispatched|delivered|sent out|handed (?:over )?to)|shipped (?:on|yesterday|today|this|last)|"
    r"out for delivery|on (?:its|their|the) way|in transit|estimated delivery|expected (?:delivery|to arrive)|"
    r"(?:will|should) arrive|tracking (?:number|link|code|page|info(?:rmation)?)|track (?:it|your (?:order|parcel|package))|"
    r"a (?:bien |d[ée]j[àa] )?(?:[ée]t[ée] )?(?:exp[ée]di[ée]e?s?|livr[ée]e?s?|remise? (?:au|à la) \w+)|"
    r"(?:est|sont|sera|seront) (?:bien )?(?:exp[ée]di[ée]e?s?|livr[ée]e?s?)|exp[ée]di[ée]e?s? (?:hier|aujourd'hui|le)|"
    r"en (?:route|transit|cours (?:de livraison|d'acheminement|d'exp[ée]dition))|"
    r"num[ée]ro de suivi|lien de suivi|suivre (?:votre|le|ton) colis|livraison (?:est )?pr[ée]vue|arrivera)\b",
    re.IGNORECASE,
)
# A sentence that asks the customer for something is not an answer, even when it names a tracking number.
_REQUEST = re.compile(
    r"\?\s*$|\b(?:send|provide|share|give|tell|confirm|forward) (?:me|us)\b|\bmerci de (?:nous|me)\b|"
    r"\b(?:pourriez|pouvez|voudriez)[- ]vous\b|\bveuillez\b|\bpouvez-vous\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")

CATEGORIES = {
    ("would_answer", ORDER_STATUS): "agree_answered",
    ("handoff", OTHER): "agree_escalated",
    ("handoff", ORDER_STATUS): "bot_escalated_agent_answered",
    ("would_answer", OTHER): "bot_answered_agent_other",
    ("would_ask", ORDER_STATUS): "bot_asked_agent_answered",
    ("would_ask", OTHER): "bot_asked_agent_other",
}
AGREEMENTS = frozenset({"agree_answered", "agree_escalated"})
# Worth a trainer's look: the bot and the agent went different ways on a ticket. ``bot_asked_agent_answered``
# is one: the agent gave the status without the detail the bot was still waiting for.
DISAGREEMENTS = frozenset(
    {"bot_escalated_agent_answered", "bot_answered_agent_other", "bot_asked_agent_answered"}
)


def tag_name(label: str) -> str:
    """A tag or resolution as a comparable name: lower case, words joined by ``_``.

    >>> tag_name(" Suivi-Commande "), tag_name("Where is my order")
    ('suivi_commande', 'where_is_my_order')
    """
    return re.sub(r"[\s\-/.]+", "_", label.strip().lower()).strip("_")


def closing_resolution(state: str | None) -> str | None:
    """``state`` when it says the ticket was closed or solved; ``None`` for an open, new, pending... ticket.

    >>> closing_resolution("Solved"), closing_resolution("open"), closing_resolution(None)
    ('solved', None, None)
    """
    name = tag_name(state) if state else ""
    return name if name in CLOSED_STATES else None


def gives_status(reply: str) -> bool:
    """Whether an agent's reply gives the order's status; sentences that ask the customer something are skipped.

    >>> gives_status("Je vous rembourse le colis."), gives_status("It's out for delivery today.")
    (False, True)
    """
    return any(
        _STATUS_REPLY.search(s) and not _REQUEST.search(s) for s in _SENTENCE.split(reply) if s.strip()
    )


def agent_action(tags: Sequence[str], resolution: str | None, replies: Sequence[str]) -> str | None:
    """``order_status``, ``other``, or ``None`` when the ticket holds nothing the agent did."""
    if not tags and not resolution and not replies:
        return None
    names = {tag_name(label) for label in (*tags, resolution or "")}
    if names & STATUS_TAGS or any(gives_status(r) for r in replies):
        return ORDER_STATUS
    return OTHER


def compare(bot_outcome: str, action: str | None) -> str | None:
    """The comparison category for a bot outcome and an agent action (``None`` without agent data)."""
    if action is None:
        return None
    return CATEGORIES.get((bot_outcome, action))
