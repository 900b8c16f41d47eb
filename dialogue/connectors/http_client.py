"""The one HTTP client every remote connector uses: time-outs, retries with backoff, circuit breaker.

Whatever goes wrong comes out as a typed :class:`~dialogue.connectors.errors.ConnectorError` whose message
names the platform, the status and what to check, and never a secret, a URL, an e-mail or an order id.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from dialogue.connectors.circuit_breaker import CircuitBreaker
from dialogue.connectors.errors import (
    ConnectorAuthError,
    ConnectorBadResponse,
    ConnectorError,
    ConnectorRateLimited,
    ConnectorTimeout,
    ConnectorUnavailable,
)
from dialogue.connectors.secrets import Redactor, install_httpx_log_filter

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
# Given a 2xx response, how long the platform asks us to wait before retrying (Shopify's THROTTLED), or None.
ThrottleHint = Callable[[httpx.Response], float | None]


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Time-outs, retry, circuit-breaker and cache settings shared by the HTTP connectors (seconds)."""

    connect_timeout: float = 3.0
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 4.0
    max_retry_after: float = 10.0
    jitter: float = 0.5
    breaker_failures: int = 5
    breaker_cooldown: float = 30.0
    cache_ttl: float = 60.0
    cache_negative_ttl: float = 10.0
    cache_size: int = 256


def backoff_delay(
    attempt: int, base: float, cap: float, jitter: float, rand: Callable[[], float] = random.random
) -> float:
    """Seconds to wait before retry ``attempt + 1``: ``base × 2^attempt``, capped, then up to ``jitter`` of it off.

    The random part spreads the retries of many conversations that hit one outage at the same moment, so
    they do not come back in step and knock the recovering back end over again (AWS's "exponential backoff
    and jitter"). ``jitter`` 0 gives the plain exponential delays; 0.5 waits between half and all of them.

    >>> [backoff_delay(a, 0.5, 4.0, 0.0) for a in range(5)]
    [0.5, 1.0, 2.0, 4.0, 4.0]
    >>> backoff_delay(1, 0.5, 4.0, 0.5, rand=lambda: 1.0)
    0.5
    """
    return min(cap, base * 2**attempt) * (1.0 - jitter * rand())


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or HTTP date), or ``None``.

    >>> parse_retry_after("2.0")
    2.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC))
    5.0
    >>> parse_retry_after("soon") is None
    True
    """
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class ResilientHttpClient:
    """An ``httpx.AsyncClient`` wrapped with the reliability rules of ``docs/connectors.md``.

    Args:
        connector: The connector's name, in errors and logs.
        display: The platform's name for operators (``Shopify``).
        base_url: Prefix of every request URL.
        settings: Time-outs, retries and breaker thresholds.
        headers: Default headers (may hold secrets: they are never logged).
        auth: httpx authentication (basic auth).
        params: Default query parameters (may hold secrets).
        redactor: Knows the secret values to blank out of any message.
        auth_hint: What an operator should check after a 401/403 (``check WISMO_SHOPIFY_TOKEN``).
        sleep: Awaitable sleep, injectable so tests do not wait.
        clock: Monotonic clock for the circuit breaker.
        rand: Uniform random numbers in [0, 1) for the backoff jitter.
    """

    def __init__(
        self,
        *,
        connector: str,
        display: str,
        base_url: str = "",
        settings: HttpSettings = HttpSettings(),
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | None = None,
        params: Mapping[str, str] | None = None,
        redactor: Redactor | None = None,
        auth_hint: str = "check the credentials",
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        install_httpx_log_filter()
        self.connector = connector
        self.display = display
        self.settings = settings
        self.redactor = redactor or Redactor()
        self.auth_hint = auth_hint
        self.breaker = CircuitBreaker(
            connector,
            failure_threshold=settings.breaker_failures,
            cooldown=settings.breaker_cooldown,
            clock=clock,
        )
        self._sleep = sleep
        self._rand = rand
        timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Accept": "application/json", **(headers or {})},
            auth=auth,
            params=dict(params or {}),
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"ResilientHttpClient(connector={self.connector!r}, base_url={str(self._client.base_url)!r})"

    async def request(
        self,
        method: str,
        url: str,
        *,
        label: str,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        accept: frozenset[int] = frozenset({404}),
        throttle: ThrottleHint | None = None,
    ) -> httpx.Response:
        """Send one logical request, retrying 5xx, 429, throttling, time-outs and connection errors.

        Args:
            label: A safe description of the call for messages (``order by id``): no ids, no e-mails.
            accept: Non-2xx statuses returned to the caller instead of raised (404 means "not found").
            throttle: Reads a platform's in-body throttling signal from a 2xx response.

        Raises:
            ConnectorError: A typed subclass; the circuit breaker counts the outages.
        """
        self.breaker.before_call()
        attempt = 0
        while True:
            outcome = await self._attempt(method, url, label, params, json, accept, throttle, attempt)
            if isinstance(outcome, httpx.Response):
                self.breaker.record_success()
                return outcome
            failure, delay = outcome
            if attempt >= self.settings.retries or delay > self.settings.max_retry_after:
                self.breaker.record_failure()
                logger.warning(
                    "connectors.http.failed connector=%s call=%s kind=%s status=%s attempts=%d",
                    self.connector, label, failure.kind, failure.status, attempt + 1,
                )  # fmt: skip
                raise failure
            attempt += 1
            logger.info(
                "connectors.http.retry connector=%s call=%s kind=%s attempt=%d delay=%.2f",
                self.connector, label, failure.kind, attempt, delay,
            )  # fmt: skip
            await self._sleep(delay)

    async def _attempt(
        self,
        method: str,
        url: str,
        label: str,
        params: Mapping[str, Any] | None,
        json: Any,
        accept: frozenset[int],
        throttle: ThrottleHint | None,
        attempt: int,
    ) -> httpx.Response | tuple[ConnectorError, float]:
        """The response, or ``(retryable error, delay before the next try)``; raises non-retryable errors."""
        s = self.settings
        backoff = backoff_delay(attempt, s.backoff, s.max_backoff, s.jitter, self._rand)
        where = f"{self.display} ({label})"
        try:
            response = await asyncio.wait_for(
                self._client.request(method, url, params=params, json=json), self.settings.timeout
            )
        except (TimeoutError, httpx.TimeoutException):
            return self._error(
                ConnectorTimeout, f"{where} did not answer within {self.settings.timeout:g}s"
            ), backoff
        except httpx.TransportError as exc:
            return self._error(
                ConnectorUnavailable, f"{where} is unreachable ({type(exc).__name__})"
            ), backoff
        status = response.status_code
        wait = parse_retry_after(response.headers.get("Retry-After"))
        if status == 429:
            return self._error(
                ConnectorRateLimited, f"429 from {where}: rate limited", status
            ), wait or backoff
        if status >= 500:
            return self._error(
                ConnectorUnavailable, f"{status} from {where}: server error", status
            ), wait or backoff
        if status in (401, 403):
            self.breaker.record_success()  # the back end is up; the credentials are wrong
            raise self._error(ConnectorAuthError, f"{status} from {self.display}: {self.auth_hint}", status)
        if status >= 400 and status not in accept:
            raise self._error(ConnectorBadResponse, f"{status} from {where}: request rejected", status)
        throttled = throttle(response) if throttle and status < 300 else None
        if throttled is not None:
            return self._error(ConnectorRateLimited, f"{where}: throttled", status), throttled
        return response

    def _error(self, cls: type[ConnectorError], message: str, status: int | None = None) -> ConnectorError:
        return cls(self.redactor.redact(message), connector=self.connector, status=status)

    def decode_json(self, response: httpx.Response, label: str) -> Any:
        """The JSON body of ``response`` (``None`` when empty, e.g. BigCommerce's 204)."""
        if response.status_code == 204 or not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            raise self._error(
                ConnectorBadResponse,
                f"malformed JSON from {self.display} ({label}), status {response.status_code}",
                response.status_code,
            ) from None

    async def aclose(self) -> None:
        await self._client.aclose()
