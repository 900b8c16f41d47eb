"""The three stores behave the same: run against SQLite, a real redis-server and a real PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from dialogue.events import BotUttered, Event, SlotSet, UserUttered
from nlu.types import IntentScore, ParseResult
from server.errors import LockTimeout, StoreError
from server.stores import Store, TurnRecord, load_event

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
EVENTS: list[Event] = [
    UserUttered(text="où est ma commande #1001 ?", parse=ParseResult("x", IntentScore("order_status", 0.9)), message_id="m1", language="fr", timestamp=NOW),
    SlotSet(slot="order_id", value="1001", timestamp=NOW),
    BotUttered(template="ask_email", text="Quel est votre e-mail ?", awaiting="email", timestamp=NOW),
]  # fmt: skip


def run(store: Store, scenario: Callable[[Store], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        await store.open()
        try:
            return await scenario(store)
        finally:
            await store.close()

    return asyncio.run(main())


def test_store_append_then_load_returns_the_same_events(store_factory, conversation_id):
    async def scenario(store: Store) -> list[Event]:
        await store.append(conversation_id, EVENTS[:2])
        await store.append(conversation_id, EVENTS[2:])
        return await store.load(conversation_id)

    assert run(store_factory(), scenario) == EVENTS


def test_store_load_unknown_conversation_is_empty(store_factory, conversation_id):
    assert run(store_factory(), lambda s: s.load(conversation_id)) == []


def test_store_keeps_conversations_apart(store_factory, conversation_id):
    async def scenario(store: Store) -> tuple[list[Event], list[Event]]:
        await store.append(conversation_id, EVENTS[:1])
        await store.append(conversation_id + "-other", EVENTS[1:])
        return await store.load(conversation_id), await store.load(conversation_id + "-other")

    assert run(store_factory(), scenario) == (EVENTS[:1], EVENTS[1:])


def test_store_turn_record_is_written_with_the_events(store_factory, conversation_id):
    record = TurnRecord("m1", 0, 3, {"replies": [{"text": "hi", "template": "greet"}]})

    async def scenario(store: Store) -> tuple[TurnRecord | None, TurnRecord | None]:
        await store.append(conversation_id, EVENTS, record)
        return await store.get_record(conversation_id, "m1"), await store.get_record(conversation_id, "m2")

    assert run(store_factory(), scenario) == (record, None)


def test_store_conversation_expires_after_ttl(store_factory, conversation_id):
    async def scenario(store: Store) -> tuple[list[Event], list[Event], TurnRecord | None]:
        await store.append(conversation_id, EVENTS, TurnRecord("m1", 0, 3, {}))
        before = await store.load(conversation_id)
        await asyncio.sleep(1.3)
        return before, await store.load(conversation_id), await store.get_record(conversation_id, "m1")

    before, after, record = run(store_factory(ttl=1.0), scenario)
    assert (len(before), after, record) == (3, [], None)


def test_store_append_after_expiry_starts_a_new_conversation(store_factory, conversation_id):
    async def scenario(store: Store) -> list[Event]:
        await store.append(conversation_id, EVENTS)
        await asyncio.sleep(1.3)
        await store.append(conversation_id, EVENTS[1:2])
        return await store.load(conversation_id)

    assert run(store_factory(ttl=1.0), scenario) == EVENTS[1:2]


def test_store_lock_serialises_holders_of_one_conversation(store_factory, conversation_id):
    spans: list[tuple[float, float]] = []

    async def hold(store: Store) -> None:
        async with store.lock(conversation_id):
            start = time.monotonic()
            await asyncio.sleep(0.05)
            spans.append((start, time.monotonic()))

    async def scenario(store: Store) -> None:
        await asyncio.gather(*(hold(store) for _ in range(4)))

    run(store_factory(), scenario)
    spans.sort()
    assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(spans))


def test_store_lock_does_not_block_other_conversations(store_factory, conversation_id):
    async def scenario(store: Store) -> bool:
        async with store.lock(conversation_id), store.lock(conversation_id + "-other"):
            return True

    assert run(store_factory(lock_timeout=1.0), scenario)


def test_store_lock_times_out_when_held(store_factory, conversation_id):
    async def scenario(store: Store) -> None:
        async with store.lock(conversation_id), store.lock(conversation_id):
            pass

    with pytest.raises(LockTimeout):
        run(store_factory(lock_timeout=0.3), scenario)


def test_store_lock_is_free_again_after_release(store_factory, conversation_id):
    async def scenario(store: Store) -> bool:
        async with store.lock(conversation_id):
            pass
        async with store.lock(conversation_id):
            return True

    assert run(store_factory(lock_timeout=0.5), scenario)


def test_store_ping_answers_when_open(store_factory):
    assert run(store_factory(), lambda s: s.ping())


@pytest.mark.parametrize("raw", [b"not json", b'{"event": "no_such_event"}', b"[]"])
def test_load_event_rejects_corrupt_records(raw):
    with pytest.raises(StoreError):
        load_event(raw)
