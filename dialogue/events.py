"""Typed conversation events, in past tense; the only thing a conversation store keeps.

Conversation state is never stored: it is derived by replaying these events (:mod:`dialogue.state`). Each event
converts to and from JSON here, in one place (:func:`event_from_dict`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from dialogue.errors import InvalidEvent
from dialogue.handoff import Handoff
from dialogue.orders import Order
from nlu.types import ParseResult

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _dt(value: Any) -> datetime:
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Event:
    """Base of all events: a name for JSON and the time it happened."""

    name: ClassVar[str] = "event"
    timestamp: datetime = field(default=_EPOCH, kw_only=True)

    def _payload(self) -> dict[str, Any]:
        return {}

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"event": name, "timestamp": iso, ...fields}``."""
        return {"event": self.name, "timestamp": self.timestamp.isoformat(), **self._payload()}


@dataclass(frozen=True)
class CustomerIdentified(Event):
    """The channel told us who the customer is (``verified`` when the channel authenticated them)."""

    name: ClassVar[str] = "customer_identified"
    email: str | None = None
    verified: bool = False
    customer_name: str | None = None

    def _payload(self) -> dict[str, Any]:
        return {"email": self.email, "verified": self.verified, "customer_name": self.customer_name}


@dataclass(frozen=True)
class UserUttered(Event):
    """A customer message and what the NLU understood of it."""

    name: ClassVar[str] = "user_uttered"
    text: str = ""
    parse: ParseResult | None = None
    message_id: str | None = None
    language: str = "en"

    def _payload(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "parse": self.parse.to_dict() if self.parse else None,
            "message_id": self.message_id,
            "language": self.language,
        }


@dataclass(frozen=True)
class MessageInterpreted(Event):
    """How the policy read the latest message (``kind``), e.g. ``wismo``, ``confirm``, ``not_understood``."""

    name: ClassVar[str] = "message_interpreted"
    kind: str = ""
    topic: str | None = None

    def _payload(self) -> dict[str, Any]:
        return {"kind": self.kind, "topic": self.topic}


@dataclass(frozen=True)
class SlotSet(Event):
    """A slot took a value (``None`` clears it)."""

    name: ClassVar[str] = "slot_set"
    slot: str = ""
    value: str | None = None

    def _payload(self) -> dict[str, Any]:
        return {"slot": self.slot, "value": self.value}


@dataclass(frozen=True)
class BotUttered(Event):
    """A reply sent to the customer; ``awaiting`` is what the bot now waits for, if anything."""

    name: ClassVar[str] = "bot_uttered"
    template: str = ""
    text: str = ""
    awaiting: str | None = None
    ends_turn: bool = True

    def _payload(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "text": self.text,
            "awaiting": self.awaiting,
            "ends_turn": self.ends_turn,
        }


@dataclass(frozen=True)
class LookupDone(Event):
    """An order look-up answered. ``outcome``: found, multiple, not_found, mismatch or no_orders.

    ``orders`` holds the snapshot(s) as returned, including a mismatching one (for the agent, never the customer).
    """

    name: ClassVar[str] = "lookup_done"
    by: str = "order_id"
    query: str = ""
    outcome: str = "not_found"
    orders: tuple[Order, ...] = ()

    def _payload(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "query": self.query,
            "outcome": self.outcome,
            "orders": [o.to_dict(include_private=True) for o in self.orders],
        }


@dataclass(frozen=True)
class LookupFailed(Event):
    """The order back end could not answer (outage, time-out, auth); never means "no such order"."""

    name: ClassVar[str] = "lookup_failed"
    by: str = "order_id"
    query: str = ""
    error: str = ""

    def _payload(self) -> dict[str, Any]:
        return {"by": self.by, "query": self.query, "error": self.error}


@dataclass(frozen=True)
class HandoffRequested(Event):
    """The conversation went to the human team; the bot stays silent until :class:`ConversationReleased`."""

    name: ClassVar[str] = "handoff_requested"
    handoff: Handoff | None = None

    def _payload(self) -> dict[str, Any]:
        return {"handoff": self.handoff.to_dict() if self.handoff else None}


@dataclass(frozen=True)
class ConversationReset(Event):
    """Everything before this event is forgotten (idle past the session TTL, or an explicit restart)."""

    name: ClassVar[str] = "conversation_reset"
    reason: str = "idle"

    def _payload(self) -> dict[str, Any]:
        return {"reason": self.reason}


@dataclass(frozen=True)
class ConversationReleased(Event):
    """The humans gave the conversation back to the bot."""

    name: ClassVar[str] = "conversation_released"
    by: str | None = None

    def _payload(self) -> dict[str, Any]:
        return {"by": self.by}


@dataclass(frozen=True)
class HelpdeskDeliveryFailed(Event):
    """A reply, note, assignment or tag could not be sent to the helpdesk, even after its retries.

    The customer may be waiting for an answer they never got: the failure is kept with the conversation, so an
    operator finds it (``GET /api/v1/conversations/{id}``) and not only in a log. It changes no dialogue state.
    """

    name: ClassVar[str] = "delivery_failed"
    channel: str = ""
    step: str = ""
    status: int | None = None

    def _payload(self) -> dict[str, Any]:
        return {"channel": self.channel, "step": self.step, "status": self.status}


EVENT_TYPES: dict[str, type[Event]] = {
    cls.name: cls
    for cls in (
        CustomerIdentified,
        UserUttered,
        MessageInterpreted,
        SlotSet,
        BotUttered,
        LookupDone,
        LookupFailed,
        HandoffRequested,
        ConversationReset,
        ConversationReleased,
        HelpdeskDeliveryFailed,
    )
}


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event from its :meth:`Event.to_dict` form.

    Raises:
        InvalidEvent: unknown event name or a malformed field.

    >>> event_from_dict(SlotSet(slot="order_id", value="1001").to_dict())
    SlotSet(timestamp=datetime.datetime(1970, 1, 1, 0, 0, tzinfo=datetime.timezone.utc), slot='order_id', value='1001')
    """
    kind = data.get("event")
    cls = EVENT_TYPES.get(str(kind))
    if cls is None:
        raise InvalidEvent(f"unknown event type {kind!r}")
    fields = {k: v for k, v in data.items() if k not in ("event", "timestamp")}
    try:
        if cls is UserUttered and fields.get("parse") is not None:
            fields["parse"] = ParseResult.from_dict(fields["parse"])
        elif cls is LookupDone:
            fields["orders"] = tuple(Order.from_dict(o) for o in fields.get("orders", []))
        elif cls is HandoffRequested and fields.get("handoff") is not None:
            fields["handoff"] = Handoff.from_dict(fields["handoff"])
        return cls(timestamp=_dt(data.get("timestamp", _EPOCH.isoformat())), **fields)
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidEvent(f"bad {kind} event: {exc}") from exc


def events_to_json(events: list[Event] | tuple[Event, ...]) -> list[dict[str, Any]]:
    """The JSON form of a list of events."""
    return [e.to_dict() for e in events]


def events_from_json(data: list[dict[str, Any]]) -> list[Event]:
    """Rebuild a list of events saved with :func:`events_to_json`."""
    return [event_from_dict(d) for d in data]
