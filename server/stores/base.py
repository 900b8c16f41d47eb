"""The conversation store protocol: append-only events, idempotency records, TTL expiry and a lock.

A store keeps the typed events of :mod:`dialogue.events` as JSON (never pickles) and nothing else about a
conversation: its state is always rebuilt by replaying them. A conversation expires ``ttl`` seconds after its
last write; expired conversations read as empty.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from dialogue.errors import InvalidEvent
from dialogue.events import Event, event_from_dict
from server.errors import LockTimeout, StoreError


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """What one message produced, kept for idempotency: the events ``start:end`` and the answer as JSON."""

    message_id: str
    start: int
    end: int
    result: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(
            {"message_id": self.message_id, "start": self.start, "end": self.end, "result": self.result}
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> TurnRecord:
        """Read a record written by :meth:`to_json`.

        >>> TurnRecord.from_json(TurnRecord("m1", 0, 3, {"replies": []}).to_json()).end
        3
        """
        try:
            data = json.loads(text)
            return cls(str(data["message_id"]), int(data["start"]), int(data["end"]), dict(data["result"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"corrupt turn record: {exc}") from exc


async def acquire_with_backoff(try_lock: Callable[[], Awaitable[bool]], timeout: float) -> None:
    """Call ``try_lock`` until it succeeds, backing off from 2 ms to 50 ms; :class:`LockTimeout` after ``timeout``."""
    deadline = time.monotonic() + timeout
    delay = 0.002
    while not await try_lock():
        if time.monotonic() > deadline:
            raise LockTimeout(f"conversation lock not acquired within {timeout}s")
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.05)


def dump_event(event: Event) -> str:
    """One event as a JSON string (the only form stores write)."""
    return json.dumps(event.to_dict(), ensure_ascii=False, separators=(",", ":"))


def load_event(text: str | bytes) -> Event:
    """An event read back from :func:`dump_event`; a corrupt record raises :class:`StoreError`."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise InvalidEvent(f"expected an object, got {type(data).__name__}")
        return event_from_dict(data)
    except (ValueError, InvalidEvent) as exc:
        raise StoreError(f"corrupt event record: {exc}") from exc


@runtime_checkable
class Store(Protocol):
    """Where conversations live. Every method is safe to call from several processes at once."""

    name: str

    async def open(self) -> None:
        """Connect and create tables if needed."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...

    async def ping(self) -> bool:
        """Whether the back end answers (for ``/ready``)."""
        ...

    async def load(self, conversation_id: str) -> list[Event]:
        """Every event of the conversation in order; empty when it is unknown or expired."""
        ...

    async def append(
        self, conversation_id: str, events: Sequence[Event], record: TurnRecord | None = None
    ) -> None:
        """Append events (and the turn's idempotency record) atomically, and push the expiry back."""
        ...

    async def get_record(self, conversation_id: str, message_id: str) -> TurnRecord | None:
        """The idempotency record of an earlier message, or ``None``."""
        ...

    def lock(self, conversation_id: str) -> AbstractAsyncContextManager[None]:
        """Hold the conversation for one turn across processes; raises :class:`LockTimeout` on time-out."""
        ...
