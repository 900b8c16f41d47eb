"""Typed values for past tickets as the readers produce them, and the bad rows they skip.

A ticket is a list of messages in time order (file order where the export gives no time, or the same one);
each message is from the ``customer`` or from an ``agent`` (a human, a bot, or an internal note). What the agent did (tags, a resolution, reply text) is kept for the comparison.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

CUSTOMER = "customer"
AGENT = "agent"
# Author names as helpdesk exports spell them, mapped to the two sides of a ticket.
CUSTOMER_AUTHORS = frozenset(
    {"customer", "user", "lead", "contact", "end-user", "end_user", "requester", "client"}
)
AGENT_AUTHORS = frozenset({"agent", "admin", "bot", "team", "operator", "staff", "support"})
_EARLIEST = datetime.min.replace(tzinfo=UTC)


def author_side(author: str) -> str | None:
    """``customer``, ``agent`` or ``None`` for an author name as written in an export.

    >>> author_side("User"), author_side("admin"), author_side("martian")
    ('customer', 'agent', None)
    """
    name = author.strip().lower()
    if name in CUSTOMER_AUTHORS:
        return CUSTOMER
    if name in AGENT_AUTHORS:
        return AGENT
    return None


@dataclass(frozen=True, slots=True)
class TicketMessage:
    """One message of a ticket; ``created_at`` is ``None`` when the export does not date it."""

    author: str
    text: str
    created_at: datetime | None = None


def in_time_order(messages: Iterable[TicketMessage]) -> tuple[TicketMessage, ...]:
    """``messages`` stably sorted by ``created_at``; an undated message stays right after the one before it.

    Exports do not always list messages chronologically (a CSV sorted by author, comments re-ordered).

    >>> at = lambda minute: datetime(2025, 3, 10, 12, minute, tzinfo=UTC)
    >>> ms = [TicketMessage("customer", "b", at(5)), TicketMessage("agent", "?"),
    ...       TicketMessage("customer", "a", at(1)), TicketMessage("customer", "c", at(5))]
    >>> [m.text for m in in_time_order(ms)]
    ['a', 'b', '?', 'c']
    """
    keyed = []
    before = _EARLIEST
    for message in messages:
        before = message.created_at or before
        keyed.append((before, message))
    return tuple(m for _, m in sorted(keyed, key=lambda pair: pair[0]))


@dataclass(frozen=True)
class Ticket:
    """One past conversation.

    Attributes:
        ticket_id: The helpdesk's id (kept as text).
        created_at: When the first message arrived; it fixes the replay's clock.
        messages: Customer and agent messages in order.
        tags: Tags the agent applied.
        resolution: What the agent recorded as the outcome (a status, a disposition), if anything.
        source: ``file:line`` where the ticket starts, for messages that point at it.
    """

    ticket_id: str
    created_at: datetime
    messages: tuple[TicketMessage, ...]
    tags: tuple[str, ...] = ()
    resolution: str | None = None
    source: str = "<memory>"

    @property
    def customer_messages(self) -> tuple[str, ...]:
        return tuple(m.text for m in self.messages if m.author == CUSTOMER)

    @property
    def agent_messages(self) -> tuple[str, ...]:
        return tuple(m.text for m in self.messages if m.author == AGENT)

    @property
    def has_agent_data(self) -> bool:
        return bool(self.tags or self.resolution or self.agent_messages)


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row or record that was skipped, with where it is and why."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"source": self.source, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class ReadResult:
    """Every ticket read from some files and every row skipped on the way."""

    tickets: tuple[Ticket, ...] = ()
    bad_rows: tuple[BadRow, ...] = field(default_factory=tuple)

    def merge(self, other: ReadResult) -> ReadResult:
        return ReadResult(self.tickets + other.tickets, self.bad_rows + other.bad_rows)


def parse_when(value: object) -> datetime:
    """A timestamp from an export: ISO 8601 text or Unix seconds; naive values are taken as UTC.

    Raises:
        ValueError: The value is empty or not a timestamp.

    >>> parse_when("2024-05-01T10:00:00Z").isoformat()
    '2024-05-01T10:00:00+00:00'
    >>> parse_when(1714557600).isoformat()
    '2024-05-01T10:00:00+00:00'
    >>> parse_when("2024-05-01 10:00").isoformat()
    '2024-05-01T10:00:00+00:00'
    """
    if isinstance(value, bool) or value is None or value == "":
        raise ValueError("missing timestamp")
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        return datetime.fromtimestamp(float(value), tz=UTC)
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not a date and time: {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
