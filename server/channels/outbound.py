"""Calls to the helpdesk APIs: time-outs, retries with backoff, and a background outbox kept in order.

Webhooks are answered as soon as the dialogue has run; the replies, notes and assignments go out from the
:class:`Outbox` afterwards, one conversation's calls strictly in order. A call that still fails after its
retries is logged (no secrets, no message text), counted (``wismo_channel_delivery_failures_total``) and kept
with the conversation as a ``delivery_failed`` event, so operators find it after a restart too.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from dialogue.connectors.http_client import backoff_delay, parse_retry_after
from server.channels.errors import ChannelError
from server.channels.settings import OutboundSettings

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
_RETRIED_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


class DeliveryFailed(ChannelError):
    """A helpdesk call failed for good; the message says which call and the status, never a secret."""

    def __init__(self, channel: str, step: str, status: int | None) -> None:
        super().__init__(f"{channel} {step} failed (status {status if status is not None else 'none'})")
        self.channel = channel
        self.step = step
        self.status = status


class DeliveryErrors(ChannelError):
    """Some calls of one delivery failed; the others were still made."""

    def __init__(self, failures: Sequence[DeliveryFailed]) -> None:
        super().__init__("; ".join(str(f) for f in failures))
        self.failures = tuple(failures)


Step = Callable[[], Awaitable[Any]]
FailureHook = Callable[["FailedDelivery"], Awaitable[None]]


async def run_steps(steps: Sequence[Step]) -> None:
    """Run independent helpdesk calls in order; a failed one does not stop the next (the assignment
    matters even when the note could not be added). Raises :class:`DeliveryErrors` listing the failures.
    """
    failures: list[DeliveryFailed] = []
    for step in steps:
        try:
            await step()
        except DeliveryFailed as exc:
            failures.append(exc)
        except DeliveryErrors as exc:  # a step made of several calls (Zendesk's split handoff)
            failures.extend(exc.failures)
    if failures:
        raise DeliveryErrors(failures)


@dataclass(frozen=True)
class FailedDelivery:
    """One helpdesk call given up on, for operators (``channels.delivery_failed`` in the log)."""

    channel: str
    conversation_id: str
    step: str
    status: int | None


class HelpdeskClient:
    """One helpdesk's API over the app's shared ``httpx.AsyncClient``.

    Args:
        channel: The channel name, for logs and errors.
        http: The shared client (``app.ctx.http``).
        base_url: The API root, without a trailing slash.
        headers: Headers for every call (auth, API version).
        settings: Time-out and retry policy.
        auth: Optional httpx auth (Zendesk's basic auth).
        sleep: Injected for tests.
    """

    def __init__(
        self,
        channel: str,
        http: httpx.AsyncClient,
        base_url: str,
        headers: Mapping[str, str],
        settings: OutboundSettings,
        *,
        auth: httpx.Auth | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.channel = channel
        self._http = http
        self._base_url = base_url
        self._headers = dict(headers)
        self._settings = settings
        self._auth = auth
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"HelpdeskClient({self.channel!r})"

    async def call(self, step: str, method: str, path: str, body: Any | None = None) -> Any:
        """Send one JSON call, retrying transport errors, 408/409/425/429 and 5xx; returns the JSON answer.

        A ``POST``/``PUT`` whose request may have reached the helpdesk (a read time-out, a dropped connection
        after sending) is not sent again: the reply may already be posted, and customers must not get it twice.

        Raises:
            DeliveryFailed: on a non-retried error status or when the retries are spent.
        """
        attempts = self._settings.retries + 1
        status: int | None = None
        for attempt in range(1, attempts + 1):
            s = self._settings
            delay = backoff_delay(attempt - 1, s.backoff, s.max_backoff, s.jitter)
            try:
                response = await self._http.request(
                    method,
                    self._base_url + path,
                    json=body,
                    headers=self._headers,
                    auth=self._auth or httpx.USE_CLIENT_DEFAULT,
                    timeout=self._settings.timeout,
                )
            except httpx.TransportError as exc:
                status = None
                logger.warning(
                    "channels.call_error channel=%s step=%s attempt=%d error=%s",
                    self.channel,
                    step,
                    attempt,
                    type(exc).__name__,
                )
                if method.upper() not in _IDEMPOTENT_METHODS and not isinstance(exc, _NOT_SENT_ERRORS):
                    break  # it may have been applied: a retry could post the reply twice
            else:
                status = response.status_code
                if response.is_success:
                    return _json(response)
                if status not in _RETRIED_STATUSES:
                    break
                hint = parse_retry_after(response.headers.get("Retry-After"))
                if hint is not None:
                    delay = min(hint, self._settings.max_retry_after)
                logger.warning(
                    "channels.call_retry channel=%s step=%s attempt=%d status=%d",
                    self.channel,
                    step,
                    attempt,
                    status,
                )
            if attempt < attempts:
                await self._sleep(delay)
        raise DeliveryFailed(self.channel, step, status)


_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
# Transport errors raised before the request left this process: safe to send again whatever the method.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


class Outbox:
    """Background delivery: one task per webhook, each conversation's tasks run one after the other."""

    def __init__(self) -> None:
        self._tails: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.failed: deque[FailedDelivery] = deque(maxlen=1000)  # the most recent ones, for operators
        # Set by the app at start-up: counts a failure and keeps it with the conversation, beyond this process.
        self.on_failure: FailureHook | None = None

    def submit(self, channel: str, conversation_id: str, job: Coroutine[Any, Any, None]) -> None:
        """Schedule ``job`` after the conversation's earlier jobs; failures are logged and kept."""
        previous = self._tails.get(conversation_id)
        task = asyncio.get_running_loop().create_task(self._run(channel, conversation_id, job, previous))
        self._tails[conversation_id] = task
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._done(conversation_id, t))

    async def _run(
        self,
        channel: str,
        conversation_id: str,
        job: Coroutine[Any, Any, None],
        previous: asyncio.Task[None] | None,
    ) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        try:
            await job
        except DeliveryFailed as exc:
            await self._record(channel, conversation_id, [exc])
        except DeliveryErrors as exc:
            await self._record(channel, conversation_id, exc.failures)

    async def _record(self, channel: str, conversation_id: str, failures: Sequence[DeliveryFailed]) -> None:
        for failure in failures:
            record = FailedDelivery(channel, conversation_id, failure.step, failure.status)
            self.failed.append(record)
            logger.error(
                "channels.delivery_failed channel=%s conversation=%s step=%s status=%s",
                channel,
                conversation_id,
                failure.step,
                failure.status,
            )
            if self.on_failure is None:
                continue
            try:
                await self.on_failure(record)
            except Exception as exc:  # the store is down too: the log line above is what is left
                logger.error(
                    "channels.delivery_failure_not_saved conversation=%s error=%s",
                    conversation_id,
                    type(exc).__name__,
                )

    def _done(self, conversation_id: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._tails.get(conversation_id) is task:
            del self._tails[conversation_id]

    @property
    def pending(self) -> int:
        """How many deliveries are queued or running."""
        return len(self._tasks)

    async def drain(self, timeout: float | None = None) -> None:
        """Wait until every queued delivery has finished (graceful shutdown, tests)."""
        while self._tasks:
            done, _ = await asyncio.wait(set(self._tasks), timeout=timeout)
            if not done:
                logger.warning("channels.drain_timeout pending=%d", len(self._tasks))
                return
