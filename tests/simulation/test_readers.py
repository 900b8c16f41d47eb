"""The ticket readers: every input shape, and bad rows reported with file:line."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dialogue.simulation.readers import MAX_FIELD_CHARS, read_csv, read_file, read_tickets
from dialogue.simulation.tickets import AGENT, CUSTOMER

TICKETS = Path(__file__).resolve().parent.parent / "resources" / "tickets"


def _by_id(path: Path) -> dict:
    return {t.ticket_id: t for t in read_file(path).tickets}


def test_read_csv_groups_messages_of_one_ticket_in_order() -> None:
    ticket = _by_id(TICKETS / "messages.csv")["EN-3"]
    assert [m.author for m in ticket.messages] == [CUSTOMER, AGENT, CUSTOMER]
    assert ticket.customer_messages[1] == "Thanks for the quick answer"
    assert ticket.created_at == datetime(2025, 3, 10, 12, 32, tzinfo=UTC)
    assert ticket.source == "messages.csv:5"


def test_read_csv_keeps_tags_and_resolution() -> None:
    ticket = _by_id(TICKETS / "messages.csv")["EN-1"]
    assert ticket.tags == ("wismo",)
    assert ticket.resolution == "solved"


def test_read_csv_maps_author_synonyms_to_customer() -> None:
    assert _by_id(TICKETS / "messages.csv")["FR-2"].messages[0].author == CUSTOMER


def test_read_csv_one_row_per_ticket_without_author_column() -> None:
    tickets = _by_id(TICKETS / "first_messages.csv")
    assert sorted(tickets) == ["R-1", "R-2", "R-3"]
    assert tickets["R-2"].customer_messages == ("Est-ce que je peux parler à un humain ?",)


@pytest.mark.parametrize(
    ("file", "line", "fragment"),
    [
        ("messages.csv", 10, "ticket_id: missing"),
        ("messages.csv", 11, "created_at"),
        ("messages.csv", 12, "'martian' is neither"),
        ("messages.csv", 13, "text: empty"),
        ("messages.csv", 14, "expected 6 columns"),
        ("first_messages.csv", 5, "created_at: missing"),
        ("tickets.jsonl", 3, "not valid JSON"),
        ("tickets.jsonl", 4, "no customer message"),
        ("tickets.jsonl", 5, "ticket J-4: no messages"),
        ("intercom.json", 30, "created_at"),
        ("zendesk.json", 18, "comments: expected a list"),
    ],
)
def test_read_file_reports_bad_rows_with_line(file: str, line: int, fragment: str) -> None:
    bad = read_file(TICKETS / file).bad_rows
    assert any(b.source == file and b.line == line and fragment in b.message for b in bad), [
        str(b) for b in bad
    ]


@pytest.mark.parametrize(
    ("file", "good", "bad"),
    [
        ("messages.csv", 5, 5),
        ("first_messages.csv", 3, 1),
        ("tickets.jsonl", 2, 3),
        ("intercom.json", 2, 1),
        ("zendesk.json", 2, 1),
    ],
)
def test_read_file_counts_every_row_as_ticket_or_bad(file: str, good: int, bad: int) -> None:
    result = read_file(TICKETS / file)
    assert (len(result.tickets), len(result.bad_rows)) == (good, bad)


def test_read_csv_header_without_required_columns_is_one_bad_row() -> None:
    result = read_csv("id,body\n1,hello\n", "x.csv")
    assert result.tickets == ()
    assert [str(b) for b in result.bad_rows] == [
        "x.csv:1: header lacks column(s) ticket_id, created_at, text"
    ]


def test_read_csv_line_numbers_count_multiline_fields() -> None:
    text = 'ticket_id,created_at,text\nA,2025-01-01T00:00:00Z,"two\nlines"\nB,,bad\n'
    assert [b.line for b in read_csv(text, "m.csv").bad_rows] == [4]


def test_read_jsonl_accepts_message_rows_and_tickets() -> None:
    tickets = _by_id(TICKETS / "tickets.jsonl")
    assert tickets["J-1"].customer_messages == ("where's my stuff? order 1012", "tom.wilson@example.com")
    assert tickets["J-2"].source == "tickets.jsonl:2"


def test_read_intercom_strips_html_and_skips_notes() -> None:
    ticket = _by_id(TICKETS / "intercom.json")["IC-1"]
    assert ticket.customer_messages == ("Hi! Where is my order #1004? I'm jane@example.com",)
    assert ticket.agent_messages == ("It has shipped, here is the tracking link.",)
    assert ticket.tags == ("WISMO",)
    assert ticket.created_at == datetime(2025, 3, 10, 12, 30, tzinfo=UTC)


def test_read_intercom_lead_author_is_customer() -> None:
    assert _by_id(TICKETS / "intercom.json")["IC-2"].messages[0].author == CUSTOMER


def test_read_zendesk_sides_from_requester_and_private_comments_skipped() -> None:
    ticket = _by_id(TICKETS / "zendesk.json")["501"]
    assert [m.author for m in ticket.messages] == [CUSTOMER, AGENT]
    assert "note interne" not in " ".join(ticket.agent_messages)
    assert ticket.tags == ("where_is_my_order",)
    assert ticket.resolution == "solved"


def test_read_zendesk_ticket_with_inline_comments() -> None:
    ticket = _by_id(TICKETS / "zendesk.json")["502"]
    assert ticket.customer_messages == ("I need to change the delivery address of order 1025",)


def test_read_tickets_folder_reads_every_supported_file() -> None:
    result = read_tickets([TICKETS])
    ids = {t.ticket_id for t in result.tickets}
    assert {"EN-1", "R-1", "J-1", "IC-1", "501"} <= ids


def test_read_file_json_single_record(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text('{"ticket_id": "S", "created_at": "2025-01-01T00:00:00Z", "messages": [{"text": "hi"}]}')
    assert [t.ticket_id for t in read_file(path).tickets] == ["S"]


@pytest.mark.parametrize("separator", ["\u2028", "\f", "\u2029", "\x1c", "\x85"])
def test_read_csv_keeps_a_message_with_a_unicode_line_separator_in_one_row(separator: str) -> None:
    text = f"ticket_id,created_at,text\nA,2025-01-01T00:00:00Z,where is{separator}my order\nB,,bad\n"
    result = read_csv(text, "u.csv")
    assert [t.customer_messages for t in result.tickets] == [(f"where is{separator}my order",)]
    assert [b.line for b in result.bad_rows] == [3]


def test_read_csv_line_numbers_count_crlf_once() -> None:
    text = 'ticket_id,created_at,text\r\nA,2025-01-01T00:00:00Z,"two\r\nlines"\r\nB,,bad\r\n'
    assert [b.line for b in read_csv(text, "m.csv").bad_rows] == [4]


def test_read_jsonl_keeps_a_record_with_u2028_in_a_string(tmp_path: Path) -> None:
    path = tmp_path / "u.jsonl"
    record = {"ticket_id": "A", "created_at": "2025-01-01T00:00:00Z", "text": "a\u2028b\fc"}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = read_file(path)
    assert ([t.customer_messages for t in result.tickets], result.bad_rows) == ([("a\u2028b\fc",)], ())


def test_read_file_not_utf8_is_one_bad_row_naming_the_file(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(
        "ticket_id,created_at,text\nL-1,2025-03-10T12:00:00Z,où est ma commande\n".encode("latin-1")
    )
    good = tmp_path / "good.csv"
    good.write_text(
        "ticket_id,created_at,text\nG-1,2025-03-10T12:00:00Z,where is my order\n", encoding="utf-8"
    )
    result = read_tickets([latin, good])
    assert [t.ticket_id for t in result.tickets] == ["G-1"]
    [bad] = result.bad_rows
    assert (bad.source, bad.line) == ("latin1.csv", 2)
    assert "not UTF-8" in bad.message and "file skipped" in bad.message


def test_read_file_utf8_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfticket_id,created_at,text\nB-1,2025-03-10T12:00:00Z,hi\n")
    assert [t.ticket_id for t in read_file(path).tickets] == ["B-1"]


def test_read_csv_long_field_is_read_and_oversize_field_is_a_bad_row() -> None:
    long, huge = "x" * 200_000, "y" * (MAX_FIELD_CHARS + 1)
    text = (
        "ticket_id,created_at,text\n"
        f"L,2025-01-01T00:00:00Z,{long}\n"
        f'H,2025-01-01T00:00:00Z,"{huge}"\n'
        "N,2025-01-01T00:00:00Z,next\n"
    )
    result = read_csv(text, "big.csv")
    assert [t.ticket_id for t in result.tickets] == ["L", "N"]
    assert [(b.line, "over 1,048,576 characters" in b.message) for b in result.bad_rows] == [(3, True)]
    assert csv.field_size_limit() == 131_072  # restored for other readers in the process


def test_read_file_json_with_one_ticket_per_line_is_read_as_json_lines() -> None:
    result = read_file(TICKETS / "zendesk_lines.json")
    assert [(t.ticket_id, t.source) for t in result.tickets] == [("601", "zendesk_lines.json:1"),
                                                                 ("602", "zendesk_lines.json:2")]  # fmt: skip
    assert result.bad_rows == ()


def test_read_file_json_documents_with_a_bad_line_report_it_and_go_on(tmp_path: Path) -> None:
    path = tmp_path / "mixed.json"
    one = '{"ticket_id": "A", "created_at": "2025-01-01T00:00:00Z", "messages": [{"text": "hi"}]}'
    path.write_text(f"{one}\n{{broken\n{one.replace('A', 'B')}\n")
    result = read_file(path)
    assert [t.ticket_id for t in result.tickets] == ["A", "B"]
    assert [(b.line, "not valid JSON" in b.message) for b in result.bad_rows] == [(2, True)]


def test_read_file_json_invalid_document_is_still_skipped_whole(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"ticket_id": "A",\n')
    assert [b.message.endswith("file skipped") for b in read_file(path).bad_rows] == [True]


def test_read_csv_orders_messages_by_created_at_keeping_file_order_for_ties() -> None:
    text = (
        "ticket_id,created_at,author,text\n"
        "B-1,2025-03-10T12:10:00Z,customer,jane@example.com\n"
        "B-1,2025-03-10T12:00:00Z,customer,where is my order 1002\n"
        "B-1,2025-03-10T12:10:00Z,agent,thanks\n"
    )
    [ticket] = read_csv(text, "b.csv").tickets
    assert [m.text for m in ticket.messages] == ["where is my order 1002", "jane@example.com", "thanks"]
    assert ticket.source == "b.csv:2"


def test_read_json_ticket_orders_messages_by_created_at(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    messages = [
        {"text": "second", "created_at": "2025-03-10T12:05:00Z"},
        {"text": "undated, after second"},
        {"text": "first", "created_at": "2025-03-10T12:00:00Z"},
    ]
    path.write_text(
        json.dumps({"ticket_id": "O", "created_at": "2025-03-10T12:00:00Z", "messages": messages})
    )
    [ticket] = read_file(path).tickets
    assert ticket.customer_messages == ("first", "second", "undated, after second")
