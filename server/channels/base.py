"""The flow every helpdesk webhook follows: verify → payload to UserMessage → dialogue → answer 200 → deliver.

A channel module supplies only what differs: how to authenticate a request, how to read its payload
(:meth:`Channel.parse`) and how to send a turn's replies and handoff back (:meth:`Channel.deliver`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, runtime_checkable

import httpx
from sanic import Blueprint, HTTPResponse, Request
from sanic.response import json as json_response

from dialogue.engine import TurnResult, UserMessage
from dialogue.handoff import Handoff
from server.channels.errors import BadPayload
from server.channels.outbound import DeliveryFailed, Outbox

logger = logging.getLogger(__name__)
# Seconds a webhook waits for the turn before it answers 200 and finishes in the background: helpdesks want an
# answer within 5 s (Intercom) and retry or give up on the bot otherwise.
ACK_BUDGET = 4.0


@dataclass(frozen=True)
class Inbound:
    """What a webhook asks of the bot.

    Attributes:
        action: ``message`` (answer it), ``release`` (the humans gave the conversation back), ``ignore``, or
            ``fetch`` (the message is not in the payload: the channel's ``fetch`` reads it from the API).
        reason: Why it is ignored (``ping``, ``bot_author``...); echoed in the 200 answer.
        message: The customer's message, for ``message``.
        conversation_id: The namespaced conversation id (``intercom:503``) for ``message`` and ``release``.
        remote_id: The helpdesk's own conversation or ticket id, for the API calls.
        delivery_id: The helpdesk's delivery id (Intercom's ``notif_…``), deduplicated besides the message id.
    """

    action: Literal["message", "release", "ignore", "fetch"]
    reason: str = ""
    message: UserMessage | None = None
    conversation_id: str = ""
    remote_id: str = ""
    delivery_id: str | None = None

    @classmethod
    def ignore(cls, reason: str) -> Inbound:
        return cls("ignore", reason)


class Channel(Protocol):
    """One helpdesk adapter (``IntercomChannel``, ``ZendeskChannel``, ``ChatwootChannel``).

    A channel whose :meth:`parse` may answer ``fetch`` is also a :class:`FetchingChannel`.
    """

    name: str

    def authenticate(self, request: Request, now: datetime) -> str | None:
        """``None`` when the request is genuine, else a short reason (``missing_signature``...)."""
        ...

    def parse(self, payload: dict[str, Any]) -> Inbound:
        """Read a webhook body; raises :class:`BadPayload` naming the field."""
        ...

    async def deliver(self, http: httpx.AsyncClient, remote_id: str, result: TurnResult) -> None:
        """Send the turn's replies, and its handoff note, assignment and tags, through the helpdesk API."""
        ...


@runtime_checkable
class FetchingChannel(Channel, Protocol):
    """A channel that reads a message through the helpdesk's API when the webhook did not carry it."""

    async def fetch(self, http: httpx.AsyncClient, inbound: Inbound) -> Inbound:
        """The message of a ``fetch`` :class:`Inbound`; raises ``DeliveryFailed`` or :class:`BadPayload`."""
        ...


class DeliveryLog:
    """The ids of recent deliveries, so at-least-once webhooks are answered once (bounded, in process).

    >>> log = DeliveryLog(capacity=2)
    >>> log.claim(["a"]), log.claim(["a"]), log.claim(["b", "c"]), log.claim(["a"])
    (True, False, True, True)
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._capacity = capacity

    def claim(self, keys: list[str]) -> bool:
        """Record ``keys``; ``False`` if any of them was already seen (a duplicate delivery)."""
        if any(k in self._seen for k in keys):
            return False
        for key in keys:
            self._seen[key] = None
        while len(self._seen) > self._capacity:
            self._seen.popitem(last=False)
        return True

    def forget(self, keys: list[str]) -> None:
        """Drop ``keys`` again, so the helpdesk's retry is processed after a failed attempt."""
        for key in keys:
            self._seen.pop(key, None)


def error(status: int, message: str) -> HTTPResponse:
    """A JSON error answer; ``message`` is ours, never an exception's text."""
    return json_response({"error": message}, status=status)


def parse_json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or :class:`BadPayload` naming ``body``.

    >>> parse_json_object(b'{"a": 1}')
    {'a': 1}
    >>> parse_json_object(b'[1]')
    Traceback (most recent call last):
    ...
    server.channels.errors.BadPayload: body: expected a JSON object
    """
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadPayload("body", "not valid JSON") from exc
    except RecursionError as exc:  # thousands of nested brackets: no helpdesk nests that deep
        raise BadPayload("body", "nested too deeply") from exc
    if not isinstance(payload, dict):
        raise BadPayload("body", "expected a JSON object")
    return payload


def field(data: Any, path: str, kind: type | tuple[type, ...] = dict) -> Any:
    """The value at a dotted ``path`` of a payload, checked to be of ``kind``; :class:`BadPayload` otherwise.

    >>> field({"data": {"item": {"id": "5"}}}, "data.item.id", str)
    '5'
    >>> field({"data": {}}, "data.item")
    Traceback (most recent call last):
    ...
    server.channels.errors.BadPayload: data.item: missing
    """
    value = data
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            raise BadPayload(path, "missing")
    if isinstance(value, bool) or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise BadPayload(path, f"expected {names}")
    return value


def sub(data: dict[str, Any], key: str) -> dict[str, Any]:
    """The object under ``key``, or an empty one when it is absent or not an object (optional parts).

    >>> sub({"author": {"id": 1}}, "author"), sub({"author": None}, "author")
    ({'id': 1}, {})
    """
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def language_hint(value: Any) -> str | None:
    """A two-letter language code from a helpdesk locale (``fr-FR`` → ``fr``), or ``None``.

    >>> language_hint("fr-FR"), language_hint("EN"), language_hint(""), language_hint(3)
    ('fr', 'en', None, None)
    """
    if not isinstance(value, str) or len(value) < 2 or not value[:2].isalpha():
        return None
    return value[:2].lower()


async def handle_webhook(
    request: Request, channel: Channel, outbox: Outbox, seen: DeliveryLog
) -> HTTPResponse:
    """The shared route body: see the module docstring."""
    rejected = channel.authenticate(request, datetime.now(UTC))
    if rejected is not None:
        logger.warning("channels.rejected channel=%s reason=%s", channel.name, rejected)
        return error(401, "invalid or missing signature")
    try:
        inbound = channel.parse(parse_json_object(request.body))
    except BadPayload as exc:
        logger.info("channels.bad_payload channel=%s field=%s", channel.name, exc.field)
        return error(400, str(exc))
    service = request.app.ctx.service
    if inbound.action == "fetch":
        assert isinstance(channel, FetchingChannel), f"{channel.name} asked to fetch but cannot"
        try:
            inbound = await channel.fetch(request.app.ctx.http, inbound)
        except DeliveryFailed as exc:  # the helpdesk delivers the webhook again after a non-2xx answer
            logger.warning("channels.fetch_failed channel=%s status=%s", channel.name, exc.status)
            return error(503, f"could not read the conversation from {channel.name}; deliver again later")
        except BadPayload as exc:
            logger.warning("channels.fetch_bad_answer channel=%s field=%s", channel.name, exc.field)
            return error(502, f"{channel.name} answered with an unexpected conversation ({exc.field})")
    if inbound.action == "ignore":
        logger.debug("channels.ignored channel=%s reason=%s", channel.name, inbound.reason)
        return json_response({"status": "ignored", "reason": inbound.reason})
    if inbound.action == "release":
        await service.release(inbound.conversation_id)
        logger.info("channels.released channel=%s conversation=%s", channel.name, inbound.conversation_id)
        return json_response({"status": "released"})
    message = inbound.message
    assert message is not None
    keys = [f"{inbound.conversation_id}/{message.message_id}"]
    if inbound.delivery_id:
        keys.append(f"{channel.name}/delivery/{inbound.delivery_id}")
    if not seen.claim(keys):
        logger.info("channels.duplicate channel=%s conversation=%s", channel.name, inbound.conversation_id)
        return json_response({"status": "duplicate"})
    turn = asyncio.ensure_future(service.handle(inbound.conversation_id, message))
    # The outbox owns the turn from now on: it delivers the replies whether the webhook answers before the turn
    # ends (a slow shop look-up) or after, or never (the helpdesk hung up), in order per conversation.
    http = request.app.ctx.http
    outbox.submit(channel.name, inbound.conversation_id, _finish(turn, channel, http, inbound, seen, keys))
    done, _ = await asyncio.wait({turn}, timeout=ACK_BUDGET)
    if not done:  # answer the helpdesk now: it wants a 2xx within seconds
        logger.info("channels.slow_turn channel=%s conversation=%s", channel.name, inbound.conversation_id)
        return json_response({"status": "accepted", "processing": True})
    failure = turn.exception()
    if failure is not None:
        seen.forget(keys)  # the helpdesk retries after the 5xx; the retry must be processed
        raise failure
    result: TurnResult = turn.result()
    if result.repeated:  # another worker already answered this message and sent the replies
        return json_response({"status": "duplicate"})
    return json_response(
        {"status": "accepted", "replies": len(result.replies), "handoff": result.handoff is not None}
    )


async def _finish(
    turn: asyncio.Future[TurnResult],
    channel: Channel,
    http: httpx.AsyncClient,
    inbound: Inbound,
    seen: DeliveryLog,
    keys: list[str],
) -> None:
    """Wait for the turn, then deliver its replies and handoff; a failed turn is forgotten so its retry runs."""
    try:
        result = await turn
    except Exception as exc:
        seen.forget(keys)
        logger.error(
            "channels.turn_failed channel=%s conversation=%s error=%s",
            channel.name,
            inbound.conversation_id,
            type(exc).__name__,
        )
        return
    if not result.repeated and (result.replies or result.handoff):
        await channel.deliver(http, inbound.remote_id, result)


def channel_blueprint(channel: Channel, outbox: Outbox) -> Blueprint:
    """A blueprint with ``POST /webhooks/<channel>``; its outbox is drained before the server stops."""
    bp = Blueprint(f"channel_{channel.name}", url_prefix=f"/webhooks/{channel.name}")
    bp.ctx.channel = channel
    bp.ctx.outbox = outbox
    seen = DeliveryLog()

    @bp.post("/")
    async def webhook(request: Request) -> HTTPResponse:
        return await handle_webhook(request, channel, outbox, seen)

    @bp.listener("before_server_stop")
    async def drain(app: Any) -> None:
        await outbox.drain(timeout=30)

    return bp


def note_text(handoff: Handoff) -> str:
    """The internal note a handoff leaves for the human team (plain text, in the team's language).

    >>> from dialogue.handoff import Handoff
    >>> h = Handoff("not_found", "order_status", "fr", {"order_id": "1001"}, False, None, (), "Order not found.",
    ...             (), ("wismo",), "support")
    >>> print(note_text(h))
    Order not found.
    Handoff: not_found (topic order_status, language fr, verified no)
    Collected: order_id=1001
    """
    lines = [handoff.summary] if handoff.summary else []
    verified = "yes" if handoff.verified else "no"
    lines.append(
        f"Handoff: {handoff.reason} (topic {handoff.topic or '-'}, language {handoff.language}, verified {verified})"
    )
    if handoff.slots:
        lines.append("Collected: " + ", ".join(f"{k}={v}" for k, v in sorted(handoff.slots.items())))
    lines += [f"Lookup by {a.by}: {a.outcome}" for a in handoff.lookups]
    return "\n".join(lines)
