"""Conversations in Redis (``redis.asyncio``, imported lazily): for several workers or hosts as one bot.

Keys per conversation: ``<prefix>:<id>:events`` (a list of JSON events), ``<prefix>:<id>:turns`` (a hash of
idempotency records by message id) and ``<prefix>:<id>:lock``. Both data keys expire ``ttl`` seconds after the
last write; the lock is ``SET NX PX`` with a random token, released only by its owner (a Lua compare-and-delete).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from dialogue.events import Event
from server.errors import StoreError
from server.stores.base import TurnRecord, acquire_with_backoff, dump_event, load_event

logger = logging.getLogger(__name__)

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""


class RedisStore:
    """A :class:`~server.stores.base.Store` on Redis.

    Args:
        url: ``redis://host:port/db`` (from ``WISMO_REDIS_URL``).
        ttl: Seconds after the last write when a conversation expires.
        lock_timeout: Seconds to wait for another worker's lock.
        lock_ttl: Seconds after which a lock left by a crashed worker expires.
        prefix: Key prefix, so several bots can share one Redis.
    """

    name = "redis"

    def __init__(
        self,
        url: str,
        *,
        ttl: float = 30 * 86400,
        lock_timeout: float = 10.0,
        lock_ttl: float = 30.0,
        prefix: str = "wismo",
    ) -> None:
        self.url = url
        self.ttl_ms = int(ttl * 1000)
        self.lock_timeout = lock_timeout
        self.lock_ttl_ms = int(lock_ttl * 1000)
        self.prefix = prefix
        self._client: Any = None
        self._errors: tuple[type[BaseException], ...] = ()
        # What ping() treats as 'not ready', and what a lock's connection wait may raise.
        self._soft_errors: tuple[type[BaseException], ...] = (StoreError,)
        self._acquire_errors: tuple[type[BaseException], ...] = (TimeoutError,)

    def _key(self, conversation_id: str, kind: str) -> str:
        return f"{self.prefix}:{conversation_id}:{kind}"

    @property
    def client(self) -> Any:
        if self._client is None:
            raise StoreError("redis store is not open")
        return self._client

    async def open(self) -> None:
        try:
            import redis.asyncio as aioredis
            from redis.exceptions import RedisError
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise StoreError(
                "the redis back end needs the 'redis' package: pip install 'wismo[redis]'"
            ) from exc
        self._errors = (RedisError, OSError)
        self._soft_errors = (*self._errors, StoreError)
        self._client = aioredis.from_url(self.url, decode_responses=False)
        try:
            await self._client.ping()
        except self._errors as exc:
            raise StoreError(f"redis is not reachable: {type(exc).__name__}") from exc

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def ping(self) -> bool:
        try:
            return bool(await self.client.ping())
        except self._soft_errors:
            return False

    async def load(self, conversation_id: str) -> list[Event]:
        try:
            raw = await self.client.lrange(self._key(conversation_id, "events"), 0, -1)
        except self._errors as exc:
            raise StoreError(f"redis: {type(exc).__name__}") from exc
        return [load_event(item) for item in raw]

    async def append(
        self, conversation_id: str, events: Sequence[Event], record: TurnRecord | None = None
    ) -> None:
        events_key, turns_key = self._key(conversation_id, "events"), self._key(conversation_id, "turns")
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                if events:
                    pipe.rpush(events_key, *(dump_event(e) for e in events))
                if record is not None:
                    pipe.hset(turns_key, record.message_id, record.to_json())
                pipe.pexpire(events_key, self.ttl_ms)
                pipe.pexpire(turns_key, self.ttl_ms)
                await pipe.execute()
        except self._errors as exc:
            raise StoreError(f"redis: {type(exc).__name__}") from exc

    async def get_record(self, conversation_id: str, message_id: str) -> TurnRecord | None:
        try:
            raw = await self.client.hget(self._key(conversation_id, "turns"), message_id)
        except self._errors as exc:
            raise StoreError(f"redis: {type(exc).__name__}") from exc
        return TurnRecord.from_json(raw) if raw else None

    async def _try_lock(self, key: str, token: str) -> bool:
        try:
            return bool(await self.client.set(key, token, nx=True, px=self.lock_ttl_ms))
        except self._errors as exc:
            raise StoreError(f"redis: {type(exc).__name__}") from exc

    @asynccontextmanager
    async def lock(self, conversation_id: str) -> AsyncIterator[None]:
        key, token = self._key(conversation_id, "lock"), uuid.uuid4().hex
        await acquire_with_backoff(lambda: self._try_lock(key, token), self.lock_timeout)
        try:
            yield
        finally:
            try:
                await self.client.eval(_RELEASE, 1, key, token)
            except self._errors as exc:
                logger.warning("server.store.unlock_failed backend=redis error=%s", type(exc).__name__)
