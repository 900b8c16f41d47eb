"""Zendesk Support: ``ticket.comment_added`` webhooks in, public replies and handoffs out as ticket updates.

Facts followed (shared integrations notes §2): the webhook signature is base64 HMAC-SHA256 of
``timestamp + raw body`` with the signing secret used as text, and a delivery whose timestamp is outside the
configured window is a replay; replies and notes are ``PUT /api/v2/tickets/{id}`` with ``ticket.comment``
(``public: true`` for the customer, ``false`` for an internal note), a handoff also sets ``group_id``,
``status`` and ``additional_tags``. Each update counts against Zendesk's 30 updates per ticket per 10 minutes,
so a turn's replies go out as one comment.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from typing import Any

import httpx
from sanic import Request

from dialogue.engine import TurnResult, UserMessage
from server.channels.base import Inbound, field, note_text, sub
from server.channels.errors import BadPayload
from server.channels.outbound import DeliveryFailed, HelpdeskClient, Step, run_steps
from server.channels.settings import OutboundSettings, ZendeskSettings
from server.channels.signatures import timestamp_age, verify_zendesk

logger = logging.getLogger(__name__)

COMMENT_ADDED = "zen:event-type:ticket.comment_added"
STATUS_CHANGED = "zen:event-type:ticket.status_changed"
# An agent who solves (or closes) the ticket is done with it: the bot answers the customer's next message.
RELEASING_STATUSES = frozenset({"SOLVED", "CLOSED"})
SIGNATURE_HEADER = "X-Zendesk-Webhook-Signature"
TIMESTAMP_HEADER = "X-Zendesk-Webhook-Signature-Timestamp"


class ZendeskChannel:
    """The Zendesk adapter; built from :class:`ZendeskSettings`."""

    name = "zendesk"

    def __init__(self, settings: ZendeskSettings, outbound: OutboundSettings) -> None:
        self.settings = settings
        self.outbound = outbound

    def __repr__(self) -> str:
        return f"ZendeskChannel(bot_user_id={self.settings.bot_user_id!r})"

    def authenticate(self, request: Request, now: datetime) -> str | None:
        signature = request.headers.get(SIGNATURE_HEADER)
        timestamp = request.headers.get(TIMESTAMP_HEADER)
        if not signature or not timestamp:
            return "missing_signature"
        if not verify_zendesk(self.settings.webhook_secret, request.body, signature, timestamp):
            return "bad_signature"
        age = timestamp_age(timestamp, now)
        if age is None or abs(age) > self.settings.timestamp_tolerance:
            return "stale_timestamp"
        return None

    def parse(self, payload: dict[str, Any]) -> Inbound:
        kind = field(payload, "type", str)
        if kind not in (COMMENT_ADDED, STATUS_CHANGED):
            return Inbound.ignore("unhandled_event")
        remote_id = str(field(payload, "detail.id", (str, int)))
        if not remote_id.isdigit():
            raise BadPayload("detail.id", "expected a ticket number")
        if kind == STATUS_CHANGED:
            return self._status_changed(payload, remote_id)
        comment = field(payload, "event.comment")
        comment_id = str(field(comment, "id", (str, int)))
        author = sub(comment, "author")
        if self.settings.bot_user_id and str(author.get("id")) == self.settings.bot_user_id:
            return Inbound.ignore("own_message")
        if author.get("is_staff") is True:
            return Inbound.ignore("staff_author")
        if comment.get("is_public") is False:
            return Inbound.ignore("private_comment")
        text = str(comment.get("body") or "").strip()
        if not text:
            return Inbound.ignore("empty")
        conversation_id = f"zendesk:{remote_id}"
        delivery = payload.get("id")
        return Inbound(
            "message",
            message=UserMessage(text=text, conversation_id=conversation_id, message_id=comment_id),
            conversation_id=conversation_id,
            remote_id=remote_id,
            delivery_id=str(delivery) if delivery else None,
        )

    @staticmethod
    def _status_changed(payload: dict[str, Any], remote_id: str) -> Inbound:
        """Release the ticket to the bot once it is solved or closed; other status changes are not ours."""
        current = sub(payload, "event").get("current")
        status = current if isinstance(current, str) else field(payload, "detail.status", str)
        if status.upper() not in RELEASING_STATUSES:
            return Inbound.ignore("status_not_releasing")
        return Inbound("release", conversation_id=f"zendesk:{remote_id}", remote_id=remote_id)

    def _client(self, http: httpx.AsyncClient) -> HelpdeskClient:
        auth = httpx.BasicAuth(f"{self.settings.email}/token", self.settings.token)
        headers = {"Accept": "application/json"}
        return HelpdeskClient(self.name, http, self.settings.base_url, headers, self.outbound, auth=auth)

    def _comment(self, body: str, public: bool) -> dict[str, Any]:
        comment: dict[str, Any] = {"body": body, "public": public}
        if self.settings.bot_user_id:
            comment["author_id"] = int(self.settings.bot_user_id)
        return comment

    async def deliver(self, http: httpx.AsyncClient, remote_id: str, result: TurnResult) -> None:
        api = self._client(http)
        path = f"/api/v2/tickets/{remote_id}"
        steps: list[Step] = []
        if result.replies:
            text = "\n\n".join(r.text for r in result.replies)
            reply = {"ticket": {"comment": self._comment(text, public=True)}}
            steps.append(partial(api.call, "reply", "PUT", path, reply))
        handoff = result.handoff
        if handoff is not None:
            routing = self.settings.routing
            ticket: dict[str, Any] = {
                "comment": self._comment(note_text(handoff), public=False),
                "status": self.settings.handoff_status,
                "additional_tags": list(routing.tags_for(handoff.tags)),
            }
            group = routing.team_for(handoff.reason, handoff.team)
            if group:
                ticket["group_id"] = int(group)
            steps.append(partial(self._handoff, api, path, ticket))
        await run_steps(steps)

    @staticmethod
    async def _handoff(api: HelpdeskClient, path: str, ticket: dict[str, Any]) -> None:
        """One update with the note, status, tags and group; if Zendesk refuses it whole (422: an unknown or
        inactive group), the note, status and tags go alone and the group after, so the agents still get the
        details and only the assignment fails (logged, kept in the outbox's failures)."""
        try:
            await api.call("handoff", "PUT", path, {"ticket": ticket})
            return
        except DeliveryFailed as exc:
            if exc.status not in (400, 422) or "group_id" not in ticket:
                raise
            logger.warning("channels.handoff_split channel=zendesk status=%s", exc.status)
        rest = {k: v for k, v in ticket.items() if k != "group_id"}
        await run_steps(
            [
                partial(api.call, "handoff", "PUT", path, {"ticket": rest}),
                partial(api.call, "assign", "PUT", path, {"ticket": {"group_id": ticket["group_id"]}}),
            ]
        )
