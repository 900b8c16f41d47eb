"""Conversation state, derived purely by replaying events (never stored, never mutated in place).

>>> from dialogue.events import SlotSet
>>> replay([SlotSet(slot="order_id", value="1001")]).slots
{'order_id': '1001'}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from dialogue.events import (
    BotUttered,
    ConversationReleased,
    ConversationReset,
    CustomerIdentified,
    Event,
    HandoffRequested,
    LookupDone,
    LookupFailed,
    MessageInterpreted,
    SlotSet,
    UserUttered,
)
from dialogue.handoff import Handoff, LookupAttempt, TranscriptLine
from dialogue.orders import Order
from nlu.types import ParseResult

FAILED_OUTCOMES = frozenset({"not_found", "mismatch", "no_orders"})
# Slots whose new value means the order must be looked up (again).
LOOKUP_SLOTS = frozenset({"order_id", "email", "postcode", "lookup_by"})
# Readings of an answer that was understood as an answer but gave nothing usable: "the fifth one" of three,
# "marie@exemple,fr". The question is asked again, up to max_attempts times in a row.
UNANSWERED_READINGS = frozenset({"unclear_choice", "bad_email"})


@dataclass(frozen=True)
class ConversationState:
    """Everything the policy knows, rebuilt from events by :func:`replay`.

    Attributes:
        slots: Collected values (order_id, email, postcode, tracking_number, lookup_by, ...).
        awaiting: What the bot's last question asked for (order_id, email, postcode, confirm, choose_order,
            anything_else) or ``None``.
        reading: How the policy read the current message (``None`` until it has).
        pending_message: The latest message has not been interpreted yet.
        turn_done: The bot has finished answering the latest message.
        order: The verified order under discussion.
        last_order: The last order snapshot looked up, verified or not (for the agent only).
        candidates: Several verified orders the customer must choose between.
        unanswered_streak: Answers in a row to a specific question (which order? which email?) that gave
            nothing usable (:data:`UNANSWERED_READINGS`).
    """

    language: str = "en"
    slots: dict[str, str] = field(default_factory=dict)
    awaiting: str | None = None
    reading: str | None = None
    topic: str | None = None
    pending_message: bool = False
    turn: int = 0
    turn_templates: tuple[str, ...] = ()
    turn_done: bool = True
    turn_lookup: str | None = None
    not_understood_streak: int = 0
    unanswered_streak: int = 0
    failed_lookups: int = 0
    lookups: tuple[LookupAttempt, ...] = ()
    lookup_due: bool = False
    order: Order | None = None
    last_order: Order | None = None
    presented: bool = False
    candidates: tuple[Order, ...] = ()
    candidates_listed: bool = False
    handed_off: bool = False
    handoff: Handoff | None = None
    customer_email: str | None = None
    customer_verified: bool = False
    customer_name: str | None = None
    now: datetime | None = None
    last_activity: datetime | None = None
    last_parse: ParseResult | None = None
    transcript: tuple[TranscriptLine, ...] = ()

    @property
    def verified_email(self) -> str | None:
        """The email the channel vouches for, if any."""
        return self.customer_email if self.customer_verified else None

    def to_dict(self) -> dict[str, Any]:
        """JSON form for APIs and traces (no postcode of any order)."""
        return {
            "language": self.language,
            "slots": dict(self.slots),
            "awaiting": self.awaiting,
            "reading": self.reading,
            "topic": self.topic,
            "turn": self.turn,
            "not_understood_streak": self.not_understood_streak,
            "unanswered_streak": self.unanswered_streak,
            "failed_lookups": self.failed_lookups,
            "lookups": [a.to_dict() for a in self.lookups],
            "order": self.order.to_dict() if self.order else None,
            "candidates": [o.order_id for o in self.candidates],
            "presented": self.presented,
            "handed_off": self.handed_off,
            "customer_verified": self.customer_verified,
            "last_activity": self.last_activity.isoformat() if self.last_activity else None,
        }


def _set_slot(state: ConversationState, event: SlotSet) -> ConversationState:
    slots = dict(state.slots)
    if event.value is None:
        slots.pop(event.slot, None)
    else:
        slots[event.slot] = event.value
    changes: dict[str, Any] = {"slots": slots}
    if event.slot in LOOKUP_SLOTS and event.value is not None:
        chosen = next((o for o in state.candidates if o.order_id == event.value), None)
        if event.slot == "order_id" and chosen is not None:
            changes.update(order=chosen, last_order=chosen, lookup_due=False, presented=False)
        else:
            changes.update(order=None, lookup_due=True, presented=False)
            if event.slot != "order_id":
                changes.update(candidates=(), candidates_listed=False)
    elif event.slot == "order_id":
        # No number left to look up; a look-up by email that is due ("I don't have the number") stays due.
        due = state.lookup_due and slots.get("lookup_by") == "email"
        changes.update(order=None, presented=False, lookup_due=due)
    return replace(state, **changes)


def _lookup_done(state: ConversationState, event: LookupDone) -> ConversationState:
    attempt = LookupAttempt(event.by, event.query, event.outcome)
    changes: dict[str, Any] = {
        "lookups": (*state.lookups, attempt),
        "lookup_due": False,
        "turn_lookup": event.outcome,
        "presented": False,
        "order": None,
        "candidates": (),
        "candidates_listed": False,
    }
    if event.orders:
        changes["last_order"] = event.orders[0]
    if event.outcome == "found":
        changes["order"] = event.orders[0]
    elif event.outcome == "multiple":
        changes["candidates"] = event.orders
    if event.outcome in FAILED_OUTCOMES:
        changes["failed_lookups"] = state.failed_lookups + 1
    return replace(state, **changes)


def apply(state: ConversationState, event: Event) -> ConversationState:
    """The state after ``event``. Pure: the same state and event always give the same result."""
    stamp = event.timestamp.isoformat()
    if isinstance(event, UserUttered):
        line = TranscriptLine("customer", event.text, stamp)
        return replace(
            state,
            language=event.language,
            pending_message=not state.handed_off,
            reading=None,
            topic=None,
            turn=state.turn + 1,
            turn_templates=(),
            turn_done=False,
            turn_lookup=None,
            now=event.timestamp,
            last_activity=event.timestamp,
            last_parse=event.parse,
            transcript=(*state.transcript, line),
        )
    if isinstance(event, MessageInterpreted):
        streak = state.not_understood_streak + 1 if event.kind == "not_understood" else 0
        unanswered = state.unanswered_streak + 1 if event.kind in UNANSWERED_READINGS else 0
        return replace(
            state,
            reading=event.kind,
            topic=event.topic,
            pending_message=False,
            not_understood_streak=streak,
            unanswered_streak=unanswered,
        )
    if isinstance(event, SlotSet):
        return _set_slot(state, event)
    if isinstance(event, BotUttered):
        line = TranscriptLine("bot", event.text, stamp)
        changes: dict[str, Any] = {
            "turn_templates": (*state.turn_templates, event.template),
            "turn_done": event.ends_turn,
            "transcript": (*state.transcript, line),
            "last_activity": event.timestamp,
        }
        if event.ends_turn:
            changes["awaiting"] = event.awaiting
        if event.awaiting == "confirm":
            changes["presented"] = True
        if event.awaiting == "choose_order":
            changes["candidates_listed"] = True
        return replace(state, **changes)
    if isinstance(event, LookupDone):
        return _lookup_done(state, event)
    if isinstance(event, LookupFailed):
        attempt = LookupAttempt(event.by, event.query, "failed")
        return replace(state, lookups=(*state.lookups, attempt), lookup_due=False, turn_lookup="failed")
    if isinstance(event, HandoffRequested):
        return replace(state, handed_off=True, handoff=event.handoff, turn_done=True, awaiting=None)
    if isinstance(event, CustomerIdentified):
        return replace(
            state,
            customer_email=event.email,
            customer_verified=event.verified and bool(event.email),
            customer_name=event.customer_name,
        )
    if isinstance(event, ConversationReset):
        return ConversationState(language=state.language, last_activity=event.timestamp)
    if isinstance(event, ConversationReleased):
        return replace(
            state,
            handed_off=False,
            awaiting=None,
            failed_lookups=0,
            not_understood_streak=0,
            unanswered_streak=0,
            turn_done=True,
            pending_message=False,
        )
    return state


def replay(events: Iterable[Event], state: ConversationState | None = None) -> ConversationState:
    """Fold events into a state, starting from an empty conversation (or ``state``)."""
    current = state or ConversationState()
    for event in events:
        current = apply(current, event)
    return current
