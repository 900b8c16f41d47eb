"""Turn one decoded JSON record into a :class:`Ticket`: a plain ticket, an Intercom conversation or a
Zendesk ticket with its comments (field names as in the vendors' API specs).

>>> t = record_to_ticket({"id": 7, "created_at": 1714557600, "source": {"body": "<p>Where is &amp; my order?</p>",
...     "author": {"type": "user"}}, "conversation_parts": {"conversation_parts": []}}, "x.json:1")
>>> t.ticket_id, t.messages[0].text
('7', 'Where is & my order?')
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Any

from dialogue.simulation.comparison import closing_resolution
from dialogue.simulation.tickets import (
    AGENT,
    CUSTOMER,
    Ticket,
    TicketMessage,
    author_side,
    in_time_order,
    parse_when,
)

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li)\s*/?\s*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]+")
# Intercom part types that carry no message (assignments without a body are skipped anyway).
_SILENT_PARTS = frozenset({"note", "note_and_reopen"})


class RecordError(ValueError):
    """A record that cannot become a ticket; the message says which field is wrong."""


def plain_text(body: Any) -> str:
    """Text from an HTML message body, one line per paragraph.

    >>> plain_text("<p>Hello</p><p>order&nbsp;#1001<br>thanks</p>")
    'Hello\\norder #1001\\nthanks'
    """
    if not isinstance(body, str):
        return ""
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", body))).replace("\xa0", " ")
    return "\n".join(line for line in (_SPACES.sub(" ", x).strip() for x in text.splitlines()) if line)


def record_to_ticket(record: Any, where: str) -> Ticket:
    """The ticket in ``record``, whatever its shape (plain, Intercom or Zendesk).

    Raises:
        RecordError: The record is not an object, lacks an id or a date, or has no customer message.
    """
    if not isinstance(record, dict):
        raise RecordError(f"expected an object, got {type(record).__name__}")
    if "conversation_parts" in record or isinstance(record.get("source"), dict):
        ticket = _intercom(record, where)
    elif "comments" in record:
        ticket = _zendesk(record, where)
    elif "messages" in record:
        ticket = _plain(record, where)
    else:
        raise RecordError(
            "neither a ticket (messages), an Intercom conversation nor a Zendesk ticket (comments)"
        )
    if not ticket.messages:
        raise RecordError(f"ticket {ticket.ticket_id}: no messages")
    if not ticket.customer_messages:
        raise RecordError(f"ticket {ticket.ticket_id}: no customer message")
    return replace(ticket, messages=in_time_order(ticket.messages))


def _id(record: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = record.get(key)
        if value not in (None, ""):
            return str(value)
    raise RecordError(f"{keys[0]}: missing")


def _when(value: Any, field: str) -> Any:
    try:
        return parse_when(value)
    except ValueError as exc:
        raise RecordError(f"{field}: {exc}") from exc


def _tags(raw: Any) -> tuple[str, ...]:
    """Tags as a list of names, Intercom's ``{"tags": [{"name": ...}]}`` or a comma-separated string."""
    if isinstance(raw, dict):
        raw = raw.get("tags", [])
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list):
        return ()
    names = (t.get("name") if isinstance(t, dict) else t for t in raw)
    return tuple(str(n).strip() for n in names if n not in (None, "") and str(n).strip())


def _plain(record: dict[str, Any], where: str) -> Ticket:
    ticket_id = _id(record, "ticket_id", "id")
    raw_messages = record.get("messages")
    if not isinstance(raw_messages, list):
        raise RecordError("messages: expected a list")
    if not raw_messages:
        raise RecordError(f"ticket {ticket_id}: no messages")
    messages = []
    for i, raw in enumerate(raw_messages):
        if not isinstance(raw, dict) or not str(raw.get("text") or "").strip():
            raise RecordError(f"messages[{i}].text: missing")
        side = author_side(str(raw.get("author") or "customer"))
        if side is None:
            raise RecordError(
                f"messages[{i}].author: {raw.get('author')!r} is neither a customer nor an agent"
            )
        when = _when(raw["created_at"], f"messages[{i}].created_at") if raw.get("created_at") else None
        messages.append(TicketMessage(side, str(raw["text"]).strip(), when))
    first = next((m.created_at for m in messages if m.created_at), None)
    created = _when(record["created_at"], "created_at") if record.get("created_at") else first
    if created is None:
        raise RecordError("created_at: missing")
    resolution = record.get("resolution")
    return Ticket(ticket_id, created, tuple(messages), _tags(record.get("tags")),
                  str(resolution) if resolution else None, where)  # fmt: skip


def _intercom(record: dict[str, Any], where: str) -> Ticket:
    ticket_id = _id(record, "id")
    created = _when(record.get("created_at"), "created_at")
    messages = []
    source = record.get("source") or {}
    opening = plain_text(source.get("body"))
    if opening:
        side = author_side(str((source.get("author") or {}).get("type", "user"))) or CUSTOMER
        messages.append(TicketMessage(side, opening, created))
    parts = record.get("conversation_parts") or {}
    items = parts.get("conversation_parts", []) if isinstance(parts, dict) else parts
    if not isinstance(items, list):
        raise RecordError("conversation_parts: expected a list of parts")
    for part in items:
        if not isinstance(part, dict) or part.get("part_type") in _SILENT_PARTS:
            continue
        text = plain_text(part.get("body"))
        part_side = author_side(str((part.get("author") or {}).get("type", "")))
        if text and part_side:
            when = parse_when(part["created_at"]) if isinstance(part.get("created_at"), int) else None
            messages.append(TicketMessage(part_side, text, when))
    # An open or snoozed conversation is not a resolution: only a closed one says what the agent did.
    state = closing_resolution(str(record.get("state") or ""))
    return Ticket(ticket_id, created, tuple(messages), _tags(record.get("tags")), state, where)


def _zendesk(record: dict[str, Any], where: str) -> Ticket:
    nested = record.get("ticket")
    ticket: dict[str, Any] = nested if isinstance(nested, dict) else record
    ticket_id = _id(ticket, "id", "ticket_id")
    created = _when(ticket.get("created_at"), "created_at")
    requester = ticket.get("requester_id")
    comments = record.get("comments")
    if not isinstance(comments, list):
        raise RecordError("comments: expected a list")
    messages = []
    for i, comment in enumerate(comments):
        if not isinstance(comment, dict) or comment.get("public") is False:
            continue  # private comments are internal notes, not part of the conversation
        text = str(comment.get("plain_body") or comment.get("body") or "").strip() or plain_text(
            comment.get("html_body")
        )
        if not text:
            continue
        role = comment.get("author_role") or (comment.get("author") or {}).get("role")
        if role:
            side = author_side(str(role)) or AGENT
        elif requester is not None and "author_id" in comment:
            side = CUSTOMER if comment["author_id"] == requester else AGENT
        else:
            side = CUSTOMER if i == 0 else AGENT
        when = (
            _when(comment["created_at"], f"comments[{i}].created_at") if comment.get("created_at") else None
        )
        messages.append(TicketMessage(side, text, when))
    if not messages and str(ticket.get("description") or "").strip():
        messages.append(TicketMessage(CUSTOMER, str(ticket["description"]).strip(), created))
    # new, open, pending and hold tickets are not resolved: only solved or closed ones say what the agent did.
    status = closing_resolution(str(ticket.get("status") or ""))
    return Ticket(ticket_id, created, tuple(messages), _tags(ticket.get("tags")), status, where)
