"""Conversation stores: one :class:`Store` protocol, SQLite (default), Redis and PostgreSQL back ends.

:func:`build_store` maps ``server.state.backend`` to an implementation; Redis and PostgreSQL client libraries
are imported only when their back end is opened.
"""

from __future__ import annotations

from server.settings import StateSettings
from server.stores.base import Store, TurnRecord, dump_event, load_event
from server.stores.postgres import PostgresStore
from server.stores.redis import RedisStore
from server.stores.sqlite import SQLiteStore

__all__ = [
    "PostgresStore",
    "RedisStore",
    "SQLiteStore",
    "Store",
    "TurnRecord",
    "build_store",
    "dump_event",
    "load_event",
]


def build_store(state: StateSettings) -> Store:
    """The store described by the validated ``server.state`` settings (not opened yet)."""
    ttl = state.ttl_seconds
    if state.backend == "redis":
        return RedisStore(str(state.url), ttl=ttl, lock_timeout=state.lock_timeout, lock_ttl=state.lock_ttl)
    if state.backend == "postgres":
        return PostgresStore(str(state.url), ttl=ttl, lock_timeout=state.lock_timeout)
    return SQLiteStore(state.path, ttl=ttl, lock_timeout=state.lock_timeout, lock_ttl=state.lock_ttl)
