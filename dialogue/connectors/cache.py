"""A small in-memory TTL cache of look-up results, so one conversation does not hit the shop on every turn."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class TtlCache(Generic[V]):
    """Keeps at most ``max_entries`` values for ``ttl`` seconds each, evicting the least recently used.

    >>> now = [0.0]
    >>> cache = TtlCache[str](ttl=10, max_entries=2, clock=lambda: now[0])
    >>> cache.put("a", "order"); cache.get("a")
    (True, 'order')
    >>> now[0] = 11; cache.get("a")
    (False, None)
    """

    def __init__(
        self, *, ttl: float, max_entries: int = 256, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()

    def get(self, key: Hashable) -> tuple[bool, V | None]:
        """``(True, value)`` when a fresh value is cached (it may be ``None``: "not found"), else ``(False, None)``."""
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        expires, value = entry
        if self._clock() >= expires:
            del self._entries[key]
            return False, None
        self._entries.move_to_end(key)
        return True, value

    def put(self, key: Hashable, value: V, ttl: float | None = None) -> None:
        """Cache ``value`` for ``ttl`` seconds (default: the cache's); a zero TTL caches nothing."""
        lifetime = self.ttl if ttl is None else ttl
        if lifetime <= 0 or self.max_entries <= 0:
            return
        self._entries[key] = (self._clock() + lifetime, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
