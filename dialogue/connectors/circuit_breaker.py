"""A per-connector circuit breaker: stop calling a back end that keeps failing, try again after a cool-down."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import StrEnum

from dialogue.connectors.errors import CircuitOpen

logger = logging.getLogger(__name__)


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Opens after ``failure_threshold`` consecutive failures; after ``cooldown`` seconds lets one trial through.

    A successful trial closes the circuit; a failed one opens it for another cool-down.

    >>> now = [0.0]
    >>> breaker = CircuitBreaker("shop", failure_threshold=2, cooldown=10, clock=lambda: now[0])
    >>> breaker.record_failure(); breaker.record_failure(); breaker.state.value
    'open'
    >>> now[0] = 11; breaker.before_call(); breaker.state.value
    'half_open'
    >>> breaker.record_success(); breaker.state.value
    'closed'
    """

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> CircuitState:
        if self._opened_at is None:
            return CircuitState.CLOSED
        if self._trial_in_flight or self._clock() - self._opened_at >= self.cooldown:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN

    def before_call(self) -> None:
        """Allow the call, or raise :class:`CircuitOpen` while open (or while a half-open trial runs)."""
        state = self.state
        if state is CircuitState.CLOSED:
            return
        if state is CircuitState.HALF_OPEN and not self._trial_in_flight:
            self._trial_in_flight = True
            logger.info("connectors.circuit.half_open connector=%s", self.name)
            return
        assert self._opened_at is not None
        wait = max(0.0, self.cooldown - (self._clock() - self._opened_at))
        raise CircuitOpen(
            f"{self.name}: circuit open after {self._failures} consecutive failures; retrying in {wait:.0f}s",
            connector=self.name,
        )

    def record_success(self) -> None:
        if self._opened_at is not None:
            logger.info("connectors.circuit.closed connector=%s", self.name)
        self._failures = 0
        self._opened_at = None
        self._trial_in_flight = False

    def record_failure(self) -> None:
        self._failures += 1
        if self._trial_in_flight or self._failures >= self.failure_threshold:
            if self._opened_at is None or self._trial_in_flight:
                logger.warning(
                    "connectors.circuit.opened connector=%s failures=%d", self.name, self._failures
                )
            self._opened_at = self._clock()
            self._trial_in_flight = False
