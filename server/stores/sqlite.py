"""The default store: one SQLite file in WAL mode, safe for several worker processes on one host.

Calls are short local transactions and run on the event loop; the connection never waits for SQLite's busy
lock (``timeout=0``): when another worker is writing, the call is retried after an ``asyncio.sleep`` with
back-off, so a busy database never blocks the loop. The cross-process lock is a lease row
(``locks`` table) that expires after ``lock_ttl`` seconds, so a crashed worker never blocks a conversation.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from dialogue.events import Event
from server.errors import StoreError
from server.stores.base import TurnRecord, acquire_with_backoff, dump_event, load_event

logger = logging.getLogger(__name__)
T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, expires_at REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL, message_id TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (conversation_id, message_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS locks (id TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at REAL NOT NULL) WITHOUT ROWID;
"""
_PURGE_EVERY = 500


class SQLiteStore:
    """Conversations in a local SQLite file.

    Args:
        path: The database file (parent folders are created).
        ttl: Seconds after the last write when a conversation expires.
        lock_timeout: Seconds to wait for another process's lock on a conversation.
        lock_ttl: Seconds after which a lock left by a crashed process is taken over.
        clock: Wall-clock time source (tests move it to check expiry).
    """

    name = "sqlite"

    def __init__(
        self,
        path: str | Path,
        *,
        ttl: float = 30 * 86400,
        lock_timeout: float = 10.0,
        lock_ttl: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.ttl = ttl
        self.lock_timeout = lock_timeout
        self.lock_ttl = lock_ttl
        self.clock = clock
        self._conn: sqlite3.Connection | None = None
        self._writes = 0

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        """Run one short database call; while another process holds the write lock, wait without blocking."""
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.001
        while True:
            try:
                return function(*args)
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise StoreError(f"sqlite: {exc}") from exc
            except sqlite3.Error as exc:
                raise StoreError(f"sqlite: {exc}") from exc
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("sqlite store is not open")
        return self._conn

    async def open(self) -> None:
        try:
            await self._run(self._open)
        except StoreError as exc:
            raise StoreError(f"cannot open state database {self.path}: {exc}") from exc
        await self._run(self.purge_expired)

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=0)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(SCHEMA)
        except sqlite3.Error:
            conn.close()
            raise
        self._conn = conn

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def ping(self) -> bool:
        try:
            await self._run(lambda: self.conn.execute("SELECT 1").fetchone())
        except StoreError:
            return False
        return True

    def purge_expired(self) -> int:
        """Delete every expired conversation; returns how many."""
        now = self.clock()
        with self._transaction() as conn:
            expired = [
                r[0] for r in conn.execute("SELECT id FROM conversations WHERE expires_at < ?", (now,))
            ]
            for cid in expired:
                self._delete(conn, cid)
        if expired:
            logger.info("server.store.purged backend=sqlite conversations=%d", len(expired))
        return len(expired)

    @staticmethod
    def _delete(conn: sqlite3.Connection, conversation_id: str) -> None:
        for table, column in (
            ("events", "conversation_id"),
            ("turns", "conversation_id"),
            ("conversations", "id"),
        ):
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (conversation_id,))

    def _transaction(self) -> _Transaction:
        return _Transaction(self.conn)

    async def load(self, conversation_id: str) -> list[Event]:
        return await self._run(self._load, conversation_id)

    def _load(self, conversation_id: str) -> list[Event]:
        conn = self.conn
        row = conn.execute("SELECT expires_at FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        if row is None:
            return []
        if row[0] < self.clock():
            with self._transaction() as tx:
                self._delete(tx, conversation_id)
            return []
        rows = conn.execute(
            "SELECT data FROM events WHERE conversation_id = ? ORDER BY seq", (conversation_id,)
        ).fetchall()
        return [load_event(r[0]) for r in rows]

    async def append(
        self, conversation_id: str, events: Sequence[Event], record: TurnRecord | None = None
    ) -> None:
        await self._run(self._append, conversation_id, events, record)
        self._writes += 1
        if self._writes % _PURGE_EVERY == 0:
            await self._run(self.purge_expired)

    def _append(self, conversation_id: str, events: Sequence[Event], record: TurnRecord | None) -> None:
        now = self.clock()
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT expires_at FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
            if row is not None and row[0] < now:
                self._delete(conn, conversation_id)
            (seq,) = conn.execute(
                "SELECT COALESCE(MAX(seq), -1) + 1 FROM events WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            conn.executemany(
                "INSERT INTO events (conversation_id, seq, data) VALUES (?, ?, ?)",
                [(conversation_id, seq + i, dump_event(e)) for i, e in enumerate(events)],
            )
            conn.execute(
                "INSERT INTO conversations (id, expires_at) VALUES (?, ?) "
                "ON CONFLICT(id) DO UPDATE SET expires_at = excluded.expires_at",
                (conversation_id, now + self.ttl),
            )
            if record is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO turns (conversation_id, message_id, data) VALUES (?, ?, ?)",
                    (conversation_id, record.message_id, record.to_json()),
                )

    async def get_record(self, conversation_id: str, message_id: str) -> TurnRecord | None:
        return await self._run(self._get_record, conversation_id, message_id)

    def _get_record(self, conversation_id: str, message_id: str) -> TurnRecord | None:
        row = self.conn.execute(
            "SELECT t.data FROM turns t JOIN conversations c ON c.id = t.conversation_id "
            "WHERE t.conversation_id = ? AND t.message_id = ? AND c.expires_at >= ?",
            (conversation_id, message_id, self.clock()),
        ).fetchone()
        return TurnRecord.from_json(row[0]) if row else None

    def _try_lock(self, conversation_id: str, token: str) -> bool:
        now = self.clock()
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO locks (id, token, expires_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "token = excluded.token, expires_at = excluded.expires_at WHERE locks.expires_at < ?",
                (conversation_id, token, now + self.lock_ttl, now),
            )
            return cursor.rowcount == 1

    @asynccontextmanager
    async def lock(self, conversation_id: str) -> AsyncIterator[None]:
        token = uuid.uuid4().hex

        async def try_lock() -> bool:
            return await self._run(self._try_lock, conversation_id, token)

        await acquire_with_backoff(try_lock, self.lock_timeout)
        try:
            yield
        finally:
            await self._run(self._unlock, conversation_id, token)

    def _unlock(self, conversation_id: str, token: str) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM locks WHERE id = ? AND token = ?", (conversation_id, token))


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (or ``ROLLBACK`` on error) on an autocommit connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        if kind is not None:
            self.conn.execute("ROLLBACK")
            return
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error:
            self.conn.execute("ROLLBACK")  # nothing half-written; the caller retries or reports
            raise
