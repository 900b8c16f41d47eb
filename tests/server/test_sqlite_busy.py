"""The SQLite store waits for another process's write without blocking the event loop, and loses nothing."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import UTC, datetime

from dialogue.events import SlotSet
from server.stores import SQLiteStore

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def hold_write_lock(path, seconds: float, held: threading.Event) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    held.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


def test_sqlite_busy_database_does_not_block_the_loop(tmp_path):
    path = tmp_path / "state.sqlite3"

    async def scenario() -> tuple[int, float, int]:
        store = SQLiteStore(path, lock_timeout=5)
        await store.open()
        held = threading.Event()
        blocker = threading.Thread(target=hold_write_lock, args=(path, 0.4, held))
        blocker.start()
        held.wait()
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(ticker())
        started = time.perf_counter()
        await store.append("c1", [SlotSet(slot="order_id", value="1001", timestamp=NOW)])
        waited = time.perf_counter() - started
        ticking.cancel()
        blocker.join()
        events = await store.load("c1")
        await store.close()
        return ticks, waited, len(events)

    ticks, waited, stored = asyncio.run(scenario())
    assert waited >= 0.3  # it did wait for the other writer...
    assert ticks >= 15  # ...while the loop kept running other tasks
    assert stored == 1  # and the write landed exactly once
