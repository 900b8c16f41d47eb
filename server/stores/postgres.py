"""Conversations in PostgreSQL (``asyncpg``, imported lazily): for several workers or hosts as one bot.

Tables ``wismo_conversations``, ``wismo_events`` and ``wismo_turns`` are created at start-up. The cross-process
lock is a session advisory lock on a connection held for the turn, so it vanishes if the worker dies.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from dialogue.events import Event
from server.errors import StoreError
from server.stores.base import TurnRecord, acquire_with_backoff, dump_event, load_event

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS wismo_conversations (id TEXT PRIMARY KEY, expires_at TIMESTAMPTZ NOT NULL);
CREATE TABLE IF NOT EXISTS wismo_events (
    conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seq));
CREATE TABLE IF NOT EXISTS wismo_turns (
    conversation_id TEXT NOT NULL, message_id TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (conversation_id, message_id));
"""
_LIVE = "EXISTS (SELECT 1 FROM wismo_conversations WHERE id = $1 AND expires_at >= now())"


class PostgresStore:
    """A :class:`~server.stores.base.Store` on PostgreSQL.

    Args:
        url: ``postgresql://user:password@host:port/db`` (from ``WISMO_DATABASE_URL``).
        ttl: Seconds after the last write when a conversation expires.
        lock_timeout: Seconds to wait for another worker's lock.
        pool_size: Connections in the pool (each held lock uses one).
    """

    name = "postgres"

    def __init__(
        self, url: str, *, ttl: float = 30 * 86400, lock_timeout: float = 10.0, pool_size: int = 10
    ) -> None:
        self.url = url
        self.ttl = ttl
        self.lock_timeout = lock_timeout
        self.pool_size = pool_size
        self._pool: Any = None
        self._errors: tuple[type[BaseException], ...] = ()
        # What ping() treats as 'not ready', and what a lock's connection wait may raise.
        self._soft_errors: tuple[type[BaseException], ...] = (StoreError,)
        self._acquire_errors: tuple[type[BaseException], ...] = (TimeoutError,)

    @property
    def pool(self) -> Any:
        if self._pool is None:
            raise StoreError("postgres store is not open")
        return self._pool

    async def open(self) -> None:
        try:
            import asyncpg
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise StoreError("the postgres back end needs 'asyncpg': pip install 'wismo[postgres]'") from exc
        self._errors = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)
        self._soft_errors = (*self._errors, StoreError)
        self._acquire_errors = (*self._errors, TimeoutError)
        try:
            self._pool = await asyncpg.create_pool(self.url, min_size=1, max_size=self.pool_size)
            # Two workers starting together must not race on CREATE TABLE.
            async with self._pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(7301)")
                await conn.execute(SCHEMA)
            await self.purge_expired()
        except self._errors as exc:
            raise StoreError(f"postgres is not reachable: {type(exc).__name__}") from exc

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def ping(self) -> bool:
        try:
            return await self.pool.fetchval("SELECT 1") == 1
        except self._soft_errors:
            return False

    async def purge_expired(self) -> int:
        """Delete every expired conversation; returns how many."""
        async with self.pool.acquire() as conn, conn.transaction():
            ids = [
                r[0] for r in await conn.fetch("SELECT id FROM wismo_conversations WHERE expires_at < now()")
            ]
            if ids:
                for table in ("wismo_events", "wismo_turns"):
                    await conn.execute(f"DELETE FROM {table} WHERE conversation_id = ANY($1)", ids)
                await conn.execute("DELETE FROM wismo_conversations WHERE id = ANY($1)", ids)
        return len(ids)

    async def load(self, conversation_id: str) -> list[Event]:
        try:
            rows = await self.pool.fetch(
                f"SELECT data FROM wismo_events WHERE conversation_id = $1 AND {_LIVE} ORDER BY seq",
                conversation_id,
            )
        except self._errors as exc:
            raise StoreError(f"postgres: {type(exc).__name__}") from exc
        return [load_event(r[0]) for r in rows]

    async def append(
        self, conversation_id: str, events: Sequence[Event], record: TurnRecord | None = None
    ) -> None:
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                expired = await conn.fetchval(
                    "SELECT expires_at < now() FROM wismo_conversations WHERE id = $1 FOR UPDATE",
                    conversation_id,
                )
                if expired:
                    await conn.execute("DELETE FROM wismo_events WHERE conversation_id = $1", conversation_id)
                    await conn.execute("DELETE FROM wismo_turns WHERE conversation_id = $1", conversation_id)
                seq = await conn.fetchval(
                    "SELECT COALESCE(MAX(seq), -1) + 1 FROM wismo_events WHERE conversation_id = $1",
                    conversation_id,
                )
                await conn.executemany(
                    "INSERT INTO wismo_events (conversation_id, seq, data) VALUES ($1, $2, $3)",
                    [(conversation_id, seq + i, dump_event(e)) for i, e in enumerate(events)],
                )
                await conn.execute(
                    "INSERT INTO wismo_conversations (id, expires_at) VALUES ($1, now() + make_interval(secs => $2)) "
                    "ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at",
                    conversation_id,
                    float(self.ttl),
                )
                if record is not None:
                    await conn.execute(
                        "INSERT INTO wismo_turns (conversation_id, message_id, data) VALUES ($1, $2, $3) "
                        "ON CONFLICT (conversation_id, message_id) DO UPDATE SET data = excluded.data",
                        conversation_id,
                        record.message_id,
                        record.to_json(),
                    )
        except self._errors as exc:
            raise StoreError(f"postgres: {type(exc).__name__}") from exc

    async def get_record(self, conversation_id: str, message_id: str) -> TurnRecord | None:
        try:
            raw = await self.pool.fetchval(
                f"SELECT data FROM wismo_turns WHERE conversation_id = $1 AND message_id = $2 AND {_LIVE}",
                conversation_id,
                message_id,
            )
        except self._errors as exc:
            raise StoreError(f"postgres: {type(exc).__name__}") from exc
        return TurnRecord.from_json(raw) if raw else None

    async def _try_lock(self, conn: Any, conversation_id: str) -> bool:
        try:
            return bool(
                await conn.fetchval("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", conversation_id)
            )
        except self._errors as exc:
            raise StoreError(f"postgres: {type(exc).__name__}") from exc

    @asynccontextmanager
    async def lock(self, conversation_id: str) -> AsyncIterator[None]:
        try:
            conn = await self.pool.acquire(timeout=self.lock_timeout)
        except self._acquire_errors as exc:
            raise StoreError(f"postgres: no connection for the lock ({type(exc).__name__})") from exc
        try:
            await acquire_with_backoff(lambda: self._try_lock(conn, conversation_id), self.lock_timeout)
            try:
                yield
            finally:
                try:
                    await conn.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", conversation_id)
                except self._errors as exc:
                    # The lock is tied to the session: terminating the connection frees it.
                    logger.warning("server.store.unlock_failed backend=postgres error=%s", type(exc).__name__)
                    conn.terminate()
        finally:
            await self.pool.release(conn)
