"""Fixtures for the connector tests: fast retry settings and a sleep that records instead of waiting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

# Tiny time-outs and backoffs keep the whole folder fast; the recorded sleeps prove the waits asked for.
FAST = {"timeout": 0.4, "connect_timeout": 0.4, "retries": 2, "backoff": 0.01, "max_backoff": 0.05}


class SleepRecorder:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def fake_clock() -> Callable[[], float]:
    class Clock:
        now = 0.0

        def __call__(self) -> float:
            return self.now

    return Clock()


AsyncSleep = Callable[[float], Awaitable[None]]
