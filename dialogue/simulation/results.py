"""What the replay of one ticket produced: a record per customer turn and the ticket's outcome.

Every text in these values is already masked (see :mod:`nlu.masking`), so they can be written to
``results.jsonl`` and reports as they are. JSON conversion lives here, once per type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WOULD_ANSWER = "would_answer"
WOULD_ASK = "would_ask"
HANDOFF = "handoff"
OUTCOMES = (WOULD_ANSWER, WOULD_ASK, HANDOFF)


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """One customer message and the bot's answer to it.

    Attributes:
        text: The customer's message, masked.
        intent: The intent as the policy saw it (``out_of_scope`` below the threshold).
        confidence: The top score of the classifier.
        nearest_intent: The best-ranked real intent, even when ``intent`` is ``out_of_scope``.
        entities: ``(entity, masked value)`` pairs found in the message.
        slots: The slots after the turn, personal values masked.
        templates: The reply templates, in order.
        replies: The reply texts, masked.
        rules: The policy rules that fired.
        outcome: ``would_answer``, ``would_ask`` or ``handoff``.
        reason: The handoff reason, or what the bot asked for.
    """

    text: str
    intent: str
    confidence: float
    nearest_intent: str
    language: str
    entities: tuple[tuple[str, str], ...]
    slots: tuple[tuple[str, str], ...]
    templates: tuple[str, ...]
    replies: tuple[str, ...]
    rules: tuple[str, ...]
    outcome: str
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "nearest_intent": self.nearest_intent,
            "language": self.language,
            "entities": [list(e) for e in self.entities],
            "slots": dict(self.slots),
            "templates": list(self.templates),
            "replies": list(self.replies),
            "rules": list(self.rules),
            "outcome": self.outcome,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TurnRecord:
        return cls(
            text=str(data["text"]),
            intent=str(data["intent"]),
            confidence=float(data["confidence"]),
            nearest_intent=str(data.get("nearest_intent", data["intent"])),
            language=str(data.get("language", "en")),
            entities=tuple((str(e), str(v)) for e, v in data.get("entities", [])),
            slots=tuple((str(k), str(v)) for k, v in (data.get("slots") or {}).items()),
            templates=tuple(data.get("templates", [])),
            replies=tuple(data.get("replies", [])),
            rules=tuple(data.get("rules", [])),
            outcome=str(data["outcome"]),
            reason=data.get("reason"),
        )


@dataclass(frozen=True)
class TicketResult:
    """The replay of one ticket.

    Attributes:
        ticket_id: The helpdesk's id.
        source: ``file:line`` of the ticket.
        language: The language of the first reply.
        intent: Intent of the first customer message; ``confidence`` its top score.
        outcome: The ticket's outcome (the last turn's, except that a ``confirmed`` handoff after the bot gave
            the status counts as ``would_answer``).
        reason: The handoff reason or what the bot was still asking for.
        wismo: The ticket is about an order's whereabouts (first intent or the bot entered the order flow).
        order_given: The customer gave an order number or an email the bot looked up.
        order_found: The bot found and verified an order.
        low_confidence: The first message was out of scope or below the low-confidence mark.
        customer_turns: Customer messages in the ticket (``turns`` may stop earlier).
        agent_action: ``order_status`` / ``other`` / ``None`` (see :mod:`dialogue.simulation.comparison`).
        comparison: The comparison category, ``None`` without agent data.
    """

    ticket_id: str
    source: str
    language: str
    intent: str
    confidence: float
    outcome: str
    reason: str | None
    wismo: bool
    order_given: bool
    order_found: bool
    low_confidence: bool
    customer_turns: int
    turns: tuple[TurnRecord, ...]
    agent_action: str | None = None
    comparison: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id,
            "source": self.source,
            "language": self.language,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "outcome": self.outcome,
            "reason": self.reason,
            "wismo": self.wismo,
            "order_given": self.order_given,
            "order_found": self.order_found,
            "low_confidence": self.low_confidence,
            "customer_turns": self.customer_turns,
            "agent_action": self.agent_action,
            "comparison": self.comparison,
            "turns": [t.to_dict() for t in self.turns],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TicketResult:
        return cls(
            ticket_id=str(data["ticket_id"]),
            source=str(data.get("source", "")),
            language=str(data.get("language", "en")),
            intent=str(data["intent"]),
            confidence=float(data["confidence"]),
            outcome=str(data["outcome"]),
            reason=data.get("reason"),
            wismo=bool(data.get("wismo")),
            order_given=bool(data.get("order_given")),
            order_found=bool(data.get("order_found")),
            low_confidence=bool(data.get("low_confidence")),
            customer_turns=int(data.get("customer_turns", 0)),
            turns=tuple(TurnRecord.from_dict(t) for t in data.get("turns", [])),
            agent_action=data.get("agent_action"),
            comparison=data.get("comparison"),
        )
