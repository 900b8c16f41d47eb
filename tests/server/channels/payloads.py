"""Webhook bodies as each helpdesk sends them (shapes from the shared integrations notes), and their signing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from server.channels.signatures import chatwoot_signature, intercom_signature, zendesk_signature

INTERCOM_SECRET = "test_client_secret"
ZENDESK_SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="
CHATWOOT_TOKEN = "url-token-1234"
BOT_ADMIN_ID = "991"
ZENDESK_BOT_USER = "555000"
CONTACT_EMAIL = "bob@example.com"


def dumps(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def intercom_created(
    conversation: str = "503",
    part: str = "403918334",
    text: str = "Where is my order?",
    *,
    author_type: str = "user",
    author_id: str = "6762f126",
    email: str | None = CONTACT_EMAIL,
    notif: str = "notif_1",
) -> dict[str, Any]:
    author: dict[str, Any] = {"type": author_type, "id": author_id, "name": "Bob"}
    if email:
        author["email"] = email
    return {
        "type": "notification_event",
        "app_id": "a86dr8yl",
        "id": notif,
        "topic": "conversation.user.created",
        "created_at": 1734537511,
        "delivery_attempts": 1,
        "data": {
            "type": "notification_event_data",
            "item": {
                "type": "conversation",
                "id": conversation,
                "state": "open",
                "source": {
                    "type": "conversation",
                    "id": part,
                    "delivered_as": "customer_initiated",
                    "body": f"<p>{text}</p>",
                    "author": author,
                },
                "conversation_parts": {
                    "type": "conversation_part.list",
                    "conversation_parts": [],
                    "total_count": 0,
                },
            },
        },
    }


def intercom_replied(
    conversation: str = "503",
    parts: list[tuple[str, str, str, str]] | None = None,
    *,
    notif: str = "notif_2",
) -> dict[str, Any]:
    """``parts``: (part id, author type, author id, text), oldest first."""
    listed = [
        {
            "type": "conversation_part",
            "id": pid,
            "part_type": "comment",
            "body": f"<p>{text}</p>",
            "author": {"type": kind, "id": aid},
        }
        for pid, kind, aid, text in (parts or [("1", "user", "6762f126", "#1001 please")])
    ]
    payload = intercom_created(conversation, notif=notif)
    payload["topic"] = "conversation.user.replied"
    payload["data"]["item"]["conversation_parts"] = {
        "type": "conversation_part.list",
        "conversation_parts": listed,
        "total_count": len(listed),
    }
    return payload


def intercom_headers(body: bytes, secret: str = INTERCOM_SECRET) -> dict[str, str]:
    return {"X-Hub-Signature": intercom_signature(secret, body), "Content-Type": "application/json"}


def zendesk_status_changed(
    ticket: str = "35436", current: str = "SOLVED", previous: str = "OPEN"
) -> dict[str, Any]:
    """A ``ticket.status_changed`` event: the common envelope, the ticket in ``detail``, the change in ``event``."""
    return {
        "type": "zen:event-type:ticket.status_changed",
        "account_id": 12514403,
        "id": f"status-{ticket}-{current}",
        "time": "2023-10-19T10:02:31.000Z",
        "zendesk_event_version": "2022-11-06",
        "subject": f"zen:ticket:{ticket}",
        "detail": {"id": ticket, "status": current, "group_id": "98738", "requester_id": "20978392"},
        "event": {"current": current, "previous": previous},
    }


def zendesk_comment(
    ticket: str = "35436",
    comment: str = "555666",
    text: str = "Where is my order?",
    *,
    author_id: str = "20978392",
    is_staff: bool = False,
    is_public: bool = True,
    event_id: str = "cbe4028c-7239",
) -> dict[str, Any]:
    return {
        "type": "zen:event-type:ticket.comment_added",
        "account_id": 12514403,
        "id": event_id,
        "time": "2023-10-19T09:41:15.245Z",
        "zendesk_event_version": "2022-11-06",
        "subject": f"zen:ticket:{ticket}",
        "detail": {
            "id": ticket,
            "status": "OPEN",
            "group_id": "98738",
            "requester_id": "20978392",
            "tags": [],
        },
        "event": {
            "comment": {
                "id": comment,
                "body": text,
                "is_public": is_public,
                "author": {"id": author_id, "is_staff": is_staff, "name": "Bob"},
            }
        },
    }


def zendesk_headers(
    body: bytes, *, when: datetime | None = None, secret: str = ZENDESK_SECRET
) -> dict[str, str]:
    timestamp = (when or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "X-Zendesk-Webhook-Signature": zendesk_signature(secret, timestamp, body),
        "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        "Content-Type": "application/json",
    }


def chatwoot_message(
    conversation: int = 57,
    message: int = 1234,
    text: str = "Where is my order?",
    *,
    message_type: str = "incoming",
    private: bool = False,
    sender_type: str | None = None,
    account: int = 1,
    browser_language: str | None = None,
) -> dict[str, Any]:
    sender: dict[str, Any] = {"id": 42, "name": "Bob", "email": CONTACT_EMAIL}
    if sender_type:
        sender["type"] = sender_type
    attributes = {"browser_language": browser_language} if browser_language else {}
    return {
        "event": "message_created",
        "id": message,
        "content": text,
        "content_type": "text",
        "message_type": message_type,
        "private": private,
        "account": {"id": account, "name": "Acme"},
        "inbox": {"id": 3, "name": "Website"},
        "sender": sender,
        "conversation": {
            "id": conversation,
            "status": "pending",
            "inbox_id": 3,
            "additional_attributes": attributes,
        },
    }


def chatwoot_headers(body: bytes, secret: str, *, timestamp: int | None = None) -> dict[str, str]:
    ts = str(timestamp if timestamp is not None else int(datetime.now(UTC).timestamp()))
    return {"X-Chatwoot-Signature": chatwoot_signature(secret, ts, body), "X-Chatwoot-Timestamp": ts}
