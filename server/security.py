"""Request guards for the HTTP API: bearer-token auth, JSON content type, and per-key rate limits.

Channel endpoints authenticate by their helpdesk's signature instead of the bearer token.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from server.errors import BadRequest, TooManyRequests, Unauthorized, UnsupportedMediaType


def token_matches(expected: str | None, authorization: str | None) -> bool:
    """Whether an ``Authorization`` header carries the expected bearer token (constant-time compare).

    >>> token_matches("abc", "Bearer abc"), token_matches("abc", "Bearer abd"), token_matches("abc", None)
    (True, False, False)
    """
    if not expected:
        return True
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())


def require_token(expected: str | None, authorization: str | None) -> None:
    """Raise :class:`Unauthorized` unless the header carries ``expected`` (no-op when no token is set)."""
    if not token_matches(expected, authorization):
        raise Unauthorized("missing or wrong bearer token")


def parse_json_body(content_type: str | None, body: bytes) -> Any:
    """The JSON document of a request body; 415 unless it is ``application/json``, 400 when malformed.

    >>> parse_json_body("application/json; charset=utf-8", b'{"text": "hi"}')
    {'text': 'hi'}
    """
    media = (content_type or "").split(";")[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise UnsupportedMediaType("expected Content-Type: application/json")
    try:
        return json.loads(body or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"body is not valid JSON ({type(exc).__name__})", field="body") from exc
    except RecursionError as exc:  # thousands of nested brackets: no request of ours nests that deep
        raise BadRequest("body is nested too deeply", field="body") from exc


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets: each key may make ``per_minute`` requests per minute (bursts up to that many).

    Args:
        per_minute: The limit; 0 disables it.
        clock: Monotonic time source.
        max_keys: Forget idle keys beyond this many (bounded memory under many clients).

    >>> limiter = RateLimiter(2, clock=lambda: 0.0)
    >>> [limiter.check("ip") for _ in range(3)]
    [0.0, 0.0, 30.0]
    """

    def __init__(
        self, per_minute: int, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000
    ) -> None:
        self.per_minute = per_minute
        self.rate = per_minute / 60.0
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}

    def check(self, key: str) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds until the next one."""
        if self.per_minute <= 0:
            return 0.0
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._forget_idle(now)
            bucket = self._buckets[key] = _Bucket(float(self.per_minute), now)
        bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def hit(self, key: str, what: str) -> None:
        """Raise :class:`TooManyRequests` when ``key`` is over its limit."""
        wait = self.check(key)
        if wait > 0:
            raise TooManyRequests(f"too many requests per {what}; retry later", retry_after=wait)

    def _forget_idle(self, now: float) -> None:
        full = [
            k for k, b in self._buckets.items() if b.tokens + (now - b.updated) * self.rate >= self.per_minute
        ]
        for key in full or list(self._buckets)[: len(self._buckets) // 2]:
            del self._buckets[key]
