"""The conversation service: one message in, one answer out, strictly in order per conversation.

``handle`` = lock the conversation (in process, then across processes through the store) -> load its events ->
``DialogueEngine.handle`` -> append the new events with an idempotency record -> answer. Channels and the HTTP
API call only this class (``request.app.ctx.service``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from dialogue.engine import BotReply, DialogueEngine, TurnResult, UserMessage
from dialogue.events import ConversationReleased, Event, HelpdeskDeliveryFailed
from dialogue.handoff import Handoff
from dialogue.state import ConversationState, replay
from dialogue.trace import TraceStep, TurnTrace
from nlu.types import ParseResult
from server.stores.base import Store, TurnRecord

logger = logging.getLogger(__name__)

TurnListener = Callable[[str, TurnResult, float], None]
"""Called after every new (not repeated) turn with the conversation id, the result and its duration."""


@dataclass(frozen=True)
class ConversationView:
    """A conversation as the API shows it: derived state, the event log and the current handoff."""

    conversation_id: str
    state: ConversationState
    events: tuple[Event, ...]

    @property
    def handoff(self) -> Handoff | None:
        return self.state.handoff if self.state.handed_off else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "state": self.state.to_dict(),
            "slots": dict(self.state.slots),
            "events": [e.to_dict() for e in self.events],
            "handoff": self.handoff.to_dict() if self.handoff else None,
        }


def turn_payload(result: TurnResult) -> dict[str, Any]:
    """The JSON answer of one turn, as stored for idempotency and returned by the API (without the events)."""
    data = result.to_dict()
    data.pop("new_events", None)
    return data


def _trace_from_dict(data: dict[str, Any]) -> TurnTrace:
    steps = tuple(
        TraceStep(str(s["rule"]), str(s["reason"]), str(s["action"]), s.get("template"))
        for s in data["rules"]
    )
    return TurnTrace(
        str(data["intent"]),
        float(data["confidence"]),
        tuple(data.get("entities", ())),
        str(data["language"]),
        steps,
        bool(data.get("reset", False)),
        bool(data.get("silent", False)),
    )


def result_from_record(record: TurnRecord, events: Sequence[Event]) -> TurnResult:
    """Rebuild the original answer to a repeated message from its idempotency record and the event log."""
    data = record.result
    end = min(record.end, len(events))
    handoff = data.get("handoff")
    return TurnResult(
        new_events=tuple(events[record.start : end]),
        replies=tuple(BotReply(str(r["text"]), str(r["template"])) for r in data["replies"]),
        parse=ParseResult.from_dict(data["parse"]),
        state=replay(events[:end]),
        handoff=Handoff.from_dict(handoff) if handoff else None,
        trace=_trace_from_dict(data["trace"]),
        repeated=True,
    )


class ConversationService:
    """Runs turns against a store, one at a time per conversation, across every process sharing the store.

    Args:
        engine: The dialogue engine.
        store: An opened :class:`~server.stores.base.Store`.
        listeners: Called after each new turn (metrics, the handoff webhook); must not block.
    """

    def __init__(self, engine: DialogueEngine, store: Store, listeners: Sequence[TurnListener] = ()) -> None:
        self.engine = engine
        self.store = store
        self.listeners = list(listeners)
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}
        self._inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def inflight(self) -> int:
        """Turns being processed right now."""
        return self._inflight

    @asynccontextmanager
    async def _conversation(self, conversation_id: str) -> AsyncIterator[None]:
        self._inflight += 1
        self._idle.clear()
        self._waiting[conversation_id] = self._waiting.get(conversation_id, 0) + 1
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        try:
            async with lock, self.store.lock(conversation_id):
                yield
        finally:
            self._waiting[conversation_id] -= 1
            if not self._waiting[conversation_id]:
                del self._waiting[conversation_id]
                del self._locks[conversation_id]
            self._inflight -= 1
            if not self._inflight:
                self._idle.set()

    async def handle(self, conversation_id: str, message: UserMessage) -> TurnResult:
        """Process one customer message; a ``message_id`` seen before returns the original answer unchanged."""
        if message.conversation_id != conversation_id:
            message = replace(message, conversation_id=conversation_id)
        started = time.perf_counter()
        async with self._conversation(conversation_id):
            if message.message_id:
                record = await self.store.get_record(conversation_id, message.message_id)
                if record is not None:
                    logger.info("server.turn.duplicate conversation=%s", conversation_id)
                    return result_from_record(record, await self.store.load(conversation_id))
            events = await self.store.load(conversation_id)
            result = await self.engine.handle(events, message)
            record = (
                TurnRecord(
                    message.message_id,
                    len(events),
                    len(events) + len(result.new_events),
                    turn_payload(result),
                )
                if message.message_id
                else None
            )
            await self.store.append(conversation_id, result.new_events, record)
        elapsed = time.perf_counter() - started
        for listener in self.listeners:
            listener(conversation_id, result, elapsed)
        return result

    async def get(self, conversation_id: str) -> ConversationView:
        """The conversation's state, events and handoff (an empty conversation when it is unknown)."""
        events = await self.store.load(conversation_id)
        return ConversationView(conversation_id, replay(events), tuple(events))

    async def release(self, conversation_id: str, by: str | None = None) -> ConversationView:
        """Give a handed-off conversation back to the bot (appends ``ConversationReleased``; no-op otherwise)."""
        async with self._conversation(conversation_id):
            events = await self.store.load(conversation_id)
            state = replay(events)
            if state.handed_off:
                event = ConversationReleased(by=by, timestamp=datetime.now(UTC))
                await self.store.append(conversation_id, [event])
                events.append(event)
                logger.info("server.conversation.released conversation=%s", conversation_id)
        return ConversationView(conversation_id, replay(events), tuple(events))

    async def record_delivery_failure(
        self, conversation_id: str, channel: str, step: str, status: int | None
    ) -> None:
        """Keep with the conversation that a helpdesk call failed for good (appends ``delivery_failed``)."""
        event = HelpdeskDeliveryFailed(channel=channel, step=step, status=status, timestamp=datetime.now(UTC))
        async with self._conversation(conversation_id):
            await self.store.append(conversation_id, [event])

    async def drain(self, timeout: float) -> bool:
        """Wait until no turn is in flight (graceful shutdown); ``False`` if ``timeout`` passed first."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            logger.warning("server.drain.timeout inflight=%d", self._inflight)
            return False
        return True
