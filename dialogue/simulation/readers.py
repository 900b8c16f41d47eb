"""Read past tickets from CSV, JSON Lines or JSON exports; every bad row is reported with ``file:line``.

Shapes understood (see ``docs/simulation.md``):

* CSV with ``ticket_id,created_at,author,text`` (optional ``tags``, ``resolution``): one row per message (a
  ticket's messages are put in time order, file order for equal times); or one row per ticket with its first
  message (``author`` may then be left out).
* JSON Lines: one record per line, each a message row (the CSV columns), a ticket
  (``{ticket_id, created_at, messages: [{author, text, created_at}], tags, resolution}``), an Intercom
  conversation or a Zendesk ticket with its ``comments``.
* JSON: a list of such records, or Intercom's ``{"conversations": [...]}`` / Zendesk's ``{"tickets": [...]}``; a
  ``.json`` file holding several documents (one per line, or one after the other) is read as JSON Lines.

Files must be UTF-8 (a byte-order mark is allowed); a file that is not is reported as one bad row and skipped.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from dialogue.simulation.exports import RecordError, record_to_ticket
from dialogue.simulation.tickets import (
    BadRow,
    ReadResult,
    Ticket,
    TicketMessage,
    author_side,
    in_time_order,
    parse_when,
)

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("ticket_id", "created_at", "text")
LIST_KEYS = ("conversations", "tickets")
_TAG_SPLIT = re.compile(r"[;,|]")
# Python's csv refuses fields over 131,072 characters; a message this long is a paste of a whole thread or a
# log, still worth replaying. Longer fields make their row a bad row, never a crash.
MAX_FIELD_CHARS = 1_048_576
_JSON_SPACE = " \t\r\n"


def read_tickets(paths: Iterable[str | Path]) -> ReadResult:
    """Every ticket in ``paths`` (files, or folders searched for ``*.csv``, ``*.jsonl``, ``*.json``)."""
    result = ReadResult()
    for path in _files(paths):
        part = read_file(path)
        logger.info(
            "simulation.read file=%s tickets=%d bad_rows=%d", path.name, len(part.tickets), len(part.bad_rows)
        )
        result = result.merge(part)
    return result


def _files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.suffix in (".csv", ".jsonl", ".ndjson", ".json")
            )
        else:
            yield path


def read_file(path: Path) -> ReadResult:
    """The tickets of one file, chosen by its extension (``.csv``, ``.jsonl``/``.ndjson``, ``.json``).

    Raises:
        FileNotFoundError: ``path`` does not exist.
    """
    source = path.name
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = (
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}); file skipped: "
            'save it as UTF-8 (Excel: "CSV UTF-8")'
        )
        return ReadResult((), (BadRow(source, line, message),))
    if path.suffix == ".csv":
        return read_csv(text, source)
    if path.suffix == ".json":
        return read_records(_json_records(text, source), source)
    return read_records(_json_lines(text, source), source)


def read_csv(text: str, source: str) -> ReadResult:
    """Tickets from CSV text; rows of one ``ticket_id`` become the messages of one ticket, in time order.

    >>> r = read_csv("ticket_id,created_at,text\\nT1,2024-05-01T10:00:00Z,where is my order?\\nT2,,hi\\n", "t.csv")
    >>> [t.ticket_id for t in r.tickets], [str(b) for b in r.bad_rows]
    (['T1'], ['t.csv:3: created_at: missing timestamp'])
    """
    limit = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        rows, bad = _csv_rows(text, source)
    finally:
        csv.field_size_limit(limit)
    if rows is None:
        return ReadResult((), tuple(bad))
    tickets, more_bad = _group_rows(rows, source)
    return ReadResult(tickets, tuple(sorted([*bad, *more_bad], key=lambda b: b.line)))


def _csv_rows(text: str, source: str) -> tuple[list[tuple[int, dict[str, Any]]] | None, list[BadRow]]:
    """The rows of CSV text with the physical line each starts on; ``None`` rows when the header is wrong.

    Only ``\\n``, ``\\r\\n`` and ``\\r`` end a record: a form feed or U+2028 inside a message is text.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error as exc:
        return None, [BadRow(source, 1, f"header: {exc}")]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return None, [BadRow(source, 1, f"header lacks column(s) {', '.join(missing)}")]
    rows: list[tuple[int, dict[str, Any]]] = []
    bad: list[BadRow] = []
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            oversize = "field larger" in str(exc)
            reason = (
                f"a field is over {MAX_FIELD_CHARS:,} characters" if oversize else f"not valid CSV ({exc})"
            )
            bad.append(BadRow(source, start, reason))
        else:
            if values and len(values) != len(header):
                bad.append(BadRow(source, start, f"expected {len(header)} columns"))
            elif values:
                rows.append((start, dict(zip(header, values, strict=True))))
        start = reader.line_num + 1
    return rows, bad


def read_records(records: Iterable[tuple[int, Any]], source: str) -> ReadResult:
    """Tickets from decoded JSON records (``(line, record)``); message rows are grouped by ``ticket_id``."""
    tickets: list[Ticket] = []
    bad: list[BadRow] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    for line, record in records:
        if isinstance(record, BadRow):
            bad.append(record)
        elif isinstance(record, dict) and "text" in record and "messages" not in record:
            rows.append((line, record))
        else:
            try:
                tickets.append(record_to_ticket(record, f"{source}:{line}"))
            except RecordError as exc:
                bad.append(BadRow(source, line, str(exc)))
    grouped, more_bad = _group_rows(rows, source)
    return ReadResult((*tickets, *grouped), tuple(sorted([*bad, *more_bad], key=lambda b: b.line)))


def _group_rows(
    rows: list[tuple[int, dict[str, Any]]], source: str
) -> tuple[tuple[Ticket, ...], list[BadRow]]:
    bad: list[BadRow] = []
    messages: dict[str, list[TicketMessage]] = {}
    first_line: dict[str, int] = {}
    tags: dict[str, list[str]] = {}
    resolution: dict[str, str] = {}
    for line, row in rows:
        try:
            ticket_id, message = _row_message(row)
        except ValueError as exc:
            bad.append(BadRow(source, line, str(exc)))
            continue
        first_line.setdefault(ticket_id, line)
        messages.setdefault(ticket_id, []).append(message)
        for tag in _TAG_SPLIT.split(str(row.get("tags") or "")):
            if tag.strip() and tag.strip() not in tags.setdefault(ticket_id, []):
                tags[ticket_id].append(tag.strip())
        if row.get("resolution"):
            resolution[ticket_id] = str(row["resolution"]).strip()
    tickets = []
    for ticket_id, items in messages.items():
        if not any(m.author == "customer" for m in items):
            bad.append(BadRow(source, first_line[ticket_id], f"ticket {ticket_id}: no customer message"))
            continue
        created = min(m.created_at for m in items if m.created_at is not None)
        tickets.append(
            Ticket(
                ticket_id=ticket_id,
                created_at=created,
                messages=in_time_order(items),
                tags=tuple(tags.get(ticket_id, ())),
                resolution=resolution.get(ticket_id),
                source=f"{source}:{first_line[ticket_id]}",
            )
        )
    return tuple(tickets), bad


def _row_message(row: dict[str, Any]) -> tuple[str, TicketMessage]:
    ticket_id = str(row.get("ticket_id") or "").strip()
    if not ticket_id:
        raise ValueError("ticket_id: missing")
    text = str(row.get("text") or "").strip()
    if not text:
        raise ValueError("text: empty message")
    author = str(row.get("author") or "customer")
    side = author_side(author)
    if side is None:
        raise ValueError(f"author: {author!r} is neither a customer nor an agent")
    try:
        when = parse_when(row.get("created_at"))
    except ValueError as exc:
        raise ValueError(f"created_at: {exc}") from exc
    return ticket_id, TicketMessage(side, text, when)


def _json_lines(text: str, source: str) -> Iterator[tuple[int, Any]]:
    # Only a line feed ends a line: JSON strings may hold U+2028 or a form feed unescaped.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, BadRow(source, number, f"not valid JSON ({exc.msg})")


def _json_records(text: str, source: str) -> Iterator[tuple[int, Any]]:
    """Each record of a JSON document with the line it starts on.

    The document is a list of records, an object whose ``conversations``/``tickets`` key holds them, or one record.
    Several documents in one file (an export written as JSON Lines under a ``.json`` name) are read one by one.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            yield from _json_documents(text, source)
        else:
            yield exc.lineno, BadRow(source, exc.lineno, f"not valid JSON ({exc.msg}); file skipped")
        return
    yield from _document_records(text, document, 0)


def _json_documents(text: str, source: str) -> Iterator[tuple[int, Any]]:
    """The records of every JSON document in ``text``, one after another; a bad one skips to the next line."""
    decoder = json.JSONDecoder()
    position = 0
    while True:
        while position < len(text) and text[position] in _JSON_SPACE:
            position += 1
        if position >= len(text):
            return
        try:
            document, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            line = text.count("\n", 0, position) + 1
            yield line, BadRow(source, line, f"not valid JSON ({exc.msg})")
            following = text.find("\n", position)
            position = len(text) if following < 0 else following + 1
            continue
        yield from _document_records(text, document, position)
        position = end


def _document_records(text: str, document: Any, offset: int) -> Iterator[tuple[int, Any]]:
    """The records of one decoded ``document`` that starts at ``offset`` in ``text``, with their lines."""
    key = next(
        (k for k in LIST_KEYS if isinstance(document, dict) and isinstance(document.get(k), list)), None
    )
    if isinstance(document, list):
        records, start = document, text.find("[", offset)
    elif key is not None:
        match = re.compile(rf'"{key}"\s*:\s*\[').search(text, offset)
        records, start = document[key], (match.end() - 1 if match else -1)
    else:
        yield text.count("\n", 0, offset) + 1, document
        return
    lines = _record_lines(text, start, len(records)) if start >= 0 else None
    first = text.count("\n", 0, offset) + 1
    for index, record in enumerate(records):
        yield (lines[index] if lines else first), record


def _record_lines(text: str, start: int, count: int) -> list[int] | None:
    """The line each element of the JSON array opening at ``start`` begins on (``None`` if it cannot tell)."""
    decoder = json.JSONDecoder()
    position, lines = start + 1, list[int]()
    while len(lines) < count:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        lines.append(text.count("\n", 0, position) + 1)
        try:
            _, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return None
    return lines
