"""ConversationService: load -> engine -> append under a lock, idempotent on message ids, strictly ordered."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from dialogue.engine import UserMessage
from dialogue.events import ConversationReleased, UserUttered
from dialogue.state import replay
from server.service import ConversationService, turn_payload
from server.stores import RedisStore, SQLiteStore, Store


def run(stores: list[Store], scenario: Callable[..., Awaitable[Any]]) -> Any:
    async def main() -> Any:
        for store in stores:
            await store.open()
        try:
            return await scenario(*stores)
        finally:
            for store in stores:
                await store.close()

    return asyncio.run(main())


def msg(text: str, message_id: str | None = None) -> UserMessage:
    return UserMessage(text, "", message_id=message_id)


def test_service_handle_stores_the_new_events(demo_engine, tmp_path, conversation_id):
    async def scenario(store: Store) -> tuple[Any, list[Any]]:
        result = await ConversationService(demo_engine, store).handle(conversation_id, msg("where is #1001?"))
        return result, await store.load(conversation_id)

    result, stored = run([SQLiteStore(tmp_path / "s.db")], scenario)
    assert result.replies
    assert [e.to_dict() for e in result.new_events] == [e.to_dict() for e in stored]


def test_service_repeated_message_id_returns_the_original_answer_and_changes_nothing(
    demo_engine, tmp_path, conversation_id
):
    async def scenario(store: Store) -> tuple[Any, Any, int, int]:
        service = ConversationService(demo_engine, store)
        first = await service.handle(conversation_id, msg("where is my order #1001", "m-1"))
        count = len(await store.load(conversation_id))
        again = await service.handle(conversation_id, msg("where is my order #1001", "m-1"))
        return first, again, count, len(await store.load(conversation_id))

    first, again, before, after = run([SQLiteStore(tmp_path / "s.db")], scenario)
    assert turn_payload(again) == turn_payload(first)
    assert before == after
    assert (first.repeated, again.repeated) == (False, True)  # channels skip re-sending a repeated answer


def test_service_repeated_message_id_after_later_turns_answers_as_then(
    demo_engine, tmp_path, conversation_id
):
    async def scenario(store: Store) -> tuple[Any, Any]:
        service = ConversationService(demo_engine, store)
        first = await service.handle(conversation_id, msg("hello", "a"))
        await service.handle(conversation_id, msg("where is #1001", "b"))
        return first, await service.handle(conversation_id, msg("hello", "a"))

    first, again = run([SQLiteStore(tmp_path / "s.db")], scenario)
    assert again.replies == first.replies and again.state.turn == 1


def _turns_are_sequential(events: list[Any]) -> bool:
    """Every turn's events follow its own message: turn numbers of user messages go 1, 2, 3, ..."""
    turns, state = [], replay([])
    for event in events:
        state = replay([event], state)
        if isinstance(event, UserUttered):
            turns.append(state.turn)
    return turns == list(range(1, len(turns) + 1))


def test_service_processes_concurrent_messages_of_one_conversation_in_order(
    demo_engine, tmp_path, conversation_id
):
    async def scenario(store: Store) -> tuple[list[Any], list[Any]]:
        service = ConversationService(demo_engine, store)
        results = await asyncio.gather(
            *(service.handle(conversation_id, msg(f"hello {i}")) for i in range(8))
        )
        return list(results), await store.load(conversation_id)

    results, events = run([SQLiteStore(tmp_path / "s.db")], scenario)
    assert sorted(r.state.turn for r in results) == list(range(1, 9))
    assert _turns_are_sequential(events) and replay(events).turn == 8


def test_two_services_on_one_redis_act_as_one_bot(demo_engine, redis_url, conversation_id):
    async def scenario(a: Store, b: Store) -> tuple[list[Any], list[Any]]:
        services = [ConversationService(demo_engine, a), ConversationService(demo_engine, b)]
        results = await asyncio.gather(
            *(services[i % 2].handle(conversation_id, msg(f"hi {i}", f"m{i}")) for i in range(10))
        )
        return list(results), await a.load(conversation_id)

    stores: list[Store] = [RedisStore(redis_url, prefix="svc"), RedisStore(redis_url, prefix="svc")]
    results, events = run(stores, scenario)
    assert sorted(r.state.turn for r in results) == list(range(1, 11))
    assert _turns_are_sequential(events)


def test_service_release_gives_a_handed_off_conversation_back(demo_engine, tmp_path, conversation_id):
    async def scenario(store: Store) -> tuple[bool, bool, Any]:
        service = ConversationService(demo_engine, store)
        result = await service.handle(conversation_id, msg("I want to talk to a human"))
        view = await service.release(conversation_id, by="agent-7")
        return result.state.handed_off, view.state.handed_off, view.events[-1]

    handed_off, after, last = run([SQLiteStore(tmp_path / "s.db")], scenario)
    assert (handed_off, after) == (True, False)
    assert isinstance(last, ConversationReleased) and last.by == "agent-7"


def test_service_release_without_handoff_changes_nothing(demo_engine, tmp_path, conversation_id):
    async def scenario(store: Store) -> tuple[int, int]:
        service = ConversationService(demo_engine, store)
        await service.handle(conversation_id, msg("hello"))
        before = len(await store.load(conversation_id))
        return before, len((await service.release(conversation_id)).events)

    before, after = run([SQLiteStore(tmp_path / "s.db")], scenario)
    assert before == after


def test_service_calls_listeners_once_per_new_turn(demo_engine, tmp_path, conversation_id):
    seen: list[str] = []

    async def scenario(store: Store) -> None:
        service = ConversationService(demo_engine, store, [lambda cid, result, seconds: seen.append(cid)])
        await service.handle(conversation_id, msg("hello", "x"))
        await service.handle(conversation_id, msg("hello", "x"))

    run([SQLiteStore(tmp_path / "s.db")], scenario)
    assert seen == [conversation_id]


def test_service_drain_waits_for_turns_in_flight(demo_engine, tmp_path, conversation_id):
    async def scenario(store: Store) -> tuple[bool, int]:
        service = ConversationService(demo_engine, store)
        task = asyncio.ensure_future(service.handle(conversation_id, msg("hello")))
        await asyncio.sleep(0)
        drained = await service.drain(10)
        await task
        return drained and task.done(), len(await store.load(conversation_id))

    drained, stored = run([SQLiteStore(tmp_path / "s.db")], scenario)
    assert drained and stored > 0
