"""Chatwoot Agent Bot: ``message_created`` events in, replies and handoffs out through the account API.

Facts followed (shared integrations notes §3): only ``incoming``, non-private messages from contacts are
answered (agents carry ``sender.type: user``, bots ``agent_bot``); ``conversation.id`` is the display id used
in API paths; replies and private notes are ``POST …/messages``; a handoff is a private note, ``toggle_status``
to ``open`` (conversations wait as ``pending`` while a bot is active) and ``assignments`` with ``team_id``.
The pinned spec's bot webhooks are unsigned, so the bot URL carries a secret ``token`` query parameter compared
in constant time; Chatwoot 4.13+ also signs them, which is checked when ``WISMO_CHATWOOT_WEBHOOK_SECRET`` is set.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

import httpx
from sanic import Request

from dialogue.engine import Customer, TurnResult, UserMessage
from server.channels.base import Inbound, field, language_hint, note_text, sub
from server.channels.outbound import HelpdeskClient, Step, run_steps
from server.channels.settings import ChatwootSettings, OutboundSettings
from server.channels.signatures import timestamp_age, verify_chatwoot, verify_token

NON_CUSTOMER_SENDERS = ("user", "agent_bot")


class ChatwootChannel:
    """The Chatwoot adapter; built from :class:`ChatwootSettings`."""

    name = "chatwoot"

    def __init__(self, settings: ChatwootSettings, outbound: OutboundSettings) -> None:
        self.settings = settings
        self.outbound = outbound

    def __repr__(self) -> str:
        return f"ChatwootChannel(account_id={self.settings.account_id!r})"

    def authenticate(self, request: Request, now: datetime) -> str | None:
        token = request.args.get("token")
        if not token:
            return "missing_token"
        if not verify_token(self.settings.webhook_token, token):
            return "bad_token"
        if not self.settings.webhook_secret:
            return None
        signature = request.headers.get("X-Chatwoot-Signature")
        timestamp = request.headers.get("X-Chatwoot-Timestamp")
        if not signature or not timestamp:
            return "missing_signature"
        if not verify_chatwoot(self.settings.webhook_secret, request.body, signature, timestamp):
            return "bad_signature"
        age = timestamp_age(timestamp, now)
        if age is None or abs(age) > self.settings.timestamp_tolerance:
            return "stale_timestamp"
        return None

    def parse(self, payload: dict[str, Any]) -> Inbound:
        event = field(payload, "event", str)
        if event not in ("message_created", "conversation_resolved"):
            return Inbound.ignore("unhandled_event")
        if event == "conversation_resolved":
            # The conversation object is the payload itself for conversation events; its account is
            # ``account_id`` (Conversation#webhook_data), checked like a message's when it is there.
            account_id = payload.get("account_id")
            if account_id is not None and str(account_id) != self.settings.account_id:
                return Inbound.ignore("other_account")
            remote_id = str(field(payload, "id", int))
            return Inbound("release", conversation_id=f"chatwoot:{remote_id}", remote_id=remote_id)
        account = str(field(payload, "account.id", int))
        if account != self.settings.account_id:
            return Inbound.ignore("other_account")
        if payload.get("message_type") != "incoming":
            return Inbound.ignore("not_incoming")
        if payload.get("private") is True:
            return Inbound.ignore("private")
        sender = sub(payload, "sender")
        if sender.get("type") in NON_CUSTOMER_SENDERS:
            return Inbound.ignore("not_from_customer")
        message_id = str(field(payload, "id", int))
        remote_id = str(field(payload, "conversation.id", int))
        text = str(payload.get("content") or "").strip()
        if not text:
            return Inbound.ignore("empty")
        conversation_id = f"chatwoot:{remote_id}"
        message = UserMessage(
            text=text,
            conversation_id=conversation_id,
            message_id=message_id,
            language=self._language(payload),
            customer=self._customer(sender),
        )
        return Inbound("message", message=message, conversation_id=conversation_id, remote_id=remote_id)

    @staticmethod
    def _language(payload: dict[str, Any]) -> str | None:
        attributes = sub(sub(payload, "conversation"), "additional_attributes")
        browser = sub(attributes, "browser")
        return language_hint(attributes.get("browser_language") or browser.get("browser_language"))

    def _customer(self, sender: dict[str, Any]) -> Customer | None:
        email = sender.get("email")
        if not isinstance(email, str) or "@" not in email:
            return None
        name = sender.get("name") if isinstance(sender.get("name"), str) else None
        return Customer(email=email, verified=self.settings.trust_contact_email, name=name)

    def _client(self, http: httpx.AsyncClient) -> HelpdeskClient:
        headers = {"api_access_token": self.settings.token, "Accept": "application/json"}
        return HelpdeskClient(self.name, http, self.settings.base_url, headers, self.outbound)

    async def deliver(self, http: httpx.AsyncClient, remote_id: str, result: TurnResult) -> None:
        api = self._client(http)
        path = f"/api/v1/accounts/{self.settings.account_id}/conversations/{remote_id}"
        steps: list[Step] = [
            partial(
                api.call,
                "reply",
                "POST",
                f"{path}/messages",
                {"content": r.text, "message_type": "outgoing", "private": False},
            )
            for r in result.replies
        ]
        handoff = result.handoff
        if handoff is not None:
            note = {"content": note_text(handoff), "message_type": "outgoing", "private": True}
            steps.append(partial(api.call, "note", "POST", f"{path}/messages", note))
            steps.append(partial(api.call, "open", "POST", f"{path}/toggle_status", {"status": "open"}))
            team = self.settings.routing.team_for(handoff.reason, handoff.team)
            if team:
                steps.append(
                    partial(api.call, "assign", "POST", f"{path}/assignments", {"team_id": int(team)})
                )
        await run_steps(steps)
