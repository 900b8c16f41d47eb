"""Intercom: ``conversation.user.*`` webhooks in, replies and handoffs out as the bot admin (REST API 2.16).

Facts followed (shared integrations notes §1): ``X-Hub-Signature`` is ``sha1=`` + HMAC-SHA1 of the raw body
with the app's client secret; delivery is at least once, so the envelope id and the part id are deduplicated;
replies are ``POST /conversations/{id}/reply`` as ``type: admin``; a handoff is a ``note`` plus an
``assignment`` to a team through ``POST /conversations/{id}/parts`` plus tags. A ``conversation.user.replied``
delivery without ``conversation_parts`` is completed with ``GET /conversations/{id}?display_as=plaintext``.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import datetime
from functools import partial
from html.parser import HTMLParser
from typing import Any

import httpx
from sanic import Request

from dialogue.engine import Customer, TurnResult, UserMessage
from dialogue.handoff import Handoff
from server.channels.base import Inbound, field, note_text, sub
from server.channels.errors import BadPayload
from server.channels.outbound import HelpdeskClient, Step, run_steps
from server.channels.settings import IntercomSettings, OutboundSettings
from server.channels.signatures import verify_intercom

USER_TOPICS = ("conversation.user.created", "conversation.user.replied")
FETCH_TIMEOUT = 2.0  # seconds for reading a conversation while the webhook waits
CUSTOMER_AUTHORS = ("user", "lead", "contact")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "p", "div", "li"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(body: str) -> str:
    """The text of an Intercom HTML body, one line per paragraph.

    >>> html_to_text("<p>Where is my order?</p><p>#1001 &amp; thanks</p>")
    'Where is my order?\\n#1001 & thanks'
    """
    parser = _TextExtractor()
    parser.feed(body)
    parser.close()
    lines = (re.sub(r"[ \t\xa0]+", " ", line).strip() for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def text_to_html(text: str) -> str:
    """Plain text as an Intercom body: escaped, one paragraph per line.

    >>> text_to_html("Order <b>1001</b>\\nshipped")
    '<p>Order &lt;b&gt;1001&lt;/b&gt;</p><p>shipped</p>'
    """
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())


class IntercomChannel:
    """The Intercom adapter; built from :class:`IntercomSettings`."""

    name = "intercom"

    def __init__(self, settings: IntercomSettings, outbound: OutboundSettings) -> None:
        self.settings = settings
        self.outbound = outbound
        self._tag_ids: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"IntercomChannel(admin_id={self.settings.admin_id!r})"

    def authenticate(self, request: Request, now: datetime) -> str | None:
        header = request.headers.get("X-Hub-Signature")
        if not header:
            return "missing_signature"
        if not verify_intercom(self.settings.client_secret, request.body, header):
            return "bad_signature"
        return None

    def parse(self, payload: dict[str, Any]) -> Inbound:
        topic = field(payload, "topic", str)
        if topic == "ping":
            return Inbound.ignore("ping")
        if topic not in (*USER_TOPICS, "conversation.admin.closed"):
            return Inbound.ignore("unhandled_topic")
        item = field(payload, "data.item")
        remote_id = str(field(item, "id", (str, int)))
        conversation_id = f"intercom:{remote_id}"
        delivery = payload.get("id")
        delivery_id = str(delivery) if delivery else None
        if topic == "conversation.admin.closed":
            return Inbound("release", conversation_id=conversation_id, remote_id=remote_id)
        if topic == USER_TOPICS[0]:
            return self._message(field(item, "source"), conversation_id, remote_id, delivery_id)
        listed = sub(item, "conversation_parts").get("conversation_parts")
        if not listed:
            # A reply whose delivery carries no parts: read the conversation (GET /conversations/{id}).
            return Inbound(
                "fetch", conversation_id=conversation_id, remote_id=remote_id, delivery_id=delivery_id
            )
        return self._message(self._newest_customer_part(item), conversation_id, remote_id, delivery_id)

    async def fetch(self, http: httpx.AsyncClient, inbound: Inbound) -> Inbound:
        """The newest customer message of a conversation whose webhook did not carry it, read through the API.

        Raises:
            DeliveryFailed: the API call failed (the webhook answers 503, so Intercom delivers it again).
            BadPayload: the conversation is not what the API documents.
        """
        path = f"/conversations/{inbound.remote_id}?display_as=plaintext"
        # On the webhook's own time (Intercom wants an answer within 5 s): one short try; Intercom's
        # redelivery after our 503 is the retry.
        quick = replace(self.outbound, retries=0, timeout=min(self.outbound.timeout, FETCH_TIMEOUT))
        conversation = await self._client(http, quick).call("fetch", "GET", path)
        if not isinstance(conversation, dict):
            raise BadPayload("conversation", "expected a JSON object from GET /conversations/{id}")
        part = self._newest_customer_part(conversation)
        return self._message(
            part, inbound.conversation_id, inbound.remote_id, inbound.delivery_id, plain=True
        )

    def _message(
        self,
        part: dict[str, Any] | None,
        conversation_id: str,
        remote_id: str,
        delivery_id: str | None,
        *,
        plain: bool = False,
    ) -> Inbound:
        """The customer's message in ``part`` (HTML unless ``plain``), or why it is ignored."""
        if part is None:
            return Inbound.ignore("no_customer_part")
        author = sub(part, "author")
        if author.get("type") not in CUSTOMER_AUTHORS:
            own = str(author.get("id")) == self.settings.admin_id
            return Inbound.ignore("own_message" if own else "not_from_customer")
        part_id = str(field(part, "id", (str, int)))
        body = part.get("body") or ""
        text = body.strip() if plain else html_to_text(body)
        if not text:
            return Inbound.ignore("empty")
        message = UserMessage(
            text=text,
            conversation_id=conversation_id,
            message_id=part_id,
            customer=self._customer(author),
        )
        return Inbound(
            "message",
            message=message,
            conversation_id=conversation_id,
            remote_id=remote_id,
            delivery_id=delivery_id,
        )

    @staticmethod
    def _newest_customer_part(item: dict[str, Any]) -> dict[str, Any] | None:
        parts = field(item, "conversation_parts.conversation_parts", list)
        comments = [p for p in parts if isinstance(p, dict) and p.get("part_type") == "comment"]
        customer = [p for p in comments if sub(p, "author").get("type") in CUSTOMER_AUTHORS]
        if customer:
            return customer[-1]
        return comments[-1] if comments else None  # an admin's part: ignored with its reason

    def _customer(self, author: dict[str, Any]) -> Customer | None:
        email = author.get("email")
        if not isinstance(email, str) or "@" not in email:
            return None
        # Users are identified by the workspace's own sign-in; leads typed their address themselves.
        verified = self.settings.trust_user_email and author.get("type") == "user"
        name = author.get("name") if isinstance(author.get("name"), str) else None
        return Customer(email=email, verified=verified, name=name)

    def _client(self, http: httpx.AsyncClient, outbound: OutboundSettings | None = None) -> HelpdeskClient:
        headers = {
            "Authorization": f"Bearer {self.settings.token}",
            "Intercom-Version": self.settings.version,
            "Accept": "application/json",
        }
        return HelpdeskClient(self.name, http, self.settings.base_url, headers, outbound or self.outbound)

    async def deliver(self, http: httpx.AsyncClient, remote_id: str, result: TurnResult) -> None:
        api = self._client(http)
        path = f"/conversations/{remote_id}"
        admin = self.settings.admin_id
        steps: list[Step] = [
            partial(api.call, "reply", "POST", f"{path}/reply", self._part("comment", r.text))
            for r in result.replies
        ]
        handoff = result.handoff
        if handoff is not None:
            note = self._part("note", note_text(handoff))
            steps.append(partial(api.call, "note", "POST", f"{path}/reply", note))
            team = self.settings.routing.team_for(handoff.reason, handoff.team)
            if team:
                assignment = {
                    "message_type": "assignment",
                    "type": "admin",
                    "admin_id": admin,
                    "assignee_id": team,
                }
                steps.append(partial(api.call, "assign", "POST", f"{path}/parts", assignment))
            steps += [partial(self._tag, api, remote_id, tag) for tag in self._tags(handoff)]
        await run_steps(steps)

    def _part(self, message_type: str, text: str) -> dict[str, Any]:
        return {
            "message_type": message_type,
            "type": "admin",
            "admin_id": self.settings.admin_id,
            "body": text_to_html(text),
        }

    def _tags(self, handoff: Handoff) -> tuple[str, ...]:
        return self.settings.routing.tags_for(handoff.tags)

    async def _tag(self, api: HelpdeskClient, remote_id: str, name: str) -> None:
        tag_id = self._tag_ids.get(name)
        if tag_id is None:
            # POST /tags creates the tag or returns the existing one of that name.
            created = await api.call("tag_create", "POST", "/tags", {"name": name})
            tag_id = str(created["id"]) if isinstance(created, dict) and "id" in created else None
            if tag_id is None:
                return
            self._tag_ids[name] = tag_id
        body = {"id": tag_id, "admin_id": self.settings.admin_id}
        await api.call("tag", "POST", f"/conversations/{remote_id}/tags", body)
