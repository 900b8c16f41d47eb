"""The handoff record: everything a human agent needs to take over without scrolling.

Built by :func:`dialogue.actions.build_handoff`; channels turn it into a helpdesk note, assignment and tags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dialogue.orders import Order

HANDOFF_REASONS = (
    "requested_human",
    "not_found",
    "confirmed",
    "not_understood",
    "other_topic",
    "lookup_failed",
    "stuck_shipment",
)


@dataclass(frozen=True, slots=True)
class LookupAttempt:
    """One order look-up the bot made, and how it ended (found, multiple, not_found, mismatch, no_orders, failed)."""

    by: str
    query: str
    outcome: str

    def to_dict(self) -> dict[str, Any]:
        return {"by": self.by, "query": self.query, "outcome": self.outcome}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LookupAttempt:
        return cls(str(data["by"]), str(data["query"]), str(data["outcome"]))


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    """One line of the conversation as the customer saw it."""

    speaker: str
    text: str
    timestamp: str

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "text": self.text, "timestamp": self.timestamp}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TranscriptLine:
        return cls(str(data["speaker"]), str(data["text"]), str(data.get("timestamp", "")))


@dataclass(frozen=True, slots=True)
class Handoff:
    """Why and how a conversation goes to the human team.

    Attributes:
        reason: One of :data:`HANDOFF_REASONS`.
        topic: The intent that led here (``order_status``, ``return_refund``, ...).
        language: The customer's language.
        slots: What the bot collected (order_id, email, ...).
        verified: Whether the customer passed verification for ``order``.
        order: The order snapshot as looked up (may be unverified; for the agent only).
        lookups: Every look-up attempt with its outcome.
        summary: A short note for the agent, in the team's language.
        transcript: The conversation so far.
        tags: Suggested helpdesk tags.
        team: The target team from config (per reason and language).
    """

    reason: str
    topic: str
    language: str
    slots: dict[str, str]
    verified: bool
    order: Order | None
    lookups: tuple[LookupAttempt, ...]
    summary: str
    transcript: tuple[TranscriptLine, ...]
    tags: tuple[str, ...]
    team: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form sent to channels, webhooks and the web console."""
        return {
            "reason": self.reason,
            "topic": self.topic,
            "language": self.language,
            "slots": dict(self.slots),
            "verified": self.verified,
            "order": self.order.to_dict() if self.order else None,
            "lookups": [a.to_dict() for a in self.lookups],
            "summary": self.summary,
            "transcript": [t.to_dict() for t in self.transcript],
            "tags": list(self.tags),
            "team": self.team,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Handoff:
        return cls(
            reason=str(data["reason"]),
            topic=str(data.get("topic", "")),
            language=str(data.get("language", "en")),
            slots={str(k): str(v) for k, v in (data.get("slots") or {}).items()},
            verified=bool(data.get("verified", False)),
            order=Order.from_dict(data["order"]) if data.get("order") else None,
            lookups=tuple(LookupAttempt.from_dict(a) for a in data.get("lookups", [])),
            summary=str(data.get("summary", "")),
            transcript=tuple(TranscriptLine.from_dict(t) for t in data.get("transcript", [])),
            tags=tuple(str(t) for t in data.get("tags", [])),
            team=str(data.get("team", "")),
        )
