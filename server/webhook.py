"""The optional outbound handoff webhook: every handoff is POSTed, signed, to ``WISMO_WEBHOOK_URL``.

The body is JSON ``{"event": "handoff", "delivery_id", "conversation_id", "handoff": {...}}``; the header
``X-Wismo-Signature: sha256=<hex>`` is the HMAC-SHA256 of the raw body with ``WISMO_WEBHOOK_SECRET``. Deliveries
run in the background (never delaying the customer's reply) and are retried with exponential backoff on
network errors, 429 and 5xx. ``delivery_id`` is stable across retries so receivers can drop duplicates.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from dialogue.connectors.http_client import backoff_delay
from dialogue.engine import TurnResult
from server.settings import WebhookSettings

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Wismo-Signature"
MAX_BACKOFF = 60.0  # seconds between two deliveries at the most
JITTER = 0.5  # up to half of each wait is taken off at random, so retries after an outage spread out
Sleep = Callable[[float], Awaitable[None]]


def sign(secret: str, body: bytes) -> str:
    """The signature header value for ``body``.

    >>> sign("s3cret", b'{"a":1}')
    'sha256=5910e62016ef5034272c926c27071992a465c2335cecf41851bda071577f4f6d'
    """
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the signature of ``body`` (constant-time; for receivers and tests).

    >>> verify("k", b"x", sign("k", b"x")), verify("k", b"x", "sha256=00"), verify("k", b"x", None)
    (True, False, False)
    """
    return bool(header) and hmac.compare_digest(sign(secret, body), str(header))


class HandoffWebhook:
    """A :data:`~server.service.TurnListener` that delivers handoff records to the configured URL.

    Args:
        settings: URL, secret, attempts, backoff and time-out.
        client: The app's shared HTTP client.
        sleep: Waits between attempts (tests pass a fast one).
    """

    def __init__(
        self, settings: WebhookSettings, client: httpx.AsyncClient, sleep: Sleep = asyncio.sleep
    ) -> None:
        if not settings.url or not settings.secret:
            raise ValueError("HandoffWebhook needs a URL and a secret")
        self.settings = settings
        self.client = client
        self.sleep = sleep
        self._tasks: set[asyncio.Task[bool]] = set()

    def __call__(self, conversation_id: str, result: TurnResult, seconds: float) -> None:
        if result.handoff is None:
            return
        payload = {
            "event": "handoff",
            "delivery_id": f"{conversation_id}:{result.state.turn}",
            "conversation_id": conversation_id,
            "handoff": result.handoff.to_dict(),
        }
        task = asyncio.get_running_loop().create_task(self.deliver(payload))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def deliver(self, payload: dict[str, Any]) -> bool:
        """POST ``payload`` until a 2xx answer or the attempts run out; returns whether it was delivered."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(str(self.settings.secret), body),
            "X-Wismo-Delivery": str(payload.get("delivery_id", "")),
        }
        for attempt in range(1, self.settings.max_attempts + 1):
            try:
                response = await self.client.post(
                    str(self.settings.url), content=body, headers=headers, timeout=self.settings.timeout
                )
                outcome = str(response.status_code)
                if response.is_success:
                    logger.info("server.webhook.delivered attempt=%d", attempt)
                    return True
                if response.status_code < 500 and response.status_code != 429:
                    logger.warning("server.webhook.rejected status=%s: not retried", outcome)
                    return False
            except httpx.HTTPError as exc:
                outcome = type(exc).__name__
            logger.warning("server.webhook.retry attempt=%d outcome=%s", attempt, outcome)
            if attempt < self.settings.max_attempts:
                await self.sleep(backoff_delay(attempt - 1, self.settings.backoff, MAX_BACKOFF, JITTER))
        logger.error("server.webhook.failed attempts=%d", self.settings.max_attempts)
        return False

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def aclose(self, timeout: float = 5.0) -> None:
        """Let pending deliveries finish (up to ``timeout`` seconds), then cancel the rest."""
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            logger.warning("server.webhook.cancelled pending=%d", len(late))
